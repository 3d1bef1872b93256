// The execution half of the Lightbeam engine for the .wast runner (Node only): compile with
// the code generator, instantiate with the native runtime, invoke exports, read globals.
// compiler/wast/lightbeamEngine.ts (the harness's engine) takes these methods as they are.
//
// Code the code generator cannot compile yet ("not implemented yet: floats", ...) is
// reported as NotImplemented, so the runner skips the module and what depends on it under
// that reason; a module that is also invalid still fails validation with its CompileError.

import { ValType } from '../../binary/types.ts';
import { ANYREF, storageType } from '../../binary/refTypes.ts';
import { compileModule, type CompiledModuleWithNotes } from '../../codegen/moduleCompiler.ts';
import { compileInParts } from '../../codegen/moduleParts.ts';
import { cpuFeatures } from '../../runtime/cpuFeatures.ts';
import { TRAP_MESSAGES, TrapCode } from '../../abi/index.ts';
import { CompileError, RuntimeError, UNSUPPORTED_FEATURE } from '../../errors.ts';
import { WasmException as RuntimeException } from '../../runtime/exceptions.ts';
import { fromBits, Instance, invokeBits, toBits, wasmFunctionInfo } from '../../runtime/instance.ts';
import { LinearMemory } from '../../runtime/linearMemory.ts';
import { getGcHeap } from '../../runtime/gcHeap.ts';
import { GC_HEADER, OBJECT_KIND_ARRAY } from '../../abi/gcObjects.ts';
import { Global, Table } from '../../runtime/tableAndGlobal.ts';
import { validateModule } from '../../validate/index.ts';
import { type Engine, type ImportObject, NotImplemented, type RefValue, type SpectestShape, type WasmValue, WasmException } from '../engine.ts';

const NOT_YET = 'not implemented yet';

/**
 * LIGHTBEAM_COMPILE_PARTS=N compiles every module in N parts and merges them (what the worker
 * threads of compiler/parallel do, here on one thread), so the suite checks the merged code too.
 */
const PARTS = Number(process.env.LIGHTBEAM_COMPILE_PARTS ?? 1);

// #region execution-engine
export function compileForExecution(bytes: Uint8Array): unknown {
  try {
    return PARTS > 1 ? compileInParts(bytes, PARTS, { features: cpuFeatures() }) : compileModule(bytes, { features: cpuFeatures() });
  } catch (e) {
    if (e instanceof CompileError && e.reason.startsWith(NOT_YET)) {
      validateModule(bytes); // an invalid module still reports why it is invalid
      throw new NotImplemented(e.reason);
    }
    // A feature the code generator refuses (GC) may be refused before the rest is validated: an
    // invalid module still reports why it is invalid (validation alone does not refuse it).
    if (e instanceof CompileError && e.reason.startsWith(UNSUPPORTED_FEATURE)) validateModule(bytes);
    throw e;
  }
}

export const executionEngine: Required<Pick<Engine, 'instantiate' | 'invoke' | 'get' | 'exports' | 'spectest'>> = {
  instantiate(module, imports: ImportObject) {
    const compiled = module as CompiledModuleWithNotes;
    for (const imp of compiled.info.imports) {
      const value = imports[imp.module]?.[imp.name];
      const why = typeof value === 'object' || typeof value === 'function' ? tainted.get(value as object) : undefined;
      if (why) throw new NotImplemented(why);
    }
    const instance = stubsAsSkips(compiled, () => new Instance(compiled, imports));
    compiledOf.set(instance, compiled);
    return instance;
  },
  invoke(instance, name, args) {
    const fn = (instance as Instance).exports[name];
    const info = wasmFunctionInfo(fn);
    if (typeof fn !== 'function' || !info) throw new Error(`no exported function '${name}'`);
    // Raw bits in and out, not JS numbers: a trip through a JS number may quiet a signalling
    // NaN, and the spec tests check NaN payloads exactly.
    const params = info.type.params;
    let bits: bigint[];
    try {
      // The instance receives the arguments (or is linked to the one that does): a function
      // reference among them is kept alive by it.
      bits = stubsAsSkips(compiledOf.get(instance as Instance), () => invokeBits(fn, args.map((a, i) => bitsOf(params[i]!, a, instance as Instance))));
    } catch (e) {
      if (e instanceof NotImplemented) taint(instance as Instance, e.reason);
      // An uncaught wasm exception (a JS value thrown through wasm stays what it was).
      if (e instanceof RuntimeException) throw new WasmException('uncaught wasm exception');
      throw e;
    }
    return info.type.results.map((t, i) => valueOfBits(t, bits[i]!));
  },
  get(instance, name) {
    const g = (instance as Instance).exports[name];
    const why = typeof g === 'object' && g !== null ? tainted.get(g) : undefined;
    if (why) throw new NotImplemented(why);
    if (!(g instanceof Global)) throw new Error(`no exported global '${name}'`);
    if (g.type === ValType.v128) {
      const raw = g.rawSlots.u32;
      return { type: 'v128', bytes: new Uint8Array(Uint32Array.of(raw[0]!, raw[1]!, raw[2]!, raw[3]!).buffer) };
    }
    // A GC object reads by its header (as a result does), not as the JS wrapper g.value gives.
    if ((g.type & 0xff) === ANYREF) return valueOfBits(g.type, BigInt(g.getRaw()));
    return fromJs(g.type, g.value);
  },
  exports(instance) {
    return { ...(instance as Instance).exports };
  },
  spectest() {
    // A fresh one per script, as the reference interpreter does: a script that writes the
    // spectest memory or table must not change what the next script reads.
    return makeSpectest();
  },
};
// #endregion execution-engine

const compiledOf = new WeakMap<Instance, CompiledModuleWithNotes>();

/**
 * A function the code generator could not compile is a stub raising TrapCode.notImplemented:
 * report it as NotImplemented (a skip with the stubbed function's reason), never as a trap.
 */
function stubsAsSkips<T>(compiled: CompiledModuleWithNotes | undefined, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof RuntimeError && e.reason === TRAP_MESSAGES[TrapCode.notImplemented]) {
      const why = (e.funcIndex !== undefined && compiled?.stubbed.get(e.funcIndex)) || `${NOT_YET}: a stubbed function`;
      throw new NotImplemented(why);
    }
    throw e;
  }
}

/**
 * A skipped call might have changed the instance's memory, tables or globals. What others see of
 * that state (its exports, imported elsewhere or read with `get`) is then unknown: skip those too.
 */
const tainted = new WeakMap<object, string>();
function taint(instance: Instance, reason: string): void {
  for (const value of Object.values(instance.exports)) {
    if ((typeof value === 'object' || typeof value === 'function') && value !== null && !tainted.has(value)) {
      tainted.set(value, `${reason} (state after a skipped call)`);
    }
  }
}

function makeSpectest(): SpectestShape {
  const nothing = (): void => {};
  return {
    print: nothing, print_i32: nothing, print_i64: nothing, print_f32: nothing, print_f64: nothing,
    print_i32_f32: nothing, print_f64_f64: nothing,
    global_i32: new Global(ValType.i32, false, 666),
    global_i64: new Global(ValType.i64, false, 666n),
    global_f32: new Global(ValType.f32, false, 666.6),
    global_f64: new Global(ValType.f64, false, 666.6),
    table: new Table(ValType.funcref, 10, 20),
    table64: new Table(ValType.funcref, 10, 20, null, true),
    memory: new LinearMemory(1, 2),
    shared_memory: new LinearMemory(1, 2, false, 16, true),
  };
}

/** Host references `(ref.extern n)` are one stable object per n. */
const hostRefs = new Map<number, object>();
const hostIds = new WeakMap<object, number>();
function hostRef(n: number): object {
  let o = hostRefs.get(n);
  if (!o) {
    o = { hostRef: n };
    hostRefs.set(n, o);
    hostIds.set(o, n);
  }
  return o;
}

const scratch = new DataView(new ArrayBuffer(8));

function toJs(v: WasmValue): unknown {
  switch (v.type) {
    case 'i32': return v.value | 0;
    case 'i64': return BigInt.asIntN(64, v.value);
    case 'f32': scratch.setUint32(0, v.bits, true); return scratch.getFloat32(0, true);
    case 'f64': scratch.setBigUint64(0, v.bits, true); return scratch.getFloat64(0, true);
    case 'v128': throw new NotImplemented(`${NOT_YET}: simd`);
    case 'ref': {
      const r = v.ref;
      if (r.kind === 'null') return null;
      if (r.kind === 'extern') return hostRef(r.host);
      return r.value;
    }
  }
}

/** A script value as the raw 64-bit value wasm sees. */
function bitsOf(type: number, v: WasmValue, receiver: Instance): bigint {
  switch (v.type) {
    case 'i32': return BigInt(v.value >>> 0);
    case 'i64': return BigInt.asUintN(64, v.value);
    case 'f32': return BigInt(v.bits >>> 0);
    case 'f64': return BigInt.asUintN(64, v.bits);
    case 'v128': return v.bytes.reduceRight((n, byte) => (n << 8n) | BigInt(byte), 0n);
    default: return toBits(type as ValType, toJs(v), receiver);
  }
}

/** Whether the GC object at `address` is a struct or an array (its header's kind bits). */
function objectKindAt(address: number): 'struct' | 'array' {
  const h = getGcHeap().bytes(address + GC_HEADER.TYPE, 4);
  const word = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
  return (word & OBJECT_KIND_ARRAY) !== 0 ? 'array' : 'struct';
}

/** A raw 64-bit result as a script value. */
function valueOfBits(type: number, b: bigint): WasmValue {
  switch (type) {
    case ValType.i32: return { type: 'i32', value: Number(BigInt.asIntN(32, b)) };
    case ValType.i64: return { type: 'i64', value: BigInt.asIntN(64, b) };
    case ValType.f32: return { type: 'f32', bits: Number(b & 0xffffffffn) };
    case ValType.f64: return { type: 'f64', bits: BigInt.asUintN(64, b) };
    case ValType.v128: return { type: 'v128', bytes: Uint8Array.from({ length: 16 }, (_, k) => Number((b >> BigInt(8 * k)) & 0xffn)) };
    default:
      // exnref does not cross into JS (a TypeError there); the script only asks whether it is null.
      if (storageType(type) === ValType.exnref) return { type: 'ref', ref: b === 0n ? { kind: 'null' } : { kind: 'exn', value: b } };
      // A GC object (a word that is a multiple of 8) reads as what its header's kind says.
      if (storageType(type) === ValType.externref && b !== 0n && (b & 7n) === 0n) return { type: 'ref', ref: { kind: objectKindAt(Number(b)), value: b } };
      return fromJs(type, fromBits(type as ValType, b));
  }
}

function fromJs(type: number, x: unknown): WasmValue {
  // A typed reference reads as the funcref or externref it is stored as (binary/refTypes.ts).
  switch (storageType(type)) {
    case ValType.i32: return { type: 'i32', value: Number(x) | 0 };
    case ValType.i64: return { type: 'i64', value: BigInt.asIntN(64, BigInt(x as bigint)) };
    case ValType.f32: scratch.setFloat32(0, Number(x), true); return { type: 'f32', bits: scratch.getUint32(0, true) };
    case ValType.f64: scratch.setFloat64(0, Number(x), true); return { type: 'f64', bits: scratch.getBigUint64(0, true) };
    case ValType.funcref: case ValType.externref: {
      let ref: RefValue;
      if (x === null || x === undefined) ref = { kind: 'null' };
      else if (typeof x === 'object' && hostIds.has(x)) ref = { kind: 'extern', host: hostIds.get(x)! };
      // An i31 reads as a Number (runtime/values.ts); in an externref it is some non-null extern.
      else if (typeof x === 'number' && (type & 0xff) === ANYREF) ref = { kind: 'i31', value: x };
      else ref = storageType(type) === ValType.funcref ? { kind: 'func', value: x } : { kind: 'extern', host: -1 };
      return { type: 'ref', ref };
    }
    default: throw new NotImplemented(`${NOT_YET}: values of type 0x${type.toString(16)}`);
  }
}

/**
 * The Lightbeam engine with execution: compile with the code generator and run natively.
 * Only on x86-64 Linux (elsewhere the engine is returned unchanged: validation only).
 */
export function withExecution(engine: Engine): Engine {
  if (process.arch !== 'x64' || process.platform !== 'linux') return engine;
  return { ...engine, compile: compileForExecution, ...executionEngine };
}
