// Issue 11, item 6: short-lived workers that use Lightbeam must not leave their runtime and
// instances mapped. Starts N workers one after another; each instantiates a module with a memory
// and calls it, then ends (naturally, or spinning in wasm until terminate()d). Prints the process's
// mappings (/proc/self/maps lines) and address space (VmSize) before and after.
//
//   npx tsx bench/worker-churn.ts [N] [end|terminate]     (x86-64 Linux; the last line is JSON)

import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import '../compiler/api/index.ts'; // this thread's terminate() hook

const N = Number(process.argv[2] ?? 200);
const how = process.argv[3] ?? 'end';
const maps = () => readFileSync('/proc/self/maps', 'utf8').split('\n').length - 1;
const vmGiB = () => Number(/VmSize:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 2 ** 20;
const script = new URL('../compiler/runtime/testdata/usingWorker.mjs', import.meta.url);

async function one(): Promise<void> {
  const worker = new Worker(script, { workerData: { spin: how === 'terminate' } });
  await new Promise<void>((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', (m) => {
      if (m === 'spinning') setTimeout(() => void worker.terminate(), 5);
    });
    worker.on('exit', () => resolve());
  });
  if (how === 'terminate') await new Promise((r) => setTimeout(r, 0)); // the terminate() cleanup runs after 'exit'
}

await one(); // warm up: the first worker loads koffi and the compiler
const before = { maps: maps(), vmGiB: vmGiB() };
const t0 = performance.now();
for (let i = 0; i < N; i++) await one();
const after = { maps: maps(), vmGiB: vmGiB() };
console.log(JSON.stringify({ n: N, how, before, after, addedMaps: after.maps - before.maps, addedGiB: Math.round(after.vmGiB - before.vmGiB), seconds: (performance.now() - t0) / 1000 }));
