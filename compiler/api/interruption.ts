// Stopping running code through the API (Lightbeam's own; the JS API has nothing like it).
// Only modules compiled interruptible (`new Module(bytes, { interruptible: true })`, the default
// in worker threads) check for interrupts; see compiler/runtime/interruption.ts.

import { isMainThread } from 'node:worker_threads';
import { watchWorkers } from '../runtime/interruption.ts';
import { getRuntime } from '../runtime/runtime.ts';
import { setDefaultInterruptible } from './module.ts';

// In a worker, compile interruptible by default so that worker.terminate() can stop the code;
// on any thread, let terminate()/process.exit() stop the workers' code.
setDefaultInterruptible(!isMainThread);
try {
  watchWorkers();
} catch {
  // no worker_threads (not Node): nothing to watch
}

// #region api-interruption
/** Stop the interruptible code running on this thread (call it from an import, say): it traps "interrupted". */
export function interrupt(): void {
  getRuntime().interrupt();
}

/**
 * This thread's interrupt flag, to post to another thread: `Atomics.store(handle, 0, 1)` there
 * stops the interruptible code running here.
 */
export function interruptHandle(): Int32Array {
  return getRuntime().interruptFlag.words;
}

/** Run `fn`, interrupting the interruptible code it runs after `ms` milliseconds (RuntimeError "interrupted"). */
export function withTimeout<T>(ms: number, fn: () => T): T {
  return getRuntime().withTimeout(ms, fn);
}
// #endregion api-interruption
