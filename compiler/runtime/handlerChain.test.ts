// The handler chain's safeguards (exceptions.ts, runtime.ts): however a call into wasm ends, the
// chain's head is back to what it was when the call began, and a walk of a broken chain (a record
// a code-generator bug left linked, its frame reused since, can point at itself: the GC fuzzer's
// gc-seed2648 made a later trap loop there forever) ends.
import { describe, expect, it } from 'vitest';
import { EXCEPTION_STATE, HANDLER_RECORD } from '../abi/index.ts';
import { Instance, Module, RuntimeError } from '../api/index.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { chainLimit, dropDeadRecords, type ExceptionHooks, JSTag, landException, makeException, type NativeReader } from './exceptions.ts';
import { getNative, PROT_READ, PROT_WRITE } from './native.ts';
import { getRuntime } from './runtime.ts';
import { SlotViews } from './runtimeState.ts';

const native = process.arch === 'x64' && process.platform === 'linux';

/** Memory as a map of u64 words (unset words read 0). */
function fakeMemory(): NativeReader & { words: Map<number, number> } {
  const words = new Map<number, number>();
  return {
    words,
    u64: (a) => words.get(a) ?? 0,
    u32: (a) => (words.get(a) ?? 0) % 0x100000000,
    i32: (a) => (words.get(a) ?? 0) | 0,
    setU64: (a, v) => void words.set(a, v),
  };
}

describe('the handler chain', () => {
  const STATE = 0x1000, RECORD = 0x5000, CLAUSES = 0x6000; // CLAUSES: a count of 0
  const hooks: ExceptionHooks = { tagOf: () => undefined, holderOf: () => undefined };
  const limit = chainLimit(1 << 20);

  it('a walk of a record that points at itself ends', () => {
    const m = fakeMemory();
    m.setU64(STATE + EXCEPTION_STATE.HANDLERS, RECORD);
    m.setU64(RECORD + HANDLER_RECORD.PREV, RECORD);
    m.setU64(RECORD + HANDLER_RECORD.CLAUSES, CLAUSES);
    dropDeadRecords(STATE, m, 0x10000, limit);
    expect(m.u64(STATE + EXCEPTION_STATE.HANDLERS)).toBe(0);

    m.setU64(STATE + EXCEPTION_STATE.HANDLERS, RECORD);
    const area = new SlotViews(new ArrayBuffer(64), 0, 8);
    expect(landException(STATE, area, m, hooks, 0x10000, makeException(JSTag, [1]), limit)).toBeUndefined();
    expect(m.u64(STATE + EXCEPTION_STATE.HANDLERS)).toBe(0);
  });

  it('a sound chain is walked as before: dead records dropped, the live ones kept', () => {
    const m = fakeMemory();
    // Two records below the stack top 0x10000 (dead), then one above it (an outer activation's).
    m.setU64(STATE + EXCEPTION_STATE.HANDLERS, RECORD);
    m.setU64(RECORD + HANDLER_RECORD.PREV, RECORD + 0x100);
    m.setU64(RECORD + 0x100 + HANDLER_RECORD.PREV, 0x20000);
    dropDeadRecords(STATE, m, 0x10000, limit);
    expect(m.u64(STATE + EXCEPTION_STATE.HANDLERS)).toBe(0x20000);
  });

  it.runIf(native)('a call into wasm leaves the chain as it found it, returning or trapping', async () => {
    const runtime = getRuntime();
    const state = (runtime as unknown as { state: number }).state;
    const view = new DataView(getNative().view(state, 256));
    const head = (): bigint => view.getBigUint64(EXCEPTION_STATE.HANDLERS, true);
    // A fake record that points at itself, linked from JS as a buggy try_table would leave one.
    const nativeMemory = getNative();
    const page = nativeMemory.mmap(nativeMemory.pageSize, PROT_READ | PROT_WRITE);
    new DataView(nativeMemory.view(page, 64)).setBigUint64(HANDLER_RECORD.PREV, BigInt(page), true);
    const e = new Instance(new Module(await watToWasm(`(module
      (import "m" "corrupt" (func $corrupt))
      (func (export "returns") (result i32) (call $corrupt) (i32.const 5))
      (func (export "traps") (call $corrupt) (unreachable)))`)), {
      m: { corrupt: () => view.setBigUint64(EXCEPTION_STATE.HANDLERS, BigInt(page), true) },
    }).exports as Record<string, () => unknown>;
    const before = head();
    const stale = runtime.staleHandlerChains;
    expect(e.returns!()).toBe(5);
    expect(head()).toBe(before);
    expect(runtime.staleHandlerChains).toBe(stale + 1); // a normal return with a record left: counted
    expect(() => e.traps!()).toThrow(RuntimeError);
    expect(head()).toBe(before);
    expect(runtime.staleHandlerChains).toBe(stale + 1); // a trap's records died with it: not a bug
  });
});
