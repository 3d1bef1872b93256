// Calls across the JS/wasm boundary with JS values: into wasm (an export called from JS) and
// out of wasm (a JS function imported by wasm). Both marshal through the runtime's slot buffers.

import { ValType, type FuncType } from '../binary/types.ts';
import { bufferOffsets } from '../abi/index.ts';
import { storageType } from '../binary/refTypes.ts';
import type { CalloutHandler, Runtime } from './runtime.ts';
import { externRefs, type FunctionHolder, readValue, writeValue } from './values.ts';

// #region call-export
/**
 * Call generated code from JS: `func` with r15 = `vmctx`. Arguments are converted as the JS API
 * does (missing ones are undefined); the result is undefined, one value, or an array of values.
 * `holder`: the callee's instance (a funcref argument goes there; see funcRefs.toAddress).
 */
export function callWasm(
  runtime: Runtime, vmctx: number, type: FuncType, func: number, args: ArrayLike<unknown>,
  adapter = runtime.adapterFor(type), holder?: FunctionHolder,
): unknown {
  const slots = runtime.entryArgs;
  const params = type.params;
  // Convert every argument before storing any: a valueOf may call into wasm and reuse the buffer.
  const values = new Array<unknown>(params.length);
  for (let i = 0; i < params.length; i++) values[i] = toPrimitive(params[i]!, args[i]);
  externRefs.safePoint(); // not between the stores: a handle only in the buffer is no root
  for (let i = 0; i < params.length; i++) writeValue(slots, i, params[i]!, values[i], holder);
  runtime.invoke(vmctx, adapter, func);
  const results = type.results;
  if (results.length === 0) return undefined;
  if (results.length === 1) return readValue(slots, 0, results[0]!);
  // Read every result before anything else can run and reuse the buffer.
  const out = new Array<unknown>(results.length);
  for (let i = 0; i < results.length; i++) out[i] = readValue(slots, i, results[i]!);
  return out;
}

/**
 * A JS function that calls `func` like callWasm, compiled for its signature: the conversions
 * are inlined typed-array stores and loads instead of a loop over types (about twice as fast for
 * small signatures; the boundary cost is mostly koffi's then).
 */
export function makeWasmCaller(
  runtime: Runtime, vmctx: number, type: FuncType, func: number, holder?: FunctionHolder,
): (...args: unknown[]) => unknown {
  if (type.params.concat(type.results).includes(ValType.v128)) {
    // The JS API: such a function exists and can be exported, but calling it from JS throws.
    return () => {
      throw new TypeError('a function with v128 parameters or results cannot be called from JS');
    };
  }
  const adapter = runtime.adapterFor(type);
  const { params, results } = type;
  if (params.length > 32 || !params.concat(results).every((t) => SIMPLE.has(t))) {
    return (...args: unknown[]) => callWasm(runtime, vmctx, type, func, args, adapter, holder);
  }
  const names = params.map((_, i) => `a${i}`);
  // Convert all (user valueOf code may run and even call wasm), then store all.
  const convert = params.map((t, i) => `const c${i} = ${CONVERT.get(t)!(`a${i}`)};`);
  const store = params.map((t, i) => `${SIMPLE.get(t)}[${t === ValType.i64 || t === ValType.f64 ? i : 2 * i}] = c${i};`);
  const load = (t: ValType, i: number) => `${SIMPLE.get(t)}[${t === ValType.i64 || t === ValType.f64 ? i : 2 * i}]`;
  const ret = results.length === 0 ? 'return undefined;'
    : results.length === 1 ? `return ${load(results[0]!, 0)};`
    : `return [${results.map((t, i) => load(t, i)).join(', ')}];`;
  // An arrow function: exported functions are not constructors (`new f()` throws TypeError).
  const body = `return (${names.join(', ')}) => { ${convert.join(' ')} ${store.join(' ')} invoke(vmctx, adapter, func); ${ret} };`;
  const slots = runtime.entryArgs;
  const invoke = (v: number, a: number, f: number) => runtime.invoke(v, a, f);
  return new Function('i32', 'i64', 'f32', 'f64', 'invoke', 'vmctx', 'adapter', 'func', body)(
    slots.i32, slots.i64, slots.f32, slots.f64, invoke, vmctx, adapter, func,
  ) as (...args: unknown[]) => unknown;
}
/** The JS API's ToWebAssemblyValue for numbers, as expressions (a BigInt to a number type, or a Number to i64, throws TypeError). */
const CONVERT = new Map<number, (a: string) => string>([
  [ValType.i32, (a) => `${a} | 0`],
  [ValType.i64, (a) => `BigInt.asIntN(64, ${a})`],
  [ValType.f32, (a) => `+${a}`],
  [ValType.f64, (a) => `+${a}`],
]);
function toPrimitive(type: number, value: unknown): unknown {
  switch (type) {
    case ValType.i32: return (value as number) | 0;
    case ValType.i64: return BigInt.asIntN(64, value as bigint);
    case ValType.f32: case ValType.f64: return +(value as number);
    default: return value; // references: converting them runs no user code
  }
}
const SIMPLE = new Map<number, string>([[ValType.i32, 'i32'], [ValType.i64, 'i64'], [ValType.f32, 'f32'], [ValType.f64, 'f64']]);
// #endregion call-export

// #region call-import
/**
 * The call-out handler for a JS function imported with type `type`. It reads every argument
 * before calling (the function may call back into wasm, which reuses the buffer) and writes the
 * results after. A function with several results must return an iterable of them.
 * Exceptions propagate to the runtime, which unwinds the wasm frames and rethrows them.
 * `holderOf` gives the calling instance (a funcref result goes there; see funcRefs.toAddress).
 */
export function hostFunctionHandler(
  runtime: Runtime, type: FuncType, fn: (...args: unknown[]) => unknown, holderOf?: () => FunctionHolder,
): CalloutHandler {
  const slots = runtime.callout;
  const params = type.params;
  const results = type.results;
  if (params.concat(results).includes(ValType.v128)) {
    if (v128ArgumentHosts.has(fn) && results.length === 0) return v128ArgumentHandler(runtime, params, fn);
    // The JS API: a v128 has no JS value, so calling such an import throws before the function runs.
    return () => {
      throw new TypeError('a JS function with v128 parameters or results cannot be called from WebAssembly');
    };
  }
  if (params.length <= 32 && results.length <= 1 && params.concat(results).every((t) => SIMPLE.has(t))) {
    // Compiled for the signature, like makeWasmCaller: fn is called with `this` undefined.
    const args = params.map((t, i) => `${SIMPLE.get(t)}[${t === ValType.i64 || t === ValType.f64 ? i : 2 * i}]`);
    const call = `fn(${args.join(', ')})`;
    const r = results[0];
    const body = r === undefined ? `${call}; return 0;`
      : `${SIMPLE.get(r)}[0] = ${call}; return 0;`;
    return new Function('i32', 'i64', 'f32', 'f64', 'fn', `return () => { ${body} };`)(
      slots.i32, slots.i64, slots.f32, slots.f64, fn,
    ) as CalloutHandler;
  }
  const funcrefResults = results.some((t) => storageType(t) === ValType.funcref);
  return () => {
    const args = new Array<unknown>(params.length);
    for (let i = 0; i < params.length; i++) args[i] = readValue(slots, i, params[i]!);
    // Asked before the call: fn may call into wasm, and a nested call-out changes which instance
    // the runtime says is calling.
    const holder = funcrefResults ? holderOf?.() : undefined;
    const value = fn(...args);
    if (results.length === 1) {
      writeValue(slots, 0, results[0]!, value, holder);
    } else if (results.length > 1) {
      if (value === null || typeof value !== 'object' || !(Symbol.iterator in value)) {
        throw new TypeError('a function with several results must return an iterable');
      }
      const values = [...(value as Iterable<unknown>)];
      if (values.length !== results.length) {
        throw new TypeError(`expected ${results.length} results, got ${values.length}`);
      }
      // Convert all first: a valueOf may call wasm, which may reuse this buffer.
      const converted = values.map((v, i) => toPrimitive(results[i]!, v));
      for (let i = 0; i < results.length; i++) writeValue(slots, i, results[i]!, converted[i], holder);
    }
    return 0;
  };
}
// #endregion call-import

/**
 * Test-only: JS functions without results that are given a v128 argument as one unsigned 128-bit
 * BigInt, where the JS API would throw a TypeError (a v128 has no JS value). The fuzz-exec oracle
 * (compiler/testing/fuzz/fuzzExecOracle.ts) logs v128s this way, as binaryen's interpreter does.
 */
export const v128ArgumentHosts = new WeakSet<object>();

function v128ArgumentHandler(runtime: Runtime, params: readonly ValType[], fn: (...args: unknown[]) => unknown): CalloutHandler {
  const slots = runtime.callout;
  const at = bufferOffsets(params).map((offset) => offset / 8);
  return () => {
    const args = params.map((t, i) => {
      const k = at[i]!;
      if (t !== ValType.v128) return readValue(slots, k, t);
      return (BigInt.asUintN(64, slots.i64[k + 1]!) << 64n) | BigInt.asUintN(64, slots.i64[k]!);
    });
    fn(...args);
    return 0;
  };
}
