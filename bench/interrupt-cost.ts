// The cost of the interrupt check (compiler/codegen/interruptCheck.ts): each kernel compiled with
// and without `interruptible`, run alternately in the same process, best of RUNS each (CPU time). Off, the
// code has no check (the interruption test counts them), so "off" is also the code as before.
//
//   npx tsx bench/interrupt-cost.ts [runs]     (x86-64 Linux)

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { watToWasm } from '../compiler/text/watToWasm.ts';
import { Instance, Module } from '../compiler/api/index.ts';

const runs = Number(process.argv[2] ?? 5);
const root = join(import.meta.dirname, '..');
const cprogram = (name: string) => readFileSync(join(root, 'compiler/testing/cprograms', `${name}.bare.wasm`));
const fib = await watToWasm(readFileSync(join(root, 'compiler/codegen/filetests/fib.wat'), 'utf8'));
// A tight loop kernel: sum of i*i mod 2^32 for i < n.
const loop = await watToWasm(`(module (func (export "sumsq") (param $n i32) (result i32) (local $i i32) (local $s i32)
  (loop $l (local.set $s (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $i))))
    (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
  (local.get $s)))`);

/** `reps` calls per timed run. */
const kernels: { name: string; bytes: Uint8Array; fn: string; args: unknown[]; reps: number }[] = [
  { name: 'fib(30)', bytes: fib, fn: 'fib', args: [30], reps: 3 },
  { name: 'loop sumsq(3e7)', bytes: loop, fn: 'sumsq', args: [30_000_000], reps: 1 },
  { name: 'intonly collatz_total(20000)', bytes: cprogram('intonly'), fn: 'collatz_total', args: [20_000], reps: 10 },
  { name: 'crc32 crc32_bitwise(65536)', bytes: cprogram('crc32'), fn: 'crc32_bitwise', args: [65536, 123], reps: 20 },
  { name: 'matmul matmul_f64(96)', bytes: cprogram('matmul'), fn: 'matmul_f64', args: [96, 4, 1], reps: 10 },
  { name: 'nbody nbody_energy(32, 20)', bytes: cprogram('nbody'), fn: 'nbody_energy', args: [32, 20, 3], reps: 10 },
  { name: 'sort sort_ints(4096)', bytes: cprogram('sort'), fn: 'sort_ints', args: [4096, 9, 2], reps: 20 },
];

console.log(`| kernel | off (ms) | on (ms) | on/off | code bytes off -> on |`);
console.log(`| --- | --- | --- | --- | --- |`);
const ratios: number[] = [];
for (const k of kernels) {
  const variants = [false, true].map((interruptible) => {
    const module = new Module(k.bytes, { interruptible });
    const fn = new Instance(module, {}).exports[k.fn] as (...a: unknown[]) => unknown;
    return { fn, best: Infinity, result: undefined as unknown, size: module.compiled.code.length };
  });
  for (let r = 0; r < runs; r++) {
    for (const v of variants) {
      // CPU time, not wall time: the build machine is shared, and a descheduled run is not slower code.
      const t = process.cpuUsage();
      for (let i = 0; i < k.reps; i++) v.result = v.fn(...k.args);
      const used = process.cpuUsage(t);
      v.best = Math.min(v.best, (used.user + used.system) / 1000);
    }
  }
  const [off, on] = variants as [typeof variants[0], typeof variants[0]];
  if (off.result !== on.result) throw new Error(`${k.name}: results differ`);
  ratios.push(on.best / off.best);
  console.log(`| ${k.name} | ${off.best.toFixed(1)} | ${on.best.toFixed(1)} | ${(on.best / off.best).toFixed(3)} | ${off.size} -> ${on.size} |`);
}
const geomean = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
console.log(`geometric mean on/off: ${geomean.toFixed(3)}`);
