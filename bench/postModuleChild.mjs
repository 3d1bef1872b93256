// One run of bench/post-module.ts, in a process of its own under `node --import bin/register.mjs`
// (Lightbeam installed as WebAssembly here and in the worker, from the bundle, as `lightbeam node`
// runs a program). The main thread compiles the module, as a program does before it starts its
// workers, then starts a worker and waits until it is ready (Lightbeam loaded), and then:
//   bytes:  posts the module's bytes, and the worker compiles them (what a posted Module cost
//           before: the worker compiled it again from its bytes, cold)
//   module: posts the Module, and the worker has it from the posted code
// The worker instantiates it and replies. Then the same again with a second worker. Printed as
// JSON: wall ms from the post to the reply, the CPU ms of the worker's thread for it, the CPU ms of
// the main thread's postMessage, and the CPU ms of the whole process (every thread: V8's compiler
// and GC threads too) over the post; `again`: the same for the second worker.
//   node --import ./bin/register.mjs bench/postModuleChild.mjs bytes|module FILE
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import koffi from 'koffi';

const timespec = koffi.struct('bench_timespec', { sec: 'int64', nsec: 'int64' });
const clockGettime = koffi.load('libc.so.6').func('int clock_gettime(int clock, _Out_ bench_timespec *tp)');
const CLOCK_THREAD_CPUTIME_ID = 3;
/** CPU ms of the calling thread. */
function threadCpuMs() {
  const tp = {};
  clockGettime(CLOCK_THREAD_CPUTIME_ID, tp);
  return Number(tp.sec) * 1e3 + Number(tp.nsec) / 1e6;
}
const processCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Functions for every import (the two modules measured import only functions). */
const importsOf = (module) => {
  const imports = {};
  for (const i of WebAssembly.Module.imports(module)) (imports[i.module] ??= {})[i.name] = () => 0;
  return imports;
};

if (isMainThread) {
  const [mode, file] = process.argv.slice(2);
  const bytes = readFileSync(file);
  const module = new WebAssembly.Module(bytes);
  /** One post to a fresh worker, until it has instantiated the module. */
  const postOnce = async () => {
    const worker = new Worker(new URL(import.meta.url));
    await new Promise((resolve) => worker.once('message', resolve)); // ready
    const reply = new Promise((resolve) => worker.once('message', resolve));
    const cpu0 = processCpuMs();
    const t0 = performance.now();
    const main0 = threadCpuMs();
    worker.postMessage(mode === 'module' ? { module } : { bytes });
    const postCpuMs = threadCpuMs() - main0;
    const { workerCpuMs, exports } = await reply;
    const wallMs = performance.now() - t0;
    const processMs = processCpuMs() - cpu0;
    await worker.terminate();
    if (exports !== WebAssembly.Module.exports(module).length) throw new Error('the worker\'s instance is not of the module');
    return { wallMs, workerCpuMs, postCpuMs, processMs };
  };
  // The first post, then the same module to a second worker (a Module's code is made on its first post).
  const first = await postOnce();
  console.log(JSON.stringify({ mode, ...first, again: await postOnce() }));
} else {
  let cpu0 = threadCpuMs();
  // The message is revived (the module made) in MessagePort's dispatch, before this listener runs.
  parentPort.once('message', (message) => {
    const module = message.module ?? new WebAssembly.Module(message.bytes);
    const instance = new WebAssembly.Instance(module, importsOf(module));
    parentPort.postMessage({ workerCpuMs: threadCpuMs() - cpu0, exports: Object.keys(instance.exports).length });
  });
  cpu0 = threadCpuMs();
  parentPort.postMessage('ready');
}
