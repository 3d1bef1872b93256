// Lightbeam's shared memories and modules cross to worker threads as V8's do (threadMessages.ts):
// a message holding one is posted as an envelope of records and revived on arrival; what V8
// refuses to clone, Lightbeam refuses with the same DataCloneError. The worker test installs the
// hooks in the worker only (installing them here would change this test thread's MessagePort for
// the files that run after it): this side encodes and decodes by hand.
import { MessageChannel, Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { watToWasm } from '../text/watToWasm.ts';
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

/** A module with an import, a loop, and a custom section "note" [1, 2, 3] at its end. */
async function moduleWithEverything(): Promise<Uint8Array> {
  const wasm = await watToWasm(`(module (import "env" "twice" (func $twice (param i32) (result i32)))
    (func (export "run") (param $n i32) (result i32) (local $s i32)
      (loop $l (local.set $s (i32.add (local.get $s) (call $twice (local.get $n))))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (local.get $s)))`);
  const name = [...Buffer.from('note')];
  return new Uint8Array([...wasm, 0, 1 + name.length + 3, name.length, ...name, 1, 2, 3]);
}

/** Sends each message to a worker of `script` (which says 'ready' first) and gives its reply, encoded and decoded as installThreadMessages would. */
function workerOf(script: string): { ask: (message: unknown) => Promise<unknown>; worker: Worker } {
  const worker = new Worker(new URL(script, import.meta.url));
  const replies: unknown[] = [];
  const waiting: ((m: unknown) => void)[] = [];
  worker.on('message', (m) => (waiting.length ? waiting.shift()!(m) : replies.push(m)));
  worker.on('error', (e) => (waiting.length ? waiting.shift()!(e) : replies.push(e))); // the test then fails on the error
  const next = () => new Promise<unknown>((resolve) => (replies.length ? resolve(replies.shift()) : waiting.push(resolve)));
  let ready: Promise<unknown> | undefined = next();
  return {
    worker,
    ask: async (message) => {
      if (ready) await ready;
      ready = undefined;
      worker.postMessage(encodeMessage(message));
      return decodeMessage(await next());
    },
  };
}

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

  it('a worker is given the module\'s code, not its bytes to compile: the code it would compile, interruptible', async () => {
    const bytes = await moduleWithEverything();
    const module = new LB.Module(bytes);
    const { ask, worker } = workerOf('./testdata/postedModuleWorker.mjs');
    type Reply = { isModule: boolean; received: number; code: Uint8Array; imports: unknown; exports: unknown; custom: number[][]; result: number; module: unknown };
    try {
      const got = (await ask({ module })) as Reply;
      expect(got.isModule).toBe(true);
      expect(got.received).toBe(1); // made of the posted code, with no compile
      // A worker compiles interruptible by default (so that terminate() stops it): the code posted is that.
      expect(got.code).toEqual(new LB.Module(bytes, { interruptible: true }).compiled.code);
      expect(got.code).not.toEqual(module.compiled.code);
      expect(got.imports).toEqual(LB.Module.imports(module));
      expect(got.exports).toEqual(LB.Module.exports(module));
      expect(got.custom).toEqual([[1, 2, 3]]);
      expect(got.result).toBe(2 * (20 * 21) / 2);
      // Options said: the module's own code goes, and is taken as it is.
      const plain = new LB.Module(bytes, { interruptible: false });
      const again = (await ask({ module: plain })) as Reply;
      expect(again.received).toBe(2);
      expect(again.code).toEqual(plain.compiled.code);
      // Back in this thread, the worker's code is not what this thread compiles: compiled from the bytes.
      const back = got.module as LB.Module;
      expect(back).toBeInstanceOf(LB.Module);
      expect(back.compiled.code).toEqual(new LB.Module(bytes).compiled.code);
      expect(LB.Module.customSections(back, 'note').map((b) => [...new Uint8Array(b)])).toEqual([[1, 2, 3]]);
    } finally {
      await worker.terminate();
    }
  }, 30_000);

  it('structuredClone in one thread shares the module\'s code', async () => {
    const module = new LB.Module(await moduleWithEverything());
    const modules: LB.Module[] = [];
    const got = decodeMessage(structuredClone(encodeMessage({ module, again: module }, modules)), modules) as { module: LB.Module; again: LB.Module };
    expect(got.module).toBeInstanceOf(LB.Module);
    expect(got.module).not.toBe(module); // a new object, as V8's clone
    expect(got.again).toBe(got.module);
    expect(got.module.compiled).toBe(module.compiled);
    expect(LB.Module.customSections(got.module, 'note').map((b) => [...new Uint8Array(b)])).toEqual([[1, 2, 3]]);
  });

  it('finds a Lightbeam object held by an instance of the program\'s class, which structured clone takes as a plain object', () => {
    class Holder {
      constructor(readonly memory: unknown, readonly extra?: unknown) {}
      get size(): number {
        return 1;
      }
    }
    // V8's: the instance arrives as a plain object of its own properties, the memory as a memory.
    const v8Memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const onV8 = structuredClone({ holder: new Holder(v8Memory) }).holder;
    expect(Object.getPrototypeOf(onV8)).toBe(Object.prototype);
    expect(onV8.memory).toBeInstanceOf(WebAssembly.Memory);
    expect(() => structuredClone(new Holder(new WebAssembly.Memory({ initial: 1 })))).toThrow(/could not be cloned/);

    const memory = new LB.Memory({ initial: 1, maximum: 1, shared: true } as WebAssembly.MemoryDescriptor);
    const { port1, port2 } = new MessageChannel();
    const blob = new Blob(['x']);
    const bystander = new Holder(1, 'two'); // holds nothing of ours: left for structured clone
    const message = { holder: new Holder(memory, new Holder([memory])), blob, port: port1, bystander };
    const got = decodeMessage(structuredClone(encodeMessage(message), { transfer: [port1] })) as {
      holder: { memory: LB.Memory; extra: { memory: LB.Memory[] } }; blob: Blob; port: unknown; bystander: unknown;
    };
    expect(Object.getPrototypeOf(got.holder)).toBe(Object.prototype);
    expect(Object.keys(got.holder)).toEqual(['memory', 'extra']); // own enumerable properties only, as V8's
    expect(got.holder.memory).toBeInstanceOf(LB.Memory);
    expect(got.holder.extra.memory[0]).toBe(got.holder.memory);
    new Int32Array(memory.buffer)[0] = 5;
    expect(new Int32Array(got.holder.memory.buffer)[0]).toBe(5);
    expect(got.blob).toBeInstanceOf(Blob);
    expect(got.port).toBeInstanceOf(port2.constructor); // transferred, not copied
    expect(got.bystander).toEqual({ memory: 1, extra: 'two' });
    port2.close();
    (got.port as { close(): void }).close();
    expect(() => encodeMessage(new Holder(new LB.Memory({ initial: 1 })))).toThrow(/could not be cloned/);
  });
});
