// A memory64 memory past 4 GiB (up to MAX_PAGES_64, 16 GiB): wasm code reaches every byte; the
// runtime's bulk operations reach the bytes above the 4 GiB that an ArrayBuffer over native
// memory may hold in Node 20 (linearMemory.ts: VIEW_LIMIT) through raw memory; JS's
// Memory.buffer is refused rather than cut short. Only a few pages are touched: the resident
// set stays small, whatever the size.
import { describe, expect, it } from 'vitest';
import { watToWasm } from '../text/watToWasm.ts';
import { compileModule } from '../codegen/moduleCompiler.ts';
import { Memory } from '../api/index.ts';
import { Instance } from './instance.ts';
import { LinearMemory, MAX_PAGES_64, VIEW_LIMIT } from './linearMemory.ts';

type Fn = (...a: unknown[]) => unknown;
const HIGH = 2n ** 32n + 0x1234n; // an address past 4 GiB
const PAGES_4G = 65536n;

describe('a memory64 memory past 4 GiB', () => {
  it('grows past 4 GiB, and wasm loads, stores, fills, copies and inits above it', async () => {
    const rss = process.memoryUsage().rss;
    const bytes = await watToWasm(`(module
      (memory (export "mem") i64 1)
      (data $d "segment")
      (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
      (func (export "size") (result i64) (memory.size))
      (func (export "store") (param i64 i64) (i64.store (local.get 0) (local.get 1)))
      (func (export "load") (param i64) (result i64) (i64.load (local.get 0)))
      (func (export "load8") (param i64) (result i32) (i32.load8_u (local.get 0)))
      (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
      (func (export "copy") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
      (func (export "init") (param i64) (memory.init $d (local.get 0) (i32.const 0) (i32.const 7))))`, { validate: false });
    const instance = new Instance(compileModule(bytes));
    const m = instance.exports as Record<string, Fn>;
    expect(m.grow!(PAGES_4G + 1n)).toBe(1n); // 4 GiB + 128 KiB
    expect(m.size!()).toBe(PAGES_4G + 2n);
    m.store!(HIGH, 0x1122334455667788n);
    expect(m.load!(HIGH)).toBe(0x1122334455667788n);
    expect(m.load!(0n)).toBe(0n); // not wrapped to the bottom 4 GiB
    const end = (PAGES_4G + 2n) * 65536n;
    m.store!(end - 8n, -1n);
    expect(m.load!(end - 8n)).toBe(-1n);
    expect(() => m.load!(end - 7n)).toThrow(/out of bounds/);
    // The builtins: a fill above 4 GiB, a copy across the 4 GiB line and back down, an init above.
    m.fill!(HIGH + 16n, 0xab, 4n);
    expect(m.load8!(HIGH + 19n)).toBe(0xab);
    expect(m.load8!(HIGH + 20n)).toBe(0);
    m.copy!(2n ** 32n - 2n, HIGH, 8n); // straddles the view's end
    expect(m.load!(2n ** 32n - 2n)).toBe(0x1122334455667788n);
    m.copy!(16n, HIGH, 8n);
    expect(m.load!(16n)).toBe(0x1122334455667788n);
    m.init!(HIGH + 100n);
    expect(m.load8!(HIGH + 100n)).toBe('s'.charCodeAt(0));
    expect(m.load8!(HIGH + 106n)).toBe('t'.charCodeAt(0));
    expect(() => m.fill!(end - 2n, 0, 3n)).toThrow(/out of bounds/);
    // The runtime's view holds the first 4 GiB: what wasm wrote below it is there.
    const memory = instance.exports.mem as unknown as LinearMemory;
    expect(memory.arrayBuffer.byteLength).toBe(VIEW_LIMIT);
    expect(memory.viewsWhole).toBe(false);
    expect(new DataView(memory.arrayBuffer).getBigInt64(16, true)).toBe(0x1122334455667788n);
    expect(process.memoryUsage().rss - rss).toBeLessThan(256 * 2 ** 20);
  });

  it('a shared memory64 memory is V8\'s: at most 4 GiB, whatever its maximum', () => {
    const memory = new LinearMemory(1, 100000, true, 16, true);
    expect(memory.maxPages).toBe(Number(PAGES_4G));
    expect(memory.grow(Number(PAGES_4G))).toBe(-1);
  });

  it('JS: Memory.buffer is refused past 4 GiB, and grow up to 16 GiB is allowed', () => {
    const memory = new Memory({ initial: 1n, maximum: BigInt(MAX_PAGES_64), address: 'i64' });
    expect(memory.buffer.byteLength).toBe(65536);
    expect(memory.grow(PAGES_4G)).toBe(1n);
    expect(() => memory.buffer).toThrow(RangeError);
    expect(memory.grow(BigInt(MAX_PAGES_64) - PAGES_4G - 1n)).toBe(PAGES_4G + 1n);
    expect(() => memory.grow(1n)).toThrow(RangeError);
    // The bytes past 4 GiB, from JS, through the runtime's memory (what generated code sees).
    const native = Memory.nativeOf(memory);
    native.write(Number(HIGH), new Uint8Array([1, 2, 3]));
    native.copyWithin(8, Number(HIGH), 3);
    expect([...new Uint8Array(native.arrayBuffer, 8, 3)]).toEqual([1, 2, 3]);
  });
});
