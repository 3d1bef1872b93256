// WebAssembly.compileStreaming over a body that arrives at a given rate, as from a network:
// Lightbeam compiling each function as its bytes arrive, against gathering the bytes first and
// then compiling (what compileStreaming did until stop 31), Lightbeam's streaming on 2 threads
// (ParallelStreamingCompiler: not what the API uses, see README), and V8's own compileStreaming.
// Prints, per engine, the median of several runs of: the time until the module is ready, and how
// much of it came after the last byte had arrived (what streaming saves is that tail).
//
//   npx tsx bench/compile-streaming.ts [file.wasm] [MB/s] [runs]
//   (default: bench/modules/large.wasm at 5 MB/s, 7 runs, after a warm-up of each; the 2-thread
//   row wants a free core, and its worker's JIT warms up over the runs)

import { readFileSync } from 'node:fs';
import { WebAssembly as LB } from '../compiler/api/namespace.ts';
import { Module } from '../compiler/api/module.ts';
import { closeCompileWorkers, ParallelStreamingCompiler } from '../compiler/parallel/parallelCompile.ts';

const file = process.argv[2] ?? 'bench/modules/large.wasm';
const rate = Number(process.argv[3] ?? 5) * 1e6;
const runs = Number(process.argv[4] ?? 7);
const bytes = new Uint8Array(readFileSync(file));
const CHUNK = 64 * 1024;

/** A Response whose body hands out CHUNK bytes at `rate`; `arrived` is set when the last is handed out. */
function throttled(): { response: Response; last: { at: number } } {
  const last = { at: 0 };
  const start = performance.now();
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (at >= bytes.length) return controller.close();
      const end = Math.min(at + CHUNK, bytes.length);
      const due = start + (end / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      controller.enqueue(bytes.slice(at, end));
      at = end;
      if (at >= bytes.length) last.at = performance.now();
    },
  }, { highWaterMark: 0 });
  const response = new Response(body, { headers: { 'Content-Type': 'application/wasm', 'Content-Length': String(bytes.length) } });
  return { response, last };
}

/** The body's chunks into ParallelStreamingCompiler on `threads` threads. */
async function parallelStreaming(r: Response, threads: number): Promise<unknown> {
  const compiler = new ParallelStreamingCompiler({ threads }, bytes.length);
  const reader = r.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    compiler.push(value);
  }
  return compiler.finish();
}

const engines: [string, (r: Response) => Promise<unknown>][] = [
  ['lightbeam, streaming', (r) => (LB as unknown as typeof WebAssembly).compileStreaming(r)],
  ['lightbeam, streaming, 2 threads', (r) => parallelStreaming(r, 2)],
  ['lightbeam, gather then compile', async (r) => new Module(new Uint8Array(await r.arrayBuffer()))],
  ['V8 compileStreaming', (r) => WebAssembly.compileStreaming(r)],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(`${file}: ${(bytes.length / 1e6).toFixed(2)} MB arriving at ${(rate / 1e6).toFixed(1)} MB/s in ${CHUNK / 1024} KB chunks (${((bytes.length / rate) * 1000).toFixed(0)} ms); median of ${runs}, ms`);
const results = new Map<string, { total: number[]; tail: number[] }>();
for (const [name] of engines) results.set(name, { total: [], tail: [] });
for (let round = -1; round < runs; round++) {
  // Interleaved, so every engine sees the same load; round -1 warms each up.
  for (const [name, compile] of engines) {
    const { response, last } = throttled();
    const t0 = performance.now();
    await compile(response);
    const t1 = performance.now();
    if (round < 0) continue;
    results.get(name)!.total.push(t1 - t0);
    results.get(name)!.tail.push(t1 - last.at);
  }
}
for (const [name, r] of results) {
  console.log(`${name.padEnd(32)} ready after ${median(r.total).toFixed(0).padStart(5)}   after the last byte ${median(r.tail).toFixed(0).padStart(5)}`);
}
await closeCompileWorkers();
