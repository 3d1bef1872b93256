// Chapters 8 and 9's starting point: the smallest compiler with control flow and calls that
// really runs. It is teaching code, not production code. It is chapter 7's version 1 ("no
// registers") on real x86: every WebAssembly value lives in the frame slot of its stack position
// and every local in a slot of its own, so at every label and every call all values are already
// in memory, where any path and any callee can find them. It is driven by the real validator of
// chapter 3, like chapter 6's naive-stack.ts, and knows only i32 locals and a few i32 operators,
// blocks, loops, ifs, br, br_if, return and calls between the module's own functions (System V
// registers, so koffi can call the exports). It has no stack check and no division-by-zero trap:
// the examples never recurse deeply or divide by zero.
import { StreamingValidator, NoopCodeGenerator, FrameKind, labelTypes, type ControlFrame, type FunctionContext } from '../../compiler/validate/index.ts';
import { Assembler, dword, eax, edx, edi, esi, ecx, r8d, r9d, rsp, al, disassemble, loadIced, type Gpr, type Label, type CondName } from '../../compiler/x64/index.ts';
import type { FuncType } from '../../compiler/binary/types.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { firstBodyInstruction, listFunctions } from '../../compiler/codegen/listing.ts';
import { nativeUnavailable } from '../../src/lib/examples.ts';
import { repoRoot } from '../../src/lib/root.ts';
import { describeMachine, type Output } from '../../src/lib/exampleOutput.ts';

const ARGS: readonly Gpr[] = [edi, esi, edx, ecx, r8d, r9d];
const COMPARE: Record<number, CondName> = { 0x45: 'e', 0x46: 'e', 0x47: 'ne', 0x48: 'l', 0x49: 'b', 0x4a: 'g', 0x4b: 'a', 0x4c: 'le', 0x4d: 'be', 0x4e: 'ge', 0x4f: 'ae' };
const ARITHMETIC = { 0x6a: 'add', 0x6b: 'sub', 0x6c: 'imul', 0x71: 'and', 0x72: 'or', 0x73: 'xor' } as const;

// #region slot-frame
/** One compiled module: every function in one piece of code, entered at its label. */
export class SlotCompiler extends NoopCodeGenerator {
  readonly asm = new Assembler();
  readonly entries = new Map<number, Label>();
  private locals = 0; // locals (parameters first) take slots 0 .. locals-1
  private height = 0; // the operand stack's height: position p is in slot locals + p
  private deepest = 0;
  private frameSizeAt: number[] = []; // where the prologue's and epilogue's frame size go
  private ctx!: FunctionContext;
  private labels: { label: Label; elseLabel?: Label }[] = []; // by control depth

  private local(i: number) {
    return dword(rsp, 8 * i);
  }
  private slot(p: number) {
    return dword(rsp, 8 * (this.locals + p));
  }
  private pushed(): number {
    this.deepest = Math.max(this.deepest, this.height + 1);
    return this.height++;
  }
  entry(funcIndex: number): Label {
    if (!this.entries.has(funcIndex)) this.entries.set(funcIndex, this.asm.newLabel(`f${funcIndex}`));
    return this.entries.get(funcIndex)!;
  }

  override beginFunction(ctx: FunctionContext): void {
    if (ctx.locals.some((t) => t !== 0x7f) || ctx.type.results.length > 1 || ctx.type.params.length > ARGS.length) {
      throw new Error('the slot compiler knows i32 locals, up to six parameters and one result only');
    }
    const a = this.asm;
    this.ctx = ctx;
    this.locals = ctx.locals.length;
    this.height = this.deepest = 0;
    this.labels = [{ label: a.newLabel() }]; // the function's own label: branches to it return
    a.bind(this.entry(ctx.funcIndex));
    a.sub(rsp, 0x7ffffff8); // the frame size is known only at the end: patched by endFunction
    this.frameSizeAt = [a.offset - 4];
    ctx.locals.forEach((_, i) => a.mov(this.local(i), i < ctx.type.params.length ? ARGS[i]! : 0));
  }
  override endFunction(): void {
    // Slots for the locals and the deepest stack, and rsp a multiple of 16 again (the call pushed 8).
    const slots = this.locals + this.deepest;
    for (const at of this.frameSizeAt) this.asm.patch32(at, 8 * slots + (slots % 2 === 0 ? 8 : 0));
  }
  // #endregion slot-frame

  // #region slot-operators
  override i32Const(value: number): void {
    this.asm.mov(this.slot(this.pushed()), value);
  }
  override localGet(index: number): void {
    this.asm.mov(eax, this.local(index));
    this.asm.mov(this.slot(this.pushed()), eax);
  }
  override localSet(index: number): void {
    this.asm.mov(eax, this.slot(--this.height));
    this.asm.mov(this.local(index), eax);
  }
  override localTee(index: number): void {
    this.asm.mov(eax, this.slot(this.height - 1));
    this.asm.mov(this.local(index), eax);
  }
  override drop(): void {
    this.height--;
  }
  override binary(opcode: number): void {
    const a = this.asm;
    const right = this.slot(--this.height);
    const left = this.slot(this.height - 1);
    a.mov(eax, left);
    if (opcode in ARITHMETIC) a.emit(ARITHMETIC[opcode as keyof typeof ARITHMETIC], eax, right);
    else if (opcode === 0x6e || opcode === 0x70) { // div_u, rem_u: edx:eax / right
      a.xor(edx, edx);
      a.div(right);
      if (opcode === 0x70) a.mov(eax, edx);
    } else throw new Error(`the slot compiler has no opcode 0x${opcode.toString(16)}`);
    a.mov(left, eax);
  }
  override compare(opcode: number): void {
    const a = this.asm;
    const cc = COMPARE[opcode];
    if (!cc) throw new Error(`the slot compiler has no comparison 0x${opcode.toString(16)}`);
    if (opcode !== 0x45) this.height--; // i32.eqz compares with 0, the others with a second operand
    const left = this.slot(this.height - 1);
    a.mov(eax, left);
    a.cmp(eax, opcode === 0x45 ? 0 : this.slot(this.height));
    a.setcc(cc, al);
    a.movzx(eax, al);
    a.mov(left, eax);
  }
  // #endregion slot-operators

  // #region slot-control
  /** Does a branch to `target` carry values that are not yet in the slots its label expects? */
  private mustMove(target: ControlFrame): boolean {
    const n = labelTypes(target).length;
    return n > 0 && this.height - n !== target.height;
  }
  /** Copy the values a branch carries from the top of the stack to where its label expects them. */
  private moveToLabel(target: ControlFrame): void {
    if (!this.mustMove(target)) return;
    const n = labelTypes(target).length;
    for (let k = 0; k < n; k++) {
      this.asm.mov(eax, this.slot(this.height - n + k));
      this.asm.mov(this.slot(target.height + k), eax);
    }
  }
  private popCondition(): void {
    this.asm.mov(eax, this.slot(--this.height));
    this.asm.test(eax, eax);
  }
  override block(frame: ControlFrame): void {
    this.labels[frame.depth] = { label: this.asm.newLabel() };
  }
  override loop(frame: ControlFrame): void {
    this.labels[frame.depth] = { label: this.asm.here() }; // branches to a loop go back to its start
  }
  override if(frame: ControlFrame): void {
    const elseLabel = this.asm.newLabel();
    this.popCondition();
    this.asm.jcc('e', elseLabel);
    this.labels[frame.depth] = { label: this.asm.newLabel(), elseLabel };
  }
  override else(frame: ControlFrame): void {
    const { label, elseLabel } = this.labels[frame.depth]!;
    if (!frame.unreachable) this.asm.jmp(label); // the then-arm's result is in its slot already
    this.asm.bind(elseLabel!);
    this.labels[frame.depth]!.elseLabel = undefined;
    this.height = frame.height + frame.type.params.length;
  }
  override end(frame: ControlFrame): void {
    const { label, elseLabel } = this.labels[frame.depth]!;
    if (elseLabel) this.asm.bind(elseLabel); // an if without else: false goes straight to the end
    if (frame.kind !== FrameKind.loop) this.asm.bind(label);
    this.height = frame.height + frame.type.results.length; // also after dead code
    if (frame.kind === FrameKind.function) {
      if (frame.type.results.length) this.asm.mov(eax, this.slot(0));
      this.asm.add(rsp, 0x7ffffff8); // the frame size again
      this.frameSizeAt.push(this.asm.offset - 4);
      this.asm.ret();
    }
  }
  override br(_depth: number, target: ControlFrame): void {
    this.moveToLabel(target);
    this.asm.jmp(this.labels[target.depth]!.label);
  }
  override brIf(_depth: number, target: ControlFrame): void {
    const a = this.asm;
    const label = this.labels[target.depth]!.label;
    this.popCondition();
    if (!this.mustMove(target)) return a.jcc('ne', label); // nothing to move: one jump
    const skip = a.newLabel(); // the moves happen only if the branch is taken
    a.jcc('e', skip);
    this.moveToLabel(target);
    a.jmp(label);
    a.bind(skip);
  }
  override unreachable(): void {
    this.asm.ud2(); // an invalid instruction: the process would stop here (the examples never get here)
  }
  override return(): void {
    this.br(0, this.ctx.frame(this.ctx.controlDepth() - 1)); // a branch to the function's own label
  }
  // #endregion slot-control

  // #region slot-call
  override call(funcIndex: number, type: FuncType): void {
    const a = this.asm;
    this.height -= type.params.length; // the arguments are the top values, in their slots
    type.params.forEach((_, k) => a.mov(ARGS[k]!, this.slot(this.height + k)));
    a.call(this.entry(funcIndex)); // every other value is in memory already: nothing to save
    if (type.results.length) a.mov(this.slot(this.pushed()), eax);
  }
  // #endregion slot-call
}

// Anything else the validator reports is an operator the slot compiler does not know: refuse it
// rather than silently compile nothing for it.
const KNOWN = new Set(['beginModule', 'endModule', ...Object.getOwnPropertyNames(SlotCompiler.prototype)]);
for (const name of Object.getOwnPropertyNames(NoopCodeGenerator.prototype)) {
  if (KNOWN.has(name)) continue;
  Object.defineProperty(SlotCompiler.prototype, name, {
    value() {
      throw new Error(`the slot compiler has no ${name}`);
    },
  });
}

/** Validate and compile a module; each export's entry is an offset into `code`. */
export function compileWithSlots(wasm: Uint8Array): { code: Uint8Array; exports: Map<string, number> } {
  const cg = new SlotCompiler();
  const v = new StreamingValidator(cg);
  v.push(wasm);
  const info = v.finish();
  const exports = new Map<string, number>();
  const { code, labels } = cg.asm.finish();
  for (const e of info.exports) if (e.kind === 'func') exports.set(e.name, labels.get(`f${e.index}`)!);
  return { code, exports };
}

// ---- What the book shows: the slot compiler's code beside Lightbeam's, run and timed.

/** A loop that adds n + (n-1) + ... + 1 (chapter 7's x = x + y example). */
export const SUM_DOWN = `(module
  (func (export "sumDown") (param $n i32) (result i32) (local $t i32)
    (loop $next
      (local.set $t (i32.add (local.get $t) (local.get $n)))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $t)))`;

/** The programs compared: [name, WAT file or text, export, arguments to run, arguments to time (none: too short to time)]. */
export const slotCases: [string, string, string, number[], number[] | null][] = [
  ['pick', 'book/examples/pick.wat', 'pick', [1, 5, 7], null],
  ['firstFactor', 'book/examples/first-factor.wat', 'firstFactor', [91], [2_147_483_647]],
  ['sumDown', SUM_DOWN, 'sumDown', [100], [10_000_000]],
  ['fib', 'book/examples/fib.wat', 'fib', [20], [27]],
];

/** The instructions of one export of a slot-compiled module: from its entry to its `ret`. */
export function slotListing(code: Uint8Array, entry: number): string[] {
  const lines = disassemble(code.subarray(entry)).map((l) => l.text);
  return lines.slice(0, lines.indexOf('ret') + 1);
}

/** Lightbeam's instructions for one export, without the prologue (stack check, frame, moving parameters home) and the trap stubs. */
export function lightbeamBody(wasm: Uint8Array, name: string): string[] {
  const f = listFunctions(compileModule(wasm, { notes: true })).find((g) => g.name === name)!;
  const stubs = f.instructions.findIndex((i) => i.wasm.includes('trap stubs'));
  const first = firstBodyInstruction(f);
  return f.instructions.slice(first, stubs < 0 ? undefined : stubs).map((i) => i.text).filter((t) => !t.startsWith('nop'));
}

/** Instructions that read or write memory (the stack check aside, both compilers' memory is the frame). */
export const memoryOperands = (xs: readonly string[]): number => xs.filter((t) => t.includes('[')).length;

async function wasmOf(source: string): Promise<Uint8Array> {
  const text = source.startsWith('(module') ? source : readFileSync(join(repoRoot(), source), 'utf8');
  return watToWasm(text, { name: source.startsWith('(module') ? 'inline.wat' : source });
}

/** Milliseconds for one call (best of five). */
function bestOf5(run: () => unknown): number {
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Both compilers on the named cases: listings, counts, results, and (on x86-64 Linux) times. */
async function compare(names: readonly string[], show: string): Promise<Output[]> {
  await loadIced();
  const why = nativeUnavailable();
  const out: Output[] = [];
  const counts: (string | number)[][] = [];
  const times: (string | number)[][] = [];
  for (const [name, source, fn, args, timed] of slotCases.filter(([n]) => names.includes(n))) {
    const wasm = await wasmOf(source);
    const { code, exports } = compileWithSlots(wasm);
    const slots = slotListing(code, exports.get(fn)!);
    const lb = lightbeamBody(wasm, fn);
    if (name === show) {
      out.push({ kind: 'asm', title: `${name}: the slot compiler`, listing: slots.join('\n') });
      out.push({ kind: 'asm', title: `${name}: Lightbeam (without the prologue)`, listing: lb.join('\n') });
    }
    let result: string | number = 'not run';
    if (!why) {
      const native = (await import('../../compiler/runtime/native.ts')).getNative();
      const { CodeMemory } = await import('../../compiler/runtime/codeMemory.ts');
      const { Instance, Module } = await import('../../compiler/api/index.ts');
      const memory = new CodeMemory(code);
      const types = args.map(() => 'int32_t');
      const toy = native.koffi.decode(native.pointer(memory.address + exports.get(fn)!), native.koffi.proto('int32_t', types)) as (...a: number[]) => number;
      const real = new Instance(new Module(wasm), {}).exports[fn] as (...a: number[]) => number;
      result = toy(...args);
      if (result !== real(...args)) throw new Error(`${name}: the slot compiler gives ${result}, Lightbeam ${real(...args)}`);
      if (timed) {
        const [slow, fast] = [bestOf5(() => toy(...timed)), bestOf5(() => real(...timed))];
        times.push([`${fn}(${timed.join(', ')})`, slow.toFixed(2), fast.toFixed(2), (slow / fast).toFixed(1)]);
      }
    }
    counts.push([name, slots.length, memoryOperands(slots), lb.length, memoryOperands(lb), `${fn}(${args.join(', ')}) = ${result}`]);
  }
  out.push({ kind: 'table', title: 'Instructions, and how many of them touch memory', columns: ['function', 'slot compiler', 'memory', 'Lightbeam', 'memory', 'slot code, run natively'], rows: counts, nowrap: [1, 2, 3, 4] });
  if (why) out.push({ kind: 'unavailable', reason: why });
  else out.push({ kind: 'measured', title: 'Milliseconds per call (best of five)', columns: ['call', 'slot compiler', 'Lightbeam', 'ratio'], rows: times, machine: await describeMachine() });
  return out;
}

/** Chapter 8: blocks, loops, ifs and branches with every value in its slot. */
export const controlFlow = (): Promise<Output[]> => compare(['pick', 'firstFactor', 'sumDown'], 'pick');
/** Chapter 9: calls with every value already in memory. */
export const calls = (): Promise<Output[]> => compare(['fib'], 'fib');
