// A real compile, watched operator by operator: after each operator the code generator lowers,
// where every value on the abstract value stack is, where each local lives, which merge layouts
// the open blocks have fixed, and which instructions the operator produced. Nothing in the
// compiler changes for this: the validator drives a Proxy around the ordinary X64CodeGenerator,
// and the snapshot reads the generator's own state after each call. The pictures in
// src/lib/pictures/ are drawn from these traces, so a change in the compiler changes them.
import { watToWasm } from '../../../compiler/text/watToWasm.ts';
import { StreamingValidator } from '../../../compiler/validate/index.ts';
import { X64CodeGenerator } from '../../../compiler/codegen/moduleCompiler.ts';
import type { FunctionCompiler } from '../../../compiler/codegen/functionCompiler.ts';
import type { CFrame } from '../../../compiler/codegen/controlFlow.ts';
import { FrameKind } from '../../../compiler/validate/codegenInterface.ts';
import { Loc, type Value } from '../../../compiler/codegen/valueStack.ts';
import { listFunctions, type ListedFunction, type ListedInstruction } from '../../../compiler/codegen/listing.ts';
import { valTypeName } from '../../../compiler/binary/types.ts';
import { CONDITIONS, loadIced } from '../../../compiler/x64/index.ts';

export type LocKind = 'const' | 'reg' | 'slot' | 'local' | 'flags' | 'local+';

export interface TracedValue {
  kind: LocKind;
  /** i32, i64, f32, f64, ... */
  type: string;
  /** What the picture writes in the box: "ecx", "5", "slot 2", "local 0", "flags: l". */
  text: string;
  /** Register id (0-31) when kind is 'reg'. */
  reg?: number;
}

export interface TracedFrame {
  /** Stable across steps: the same block keeps its id. */
  id: number;
  kind: string;
  /** Position in the control stack: 0 is the function's own frame, 1 a block directly inside it. */
  level: number;
  /** How many values an edge to it carries (a loop's parameters, a block's results). */
  arity: number;
  /** Fixed merge layout: a register name per value, or "slot" — or null while no edge has fixed it. */
  layout: string[] | null;
}

export interface TracedStep {
  /** The operator as the disassembly notes it ("local.get 0", "i32.add", "br_if 0"). */
  op: string;
  stack: TracedValue[];
  /** Where each local is: its register (if it has one and the register holds it) or "frame". */
  locals: string[];
  /** The value type of each local (i32, f64, ...). */
  localTypes: string[];
  /** Register ids owned by a stack entry or holding a local. */
  busy: number[];
  frames: TracedFrame[];
  /** The instructions this operator's lowering emitted (empty: it only changed the stack). */
  instructions: ListedInstruction[];
}

export interface Trace {
  name: string;
  steps: TracedStep[];
  prologue: ListedInstruction[];
  stubs: ListedInstruction[];
  listing: ListedFunction;
}

const GPR64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const GPR32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];

/** A register id's name, sized by the value type (i32 values live in 32-bit registers). */
export function regName(id: number, type = 'i64'): string {
  if (id >= 16) return `xmm${id - 16}`;
  return type === 'i32' ? GPR32[id]! : GPR64[id]!;
}

function describe(v: Value): TracedValue {
  const type = valTypeName(v.type);
  switch (v.loc) {
    case Loc.Const: {
      const text = type === 'i32' ? String(v.imm) : type === 'i64' ? String((BigInt(v.hi) << 32n) | BigInt(v.imm >>> 0)) : `bits ${(v.imm >>> 0).toString(16)}`;
      return { kind: 'const', type, text };
    }
    case Loc.Reg:
      return { kind: 'reg', type, text: regName(v.n, type), reg: v.n };
    case Loc.Slot:
      return { kind: 'slot', type, text: `slot ${v.n}` };
    case Loc.Local:
      return { kind: 'local', type, text: `local ${v.n}` };
    case Loc.LocalPlus:
      return { kind: 'local+', type, text: `local ${v.n}+${v.imm}` };
    case Loc.Flags:
      return { kind: 'flags', type, text: `flags: ${CONDITIONS[v.n]}` };
    default:
      throw new Error(`trace: unknown value location ${String(v.loc)}`);
  }
}

/** The generator's private state, read (never written) between operators. */
interface GeneratorInternals {
  fc: FunctionCompiler | null;
  fnNotes: [number, string][];
}

function snapshot(fc: FunctionCompiler, op: string, frameIds: Map<CFrame, number>): TracedStep {
  const stack = fc.stack.entries.slice(0, fc.stack.height).map(describe);
  const locals = fc.locals.types.map((t, i) => {
    const r = fc.locals.liveRegister(i);
    return r >= 0 ? regName(r, valTypeName(t)) : 'frame';
  });
  const busy: number[] = [];
  for (let r = 0; r < 32; r++) if (fc.stack.regOwner[r] !== -1) busy.push(r);
  for (let i = 0; i < fc.locals.types.length; i++) {
    const r = fc.locals.liveRegister(i);
    if (r >= 0 && !busy.includes(r)) busy.push(r);
  }
  const frames = fc.control.frames.map((f, level) => {
    if (!frameIds.has(f)) frameIds.set(f, frameIds.size);
    return {
      id: frameIds.get(f)!,
      level,
      kind: FRAME_KINDS[f.kind] ?? String(f.kind),
      arity: f.kind === FrameKind.loop ? f.params.length : f.results.length,
      layout: f.layout ? f.layout.map((p, i) => (p >= 0 ? regName(p, valTypeName(f.kind === FrameKind.loop ? f.params[i]! : f.results[i]!)) : 'slot')) : null,
    };
  });
  return { op, stack, locals, localTypes: fc.locals.types.map(valTypeName), busy: busy.sort((a, b) => a - b), frames, instructions: [] };
}
const FRAME_KINDS = Object.fromEntries(Object.entries(FrameKind).map(([k, v]) => [v, k])) as Record<number, string>;

/** Compiles `wat` and traces the function exported (or named) `fn`. */
export async function traceFunction(wat: string, fn: string): Promise<Trace> {
  await loadIced();
  const bytes = await watToWasm(wat, { name: `${fn}.wat`, names: true });
  const gen = new X64CodeGenerator(true);
  const inside = gen as unknown as GeneratorInternals;
  const byFunction = new Map<number, TracedStep[]>();
  // Labels are numbered in the order the compile opened them (0 is the function's own frame).
  const frameIds = new Map<CFrame, number>();
  const watched = new Proxy(gen, {
    get(target, key) {
      const member = Reflect.get(target, key, target) as unknown;
      if (typeof member !== 'function') return member;
      return (...args: unknown[]) => {
        const before = inside.fc ? inside.fnNotes.length : -1;
        const result = (member as (...a: unknown[]) => unknown).apply(target, args);
        const fc = inside.fc;
        if (fc && before >= 0 && inside.fnNotes.length > before) {
          const steps = byFunction.get(fc.funcIndex) ?? [];
          byFunction.set(fc.funcIndex, steps);
          steps.push(snapshot(fc, inside.fnNotes[inside.fnNotes.length - 1]![1], frameIds));
        }
        return result;
      };
    },
  });
  const v = new StreamingValidator(watched);
  v.push(bytes);
  v.finish();
  if (!gen.result) throw new Error('trace: the module was not compiled');
  if (!('fnNotes' in gen) || !('fc' in gen)) throw new Error('trace: X64CodeGenerator no longer has fc/fnNotes; update src/lib/pictures/trace.ts');
  const listing = listFunctions(gen.result).find((f) => f.name === fn);
  if (!listing) throw new Error(`trace: no function ${fn}`);
  const steps = byFunction.get(listing.index) ?? [];
  // Hand each instruction to the operator whose note starts it. A note line "a; b" means a
  // emitted nothing before b started; the instructions that follow belong to b.
  const prologue: ListedInstruction[] = [];
  const stubs: ListedInstruction[] = [];
  let bucket = prologue;
  let cursor = 0;
  for (const ins of listing.instructions) {
    if (ins.wasm) {
      for (const note of ins.wasm.split('; ')) {
        if (note === 'prologue' || note === 'stack overflow stub') bucket = prologue;
        else if (note === 'trap stubs') bucket = stubs;
        else {
          const step = steps[cursor++];
          if (!step || step.op !== note) throw new Error(`trace: note "${note}" does not match operator ${step?.op ?? '(none)'} in ${fn}`);
          bucket = step.instructions;
        }
      }
    }
    bucket.push(ins);
  }
  return { name: fn, steps, prologue, stubs, listing };
}
