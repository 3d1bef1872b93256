// Workload: brotli-wasm compressing 200 KB at quality 9 and decompressing it (compute-bound,
// few crossings). Prints the best of 5 runs, after one warm-up, in ms of wall time.
import { createRequire } from 'node:module';
const brotli = createRequire(import.meta.url)('brotli-wasm');

const words = 'wasm one pass compiler register allocator value stack lightbeam liftoff turbofan'.split(' ');
let text = '';
for (let i = 0; text.length < 200_000; i++) text += words[(i * 7919) % words.length] + (i % 13 === 0 ? '\n' : ' ');
const input = new TextEncoder().encode(text);
const once = () => brotli.decompress(brotli.compress(input, { quality: 9 })).length;
once();
let best = Infinity;
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  if (once() !== input.length) throw new Error('round trip failed');
  best = Math.min(best, performance.now() - t);
}
console.log(best.toFixed(2));
