// This thread's CPU time in seconds (clock_gettime(CLOCK_THREAD_CPUTIME_ID) through koffi), for the
// engine runners of bench/run.ts: it counts neither waiting for a core on a loaded machine nor the
// work of V8's background threads, only the thread that runs the kernel.
import { createRequire } from 'node:module';

const koffi = createRequire(import.meta.url)('koffi');
// #region thread-cpu-clock
const CLOCK_THREAD_CPUTIME_ID = 3;
const libc = koffi.load('libc.so.6');
const timespec = koffi.struct('bench_timespec', { tv_sec: 'int64', tv_nsec: 'int64' });
const clockGettime = libc.func('int clock_gettime(int, _Out_ bench_timespec *)');

export function threadCpuSeconds() {
  const t = {};
  if (clockGettime(CLOCK_THREAD_CPUTIME_ID, t) !== 0) throw new Error('clock_gettime failed');
  return Number(t.tv_sec) + Number(t.tv_nsec) / 1e9;
}
// #endregion thread-cpu-clock
