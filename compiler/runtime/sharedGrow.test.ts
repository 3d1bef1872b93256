// threads: a grow of a shared memory made by another thread reaches this thread's instances
// through the memory's size word (compiler/abi: SHARED_MEMORY_AREA), not through their grow
// listeners. Two LinearMemory objects over one shared memory in this thread stand for two threads:
// an instance on the second one is told nothing when the first one grows, as another thread's is.
import { beforeAll, describe, expect, it } from 'vitest';
import { compileModule } from '../codegen/moduleCompiler.ts';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';
import { Instance } from './instance.ts';
import { LinearMemory } from './linearMemory.ts';

let parse: (text: string) => Uint8Array;
beforeAll(async () => {
  parse = (await requireWasmToolsTextToBinary()) as (text: string) => Uint8Array;
});

type Fn = (...args: number[]) => number | bigint;

/** A shared memory and a second LinearMemory over it (another thread's view), 1 page of at most 4. */
function twoViews(): [LinearMemory, LinearMemory] {
  const first = new LinearMemory(1, 4, false, 16, true);
  return [first, new LinearMemory(1, 4, false, 16, true, first.sharedBacking!)];
}

const outOfBounds = /out of bounds memory access/;

describe('a grow seen by another thread\'s instance', () => {
  it('memory 0: accesses of every check form reach the new page, memory.size is the new size, past it still traps', () => {
    const [grower, other] = twoViews();
    const { exports } = new Instance(compileModule(parse(`(module (import "env" "mem" (memory 1 4 shared))
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
      (func (export "load16") (param i32) (result i32) (i32.load16_u offset=2 (local.get 0)))
      (func (export "load64") (param i32) (result i64) (i64.load (local.get 0)))
      (func (export "loadConstant") (result i32) (i32.load (i32.const 65540)))
      (func (export "atomicLoad") (param i32) (result i32) (i32.atomic.load (local.get 0)))
      (func (export "size") (result i32) (memory.size)))`)), { env: { mem: other } });
    const f = exports as Record<string, Fn>;
    expect(f.size!()).toBe(1);
    expect(() => f.load!(65540)).toThrow(outOfBounds);
    expect(grower.grow(1)).toBe(1);
    new DataView(grower.arrayBuffer).setUint32(65540, 0x11223344, true);
    new DataView(grower.arrayBuffer).setBigUint64(65544, 0x0102030405060708n, true);
    expect(f.size!()).toBe(2); // read from the word: nothing has refreshed this instance yet
    expect(f.load8!(65540)).toBe(0x44);
    expect(f.load16!(65540)).toBe(0x1122);
    expect(f.load!(65540)).toBe(0x11223344);
    expect(f.load64!(65544)).toBe(0x0102030405060708n);
    expect(f.loadConstant!()).toBe(0x11223344);
    expect(f.atomicLoad!(65540)).toBe(0x11223344);
    expect(() => f.load!(131072)).toThrow(outOfBounds);
    expect(() => f.load64!(131068)).toThrow(outOfBounds);
    expect(() => f.load8!(131072)).toThrow(outOfBounds);
  });

  it('another memory of a multi-memory module, and memory.size of it', () => {
    const [grower, other] = twoViews();
    const plain = new LinearMemory(1, 1);
    const { exports } = new Instance(compileModule(parse(`(module
      (import "env" "plain" (memory 1 1)) (import "env" "mem" (memory 1 4 shared))
      (func (export "load0") (param i32) (result i32) (i32.load 0 (local.get 0)))
      (func (export "load1") (param i32) (result i32) (i32.load 1 (local.get 0)))
      (func (export "loadConstant1") (result i32) (i32.load 1 (i32.const 65540)))
      (func (export "size1") (result i32) (memory.size 1)))`)), { env: { plain, mem: other } });
    const f = exports as Record<string, Fn>;
    expect(grower.grow(2)).toBe(1);
    new DataView(grower.arrayBuffer).setUint32(2 * 65536 + 4, 99, true);
    expect(f.size1!()).toBe(3);
    expect(f.load1!(2 * 65536 + 4)).toBe(99);
    expect(f.loadConstant1!()).toBe(0);
    expect(() => f.load1!(3 * 65536)).toThrow(outOfBounds);
    expect(() => f.load0!(65536)).toThrow(outOfBounds); // the unshared memory did not grow
  });
});
