// threads: memory.atomic.wait32/64 and notify on a shared memory, the builtins generated code
// calls (compiler/abi: AtomicBuiltin). A shared memory's bytes are a SharedArrayBuffer (see
// linearMemory.ts), so waiting and waking are JS's own Atomics.wait and Atomics.notify on it:
// they block this thread, and wake waiters of any thread, wasm's or JS's, that waits on the same
// address. Node lets the main thread block too (a browser's would not).

import { AtomicBuiltin, AtomicBuiltin as B, TrapCode } from '../abi/index.ts';
import { type FuncType, ValType } from '../binary/types.ts';
import type { LinearMemory } from './linearMemory.ts';
import type { SlotViews } from './runtimeState.ts';

const I32 = ValType.i32, I64 = ValType.i64;
/** Their types as the stubs see them: every integer is a 64-bit slot anyway. */
export const ATOMIC_BUILTIN_TYPES: Record<AtomicBuiltin, FuncType> = {
  [B.notify]: { params: [I32, I64, I64, I32], results: [I32] },
  [B.wait32]: { params: [I32, I64, I64, I32, I64], results: [I32] },
  [B.wait64]: { params: [I32, I64, I64, I64, I64], results: [I32] },
};

const WAIT_RESULTS: Record<string, number> = { ok: 0, 'not-equal': 1, 'timed-out': 2 };

// #region wait-notify-handlers
/**
 * The handlers, each given the memories of the calling instance, its arguments in the call-out
 * slots `s` as compiler/abi says (memory, memarg offset, address, then the operator's own).
 * They return 0 (the result in slot 0) or a trap code.
 */
export function atomicHandlers(s: SlotViews): Record<AtomicBuiltin, (memories: readonly LinearMemory[]) => number> {
  /** The checked byte address of a `size`-byte access, or a trap code. */
  const access = (memories: readonly LinearMemory[], size: number): { mem: LinearMemory; at: number } | number => {
    const mem = memories[s.u32[0]!]!;
    mem.refreshShared(); // another thread may have grown it
    const at = s.getAddress(1) + (mem.address64 ? s.getAddress(2) : s.u32[4]!);
    if (at + size > mem.byteLength) return TrapCode.outOfBoundsMemoryAccess;
    if (at % size !== 0) return TrapCode.unalignedAtomic;
    return { mem, at };
  };
  const result = (n: number): number => {
    s.i32[0] = n;
    s.i32[1] = 0;
    return 0;
  };
  /** A timeout in nanoseconds (negative: none) as Atomics.wait's milliseconds. */
  const millis = (ns: bigint): number => (ns < 0n ? Infinity : Number(ns) / 1e6);
  return {
    [B.notify]: (memories) => {
      const a = access(memories, 4);
      if (typeof a === 'number') return a;
      return result(Atomics.notify(new Int32Array(a.mem.arrayBuffer), a.at / 4, s.u32[6]!));
    },
    [B.wait32]: (memories) => {
      const a = access(memories, 4);
      if (typeof a === 'number') return a;
      return result(WAIT_RESULTS[Atomics.wait(new Int32Array(a.mem.arrayBuffer), a.at / 4, s.i32[6]!, millis(s.i64[4]!))]!);
    },
    [B.wait64]: (memories) => {
      const a = access(memories, 8);
      if (typeof a === 'number') return a;
      return result(WAIT_RESULTS[Atomics.wait(new BigInt64Array(a.mem.arrayBuffer), a.at / 8, s.i64[3]!, millis(s.i64[4]!))]!);
    },
  };
}
// #endregion wait-notify-handlers
