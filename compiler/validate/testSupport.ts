// Helpers for the decoder and validator tests (and the decode benchmarks): hand-built modules,
// and a code generator that records what it is told. Test-only, not used by the compiler.

import type { FuncType, GlobalType, ModuleInfo, RefType, ValType } from '../binary/types.ts';
import { CompileError } from '../errors.ts';
import { type CatchClauses, type ControlFrame, type FunctionContext, NoopCodeGenerator } from './codegenInterface.ts';

/** The CompileError's reason (its message without the position) that `fn` throws, or 'no error'. */
export function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CompileError) return e.reason;
    throw e;
  }
  return 'no error';
}

export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

export function section(id: number, payload: number[]): number[] {
  return [id, ...leb(payload.length), ...payload];
}

export const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export function moduleOf(...sections: number[][]): Uint8Array {
  return new Uint8Array([...HEADER, ...sections.flat()]);
}

/** A module with one `[] -> []` function whose body (locals included) is `body`. */
export function moduleWithBody(body: number[]): Uint8Array {
  return moduleOf(section(1, [1, 0x60, 0, 0]), section(3, [1, 0]), section(10, [1, ...leb(body.length), ...body]));
}

/** Records every call as a line of text: name and arguments (frames as kind/depth/unreachable). */
export class RecordingCodeGenerator extends NoopCodeGenerator {
  readonly events: string[] = [];
  readonly offsets: number[] = [];
  private log(offset: number, name: string, ...args: unknown[]): void {
    this.events.push(args.length ? `${name} ${args.join(' ')}` : name);
    this.offsets.push(offset);
  }
  private static frame(f: ControlFrame): string {
    return `[kind=${f.kind} depth=${f.depth} dead=${f.unreachable}]`;
  }
  override beginModule(m: ModuleInfo): void { this.log(-1, 'beginModule', m.functions.length); }
  override endModule(m: ModuleInfo): void { this.log(-1, 'endModule', m.functions.length); }
  override beginFunction(c: FunctionContext, offset: number): void { this.log(offset, 'beginFunction', c.funcIndex, c.locals.join(',')); }
  override endFunction(i: number, offset: number): void { this.log(offset, 'endFunction', i); }
  override unreachable(o: number): void { this.log(o, 'unreachable'); }
  override block(f: ControlFrame, o: number): void { this.log(o, 'block', RecordingCodeGenerator.frame(f)); }
  override loop(f: ControlFrame, o: number): void { this.log(o, 'loop', RecordingCodeGenerator.frame(f)); }
  override if(f: ControlFrame, o: number): void { this.log(o, 'if', RecordingCodeGenerator.frame(f)); }
  override else(f: ControlFrame, o: number): void { this.log(o, 'else', RecordingCodeGenerator.frame(f)); }
  override end(f: ControlFrame, o: number): void { this.log(o, 'end', RecordingCodeGenerator.frame(f)); }
  override br(d: number, t: ControlFrame, o: number): void { this.log(o, 'br', d, t.depth); }
  override brIf(d: number, t: ControlFrame, o: number): void { this.log(o, 'brIf', d, t.depth); }
  override brTable(ts: Uint32Array, n: number, def: number, o: number): void { this.log(o, 'brTable', Array.from(ts.subarray(0, n)).join(','), def); }
  override return(o: number): void { this.log(o, 'return'); }
  override call(f: number, t: FuncType, o: number): void { this.log(o, 'call', f, t.params.length, t.results.length); }
  override callIndirect(ti: number, _t: FuncType, table: number, o: number): void { this.log(o, 'callIndirect', ti, table); }
  override returnCall(f: number, t: FuncType, o: number): void { this.log(o, 'returnCall', f, t.params.length, t.results.length); }
  override returnCallIndirect(ti: number, _t: FuncType, table: number, o: number): void { this.log(o, 'returnCallIndirect', ti, table); }
  override tryTable(f: ControlFrame, c: CatchClauses, o: number): void {
    const clauses = Array.from({ length: c.count }, (_, k) => `${c.kinds[k]}:${c.tags[k]}:${c.labels[k]}`).join(',');
    this.log(o, 'tryTable', RecordingCodeGenerator.frame(f), clauses);
  }
  override throw(tag: number, _t: FuncType, o: number): void { this.log(o, 'throw', tag); }
  override throwRef(o: number): void { this.log(o, 'throwRef'); }
  override legacyTry(f: ControlFrame, o: number): void { this.log(o, 'legacyTry', RecordingCodeGenerator.frame(f)); }
  override legacyCatch(f: ControlFrame, tag: number, o: number): void { this.log(o, 'legacyCatch', tag, RecordingCodeGenerator.frame(f)); }
  override delegate(f: ControlFrame, d: number, o: number): void { this.log(o, 'delegate', d, RecordingCodeGenerator.frame(f)); }
  override rethrow(d: number, o: number): void { this.log(o, 'rethrow', d); }
  override wideArithmetic(op: number, o: number): void { this.log(o, 'wideArithmetic', op); }
  override drop(t: ValType, o: number): void { this.log(o, 'drop', t); }
  override select(t: ValType, o: number): void { this.log(o, 'select', t); }
  override localGet(i: number, t: ValType, o: number): void { this.log(o, 'localGet', i, t); }
  override localSet(i: number, t: ValType, o: number): void { this.log(o, 'localSet', i, t); }
  override localTee(i: number, t: ValType, o: number): void { this.log(o, 'localTee', i, t); }
  override globalGet(i: number, t: GlobalType, o: number): void { this.log(o, 'globalGet', i, t.type, t.mutable); }
  override globalSet(i: number, t: GlobalType, o: number): void { this.log(o, 'globalSet', i, t.type, t.mutable); }
  override i32Const(v: number, o: number): void { this.log(o, 'i32Const', v); }
  override i64Const(lo: number, hi: number, o: number): void { this.log(o, 'i64Const', lo, hi); }
  override f32Const(b: number, o: number): void { this.log(o, 'f32Const', b); }
  override f64Const(lo: number, hi: number, o: number): void { this.log(o, 'f64Const', lo, hi); }
  override v128Const(b: Uint8Array, o: number): void { this.log(o, 'v128Const', Array.from(b).join(',')); }
  override unary(op: number, o: number): void { this.log(o, 'unary', op); }
  override binary(op: number, o: number): void { this.log(o, 'binary', op); }
  override compare(op: number, o: number): void { this.log(o, 'compare', op); }
  override ternary(op: number, o: number): void { this.log(o, 'ternary', op); }
  override simdLane(op: number, lane: number, o: number): void { this.log(o, 'simdLane', op, lane); }
  override shuffle(lanes: Uint8Array, o: number): void { this.log(o, 'shuffle', Array.from(lanes).join(',')); }
  override load(op: number, m: number, a: number, off: number, o: number): void { this.log(o, 'load', op, m, a, off); }
  override store(op: number, m: number, a: number, off: number, o: number): void { this.log(o, 'store', op, m, a, off); }
  override loadLane(op: number, m: number, a: number, off: number, lane: number, o: number): void { this.log(o, 'loadLane', op, m, a, off, lane); }
  override storeLane(op: number, m: number, a: number, off: number, lane: number, o: number): void { this.log(o, 'storeLane', op, m, a, off, lane); }
  override memorySize(m: number, o: number): void { this.log(o, 'memorySize', m); }
  override memoryGrow(m: number, o: number): void { this.log(o, 'memoryGrow', m); }
  override memoryInit(d: number, m: number, o: number): void { this.log(o, 'memoryInit', d, m); }
  override dataDrop(d: number, o: number): void { this.log(o, 'dataDrop', d); }
  override memoryCopy(a: number, b: number, o: number): void { this.log(o, 'memoryCopy', a, b); }
  override memoryFill(m: number, o: number): void { this.log(o, 'memoryFill', m); }
  override refNull(t: RefType, o: number): void { this.log(o, 'refNull', t); }
  override refIsNull(o: number): void { this.log(o, 'refIsNull'); }
  override refFunc(f: number, o: number): void { this.log(o, 'refFunc', f); }
  override tableGet(t: number, o: number): void { this.log(o, 'tableGet', t); }
  override tableSet(t: number, o: number): void { this.log(o, 'tableSet', t); }
  override tableSize(t: number, o: number): void { this.log(o, 'tableSize', t); }
  override tableGrow(t: number, o: number): void { this.log(o, 'tableGrow', t); }
  override tableFill(t: number, o: number): void { this.log(o, 'tableFill', t); }
  override tableCopy(a: number, b: number, o: number): void { this.log(o, 'tableCopy', a, b); }
  override tableInit(e: number, t: number, o: number): void { this.log(o, 'tableInit', e, t); }
  override elemDrop(e: number, o: number): void { this.log(o, 'elemDrop', e); }
}

/** ModuleInfo as plain data (data segment bytes as arrays), for deep comparisons. */
export function plainModuleInfo(m: ModuleInfo): unknown {
  return JSON.parse(
    JSON.stringify(
      {
        ...m,
        data: m.data.map((d) => ({ mode: d.mode, memory: d.memory, offset: d.offset, bytes: Array.from(d.bytes) })),
        names: { module: m.names.module, functions: m.names.functions, locals: m.names.locals },
      },
      (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : v instanceof Set ? [...v] : v),
    ),
  );
}
