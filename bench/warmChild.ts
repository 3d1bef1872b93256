// The warm rows of bench/compile.ts, measured in a process of their own: plain node running an
// esbuild bundle of this file (buildWarmChild below), as `lightbeam` runs the compiler. In the
// benchmark's own process the compiler ran through tsx and shared the JIT with everything else
// the benchmark does (the other modules, the parts, the parallel compiles), and it measured up to
// 2.7 times slower than here (iced-x86 warm: 139 against 52 ms of CPU). bench/compile.ts starts
// the CPU rows with V8's --single-threaded, as it starts Liftoff's child: V8's own helper threads
// (concurrent marking, background optimising) then work on the one thread, and its CPU time is
// that thread's work.
//   node [--single-threaded] warmChild.mjs cpu|wall|compile FILE MS   (prints the medians as JSON)

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileModule, compilePart } from '../compiler/codegen/moduleCompiler.ts';
import { mergeParts } from '../compiler/codegen/moduleParts.ts';
import { closeCompileWorkers, compileModuleParallel } from '../compiler/parallel/parallelCompile.ts';
import { packPart, unpackPart } from '../compiler/parallel/partMessages.ts';
import { validateModule } from '../compiler/validate/index.ts';

const THREADS = 2;

/** CPU time of this process in ms (all its threads; does not count waiting for a core). */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export const median = (s: number[]): number => s.slice().sort((x, y) => x - y)[s.length >> 1]!;

// #region warm-timing
/** Median time of one call of each function, sampled round-robin after a warm-up; `clock` is cpuMs or performance.now. */
async function timeAll(fns: (() => unknown)[], clock: () => number, minMs: number): Promise<number[]> {
  // A fresh process: V8 takes a second or more of compiles to optimise the compiler (onig after
  // 0.33 s of them: 81 ms a compile; after 1 s, 24 ms).
  const warmUntil = performance.now() + Math.max(minMs / 3, 2000);
  while (performance.now() < warmUntil) for (const f of fns) await f();
  const samples: number[][] = fns.map(() => []);
  const stop = performance.now() + minMs;
  while (performance.now() < stop || samples[0]!.length < 5) {
    for (let i = 0; i < fns.length; i++) {
      const t = clock();
      await fns[i]!();
      samples[i]!.push(clock() - t);
    }
  }
  return samples.map(median);
}
// #endregion warm-timing

/** What each mode measures, in ms: `cpu` ours, validation alone, the 2 parts and their merge; `wall` 2 threads and 1; `compile` ours. */
async function measure(mode: string, bytes: Uint8Array, ms: number): Promise<number[]> {
  if (mode === 'compile') return timeAll([() => compileModule(bytes)], cpuMs, ms);
  if (mode === 'cpu') {
    // What 2 free cores would give, from CPU times (robust to load): the longer part, plus the
    // main thread's unpacking and merging.
    const parts = [0, 1].map((index) => compilePart(bytes, { index, count: THREADS }));
    const merge = () => mergeParts([parts[0]!, unpackPart(packPart(parts[1]!), parts[0]!.info)]);
    // One sampling round for all, so that each is as warm as the others.
    return timeAll([
      () => compileModule(bytes),
      () => validateModule(bytes),
      () => compilePart(bytes, { index: 0, count: THREADS }),
      () => compilePart(bytes, { index: 1, count: THREADS }),
      merge,
    ], cpuMs, ms);
  }
  if (mode === 'wall') {
    // The worker's JIT must be as warm as this thread's: a short warm-up alone leaves a large
    // module's first parallel samples cold.
    for (let i = 0; i < 10; i++) await compileModuleParallel(bytes, { threads: THREADS });
    const result = await timeAll([() => compileModuleParallel(bytes, { threads: THREADS }), () => compileModule(bytes)], () => performance.now(), ms);
    await closeCompileWorkers();
    return result;
  }
  throw new Error(`warmChild: no mode ${mode}`);
}

/** Bundle this file and the compile worker into `dir` (esbuild, as the CLI's bundle); the child to run is the returned path. */
export async function buildWarmChild(dir: string): Promise<string> {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: { warmChild: import.meta.filename, compileWorker: join(import.meta.dirname, '../compiler/parallel/compileWorker.ts') },
    bundle: true, splitting: true, format: 'esm', platform: 'node', packages: 'external',
    outdir: dir, outExtension: { '.js': '.mjs' }, logLevel: 'error',
  });
  return join(dir, 'warmChild.mjs');
}

// Run as the child (the bundle's entry), not when bench/compile.ts imports buildWarmChild.
if (process.argv[1]?.endsWith('warmChild.mjs')) {
  const [mode, file, ms] = process.argv.slice(2);
  console.log(JSON.stringify(await measure(mode!, new Uint8Array(readFileSync(file!)), Number(ms))));
}
