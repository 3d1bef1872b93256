// V8's Liftoff timed on a module in a child process of its own, for the benchmarks that set it
// beside our compiler (bench/compile.ts, bench/codegen-floor.ts). Each compile gets different
// bytes (a custom section holds a counter), so V8's native-module cache cannot answer instead.

import { execFileSync } from 'node:child_process';

/** Liftoff alone, every function compiled up front (add --single-threaded for one thread). */
export const LIFTOFF_FLAGS = ['--liftoff-only', '--no-wasm-lazy-compilation'];

/**
 * The child's program: compile the module again and again, each time with a fresh counter in a
 * custom section. Arguments: the file, the sampling time in ms, and the mode: `warm` (CPU and wall
 * medians of a compile, and of a validate), `compile` (the CPU median of a compile alone), or
 * `cold` (the first compile).
 */
export const LIFTOFF_CHILD = `
const { readFileSync } = require('node:fs');
const base = readFileSync(process.argv[1]);
const minMs = Number(process.argv[2]);
const mode = process.argv[3];
let n = 0;
function fresh() {
  const tail = Buffer.from([0, 10, 7, 0x62, 0x65, 0x6e, 0x63, 0x68, 0x2d, 0x6e, 0, 0]); // custom section "bench-n" + counter
  tail[10] = n & 0xff; tail[11] = (n >> 8) & 0xff; n++;
  return Buffer.concat([base, tail]);
}
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
function time(f, clock) {
  const warm = performance.now() + minMs / 3;
  while (performance.now() < warm) f(fresh());
  const s = [];
  const stop = performance.now() + minMs;
  while (performance.now() < stop || s.length < 5) { const b = fresh(); const t = clock(); f(b); s.push(clock() - t); }
  return s.sort((x, y) => x - y)[s.length >> 1];
}
if (mode === 'cold') {
  const b = fresh(); const t = cpu(); const w = performance.now(); new WebAssembly.Module(b);
  console.log(JSON.stringify({ firstMs: cpu() - t, firstWallMs: performance.now() - w }));
} else if (mode === 'compile') {
  console.log(JSON.stringify({ compileMs: time((b) => new WebAssembly.Module(b), cpu) }));
} else {
  const compileMs = time((b) => new WebAssembly.Module(b), cpu);
  const compileWallMs = time((b) => new WebAssembly.Module(b), () => performance.now());
  const validateMs = time((b) => WebAssembly.validate(b), cpu);
  console.log(JSON.stringify({ compileMs, compileWallMs, validateMs }));
}
`;

/** Liftoff's timing of a module in a child process with these flags (see LIFTOFF_CHILD), sampling for `ms`. */
export function liftoff(file: string, flags: string[], mode: 'warm' | 'compile' | 'cold', ms: number): Record<string, number> {
  const out = execFileSync(process.execPath, [...flags, '-e', LIFTOFF_CHILD, file, String(ms), mode], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
}
