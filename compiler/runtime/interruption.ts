// Stopping running code (TrapCode.interrupted). Each thread's runtime has one interrupt flag, a
// u32 in a SharedArrayBuffer, whose address every VMContext holds (VMCTX.INTERRUPT_FLAG); code
// compiled `interruptible` checks it at function entries and loop heads (codegen/interruptCheck.ts).
// Setting it stops whatever Lightbeam code runs on that thread, from anywhere:
// - `interrupt()` on the thread itself (from a call-out), or `Atomics.store(handle, 0, 1)` from any
//   thread holding the flag (`interruptHandle()`, a SharedArrayBuffer that can be posted);
// - `withTimeout(ms, fn)`: a POSIX timer (SIGEV_THREAD) whose thread runs a 7-byte stub that
//   stores 1 in the flag: no JS needs to run for the timer to fire;
// - `worker.terminate()` and `process.exit()`: each runtime announces its flag on a
//   BroadcastChannel; every thread that loaded the runtime patches Worker.prototype.terminate to
//   set the worker's flag first, and sets every worker's flag on 'exit' (Node would otherwise
//   wait for ever for a worker spinning in wasm, where V8 cannot stop it).
// The trap clears the flag: the instance, and the thread, stay usable.

import { BroadcastChannel, isMainThread, threadId, Worker } from 'node:worker_threads';
import { Assembler, dword, rdi } from '../x64/index.ts';
import { CodeMemory } from './codeMemory.ts';
import { getNative, type Native } from './native.ts';
import { unmapAll } from './mappingLedger.ts';

// #region interrupt-flag
export class InterruptFlag {
  /** Word 0: non-zero asks code compiled interruptible to stop. Shareable with other threads. */
  readonly words = new Int32Array(new SharedArrayBuffer(8));
  /** Its native address (a SharedArrayBuffer's memory never moves). */
  readonly address: number;
  constructor(native: Native) {
    this.address = native.addressOf(this.words);
  }
  set(): void {
    Atomics.store(this.words, 0, 1);
  }
  clear(): void {
    Atomics.store(this.words, 0, 0);
  }
  get isSet(): boolean {
    return Atomics.load(this.words, 0) !== 0;
  }
}
// #endregion interrupt-flag

// #region timeout
const CLOCK_MONOTONIC = 1;
const SIGEV_THREAD = 2;

/** A one-shot POSIX timer that sets a flag from a thread of its own when it expires. */
export class FlagTimer {
  private readonly timer: bigint;
  private readonly settime: (t: bigint, flags: number, spec: Uint8Array, old: null) => number;
  private static stub: CodeMemory | undefined;

  constructor(flag: InterruptFlag) {
    const native = getNative();
    const { koffi } = native;
    const libc = koffi.load('libc.so.6');
    const create = libc.func('int timer_create(int clock, void *sevp, _Out_ uint64_t *timerid)');
    this.settime = libc.func('int timer_settime(uint64_t timerid, int flags, void *spec, void *old)');
    // void notify(union sigval v): `mov dword [rdi], 1; ret`, on the timer's thread.
    FlagTimer.stub ??= (() => {
      const asm = new Assembler();
      asm.mov(dword(rdi, 0), 1);
      asm.ret();
      return new CodeMemory(asm.finish().code);
    })();
    const sev = new DataView(new ArrayBuffer(64));
    sev.setBigUint64(0, BigInt(flag.address), true); // sigev_value.sival_ptr
    sev.setInt32(12, SIGEV_THREAD, true); // sigev_notify
    sev.setBigUint64(16, BigInt(FlagTimer.stub.address), true); // sigev_notify_function
    const id = [0n];
    if (create(CLOCK_MONOTONIC, new Uint8Array(sev.buffer), id) !== 0) throw new Error(`timer_create failed: ${native.lastError()}`);
    this.timer = BigInt(id[0]!);
  }

  /** Fire in `ms` milliseconds (0: disarm). */
  arm(ms: number): void {
    const spec = new DataView(new ArrayBuffer(32));
    const ns = Math.max(0, Math.round(ms * 1e6));
    spec.setBigInt64(16, BigInt(Math.floor(ns / 1e9)), true);
    spec.setBigInt64(24, BigInt(ns % 1e9), true);
    if (ms > 0 && ns === 0) spec.setBigInt64(24, 1n, true);
    if (this.settime(this.timer, 0, new Uint8Array(spec.buffer), null) !== 0) throw new Error('timer_settime failed');
  }
}
// #endregion timeout

// #region worker-interrupts
/** The flags and mapping ledgers of the other threads' runtimes, by thread id (as they announced them). */
const flagsByThread = new Map<number, Int32Array>();
const ledgersByThread = new Map<number, Float64Array>();
let channel: BroadcastChannel | undefined;

/**
 * Listen for other threads' flags and make terminate()/exit set them. Idempotent; called by every
 * runtime, and by compiler/api on import (a main thread that only starts workers needs it too).
 */
export function watchWorkers(own?: InterruptFlag, ownLedger?: Float64Array): void {
  if (!channel) {
    channel = new BroadcastChannel('lightbeam:interrupt-flags');
    channel.onmessage = (event: unknown) => {
      const data = (event as { data?: { threadId?: number; flag?: Int32Array; ledger?: Float64Array } }).data;
      if (data && typeof data.threadId === 'number' && data.flag instanceof Int32Array) flagsByThread.set(data.threadId, data.flag);
      if (data && typeof data.threadId === 'number' && data.ledger instanceof Float64Array) ledgersByThread.set(data.threadId, data.ledger);
    };
    channel.unref();
    const terminate = Worker.prototype.terminate;
    const patched = function (this: Worker, ...args: unknown[]) {
      const id = this.threadId;
      const flag = flagsByThread.get(id);
      if (flag) Atomics.store(flag, 0, 1);
      const stopped = (terminate as (...a: unknown[]) => Promise<number>).apply(this, args);
      // No JS runs in a terminated worker, so its 'exit' cleanup did not: unmap its runtime and
      // instances from here once its thread has stopped.
      const ledger = ledgersByThread.get(id);
      if (!ledger) return stopped;
      return stopped.then((code) => {
        flagsByThread.delete(id);
        ledgersByThread.delete(id);
        unmapAll(ledger, (address, length) => getNative().rawMunmap(address, length));
        return code;
      });
    };
    if (!(terminate as { lightbeam?: boolean }).lightbeam) {
      Object.defineProperty(patched, 'lightbeam', { value: true });
      Worker.prototype.terminate = patched as typeof terminate;
    }
    if (isMainThread) {
      // process.exit() stops every worker and waits for it: stop their wasm first.
      process.on('exit', () => {
        for (const flag of flagsByThread.values()) Atomics.store(flag, 0, 1);
      });
    }
  }
  if (own && !isMainThread) channel.postMessage({ threadId, flag: own.words, ledger: ownLedger });
}
// #endregion worker-interrupts
