// Compile speed: megabytes of wasm per second of our one-pass compiler beside V8's Liftoff,
// measured in the same run on the same bytes.
//   npx tsx bench/compile.ts [file.wasm ...]          (MS=3000: sampling time per measurement)
//   npx tsx bench/compile.ts --cold [file.wasm ...]   (the cold rows alone; COLD_RUNS=3 processes each)
//   npx tsx bench/compile.ts --scaling [maxMB]        (compile time per byte as the input grows, to 100 MB)
//   npx tsx bench/compile.ts --patterns               (one operator pattern per module, ours beside Liftoff)
//
// Honest bytes: MB/s divides the module's size by the time to validate and compile all of it.
// A function the code generator cannot compile yet becomes a stub; its body's bytes are then
// left out of our MB/s (and said so), since they were validated but not compiled.
//
// What is measured, per module:
// - warm, single-threaded: CPU-time medians after a warm-up, ours in a child of its own (plain
//   `node --single-threaded` on an esbuild bundle, as the CLI runs the compiler: bench/warmChild.ts)
//   beside a child `node --liftoff-only --no-wasm-lazy-compilation --single-threaded` (Liftoff
//   timing itself);
// - warm, parallel: what 2 free cores give, from the CPU time of the longer of the 2 parts plus the
//   merge (robust to load); and wall-time medians of compileModuleParallel on 2 threads beside our
//   single-threaded compile (interleaved in one more child, so both see the same load) and beside Liftoff with its
//   background threads (the same flags without --single-threaded), which need free cores;
// - cold: the first compile in a fresh process, started exactly as `lightbeam run` starts
//   (`node bin/lightbeam.js compile --json`: the esbuild bundle, one thread; also on 2 threads and
//   through tsx with LIGHTBEAM_NO_BUNDLE=1), beside Liftoff's first compile. Its CPU counts every
//   thread of the process: V8 optimising our compiler on its background threads is most of it.
// Each Liftoff compile gets different bytes (a custom section holds a counter) so V8's
// native-module cache cannot answer instead. The machine is shared: CPU time is the fair measure
// of one thread's work, and wall times (the only measure of parallel speed-up) swing with the load.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileModule } from '../compiler/codegen/moduleCompiler.ts';
import { LIFTOFF_CHILD, LIFTOFF_FLAGS, liftoff as liftoffIn } from './liftoffTiming.ts';
import { bodySizes, repeatFunctions } from './scaledModule.ts';
import { buildWarmChild, cpuMs, median } from './warmChild.ts';

const MS = Number(process.env.MS ?? 3000);
const COLD_RUNS = Number(process.env.COLD_RUNS ?? 3);
if (!Number.isInteger(COLD_RUNS) || COLD_RUNS < 1) {
  console.error(`COLD_RUNS=${process.env.COLD_RUNS}: the cold rows need at least one fresh process (COLD_RUNS=1 is the quickest)`);
  process.exit(2);
}
const THREADS = 2;

/** The warm rows' child (bench/warmChild.ts, bundled once per run into this directory). */
const childDir = mkdtempSync(join(tmpdir(), 'lightbeam-warm-'));
process.on('exit', () => rmSync(childDir, { recursive: true, force: true }));
let warmChildFile: Promise<string> | undefined;

/** Medians from a fresh child (bench/warmChild.ts): `cpu` and `compile` under V8's --single-threaded, as Liftoff's child runs; `wall` without. */
async function warmChild(mode: 'cpu' | 'wall' | 'compile', file: string): Promise<number[]> {
  const child = await (warmChildFile ??= buildWarmChild(childDir));
  const flags = mode === 'wall' ? [] : ['--single-threaded'];
  return JSON.parse(execFileSync(process.execPath, [...flags, child, mode, file, String(MS)], { encoding: 'utf8' })) as number[];
}

/** liftoffTiming's child at this run's MS. */
const liftoff = (file: string, flags: string[], mode: 'warm' | 'compile' | 'cold'): Record<string, number> => liftoffIn(file, flags, mode, MS);

const CLI = join(import.meta.dirname, '../bin/lightbeam.js');

/** Medians over COLD_RUNS fresh processes of the numbers in the last line they print (JSON). */
function cold(args: string[], env: Record<string, string> = {}): Record<string, number> {
  const runs = Array.from({ length: COLD_RUNS }, () => JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env } }).trim().split('\n').pop()!) as Record<string, number>);
  return Object.fromEntries(Object.keys(runs[0]!).filter((k) => typeof runs[0]![k] === 'number').map((k) => [k, median(runs.map((r) => r[k]!))]));
}

const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1e3);
const f1 = (x: number, w = 7): string => x.toFixed(1).padStart(w);
const f2 = (x: number, w = 7): string => x.toFixed(2).padStart(w);

const DEFAULT_INPUTS = [
  'bench/modules/large.wasm', // clang -O2 of a generated C program (bench/modules/build.sh)
  'node_modules/iced-x86/iced_x86_bg.wasm', // Rust (wasm-bindgen)
  'node_modules/shiki/dist/onig.wasm', // C (emscripten): Oniguruma
  'compiler/testing/cprograms/sort.wasi.wasm', // C against wasi-libc: a small program
];

/** The warm rows: ours single-threaded and in parts, beside Liftoff in a child, after a warm-up. */
async function warmRows(file: string, row: (what: string, ms: number, liftoffMs?: number) => void): Promise<void> {
  const [oursMs, validateMs, part0Ms, part1Ms, mergeMs] = (await warmChild('cpu', file)) as [number, number, number, number, number];
  const criticalMs = Math.max(part0Ms, part1Ms) + mergeMs;
  const [parallelWallMs, singleWallMs] = (await warmChild('wall', file)) as [number, number];
  const v8 = liftoff(file, [...LIFTOFF_FLAGS, '--single-threaded'], 'warm');
  const v8threads = liftoff(file, LIFTOFF_FLAGS, 'warm');
  row('warm, 1 thread, CPU: ours (validate + compile)', oursMs, v8.compileMs);
  row('warm, 1 thread, CPU: V8 Liftoff', v8.compileMs!);
  row('warm, 1 thread, CPU: ours, validate alone', validateMs, v8.validateMs);
  row('warm, 1 thread, CPU: V8 WebAssembly.validate', v8.validateMs!);
  row(`warm, ${THREADS} threads, CPU of the longer part + merge`, criticalMs, v8.compileMs);
  row('warm, wall: ours, 1 thread', singleWallMs, v8threads.compileWallMs);
  row(`warm, wall: ours, ${THREADS} threads`, parallelWallMs, v8threads.compileWallMs);
  row('warm, wall: V8 Liftoff, its own threads', v8threads.compileWallMs!);
  console.log(`  our speed-up on ${THREADS} threads: ${(oursMs / criticalMs).toFixed(2)}x on free cores (CPU: whole / (longer part ${f1(Math.max(part0Ms, part1Ms), 0)} + merge ${f1(mergeMs, 0)})), ${(singleWallMs / parallelWallMs).toFixed(2)}x measured (wall, under this load); V8's threads: ${(v8.compileMs! / v8threads.compileWallMs!).toFixed(2)}x (its CPU over its wall)`);
}

async function compileSpeed(files: string[], coldOnly: boolean): Promise<void> {
  execFileSync(process.execPath, [CLI, 'compile', DEFAULT_INPUTS.at(-1)!]); // builds the bundle if the sources changed
  const dir = mkdtempSync(join(tmpdir(), 'lightbeam-bench-'));
  console.log(`compile speed, MB of wasm per second (medians; ${MS} ms per measurement; ${COLD_RUNS} fresh processes for cold)`);
  console.log(`Liftoff: ${process.execPath} ${LIFTOFF_FLAGS.join(' ')} [--single-threaded]; ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)} at the start\n`);
  try {
    for (const name of files) {
      const bytes = new Uint8Array(readFileSync(name));
      const file = join(dir, 'module.wasm');
      writeFileSync(file, bytes);
      const compiled = compileModule(bytes);
      // Bytes really compiled: the module less the bodies of functions that became stubs.
      const sizes = bodySizes(bytes);
      const imported = compiled.info.importedFunctionCount;
      let stubbedBytes = 0;
      for (const i of compiled.stubbed.keys()) stubbedBytes += sizes[i - imported] ?? 0;
      const n = bytes.length - stubbedBytes;

      // As `lightbeam run` compiles (one thread), and on 2 threads (LIGHTBEAM_THREADS=2).
      const coldRun = cold([CLI, 'compile', '--json', file]);
      const coldTwo = cold([CLI, 'compile', '--json', file], { LIGHTBEAM_THREADS: String(THREADS) }); // small modules stay on 1
      const coldTsx = cold([CLI, 'compile', '--json', file], { LIGHTBEAM_NO_BUNDLE: '1' });
      const coldV8 = cold([...LIFTOFF_FLAGS, '--single-threaded', '-e', LIFTOFF_CHILD, file, '0', 'cold']);

      const stubNote = compiled.stubbed.size === 0 ? 'every function compiled' : `${compiled.stubbed.size} stubbed (not implemented yet): their ${stubbedBytes} body bytes left out`;
      console.log(`${name}: ${bytes.length} bytes, ${compiled.functions.length} functions, ${stubNote}; MB/s of ${n} bytes`);
      console.log(`  ${'what'.padEnd(50)} ${'MB/s'.padStart(7)} ${'ms'.padStart(9)}   vs Liftoff`);
      const row = (what: string, ms: number, liftoffMs?: number) =>
        console.log(`  ${what.padEnd(50)} ${f2(mbps(n, ms))} ${f1(ms, 9)}   ${liftoffMs === undefined ? '' : f2(liftoffMs / ms)}`);
      if (!coldOnly) await warmRows(file, row);
      row('cold, first compile, CPU: lightbeam run', coldRun.compileMs!, coldV8.firstMs);
      row('cold, first compile, CPU: its main thread alone', coldRun.compileMainThreadMs!, coldV8.firstMs);
      row('cold, first compile, wall: lightbeam run', coldRun.compileWallMs!, coldV8.firstWallMs);
      if (coldTwo.threads! > 1) {
        row(`cold, first compile, CPU: ${THREADS} threads`, coldTwo.compileMs!, coldV8.firstMs);
        row(`cold, first compile, wall: ${THREADS} threads`, coldTwo.compileWallMs!, coldV8.firstWallMs);
      }
      row('cold, first compile, CPU: through tsx', coldTsx.compileMs!, coldV8.firstMs);
      row('cold, first compile, CPU: V8 Liftoff', coldV8.firstMs!);
      row('cold, first compile, wall: V8 Liftoff', coldV8.firstWallMs!);
      console.log(`  cold: \`node bin/lightbeam.js compile --json\` in ${COLD_RUNS} fresh processes, started as \`lightbeam run\` starts; CPU counts every thread (V8 optimising our compiler on its background threads is most of it), wall is the compile's own, under this load`);
      console.log(`  a fresh process before compiling, CPU ms: ${f1(coldRun.beforeCompileMs!, 0)} from the bundle (Node's own start ${f1(coldRun.nodeStartMs!, 0)}), ${f1(coldTsx.beforeCompileMs!, 0)} through tsx`);
      console.log(`  machine code: ${compiled.code.length} bytes, ${(compiled.code.length / bytes.length).toFixed(2)} per wasm byte\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// #region scaling
/** Compile time per byte for one module repeated to growing sizes (one compile each, after warming up on the smallest). */
function scaling(maxMB: number): void {
  const base = new Uint8Array(readFileSync(DEFAULT_INPUTS[0]!));
  console.log(`compile time per byte as the input grows: ${DEFAULT_INPUTS[0]}'s functions repeated (CPU time, one compile each)`);
  console.log(`  ${'wasm MB'.padStart(8)} ${'functions'.padStart(10)} ${'CPU s'.padStart(8)} ${'ns/byte'.padStart(8)} ${'MB/s'.padStart(6)} ${'heap MB'.padStart(8)}`);
  for (let i = 0; i < 3; i++) compileModule(base);
  const sizes = [1, 4, 16, 64, 100].filter((mb) => mb <= maxMB);
  for (const mb of sizes) {
    const k = Math.max(1, Math.round((mb * 1e6) / base.length));
    const bytes = repeatFunctions(base, k);
    const t = cpuMs();
    const m = compileModule(bytes);
    const ms = cpuMs() - t;
    const heap = process.memoryUsage().heapUsed / 1e6;
    console.log(`  ${f1(bytes.length / 1e6, 8)} ${String(m.functions.length).padStart(10)} ${f2(ms / 1000, 8)} ${f1((ms * 1e6) / bytes.length, 8)} ${f2(mbps(bytes.length, ms), 6)} ${f1(heap, 8)}`);
  }
}
// #endregion scaling

// #region patterns
/**
 * Real modules mix every kind of operator, so their MB/s says how far behind we are, not where.
 * Each pattern here is one short operator sequence repeated (300 functions of 6 i32 locals, each
 * the pattern 200 times), compiled warm by us and by Liftoff: the ratio per pattern shows which
 * kind of code the compiler handles slowest, and ns per operator what one costs.
 */
const PATTERNS: [name: string, wat: string][] = [
  ['arithmetic into a local', 'local.get 0 local.get 1 i32.add local.set 2'],
  ['local plus a constant', 'local.get 0 i32.const 5 i32.add local.set 0'],
  ['two operators into a local', 'local.get 0 local.get 1 i32.add local.get 2 i32.mul local.set 3'],
  ['load, add, store', 'local.get 0 local.get 0 i32.load offset=8 i32.const 1 i32.add i32.store offset=8'],
  ['call', 'local.get 0 call $id local.set 1'],
  ['block with br_if', 'block local.get 0 br_if 0 local.get 1 local.set 2 end'],
  ['if/else', 'local.get 0 if local.get 1 local.set 2 else local.get 2 local.set 1 end'],
  ['counting loop', 'loop local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0 end'],
];

/** The pattern modules, written as dir/0.wasm, dir/1.wasm, ... (run in a child process: see patterns). */
async function writePatterns(dir: string): Promise<void> {
  const { watToWasm } = await import('../compiler/text/watToWasm.ts');
  for (const [k, [, body]] of PATTERNS.entries()) {
    const fn = `(func (param i32 i32) (result i32) (local i32 i32 i32 i32)\n${`${body}\n`.repeat(200)}i32.const 0)`;
    writeFileSync(join(dir, `${k}.wasm`), await watToWasm(`(module (memory 1) (func $id (param i32) (result i32) local.get 0)\n${fn.repeat(300)})`));
  }
}

async function patterns(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lightbeam-patterns-'));
  // wabt is kept out of this process: measured, merely loading it slows our compiler by 10-30%.
  execFileSync(process.execPath, [...process.execArgv, import.meta.filename, '--write-patterns', dir]);
  console.log(`compile speed by operator pattern: 300 functions, each one pattern 200 times (CPU medians, ${MS} ms per measurement)`);
  console.log(`  ${'pattern'.padEnd(28)} ${'operators'.padStart(9)} ${'ours ms'.padStart(8)} ${'Liftoff'.padStart(8)} ${'ratio'.padStart(6)} ${'ns/op'.padStart(6)} ${'Liftoff'.padStart(8)}`);
  try {
    for (const [k, [name, body]] of PATTERNS.entries()) {
      const file = join(dir, `${k}.wasm`);
      const operators = 300 * 200 * body.split(' ').filter((word) => /^[a-z]/.test(word)).length;
      const [oursMs] = (await warmChild('compile', file)) as [number];
      const v8Ms = liftoff(file, [...LIFTOFF_FLAGS, '--single-threaded'], 'compile').compileMs!;
      console.log(`  ${name.padEnd(28)} ${String(operators).padStart(9)} ${f2(oursMs, 8)} ${f2(v8Ms, 8)} ${f2(v8Ms / oursMs, 6)} ${f1((oursMs * 1e6) / operators, 6)} ${f1((v8Ms * 1e6) / operators, 8)}`);
    }
    console.log('  ratio: Liftoff\'s time over ours (1.00 = as fast as Liftoff); ns/op: time per operator (the final i32.const of each function not counted)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
// #endregion patterns

const args = process.argv.slice(2);
if (args[0] === '--scaling') scaling(Number(args[1] ?? 100));
else if (args[0] === '--patterns') await patterns();
else if (args[0] === '--write-patterns') await writePatterns(args[1]!);
else {
  const files = args.filter((a) => a !== '--cold');
  await compileSpeed(files.length > 0 ? files : DEFAULT_INPUTS.filter((f) => existsSync(f)), args.includes('--cold'));
}
