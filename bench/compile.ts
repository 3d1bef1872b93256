// Compile speed: megabytes of wasm per second, single-threaded, of our one-pass compiler beside
// V8's Liftoff measured in the same run on the same bytes, with our validation alone as the floor.
// Run: npx tsx bench/compile.ts [file.wasm ...]     (MS=3000 sets the sampling time per measurement)
//
// Inputs: a large generated module of random integer and control-flow functions (the differential
// test's program generator: what the code generator implements, so nothing is stubbed), and real
// modules (iced-x86 by default; functions using what is not implemented yet are compiled as stubs,
// so those numbers lean towards validation speed).
//
// Liftoff: a child `node --liftoff-only --no-wasm-lazy-compilation --single-threaded` compiles the
// bytes with `new WebAssembly.Module(bytes)` and times it itself. Each compile gets different
// bytes (a custom section holds a counter) so V8's native-module cache cannot answer instead.
// All times are CPU time (process.cpuUsage) medians: the machine is shared and noisy.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watToWasm } from '../compiler/text/watToWasm.ts';
import { compileModule } from '../compiler/codegen/moduleCompiler.ts';
import { programModule } from '../compiler/codegen/testing/randomProgram.ts';
import { validateModule } from '../compiler/validate/index.ts';

const MS = Number(process.env.MS ?? 3000);
const LIFTOFF_FLAGS = ['--liftoff-only', '--no-wasm-lazy-compilation', '--single-threaded'];

/** CPU time of this process in ms (does not count waiting for a core). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median CPU time of one call of each function, sampled round-robin after a warm-up. */
function timeAll(fns: (() => void)[], minMs = MS): number[] {
  const warmUntil = performance.now() + minMs / 3;
  while (performance.now() < warmUntil) for (const f of fns) f();
  const samples: number[][] = fns.map(() => []);
  const stop = performance.now() + minMs;
  while (performance.now() < stop || samples[0]!.length < 5) {
    fns.forEach((f, i) => {
      const t = cpuMs();
      f();
      samples[i]!.push(cpuMs() - t);
    });
  }
  return samples.map((s) => s.sort((x, y) => x - y)[s.length >> 1]!);
}

// #region liftoff-child
/** The child's program: compile the module again and again, each time with a fresh counter in a custom section. */
const CHILD = `
const { readFileSync } = require('node:fs');
const base = readFileSync(process.argv[1]);
const minMs = Number(process.argv[2]);
let n = 0;
function fresh() {
  const tail = Buffer.from([0, 10, 7, 0x62, 0x65, 0x6e, 0x63, 0x68, 0x2d, 0x6e, 0, 0]); // custom section "bench-n" + counter
  tail[10] = n & 0xff; tail[11] = (n >> 8) & 0xff; n++;
  return Buffer.concat([base, tail]);
}
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
function time(f) {
  const warm = performance.now() + minMs / 3;
  while (performance.now() < warm) f(fresh());
  const s = [];
  const stop = performance.now() + minMs;
  while (performance.now() < stop || s.length < 5) { const b = fresh(); const t = cpu(); f(b); s.push(cpu() - t); }
  return s.sort((x, y) => x - y)[s.length >> 1];
}
const compileMs = time((b) => new WebAssembly.Module(b));
const validateMs = time((b) => WebAssembly.validate(b));
console.log(JSON.stringify({ compileMs, validateMs }));
`;
// #endregion liftoff-child

function liftoff(bytes: Uint8Array): { compileMs: number; validateMs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'lightbeam-bench-'));
  try {
    const file = join(dir, 'module.wasm');
    writeFileSync(file, bytes);
    const out = execFileSync(process.execPath, [...LIFTOFF_FLAGS, '-e', CHILD, file, String(MS)], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop()!) as { compileMs: number; validateMs: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// #region generated-module
/**
 * `count` functions of random integer and control code from the differential test's generator,
 * with the helpers they call, in one module (without a name section).
 */
async function generatedModule(count: number, seed = 1): Promise<Uint8Array> {
  return watToWasm(programModule(seed, count), { name: 'generated.wat' });
}
// #endregion generated-module

const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1e3);
const f1 = (x: number, w = 7): string => x.toFixed(1).padStart(w);
const f2 = (x: number, w = 7): string => x.toFixed(2).padStart(w);

const inputs: [string, Uint8Array][] = [];
const args = process.argv.slice(2);
if (args.length === 0) {
  inputs.push([`generated (${Number(process.env.FUNCS ?? 1500)} random integer functions)`, await generatedModule(Number(process.env.FUNCS ?? 1500))]);
  const iced = 'node_modules/iced-x86/iced_x86_bg.wasm';
  if (existsSync(iced)) inputs.push([iced, new Uint8Array(readFileSync(iced))]);
} else for (const f of args) inputs.push([f, new Uint8Array(readFileSync(f))]);

console.log(`compile speed, MB of wasm per second of CPU time, single-threaded (medians; ${MS} ms per measurement)`);
console.log(`Liftoff: ${process.execPath} ${LIFTOFF_FLAGS.join(' ')}\n`);
for (const [name, bytes] of inputs) {
  const compiled = compileModule(bytes);
  const [oursMs, validateMs] = timeAll([() => compileModule(bytes), () => validateModule(bytes)]) as [number, number];
  const v8 = liftoff(bytes);
  const n = bytes.length;
  const ours = mbps(n, oursMs);
  console.log(`${name}: ${n} bytes, ${compiled.functions.length} functions (${compiled.stubbed.size} stubbed: not implemented yet)`);
  console.log(`  ${'what'.padEnd(34)} ${'MB/s'.padStart(7)} ${'ms'.padStart(8)}   ours/it`);
  const row = (what: string, ms: number) =>
    console.log(`  ${what.padEnd(34)} ${f1(mbps(n, ms))} ${f2(ms, 8)}   ${f2(ours / mbps(n, ms))}`);
  row('ours: validate + compile', oursMs);
  row('ours: validate alone (the floor)', validateMs);
  row('V8 Liftoff: compile', v8.compileMs);
  row('V8: WebAssembly.validate', v8.validateMs);
  console.log(`  machine code: ${compiled.code.length} bytes, ${(compiled.code.length / n).toFixed(2)} per wasm byte (Liftoff's: not measured)\n`);
}
