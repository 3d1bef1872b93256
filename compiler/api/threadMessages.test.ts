// Lightbeam's shared memories and modules cross to worker threads as V8's do (threadMessages.ts):
// a message holding one is posted as an envelope of records and revived on arrival; what V8
// refuses to clone, Lightbeam refuses with the same DataCloneError. The worker test installs the
// hooks in the worker only (installing them here would change this test thread's MessagePort for
// the files that run after it): this side encodes and decodes by hand.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import * as LB from './index.ts';
import { decodeMessage, encodeMessage } from './threadMessages.ts';

// (module (import "env" "memory" (memory 1 4 shared))
//   (func (export "wait") (param i32 i32) (result i32) (memory.atomic.wait32 (local.get 0) (local.get 1) (i64.const -1)))
//   (func (export "notify") (param i32 i32) (result i32) (memory.atomic.notify (local.get 0) (local.get 1)))
//   (func (export "add") (param i32 i32) (result i32) (i32.atomic.rmw.add (local.get 0) (local.get 1)))
//   (func (export "load") (param i32) (result i32) (i32.atomic.load (local.get 0)))
//   (func (export "size") (result i32) (memory.size)))
const bytes = Buffer.from('AGFzbQEAAAABEANgAn9/AX9gAX8Bf2AAAX8CEAEDZW52Bm1lbW9yeQIDAQQDBgUAAAABAgclBQR3YWl0AAAGbm90aWZ5AAEDYWRkAAIEbG9hZAADBHNpemUABAoyBQwAIAAgAUJ//gECAAsKACAAIAH+AAIACwoAIAAgAf4eAgALCAAgAP4QAgALBAA/AAs=', 'base64');
/** The parts of a WebAssembly namespace used here (Node 20's types lack Tag and Exception). */
type Api = typeof WebAssembly & {
  Tag: new (type: { parameters: string[] }) => object;
  Exception: new (tag: object, payload: unknown[]) => object;
};
type Fn = (...args: number[]) => number;

/** One object of each kind of `api`: which of them structured clone refuses, by name. */
function refused(api: Api, clone: (value: unknown) => unknown): string[] {
  const tag = new api.Tag({ parameters: ['i32'] });
  const objects: Record<string, unknown> = {
    sharedMemory: new api.Memory({ initial: 1, maximum: 1, shared: true }),
    memory: new api.Memory({ initial: 1 }),
    module: new api.Module(bytes),
    instance: new api.Instance(new api.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))),
    table: new api.Table({ element: 'anyfunc', initial: 1 }),
    global: new api.Global({ value: 'i32', mutable: true }, 1),
    tag,
    exception: new api.Exception(tag, [1]),
  };
  return Object.entries(objects).flatMap(([name, value]) => {
    try {
      clone({ nested: [value] });
      return [];
    } catch (e) {
      expect((e as DOMException).name).toBe('DataCloneError');
      return [name];
    }
  });
}

describe('posting WebAssembly objects to other threads', () => {
  it('refuses what V8 refuses, with a DataCloneError', () => {
    const onV8 = refused(WebAssembly as Api, structuredClone);
    expect(onV8).toEqual(['memory', 'instance', 'table', 'global', 'tag', 'exception']);
    expect(refused(LB as unknown as Api, (value) => structuredClone(encodeMessage(value)))).toEqual(onV8);
  });

  it('keeps the message\'s shape: cycles, Maps, Sets, shared parts, and other values as they were', () => {
    const memory = new LB.Memory({ initial: 1, maximum: 2, shared: true } as WebAssembly.MemoryDescriptor);
    const module = new LB.Module(bytes);
    const sab = new SharedArrayBuffer(8);
    const plain = { n: 1, text: 'x', sab, again: sab };
    expect(encodeMessage(plain)).toBe(plain); // nothing of Lightbeam's: posted untouched
    const message: Record<string, unknown> = { list: [memory, module, memory], map: new Map<unknown, unknown>([[memory, 'key'], ['m', module]]), set: new Set([memory]), sab, again: sab, bytes: new Uint8Array([1, 2]) };
    message.self = message;
    const got = decodeMessage(structuredClone(encodeMessage(message))) as typeof message;
    const [m0, mod, m1] = got.list as [LB.Memory, LB.Module, LB.Memory];
    expect(m0).toBeInstanceOf(LB.Memory);
    expect(m0).not.toBe(memory); // a new object over the same memory, as V8's clone
    expect(m1).toBe(m0);
    expect(mod).toBeInstanceOf(LB.Module);
    expect(LB.Module.exports(mod)).toEqual(LB.Module.exports(module));
    expect([...(got.map as Map<unknown, unknown>).keys()][0]).toBe(m0);
    expect((got.map as Map<unknown, unknown>).get('m')).toBe(mod);
    expect([...(got.set as Set<unknown>)][0]).toBe(m0);
    expect(got.self).toBe(got);
    expect(got.again).toBe(got.sab);
    expect(got.bytes).toEqual(new Uint8Array([1, 2]));
    // The same bytes: a store through one is read through the other.
    new Int32Array(memory.buffer)[3] = 99;
    expect(new Int32Array(m0.buffer)[3]).toBe(99);
  });

  it('a worker gets a working memory and module: shared stores, waits and notifies both ways, and a grow seen there', async () => {
    const memory = new LB.Memory({ initial: 1, maximum: 4, shared: true } as WebAssembly.MemoryDescriptor);
    const module = new LB.Module(bytes);
    const { exports } = new LB.Instance(module, { env: { memory } });
    const f = exports as Record<string, Fn>;
    const worker = new Worker(new URL('./testdata/threadWorker.mjs', import.meta.url), { workerData: encodeMessage({ memory, module }) });
    const messages: unknown[] = [];
    let waiting: ((m: unknown) => void) | undefined;
    let failed: unknown;
    worker.on('message', (m) => (waiting ? (waiting(m), (waiting = undefined)) : messages.push(m)));
    worker.on('error', (e) => (failed = e));
    const next = () => new Promise<unknown>((resolve) => (messages.length ? resolve(messages.shift()) : (waiting = resolve)));
    try {
      const first = decodeMessage(await next()) as { isMemory: boolean; isModule: boolean; memory: LB.Memory; module: LB.Module };
      expect([first.isMemory, first.isModule]).toEqual([true, true]);
      // Posted back: ours again, over the same bytes (the worker's add is seen here).
      expect(first.memory).toBeInstanceOf(LB.Memory);
      expect(new Int32Array(first.memory.buffer)[4]).toBe(42);
      expect(f.load!(16)).toBe(42);
      expect(first.module).toBeInstanceOf(LB.Module);
      // The worker waits in wasm: JS's notify wakes it.
      while (Atomics.notify(new Int32Array(memory.buffer), 0, 1) === 0) await new Promise((r) => setTimeout(r, 2));
      expect(await next()).toBe('wasm wait: 0');
      // It waits in JS: grow, write to the new page, and wake it with wasm's notify.
      expect(memory.grow(1)).toBe(1);
      new Int32Array(memory.buffer)[65536 / 4 + 1] = 77;
      while (f.notify!(8, 1) === 0) await new Promise((r) => setTimeout(r, 2));
      expect(await next()).toBe('JS wait: ok, read 77, memory.size 2, buffer 131072');
    } finally {
      await worker.terminate();
    }
    expect(failed).toBeUndefined();
  }, 30_000);
});
