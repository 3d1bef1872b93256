// Decode-and-validate throughput: our validator beside V8's WebAssembly.validate, same run,
// same bytes. Usage: npx tsx bench/decode.ts [file.wasm ...]
// Also checks compile time stays linear: synthetic bodies (deep nesting, huge br_table,
// many locals, long unreachable stretches) at three sizes, reporting ns per byte for each.
// NO_SHAPES=1 skips the synthetic bodies, NO_MODULES=1 the real modules.

import { existsSync, readFileSync } from 'node:fs';
import { validateModule } from '../compiler/validate/index.ts';
import { leb, moduleWithBody } from '../compiler/validate/testSupport.ts';

const DEFAULT_FILES = [
  'node_modules/@astrojs/compiler/dist/astro.wasm',
  'node_modules/iced-x86/iced_x86_bg.wasm',
  'node_modules/playwright-core/lib/webp_codec.wasm',
  'node_modules/shiki/dist/onig.wasm',
];

/**
 * CPU time of this process in ms: unlike wall time, it does not count waiting for a core. It
 * does count every thread: V8's WebAssembly.validate was seen using a second core for a large
 * module (astro.wasm: 7 ms wall, 13 ms CPU), and the garbage collector's helper threads count
 * for whichever side made the garbage or happens to be running. Expect +-10% from run to run on
 * a shared machine.
 */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Median times of one call of `a` and of `b`, in ms of CPU time, sampled alternately after a
 * warm-up: the machine may be shared, and alternating makes both see the same load; the median
 * resists noise.
 */
function timePair(a: () => void, b: () => void, minMs = 3000): [number, number] {
  const warmUntil = performance.now() + minMs / 3;
  while (performance.now() < warmUntil) {
    a();
    b();
  }
  const sa: number[] = [];
  const sb: number[] = [];
  const stop = performance.now() + minMs;
  while (performance.now() < stop || sa.length < 5) {
    let t = cpuMs();
    a();
    sa.push(cpuMs() - t);
    t = cpuMs();
    b();
    sb.push(cpuMs() - t);
  }
  const median = (s: number[]) => s.sort((x, y) => x - y)[s.length >> 1]!;
  return [median(sa), median(sb)];
}

function timeIt(fn: () => void, minMs = 1000): number {
  return timePair(fn, () => {}, minMs)[0];
}

function mbps(bytes: number, ms: number): string {
  return ((bytes / 1e6) / (ms / 1e3)).toFixed(1).padStart(7);
}

const files = process.env.NO_MODULES ? [] : process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT_FILES.filter((f) => existsSync(f));
console.log('decode + validate throughput (MB/s, higher is better)\n');
console.log(`${'module'.padEnd(52)} ${'size'.padStart(9)}  ${'ours'.padStart(7)}  ${'V8'.padStart(7)}  ours/V8`);
for (const file of files) {
  const bytes = new Uint8Array(readFileSync(file));
  if (!WebAssembly.validate(bytes)) {
    console.log(`${file}: V8 says invalid, skipped`);
    continue;
  }
  try {
    validateModule(bytes);
  } catch (e) {
    console.log(`${file.padEnd(52)} skipped: ${(e as Error).message}`);
    continue;
  }
  const [ours, v8] = timePair(() => validateModule(bytes), () => WebAssembly.validate(bytes));
  console.log(
    `${file.padEnd(52)} ${String(bytes.length).padStart(9)}  ${mbps(bytes.length, ours)}  ${mbps(bytes.length, v8)}  ${(v8 / ours).toFixed(2)}`,
  );
}

// ---- linear-time checks on synthetic bodies ----
const shapes: Record<string, (n: number) => number[]> = {
  'deep nesting': (n) => [0, ...Array(n).fill([0x02, 0x40]).flat(), ...Array(n).fill(0x0b), 0x0b],
  'huge br_table': (n) => [0, 0x02, 0x40, 0x41, 0, 0x0e, ...leb(n), ...Array(n).fill(0), 0, 0x0b, 0x0b],
  'many locals': (n) => [...leb(n), ...Array(n).fill([1, 0x7f]).flat(), ...Array(n).fill(0).flatMap((_, i) => [0x20, ...leb(i), 0x1a]), 0x0b],
  'long unreachable': (n) => [0, 0x00, ...Array(n).fill([0x6a, 0x1a]).flat(), 0x0b],
  'wide br_table, deep': (n) => {
    const depth = Math.floor(Math.sqrt(n));
    const labels = Array.from({ length: n }, (_, i) => i % depth);
    return [0, ...Array(depth).fill([0x02, 0x40]).flat(), 0x41, 0, 0x0e, ...leb(n), ...labels.flatMap(leb), 0, ...Array(depth + 1).fill(0x0b)];
  },
};
if (!process.env.NO_SHAPES) console.log('\nlinear time: ns per byte at three sizes (should stay about flat)\n');
if (!process.env.NO_SHAPES) for (const [name, make] of Object.entries(shapes)) {
  const cells: string[] = [];
  for (const n of [5_000, 40_000, 1_000_000]) {
    // Locals stop at the validator's limit (MAX_LOCALS = 50,000).
    if (name === 'many locals' && n > 40_000) continue;
    const bytes = moduleWithBody(make(n));
    const ms = timeIt(() => validateModule(bytes), 300);
    cells.push(`${String(bytes.length).padStart(8)} B: ${((ms * 1e6) / bytes.length).toFixed(1).padStart(6)} ns/B`);
  }
  console.log(`${name.padEnd(22)} ${cells.join('   ')}`);
}
