// custom-page-sizes runs natively: a memory of 1-byte pages counts memory.size and memory.grow in
// bytes, its bounds end at the byte (not at a 64 KiB boundary), and the code generator's bounds
// facts start from its minimum in bytes. Node 20's V8 has no custom page sizes (and wabt cannot
// write them), so wasm-tools assembles the text and the expected values are written out.
import { describe, expect, it } from 'vitest';
import { Instance, LinkError, Module } from '../api/index.ts';
import { LinearMemory } from '../runtime/linearMemory.ts';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';

const native = process.arch === 'x64' && process.platform === 'linux';

async function instance(wat: string, imports: Record<string, Record<string, unknown>> = {}): Promise<Record<string, any>> {
  const parse = await requireWasmToolsTextToBinary();
  return new Instance(new Module(parse(wat)), imports).exports as Record<string, any>;
}

function outcome(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    return (e as Error).message;
  }
}
const OOB = 'out of bounds memory access';

describe.runIf(native)('custom page sizes', () => {
  it('counts 1-byte pages: memory.size and memory.grow in bytes, bounds at the last byte', async () => {
    const e = await instance(`(module
      (memory 3 10 (pagesize 1))
      (data (i32.const 0) "abc")
      (func (export "size") (result i32) (memory.size))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
      (func (export "load32") (param i32) (result i32) (i32.load (local.get 0))))`);
    expect(e.size()).toBe(3);
    expect(e.load8(2)).toBe(0x63);
    expect(outcome(() => e.load8(3))).toMatch(OOB);
    expect(outcome(() => e.load32(0))).toMatch(OOB); // 4 bytes of a 3-byte memory
    expect(e.grow(1)).toBe(3);
    expect(e.load32(0)).toBe(0x00636261);
    expect(outcome(() => e.load32(1))).toMatch(OOB);
    expect(e.grow(7)).toBe(-1); // past the maximum of 10
    expect(e.grow(6)).toBe(4);
    expect(e.size()).toBe(10);
    expect(outcome(() => e.load8(10))).toMatch(OOB);
  });

  it('proves constant addresses in range from the minimum in bytes, not in 64 KiB pages', async () => {
    // With the minimum taken as 5 * 64 KiB, these accesses would have no check and read past the end.
    const e = await instance(`(module
      (memory 5 (pagesize 1))
      (func (export "last") (result i32) (i32.load8_u (i32.const 4)))
      (func (export "past") (result i32) (i32.load8_u (i32.const 5)))
      (func (export "far") (result i32) (i32.load (i32.const 1000))))`);
    expect(e.last()).toBe(0);
    expect(outcome(() => e.past())).toMatch(OOB);
    expect(outcome(() => e.far())).toMatch(OOB);
  });

  it('keeps each memory\'s own page size, and 1-byte pages of a memory64 memory', async () => {
    const e = await instance(`(module
      (memory $small 7 (pagesize 1))
      (memory $large 1)
      (memory $wide i64 9 (pagesize 1))
      (func (export "sizes") (result i32 i32 i64) (memory.size $small) (memory.size $large) (memory.size $wide))
      (func (export "growSmall") (param i32) (result i32) (memory.grow $small (local.get 0)))
      (func (export "growWide") (param i64) (result i64) (memory.grow $wide (local.get 0)))
      (func (export "wideLoad") (param i64) (result i32) (i32.load8_u $wide (local.get 0))))`);
    expect(e.sizes()).toEqual([7, 1, 9n]);
    expect(e.growSmall(65536)).toBe(7);
    expect(e.growWide(1n)).toBe(9n);
    expect(e.sizes()).toEqual([65543, 1, 10n]);
    expect(e.wideLoad(9n)).toBe(0);
    expect(outcome(() => e.wideLoad(10n))).toMatch(OOB);
  });

  it('exports memories whose buffers end at the byte, and links imports by page size', async () => {
    const e = await instance(`(module (memory (export "m") 3 (pagesize 1)))`);
    expect(e.m.buffer.byteLength).toBe(3);
    expect(e.m.grow(2)).toBe(3);
    expect(e.m.buffer.byteLength).toBe(5);
    const parse = await requireWasmToolsTextToBinary();
    const importer = (pageSize: number) => new Module(parse(`(module (memory (import "a" "m") 1 (pagesize ${pageSize})))`));
    expect(() => new Instance(importer(1), { a: { m: e.m } })).not.toThrow();
    expect(() => new Instance(importer(65536), { a: { m: e.m } })).toThrow(LinkError);
  });
});

describe.runIf(native)('LinearMemory with 1-byte pages', () => {
  it('commits whole 64 KiB units as it grows byte by byte, and views exactly its bytes', () => {
    const m = new LinearMemory(1, 200_000, false, 0);
    expect(m.byteLength).toBe(1);
    const bytes = () => new Uint8Array(m.arrayBuffer);
    bytes()[0] = 7;
    expect(m.grow(65535)).toBe(1);
    expect(m.grow(1)).toBe(65536); // the first byte of the next 64 KiB unit
    bytes()[65536] = 9;
    expect([bytes()[0], bytes()[65536], m.byteLength]).toEqual([7, 9, 65537]);
    expect(m.grow(200_000)).toBe(-1);
  });

  it('gives a 32-bit memory at most 2^32 - 1 pages of 1 byte, so memory.grow\'s -1 stays unambiguous', () => {
    const m = new LinearMemory(0, undefined, false, 0);
    expect(m.maxPages).toBe(2 ** 32 - 1);
  });
});
