// The JS API's side of memory64 and table64: Memory and Table objects with `address: 'i64'` take
// and give sizes and indices as BigInts (AddressValueToU64, U64ToAddressValue), exports of 64-bit
// memories and tables are such objects, and imports keep their address type. Node 20's V8 has no
// memory64, so these are checked against the spec's rules rather than against V8.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWatToWasm, type WatAssembler } from '../text/watToWasm.ts';
import * as LB from './index.ts';

let wat2wasm: WatAssembler;
beforeAll(async () => {
  wat2wasm = await loadWatToWasm();
});

const MEMORY64 = `(module
  (memory (export "mem") i64 1 3)
  (table (export "tab") i64 2 funcref)
  (elem (table 0) (i64.const 1) func $size)
  (func $size (export "size") (result i64) (memory.size))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "store") (param i64 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "tableSize") (result i64) (table.size)))`;

type Fn = (...args: unknown[]) => unknown;

describe('memory64 through the JS API', () => {
  it('validates, compiles and instantiates a module with a 64-bit memory and table', () => {
    const bytes = wat2wasm(MEMORY64);
    expect(LB.validate(bytes)).toBe(true);
    const { exports } = new LB.Instance(new LB.Module(bytes));
    expect(exports.mem).toBeInstanceOf(LB.Memory);
    expect(exports.tab).toBeInstanceOf(LB.Table);
    expect(exports.mem).toBe(exports.mem); // one wrapper per memory
  });

  it("grows an exported 64-bit memory with a BigInt and returns the old size as one", () => {
    const { exports } = new LB.Instance(new LB.Module(wat2wasm(MEMORY64)));
    const mem = exports.mem as LB.Memory;
    const first = mem.buffer;
    (exports.store as Fn)(65532n, 0x01020304);
    expect(mem.grow(1n)).toBe(1n);
    expect(first.byteLength).toBe(0); // detached, as for a 32-bit memory
    expect(mem.buffer.byteLength).toBe(2 * 65536);
    expect(new Uint8Array(mem.buffer)[65532]).toBe(4);
    expect((exports.size as Fn)()).toBe(2n);
    expect((exports.grow as Fn)(1n)).toBe(2n); // from wasm: the wrapper's buffer follows
    expect(mem.buffer.byteLength).toBe(3 * 65536);
    expect(mem.grow(0n)).toBe(3n);
    expect(() => mem.grow(1n)).toThrow(RangeError); // past the maximum of 3
  });

  it('wants a BigInt where the address type is i64, and a Number where it is i32 (TypeError otherwise)', () => {
    const { exports } = new LB.Instance(new LB.Module(wat2wasm(MEMORY64)));
    const mem = exports.mem as LB.Memory;
    const tab = exports.tab as LB.Table;
    expect(() => mem.grow(1)).toThrow(TypeError);
    expect(() => tab.get(0)).toThrow(TypeError);
    expect(() => tab.set(0, null)).toThrow(TypeError);
    expect(() => tab.grow(1)).toThrow(TypeError);
    expect(() => new LB.Memory({ address: 'i64', initial: 1 })).toThrow(TypeError);
    expect(() => new LB.Table({ element: 'anyfunc', address: 'i64', initial: 1 })).toThrow(TypeError);
    // and the other way round
    expect(() => new LB.Memory({ initial: 1n })).toThrow(TypeError);
    expect(() => new LB.Memory({ initial: 1 }).grow(1n)).toThrow(TypeError);
    expect(() => new LB.Table({ element: 'anyfunc', initial: 1 }).get(0n)).toThrow(TypeError);
  });

  it('reads an exported 64-bit table with BigInt indices and length', () => {
    const { exports } = new LB.Instance(new LB.Module(wat2wasm(MEMORY64)));
    const tab = exports.tab as LB.Table;
    expect(tab.length).toBe(2n);
    expect(tab.get(0n)).toBeNull();
    expect(tab.get(1n)).toBe(exports.size);
    expect(() => tab.get(2n)).toThrow(RangeError);
    expect(tab.grow(2n, exports.size)).toBe(2n);
    expect((exports.tableSize as Fn)()).toBe(4n);
    tab.set(3n, null);
    expect([tab.get(2n), tab.get(3n)]).toEqual([exports.size, null]);
  });

  it('converts an i64 address value with ToBigInt and the range 0..2^64-1 (TypeError), then checks sizes (RangeError)', () => {
    expect(new LB.Memory({ address: 'i64', initial: '2' as never }).buffer.byteLength).toBe(2 * 65536);
    expect(new LB.Table({ element: 'externref', address: 'i64', initial: true as never }).length).toBe(1n);
    for (const bad of [-1n, 2n ** 64n, '0x10000000000000000', undefined]) {
      expect(() => new LB.Memory({ address: 'i64', initial: bad as bigint }), String(bad)).toThrow(TypeError);
      expect(() => new LB.Table({ element: 'anyfunc', address: 'i64', initial: 0n }).get(bad as bigint), String(bad)).toThrow(TypeError);
    }
    expect(() => new LB.Memory({ address: 'i64', initial: 'one' as never })).toThrow(SyntaxError); // as ToBigInt says
    expect(() => new LB.Memory({ address: 'i64', initial: 2n, maximum: 1n })).toThrow(RangeError);
    expect(() => new LB.Memory({ address: 'i64', initial: 2n ** 48n + 1n })).toThrow(RangeError); // not a valid memory type
    expect(() => new LB.Memory({ address: 'i64', initial: 262145n })).toThrow(RangeError); // valid, more than Lightbeam gives (16 GiB)
    expect(() => new LB.Table({ element: 'anyfunc', address: 'i64', initial: 2n ** 64n - 1n })).toThrow(RangeError);
    expect(() => new LB.Memory({ address: 'i128' as never, initial: 0 })).toThrow(TypeError);
    // A maximum the runtime cannot reach is still a valid declaration.
    const big = new LB.Memory({ address: 'i64', initial: 0n, maximum: 2n ** 40n });
    expect(big.grow(1n)).toBe(0n);
  });

  it('imports a 64-bit Memory and Table where the module imports i64 ones, and only there (LinkError)', () => {
    const text = `(module (import "env" "m" (memory i64 1)) (import "env" "t" (table i64 1 funcref))
      (func (export "load") (param i64) (result i32) (i32.load8_u (local.get 0))))`;
    const module = new LB.Module(wat2wasm(text));
    const m = new LB.Memory({ address: 'i64', initial: 1n, maximum: 2n });
    const t = new LB.Table({ element: 'anyfunc', address: 'i64', initial: 1n });
    new Uint8Array(m.buffer)[70] = 9;
    const { exports } = new LB.Instance(module, { env: { m, t } });
    expect((exports.load as Fn)(70n)).toBe(9);
    const m32 = new LB.Memory({ initial: 1 });
    const t32 = new LB.Table({ element: 'anyfunc', initial: 1 });
    expect(() => new LB.Instance(module, { env: { m: m32, t } })).toThrow(LB.LinkError);
    expect(() => new LB.Instance(module, { env: { m, t: t32 } })).toThrow(LB.LinkError);
    // and a 64-bit memory is no 32-bit one
    const module32 = new LB.Module(wat2wasm('(module (import "env" "m" (memory 1)))'));
    expect(() => new LB.Instance(module32, { env: { m } })).toThrow(LB.LinkError);
  });
});
