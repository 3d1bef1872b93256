// Chapter 3's small validators, built up in three steps: straight-line code on an array of type
// names; then control frames and branches; then unreachable code and its polymorphic stack.
// Teaching code, not the compiler's: it reads the real bytes with the compiler's Reader and
// operator table (chapter 2), but keeps its stacks in plain arrays of strings and objects, and it
// knows only part of the instruction set (no calls, memory, globals, tables, references, select,
// or block types given by a type index). Each step is a subclass of the one before, so each
// listing in the chapter shows only what that step adds.
import { Reader } from '../../compiler/binary/reader.ts';
import { operatorInfo, type OperatorInfo } from '../../compiler/binary/operators.ts';
import { valTypeName } from '../../compiler/binary/types.ts';
import { CompileError } from '../../compiler/errors.ts';
import type { Output } from '../../src/lib/exampleOutput.ts';

// #region straight-line
/** A value type by name: 'i32', 'i64', 'f32', 'f64' (and, from step 3 on, 'unknown'). */
export type Type = string;
export interface Signature {
  params: Type[];
  results: Type[];
}

export class StraightLineValidator {
  protected stack: Type[] = [];
  protected locals: Type[] = [];
  protected r = new Reader(new Uint8Array(0), 0, 0, 0);
  /** Where the operator being checked starts: errors point at it. */
  protected at = 0;

  /** Check one function body (`body`, starting at byte `base` of the module) against `sig`. */
  check(sig: Signature, body: Uint8Array, base: number): void {
    const r = (this.r = new Reader(body, 0, body.length, base));
    this.stack = [];
    this.locals = [...sig.params]; // parameters are the first locals...
    for (let groups = r.u32(); groups > 0; groups--) {
      const count = r.u32(); // ...then runs of declared locals: (count, type)
      const type = valTypeName(r.u8());
      for (let i = 0; i < count; i++) this.locals.push(type);
    }
    this.begin(sig);
    let done = false;
    while (!done) {
      this.at = r.pos;
      const info = operatorInfo(r.u8());
      if (!info) this.fail('illegal opcode');
      done = this.operator(info);
    }
  }

  protected fail(message = 'type mismatch', at = this.at): never {
    throw new CompileError(message, this.r.base + at);
  }
  protected push(t: Type): void {
    this.stack.push(t);
  }
  /** Pop one value; if `expected` is given, it must be of that type. */
  protected pop(expected?: Type): Type {
    const t = this.stack.pop();
    if (t === undefined) this.fail(); // nothing there
    if (expected !== undefined && t !== expected) this.fail();
    return t;
  }
  /** Pop values of these types: the last one is on top. */
  protected popAll(types: readonly Type[]): void {
    for (let i = types.length - 1; i >= 0; i--) this.pop(types[i]);
  }
  protected pushAll(types: readonly Type[]): void {
    for (const t of types) this.push(t);
  }

  private results: Type[] = [];
  protected begin(sig: Signature): void {
    this.results = sig.results;
  }

  /** Check one operator. Returns true at the function's final `end`. */
  protected operator(info: OperatorInfo): boolean {
    const r = this.r;
    // Over a hundred numeric operators have a plain signature in the operator table:
    // [i32 i32] -> [i32] for i32.add, [i64] -> [i32] for i64.eqz, [] -> [f64] for f64.const.
    if (info.family === 'unary' || info.family === 'binary' || info.family === 'compare' || info.family === 'const') {
      if (info.family === 'const') readConstant(r, info.immediate); // skip its bytes: any value has the type
      this.popAll(info.params.map(valTypeName));
      this.pushAll(info.results.map(valTypeName));
      return false;
    }
    switch (info.name) {
      case 'local.get':
        this.push(this.local(r.u32()));
        return false;
      case 'local.set':
        this.pop(this.local(r.u32()));
        return false;
      case 'local.tee': {
        const t = this.local(r.u32());
        this.pop(t);
        this.push(t);
        return false;
      }
      case 'drop':
        this.pop(); // any type will do
        return false;
      case 'nop':
        return false;
      case 'end': // the function's end: exactly its results must be left
        this.popAll(this.results);
        if (this.stack.length !== 0) this.fail();
        return true;
      default:
        return this.fail(`no rule for ${info.name} in this validator`);
    }
  }

  protected local(index: number): Type {
    const t = this.locals[index];
    if (t === undefined) this.fail(`unknown local ${index}`, this.at + 1); // at the index
    return t;
  }
}
// #endregion straight-line

/** Skip a constant's immediate: its value does not matter to its type. */
function readConstant(r: Reader, immediate: string): void {
  if (immediate === 'i32') r.s32();
  else if (immediate === 'i64') r.i64();
  else if (immediate === 'f32') r.u32Fixed();
  else r.u64Fixed();
}

// #region control-frames
interface Frame {
  kind: 'function' | 'block' | 'loop' | 'if' | 'else';
  params: Type[];
  results: Type[];
  /** The operand stack's height when the frame was entered: below it is out of reach. */
  height: number;
  /** Set once the rest of the frame can never run (after br, br_table, return, unreachable). */
  unreachable: boolean;
}

export class FrameValidator extends StraightLineValidator {
  protected frames: Frame[] = [];
  protected get innermost(): Frame {
    return this.frames[this.frames.length - 1]!;
  }

  protected override begin(sig: Signature): void {
    // The function body is the outermost frame: it takes nothing, and leaves its results.
    this.frames = [{ kind: 'function', params: [], results: sig.results, height: 0, unreachable: false }];
  }

  protected override pop(expected?: Type): Type {
    if (this.stack.length === this.innermost.height) this.fail(); // a wall: not this frame's value
    return super.pop(expected);
  }

  /** Open a frame: its parameters move from the stack outside to the stack inside. */
  protected enter(kind: 'block' | 'loop' | 'if', type: Signature): void {
    this.popAll(type.params);
    this.frames.push({ kind, ...type, height: this.stack.length, unreachable: false });
    this.pushAll(type.params);
  }

  /** At `else` and `end`: exactly the frame's results must be on its stack. */
  protected checkResults(frame: Frame): void {
    this.popAll(frame.results);
    if (this.stack.length !== frame.height) this.fail();
  }

  protected override operator(info: OperatorInfo): boolean {
    switch (info.name) {
      case 'block':
      case 'loop':
        this.enter(info.name, this.blockType());
        return false;
      case 'if': {
        const type = this.blockType();
        this.pop('i32'); // the condition, on top of the parameters
        this.enter('if', type);
        return false;
      }
      case 'else': {
        const frame = this.innermost;
        if (frame.kind !== 'if') this.fail('else without if');
        this.checkResults(frame); // the then-arm must leave the results...
        frame.kind = 'else';
        frame.unreachable = false;
        this.pushAll(frame.params); // ...and the else-arm starts again from the parameters
        return false;
      }
      case 'end': {
        const frame = this.innermost;
        this.checkResults(frame);
        // An if without else leaves its parameters when the condition is false: they must be its results.
        if (frame.kind === 'if' && frame.params.join() !== frame.results.join()) this.fail();
        this.frames.pop();
        if (this.frames.length === 0) return true; // the function's own end
        this.pushAll(frame.results);
        return false;
      }
      default:
        return this.branch(info);
    }
  }

  /** `block (result i32)` is the byte 0x7f, `block` alone 0x40: a block takes no parameters. */
  private blockType(): Signature {
    const byte = this.r.u8();
    if (byte === 0x40) return { params: [], results: [] };
    const t = valTypeName(byte);
    if (!['i32', 'i64', 'f32', 'f64'].includes(t)) this.fail('no block types by index in this validator');
    return { params: [], results: [t] };
  }
  // #endregion control-frames

  // #region branch-rules
  /** A relative label: 0 is the innermost frame, 1 the one around it, ... */
  protected label(depth: number): Frame {
    if (depth >= this.frames.length) this.fail('unknown label');
    return this.frames[this.frames.length - 1 - depth]!;
  }
  /** What a branch to the frame carries: back to a loop's start, its parameters; else its results. */
  protected labelTypes(frame: Frame): Type[] {
    return frame.kind === 'loop' ? frame.params : frame.results;
  }

  private branch(info: OperatorInfo): boolean {
    const r = this.r;
    switch (info.name) {
      case 'br':
        this.popAll(this.labelTypes(this.label(r.u32())));
        this.branchedAway();
        return false;
      case 'br_if': {
        const types = this.labelTypes(this.label(r.u32()));
        this.pop('i32');
        this.popAll(types); // the values the branch carries if it is taken...
        this.pushAll(types); // ...stay on the stack if it is not
        return false;
      }
      case 'br_table': {
        const depths = Array.from({ length: r.u32() }, () => r.u32());
        const fallbackDepth = r.u32(); // the default target
        this.pop('i32');
        const fallback = this.label(fallbackDepth);
        for (const depth of depths) {
          const types = this.labelTypes(this.label(depth));
          if (types.length !== this.labelTypes(fallback).length) this.fail(); // same arity
          const kept = [...this.stack];
          this.popAll(types); // the values must fit this target too...
          this.stack = kept; // ...and stay for the next one
        }
        this.popAll(this.labelTypes(fallback));
        this.branchedAway();
        return false;
      }
      case 'return':
        this.popAll(this.frames[0]!.results);
        this.branchedAway();
        return false;
      case 'unreachable':
        this.branchedAway();
        return false;
      default:
        return super.operator(info);
    }
  }

  /** After br, br_table, return or unreachable: note it, and check the rest as if it could run. */
  protected branchedAway(): void {
    this.innermost.unreachable = true;
  }
  // #endregion branch-rules
}

// #region polymorphic-stack
export class Validator extends FrameValidator {
  protected override branchedAway(): void {
    super.branchedAway();
    this.stack.length = this.innermost.height; // nothing here will ever read these values
  }

  protected override pop(expected?: Type): Type {
    const frame = this.innermost;
    // At the wall of a frame that cannot be reached: a value of whatever type was asked for.
    if (this.stack.length === frame.height && frame.unreachable) return expected ?? 'unknown';
    return super.pop(expected);
  }
}
// #endregion polymorphic-stack

// ---- Running the three steps on the chapter's bodies, beside Lightbeam's validator ----

/** Each body is checked inside (func (param i32) (result i32) ...). */
export const SIGNATURE: Signature = { params: ['i32'], results: ['i32'] };

/** The bodies each step of the chapter is shown on: what the body shows, and its WAT. */
export const STEP_BODIES: Record<'one' | 'two' | 'three', [what: string, body: string][]> = {
  one: [
    ['fine', '(i32.add (local.get 0) (i32.const 2))'],
    ['an i64 where an i32 belongs', '(i32.add (i32.const 1) (i64.const 2))'],
    ['one operand too few (chapter 1\'s program)', 'i32.const 1 i32.add'],
    ['one value too many', '(i32.const 1) (i32.const 2)'],
    ['a comparison leaves an i32', '(i64.lt_s (i64.extend_i32_s (local.get 0)) (i64.const 10))'],
    ['a local that does not exist', '(local.get 3)'],
    ['a block', '(block (result i32) (local.get 0))'],
  ],
  two: [
    ['a block leaves its result', '(block (result i32) (local.get 0))'],
    ['a block takes nothing it was not given', '(i32.const 7) (block drop)'],
    ['a block that promises an i32 and leaves none', '(block (result i32) nop) drop (i32.const 0)'],
    ['if and else both leave an i32', '(if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))'],
    ['an if without else must leave what it took', '(if (result i32) (local.get 0) (then (i32.const 1)))'],
    ['br_if carries the block\'s i32', '(block (result i32) (br_if 0 (i32.const 1) (local.get 0)) drop (i32.const 2))'],
    ['br_if with an i64 for an i32 block', '(block (result i32) (br_if 0 (i64.const 1) (local.get 0)) drop (i32.const 2))'],
    ['a loop\'s label carries its parameters: none', '(loop (result i32) (br_if 0 (local.get 0)) (i32.const 1))'],
    ['br_table: targets of the same arity', '(block (block (br_table 0 1 (local.get 0)))) (i32.const 0)'],
    ['br_table: one target takes an i32, one nothing', '(block (result i32) (block (br_table 0 1 (i32.const 5) (local.get 0))) (i32.const 1))'],
    ['a branch to a label that does not exist', '(block (br 2)) (i32.const 0)'],
    ['return, at the end', '(return (i32.const 1))'],
    ['br, at the end of a block', '(block (result i32) (br 0 (i32.const 1)))'],
  ],
  three: [
    ['return, at the end', '(return (i32.const 1))'],
    ['br, at the end of a block', '(block (result i32) (br 0 (i32.const 1)))'],
    ['after unreachable, anything goes...', 'unreachable i32.add'],
    ['...but not a known wrong type', 'unreachable (i64.const 1) i32.add'],
    ['a branch throws away what is under its values', '(block (result i32) (i64.const 9) (br 0 (i32.const 1)))'],
    ['...but values pushed after it are checked', '(block (result i32) (br 0 (i32.const 1)) (i64.const 2))'],
    ['br_if gives unknown values its label\'s types', '(block (result i32) unreachable (br_if 0 (local.get 0)) i64.eqz)'],
    ['br_table: one unknown value fits an i32 and an i64 target', '(block (result i64) (block (result i32) unreachable (br_table 0 1 (local.get 0))) i64.extend_i32_s) i32.wrap_i64'],
    ['an else starts reachable again', '(if (result i32) (local.get 0) (then unreachable) (else (i64.const 1)))'],
  ],
};

/** The one function body of a module: its bytes and where they start in the module. */
export function functionBody(module: Uint8Array): { body: Uint8Array; base: number } {
  const r = new Reader(module, 8, module.length, 0);
  while (r.u8() !== 10) r.bytesOf(r.u32()); // skip every section up to the code section (id 10)
  r.u32(); // the section's size
  r.u32(); // its number of bodies: one
  const size = r.u32();
  return { body: module.subarray(r.pos, r.pos + size), base: r.pos };
}

/** A verdict: "valid", or the error's message and byte offset. */
export function verdictOf(check: () => unknown): string {
  try {
    check();
    return 'valid';
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    return `${e.reason} (byte 0x${e.offset!.toString(16)})`;
  }
}

export const STEPS = { one: StraightLineValidator, two: FrameValidator, three: Validator };

/** Each body of a step: its verdict by that step's validator and by Lightbeam's. */
export async function stepVerdicts(step: keyof typeof STEPS): Promise<{ what: string; body: string; small: string; lightbeam: string }[]> {
  const { watToWasm } = await import('../../compiler/text/watToWasm.ts');
  const { validateModule } = await import('../../compiler/validate/index.ts');
  const rows = [];
  for (const [what, body] of STEP_BODIES[step]) {
    const module = await watToWasm(`(module (func (param i32) (result i32) ${body}))`, { name: 'body.wat', validate: false });
    const { body: bytes, base } = functionBody(module);
    const small = verdictOf(() => new STEPS[step]().check(SIGNATURE, bytes, base));
    rows.push({ what, body, small, lightbeam: verdictOf(() => validateModule(module)) });
  }
  return rows;
}

async function stepTable(step: keyof typeof STEPS, title: string): Promise<Output[]> {
  const rows = (await stepVerdicts(step)).map((v) => [v.what, v.body, v.small, v.small === v.lightbeam ? 'the same' : v.lightbeam]);
  return [{ kind: 'table', title, columns: ['', 'body', `step ${step}`, 'Lightbeam'], rows }];
}

export const stepOne = (): Promise<Output[]> => stepTable('one', 'Straight-line bodies, each inside (func (param i32) (result i32) ...)');
export const stepTwo = (): Promise<Output[]> => stepTable('two', 'Blocks and branches, each inside (func (param i32) (result i32) ...)');
export const stepThree = (): Promise<Output[]> => stepTable('three', 'Unreachable code, each inside (func (param i32) (result i32) ...)');

/** A long body of live code: blocks, br_if, arithmetic and locals, repeated. */
export const LONG_BODY_PIECE = '(block (result i32) (br_if 0 (i32.add (local.get 0) (i32.const 1)) (i32.eqz (local.get 0))) (i32.mul (i32.const 3))) (local.set 0)';
const LONG_BODY_COPIES = 20_000;

/** CPU time of one call, in milliseconds. */
function cpuMs(run: () => void): number {
  const started = process.cpuUsage();
  run();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

/** The small validator (step three) and Lightbeam's on the same long body, interleaved, best of seven. */
export async function speed(): Promise<Output[]> {
  const { watToWasm } = await import('../../compiler/text/watToWasm.ts');
  const { validateModule } = await import('../../compiler/validate/index.ts');
  const { describeMachine } = await import('../../src/lib/exampleOutput.ts');
  const wat = `(module (func (param i32) (result i32) ${LONG_BODY_PIECE.repeat(LONG_BODY_COPIES)} (local.get 0)))`;
  const module = await watToWasm(wat, { name: 'long.wat' });
  const { body, base } = functionBody(module);
  const small: number[] = [];
  const lightbeam: number[] = [];
  for (let i = 0; i < 7; i++) {
    small.push(cpuMs(() => new Validator().check(SIGNATURE, body, base)));
    lightbeam.push(cpuMs(() => validateModule(module)));
  }
  const best = (xs: number[]): number => Math.min(...xs);
  const rate = (ms: number): string => `${(body.length / 1e3 / ms).toFixed(0)} MB/s`;
  return [{
    kind: 'measured',
    title: `A ${body.length.toLocaleString('en')}-byte body (${LONG_BODY_COPIES.toLocaleString('en')} copies of one block), CPU time, best of 7`,
    columns: ['validator', 'CPU time', 'throughput'],
    rows: [
      ['the small validator (step three)', `${best(small).toFixed(1)} ms`, rate(best(small))],
      ['Lightbeam\'s (the whole module)', `${best(lightbeam).toFixed(1)} ms`, rate(best(lightbeam))],
    ],
    machine: await describeMachine(),
  }];
}
