// A reference engine over the host's own WebAssembly (V8 in Node): it checks the harness, not
// the compiler. `lightbeam wast --engine v8` runs the suite on it, and the runner's tests use it
// to exercise every execution path. It is also a worked example of a full Engine.
// Limits: v128 values cannot cross the JS API (skipped), NaN payloads may not survive JS
// numbers, and error messages are V8's own, so message matches are low. Browser-safe.

import { CompileError, LinkError, RuntimeError } from '../errors.ts';
import { type Engine, NotImplemented, type RefValue, type SpectestShape, type WasmValue, WasmException } from './engine.ts';
import { type ExportSignatures, type ValueKind, exportSignatures } from './exportSignatures.ts';

interface V8Compiled {
  module: WebAssembly.Module;
  signatures: ExportSignatures | NotImplemented;
}
interface V8Instance {
  instance: WebAssembly.Instance;
  signatures: ExportSignatures | NotImplemented;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** Host references are objects, one per number, so identity survives the round trip. */
const hostRefs = new Map<number, object>();
const hostNumbers = new WeakMap<object, number>();
function hostRef(n: number): object {
  let r = hostRefs.get(n);
  if (!r) {
    r = { host: n };
    hostRefs.set(n, r);
    hostNumbers.set(r, n);
  }
  return r;
}

function toJS(v: WasmValue): unknown {
  switch (v.type) {
    case 'i32':
      return v.value;
    case 'i64':
      return v.value;
    case 'f32':
      u32[0] = v.bits;
      return f32[0];
    case 'f64':
      u64[0] = v.bits;
      return f64[0];
    case 'v128':
      throw new NotImplemented('v128 values cannot cross the JS API');
    case 'ref':
      return v.ref.kind === 'null' ? null : v.ref.kind === 'extern' ? hostRef(v.ref.host) : v.ref.value;
  }
}

function fromJS(x: unknown, kind: ValueKind): WasmValue {
  switch (kind) {
    case 'i32':
      return { type: 'i32', value: Number(x) | 0 };
    case 'i64':
      return { type: 'i64', value: BigInt.asIntN(64, x as bigint) };
    case 'f32':
      f32[0] = x as number;
      return { type: 'f32', bits: u32[0]! };
    case 'f64':
      f64[0] = x as number;
      return { type: 'f64', bits: u64[0]! };
    case 'v128':
      throw new NotImplemented('v128 values cannot cross the JS API');
    case 'ref': {
      let ref: RefValue;
      if (x === null) ref = { kind: 'null' };
      else if (typeof x === 'function') ref = { kind: 'func', value: x };
      else if (typeof x === 'object' && hostNumbers.has(x)) ref = { kind: 'extern', host: hostNumbers.get(x)! };
      else ref = { kind: 'any', value: x };
      return { type: 'ref', ref };
    }
  }
}

/** V8's errors as the API's error classes. */
function translate(err: unknown): unknown {
  if (err instanceof WebAssembly.CompileError) return new CompileError(err.message);
  if (err instanceof WebAssembly.LinkError) return new LinkError(err.message);
  if (err instanceof WebAssembly.RuntimeError) return new RuntimeError(err.message);
  if (err instanceof RangeError && /call stack/i.test(err.message)) return new RuntimeError('call stack exhausted');
  const Exception = (WebAssembly as unknown as { Exception?: new () => object }).Exception;
  if (Exception && err instanceof Exception) return new WasmException('uncaught wasm exception');
  return err;
}

function signaturesOf(i: { signatures: ExportSignatures | NotImplemented }): ExportSignatures {
  if (i.signatures instanceof NotImplemented) throw i.signatures;
  return i.signatures;
}

// #region v8-engine
export function v8Engine(): Engine {
  return {
    name: 'v8',
    compile(bytes) {
      let module: WebAssembly.Module;
      try {
        module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
      } catch (err) {
        throw translate(err);
      }
      let signatures: ExportSignatures | NotImplemented;
      try {
        signatures = exportSignatures(bytes);
      } catch (err) {
        if (!(err instanceof NotImplemented)) throw err;
        signatures = err;
      }
      return { module, signatures } satisfies V8Compiled;
    },
    instantiate(compiled, imports) {
      const c = compiled as V8Compiled;
      try {
        return { instance: new WebAssembly.Instance(c.module, imports as WebAssembly.Imports), signatures: c.signatures } satisfies V8Instance;
      } catch (err) {
        // The JS API reports some import mismatches as TypeError; in the spec they are link errors.
        if (err instanceof TypeError) throw new LinkError(err.message);
        throw translate(err);
      }
    },
    invoke(instance, name, args) {
      const i = instance as V8Instance;
      const signature = signaturesOf(i).functions.get(name);
      const f = i.instance.exports[name];
      if (!signature || typeof f !== 'function') throw new LinkError(`no exported function "${name}"`);
      if (signature.params.includes('v128') || signature.results.includes('v128')) {
        throw new NotImplemented('v128 values cannot cross the JS API');
      }
      const jsArgs = args.map(toJS);
      let result: unknown;
      try {
        result = (f as (...a: unknown[]) => unknown)(...jsArgs);
      } catch (err) {
        throw translate(err);
      }
      const results = signature.results;
      const values = results.length === 1 ? [result] : results.length === 0 ? [] : (result as unknown[]);
      return results.map((kind, k) => fromJS(values[k], kind));
    },
    get(instance, name) {
      const i = instance as V8Instance;
      const kind = signaturesOf(i).globals.get(name);
      const g = i.instance.exports[name];
      if (!kind || !(g instanceof WebAssembly.Global)) throw new LinkError(`no exported global "${name}"`);
      return fromJS(g.value, kind);
    },
    exports(instance) {
      return (instance as V8Instance).instance.exports as Record<string, unknown>;
    },
    spectest(): SpectestShape {
      const print = () => {};
      return {
        print,
        print_i32: print,
        print_i64: print,
        print_f32: print,
        print_f64: print,
        print_i32_f32: print,
        print_f64_f64: print,
        global_i32: new WebAssembly.Global({ value: 'i32', mutable: false }, 666),
        global_i64: new WebAssembly.Global({ value: 'i64', mutable: false }, 666n),
        global_f32: new WebAssembly.Global({ value: 'f32', mutable: false }, 666.6),
        global_f64: new WebAssembly.Global({ value: 'f64', mutable: false }, 666.6),
        table: new WebAssembly.Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
        memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
        shared_memory: new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }),
      };
    },
  };
}
// #endregion v8-engine
