import { beforeAll, describe, expect, it } from 'vitest';
import { loadWatToWasm, type WatAssembler } from '../text/watToWasm.ts';
import * as LB from './index.ts';

let wat2wasm: WatAssembler;
beforeAll(async () => {
  wat2wasm = await loadWatToWasm();
});

const PROGRAM = `(module
  (import "env" "twice" (func $twice (param i32) (result i32)))
  (import "env" "base" (global $base i32))
  (global $count (export "count") (mut i32) (i32.const 0))
  (memory (export "memory") 1 3)
  (data (i32.const 8) "lightbeam")
  (table (export "table") 2 funcref)
  (elem (i32.const 1) $fib)
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "viaImport") (param i32) (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (i32.add (call $twice (local.get 0)) (global.get $base)))
  (func (export "div") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
  (func (export "boom") unreachable))`;

type Api = {
  Module: new (b: Uint8Array) => unknown;
  Instance: new (m: never, i: object) => { exports: Record<string, unknown> };
};

function run(api: Api) {
  const bytes = wat2wasm(PROGRAM);
  const module = new api.Module(bytes);
  const calls: number[] = [];
  const instance = new api.Instance(module as never, { env: { twice: (x: number) => (calls.push(x), 2 * x), base: 1000 } });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const e = instance.exports as Record<string, any>;
  const out: unknown[] = [];
  out.push(e.fib(20), e.viaImport(21), e.viaImport(-5), calls);
  out.push(e.count.value);
  out.push(e.div(-9n, 2n));
  const trap = (f: () => unknown) => {
    try {
      f();
      return 'no trap';
    } catch (err) {
      return (err as Error).constructor.name;
    }
  };
  out.push(trap(() => e.div(1n, 0n)), trap(() => e.boom()));
  const memory = e.memory as { buffer: ArrayBuffer; grow(n: number): number };
  out.push(new TextDecoder().decode(new Uint8Array(memory.buffer, 8, 9)), memory.grow(1), memory.buffer.byteLength);
  out.push(trap(() => memory.grow(5)));
  const table = e.table as { get(i: number): unknown; length: number };
  out.push(table.length, table.get(0), table.get(1) === e.fib);
  return out;
}

describe('the WebAssembly-like API', () => {
  it('behaves like V8 on the same module', () => {
    const ours = run(LB as unknown as Api);
    const v8 = run(WebAssembly as unknown as Api);
    // Trap classes: ours are LB.RuntimeError, V8's WebAssembly.RuntimeError; both named RuntimeError.
    if (process.env.SHOW) console.log(ours);
    expect(ours).toEqual(v8);
  });

  it('throws CompileError for invalid bytes and validates', () => {
    expect(() => new LB.Module(new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0]))).toThrow(LB.CompileError);
    expect(LB.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))).toBe(true);
    expect(LB.validate(new Uint8Array([1, 2, 3]))).toBe(false);
  });

  it('throws LinkError for a wrongly typed import and TypeError for a missing module', () => {
    const module = new LB.Module(wat2wasm(PROGRAM));
    expect(() => new LB.Instance(module, {})).toThrow(TypeError);
    expect(() => new LB.Instance(module, { env: { twice: 1, base: 1 } })).toThrow(LB.LinkError);
    expect(() => new LB.Instance(module, { env: { twice: () => 0, base: new LB.Global({ value: 'i64' }, 1n) } })).toThrow(LB.LinkError);
  });

  it('shares Memory, Table and Global objects between instances', async () => {
    const text = `(module (import "env" "m" (memory 1)) (import "env" "g" (global (mut i32)))
      (func (export "bump") (global.set 0 (i32.add (global.get 0) (i32.const 1)))))`;
    const memory = new LB.Memory({ initial: 1, maximum: 2 });
    const g = new LB.Global({ value: 'i32', mutable: true }, 41);
    const { instance } = await LB.instantiate(wat2wasm(text), { env: { m: memory, g } });
    (instance.exports.bump as () => void)();
    expect(g.value).toBe(42);
    expect(memory.grow(1)).toBe(1);
    expect(() => memory.grow(1)).toThrow(RangeError);
    const table = new LB.Table({ element: 'anyfunc', initial: 1 });
    table.set(0, instance.exports.bump);
    expect(table.get(0)).toBe(instance.exports.bump);
    expect(table.grow(2)).toBe(1);
    expect(table.get(2)).toBeNull();
  });
});
