// The JS API's side of threads: a shared WebAssembly.Memory has a frozen SharedArrayBuffer that a
// grow leaves as it was (a new one of the new size beside it, over the same bytes), needs a
// maximum, and links only where a module imports a shared memory; wasm and JS see each other's
// writes and waits. Checked against V8, which has threads in Node 20.
import { beforeAll, describe, expect, it } from 'vitest';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';
import * as LB from './index.ts';

let parse: (text: string) => Promise<Uint8Array> | Uint8Array;
beforeAll(async () => {
  parse = await requireWasmToolsTextToBinary();
});

const IMPORTER = `(module (import "env" "mem" (memory 1 4 shared))
  (func (export "add") (param i32 i32) (result i32) (i32.atomic.rmw.add (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "wait") (param i32 i32) (result i32) (memory.atomic.wait32 (local.get 0) (local.get 1) (i64.const 1000000))))`;

type Fn = (...args: number[]) => number;

describe('shared memory through the JS API', () => {
  it('has a frozen SharedArrayBuffer, and a grow keeps the old one at its size over the same bytes', () => {
    for (const api of [LB, WebAssembly] as const) {
      const memory = new api.Memory({ initial: 1, maximum: 3, shared: true } as WebAssembly.MemoryDescriptor);
      const before = memory.buffer;
      expect(before).toBeInstanceOf(SharedArrayBuffer);
      expect(Object.isFrozen(before)).toBe(true);
      expect(memory.buffer).toBe(before);
      expect(memory.grow(1)).toBe(1);
      expect(before.byteLength).toBe(65536);
      expect(memory.buffer.byteLength).toBe(2 * 65536);
      new Uint8Array(before)[7] = 9;
      expect(new Uint8Array(memory.buffer)[7]).toBe(9);
      expect(() => memory.grow(2)).toThrow(RangeError);
      expect(() => new api.Memory({ initial: 1, shared: true } as WebAssembly.MemoryDescriptor)).toThrow(TypeError);
    }
  });

  it('links a shared memory only where a shared memory is imported', async () => {
    const shared = new LB.Memory({ initial: 1, maximum: 4, shared: true } as WebAssembly.MemoryDescriptor);
    const plain = new LB.Memory({ initial: 1, maximum: 4 });
    const module = new LB.Module(await parse(IMPORTER));
    expect(() => new LB.Instance(module, { env: { mem: plain } })).toThrow(LB.LinkError);
    const unshared = new LB.Module(await parse('(module (import "env" "mem" (memory 1 4)))'));
    expect(() => new LB.Instance(unshared, { env: { mem: shared } })).toThrow(LB.LinkError);
    const { exports } = new LB.Instance(module, { env: { mem: shared } });
    const f = exports as Record<string, Fn>;
    // wasm's atomics and JS's Atomics on the same bytes.
    Atomics.store(new Int32Array(shared.buffer), 1, 40);
    expect(f.add!(4, 2)).toBe(40);
    expect(Atomics.load(new Int32Array(shared.buffer), 1)).toBe(42);
    // A grow from wasm: JS's next buffer has the new size, the old one keeps its own.
    const old = shared.buffer;
    expect(f.grow!(1)).toBe(1);
    expect(f.size!()).toBe(2);
    expect(shared.buffer.byteLength).toBe(2 * 65536);
    expect(old.byteLength).toBe(65536);
    // A wait whose value differs returns at once; one that matches times out (1 ms).
    expect(f.wait!(4, 0)).toBe(1);
    expect(f.wait!(8, 0)).toBe(2);
  });
});
