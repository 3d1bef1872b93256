// threads across threads: wasm on a worker waits (memory.atomic.wait32, no timeout) on a shared
// memory, and wasm on this thread wakes it (memory.atomic.notify). The worker runs its own
// instance of the module on the same memory: it adopts the V8 shared memory behind ours
// (LinearMemory.sharedBacking), posted to it.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { compileModule } from '../codegen/moduleCompiler.ts';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';
import { Instance } from './instance.ts';
import { LinearMemory } from './linearMemory.ts';

const WAT = `(module (import "env" "mem" (memory 1 1 shared))
  (func (export "wait") (param i32 i32) (result i32) (memory.atomic.wait32 (local.get 0) (local.get 1) (i64.const -1)))
  (func (export "notify") (param i32 i32) (result i32) (memory.atomic.notify (local.get 0) (local.get 1)))
  (func (export "store") (param i32 i32) (i32.atomic.store (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32) (i32.atomic.load (local.get 0))))`;

describe('wait and notify between threads', () => {
  it('a worker blocked in wait32 is woken by a notify from this thread, and its store is seen here', async () => {
    const bytes = (await requireWasmToolsTextToBinary())(WAT);
    const memory = new LinearMemory(1, 1, false, 16, true);
    const { exports } = new Instance(compileModule(bytes), { env: { mem: memory } });
    const f = exports as Record<string, (...a: number[]) => number>;
    expect(f.notify!(0, 1)).toBe(0); // nobody waits yet
    const worker = new Worker(new URL('./testdata/waitingWorker.mjs', import.meta.url), { workerData: { backing: memory.sharedBacking, bytes } });
    const messages: unknown[] = [];
    const next = () => new Promise<unknown>((resolve, reject) => {
      if (messages.length) return resolve(messages.shift());
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(await next()).toBe('waiting');
    // The worker said so just before it called wait: notify until it is really asleep and woken.
    let woken = 0;
    const deadline = Date.now() + 20_000;
    while (woken === 0 && Date.now() < deadline) {
      woken = f.notify!(0, 1);
      if (woken === 0) await new Promise((r) => setTimeout(r, 5));
    }
    expect(woken).toBe(1);
    expect(await next()).toBe(0); // "ok": woken by a notify, not timed out or not-equal
    expect(f.load!(4)).toBe(42);
    await worker.terminate();
  }, 60_000);
});
