// Issue 11, item 6: short-lived workers that use Lightbeam must not leave their runtime and
// instances mapped. Starts N workers one after another; each instantiates a module with a memory
// and calls it, then ends (naturally, or spinning in wasm until terminate()d). Prints the process's
// mappings (/proc/self/maps lines) and address space (VmSize) before and after, and, exactly, how
// many of the mappings each worker's runtime recorded in its ledger are still mapped once it has
// gone (V8's own heap pages make the count of lines swing by dozens either way, so only the ledger
// check says whether Lightbeam left something behind).
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

// Each worker's runtime announces its ledger (a shared Float64Array of [address, length] pairs) on
// this channel; we read it while the worker is alive and check those ranges once it has ended.
const ledgers = new Map<number, Float64Array>();
const channel = new BroadcastChannel('lightbeam:interrupt-flags');
channel.onmessage = (event: unknown) => {
  const data = (event as { data?: { threadId?: number; ledger?: Float64Array } }).data;
  if (data && typeof data.threadId === 'number' && data.ledger instanceof Float64Array) ledgers.set(data.threadId, data.ledger);
};
function rangesOf(ledger: Float64Array | undefined): [number, number][] {
  const ranges: [number, number][] = [];
  for (let slot = 0; ledger && slot < ledger.length / 2; slot++) if (ledger[2 * slot]) ranges.push([ledger[2 * slot]!, ledger[2 * slot + 1]!]);
  return ranges;
}
function stillMapped(ranges: [number, number][]): number {
  const mapped = readFileSync('/proc/self/maps', 'utf8').split('\n').filter(Boolean).map((line) => line.split(' ')[0]!.split('-').map((h) => parseInt(h, 16)) as [number, number]);
  return ranges.filter(([address, length]) => mapped.some(([start, end]) => start < address + length && address < end)).length;
}
let recorded = 0;
let leftMapped = 0;

async function one(): Promise<void> {
  const worker = new Worker(script, { workerData: { spin: how === 'terminate' } });
  let ranges: [number, number][] = [];
  await new Promise<void>((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', async (m) => {
      // The worker has instantiated and called its module: its runtime and instance are mapped.
      // Its ledger comes on another channel, so it may not be here yet.
      for (let wait = 0; !ledgers.has(worker.threadId) && wait < 200; wait++) await new Promise((r) => setTimeout(r, 5));
      ranges = rangesOf(ledgers.get(worker.threadId));
      if (m === 'spinning') setTimeout(() => void worker.terminate(), 5);
      else worker.postMessage('end');
    });
    worker.on('exit', () => resolve());
  });
  if (how === 'terminate') await new Promise((r) => setTimeout(r, 0)); // the terminate() cleanup runs after 'exit'
  ledgers.delete(worker.threadId);
  recorded += ranges.length;
  leftMapped += stillMapped(ranges);
}

await one(); // warm up: the first worker loads koffi and the compiler
recorded = leftMapped = 0;
const before = { maps: maps(), vmGiB: vmGiB() };
const t0 = performance.now();
for (let i = 0; i < N; i++) await one();
const after = { maps: maps(), vmGiB: vmGiB() };
channel.close();
console.log(JSON.stringify({ n: N, how, before, after, addedMaps: after.maps - before.maps, addedGiB: Math.round(after.vmGiB - before.vmGiB), recorded, leftMapped, seconds: (performance.now() - t0) / 1000 }));
