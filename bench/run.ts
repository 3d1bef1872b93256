// The run-time benchmark suite: every kernel of bench/kernels on every engine, interleaved, several
// rounds. Each measurement is its own process, which compiles and instantiates the kernel, calls
// setup(), and times run() alone with its thread's CPU clock (not start-up, not compile, not other
// threads). Each run() returns a checksum that must equal bench/kernels/expected.json.
//
// Run: npm run bench -- [--kernels fib,sieve] [--engines lightbeam,liftoff] [--rounds 3] [--json FILE] [--simd]
// --simd: the kernels built with -msimd128 (bench/kernels/wasm-simd: loops vectorised by clang).
// Native builds need clang (bench/kernels/build.sh); without it the native columns are skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { geomeans, rangeRatio, ratio, timing, type KernelRow, type Timing } from './summary.ts';

const root = join(import.meta.dirname, '..');
const kernelDir = join(root, 'bench/kernels');

// #region engines
interface Engine {
  name: string;
  /** The command that runs KERNEL (a kernel name) and prints "<checksum> <seconds>". */
  command(kernel: string): string[];
  native?: boolean;
}
const simd = process.argv.includes('--simd');
const wasmOf = (kernel: string) => join(kernelDir, simd ? 'wasm-simd' : 'wasm', `${kernel}.wasm`);
const v8 = (flags: string[]) => (k: string) => [process.execPath, ...flags, join(root, 'bench/engines/v8Runner.mjs'), wasmOf(k)];
const ENGINES: Engine[] = [
  { name: 'native', native: true, command: (k) => [join(kernelDir, 'native', k)] },
  { name: 'native-vec', native: true, command: (k) => [join(kernelDir, 'native', `${k}-vec`)] },
  { name: 'lightbeam', command: (k) => [process.execPath, '--import', 'tsx', join(root, 'bench/engines/lightbeamRunner.ts'), wasmOf(k)] },
  { name: 'liftoff', command: v8(['--liftoff-only', '--no-wasm-tier-up', '--no-wasm-lazy-compilation']) },
  { name: 'turbofan', command: v8(['--no-liftoff', '--no-wasm-tier-up', '--no-wasm-lazy-compilation']) },
];
// #endregion engines

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}
const expected = JSON.parse(readFileSync(join(kernelDir, 'expected.json'), 'utf8')) as Record<string, number>;
const allKernels = readdirSync(join(kernelDir, 'wasm')).filter((f) => f.endsWith('.wasm')).map((f) => f.slice(0, -5)).sort();
const kernels = option('kernels')?.split(',') ?? allKernels;
const rounds = Number(option('rounds') ?? 3);
const jsonFile = option('json');
let engines = option('engines')?.split(',').map((n) => {
  const e = ENGINES.find((x) => x.name === n);
  if (!e) throw new Error(`unknown engine ${n} (have ${ENGINES.map((x) => x.name).join(', ')})`);
  return e;
}) ?? ENGINES;
for (const k of kernels) {
  if (!allKernels.includes(k)) throw new Error(`unknown kernel ${k} (have ${allKernels.join(', ')})`);
  if (expected[k] === undefined) throw new Error(`bench/kernels/expected.json has no checksum for ${k}`);
}

// Native builds are not committed (they are this machine's); make them when clang is here.
if (engines.some((e) => e.native)) {
  const missing = kernels.filter((k) => !existsSync(join(kernelDir, 'native', k)) || !existsSync(join(kernelDir, 'native', `${k}-vec`)));
  if (missing.length > 0) {
    if (spawnSync('clang', ['--version']).status === 0) {
      process.stderr.write(`building native kernels: ${missing.join(' ')}\n`);
      execFileSync('sh', [join(kernelDir, 'build.sh'), '--native-only', ...missing], { stdio: 'inherit' });
    } else {
      process.stderr.write('clang not found: native engines skipped (apt-get install clang)\n');
      engines = engines.filter((e) => !e.native);
    }
  }
}

// #region measure
/** seconds[kernel][engine] = one sample per round. */
const seconds: Record<string, Record<string, number[]>> = {};
const failures: string[] = [];
for (let round = 0; round < rounds; round++) {
  for (const kernel of kernels) {
    // A different engine order each round, so no engine always runs right after another.
    const order = engines.map((_, i) => engines[(i + round * 2 + kernels.indexOf(kernel)) % engines.length]!);
    for (const engine of order) {
      const [cmd, ...args] = engine.command(kernel);
      const out = spawnSync(cmd!, args, { encoding: 'utf8', cwd: root });
      const [checksum, secs] = out.stdout.trim().split(' ').map(Number);
      const ok = out.status === 0 && checksum === expected[kernel] && Number.isFinite(secs);
      process.stderr.write(`round ${round + 1}/${rounds}  ${kernel.padEnd(14)} ${engine.name.padEnd(11)} ` +
        (ok ? `${secs!.toFixed(3)} s\n` : `FAILED (${out.stdout.trim() || out.stderr.trim().split('\n').pop()})\n`));
      if (!ok) {
        failures.push(`${kernel} on ${engine.name}: checksum ${checksum}, expected ${expected[kernel]}` +
          (out.status !== 0 ? ` (exit ${out.status}: ${out.stderr.trim().split('\n').slice(-3).join(' | ')})` : ''));
        continue;
      }
      ((seconds[kernel] ??= {})[engine.name] ??= []).push(secs!);
    }
  }
}
// #endregion measure

const baseline = engines.some((e) => e.name === 'native') ? 'native' : engines[0]!.name;

// #region report
const rows: KernelRow[] = kernels.map((kernel) => {
  const perEngine: Record<string, Timing> = {};
  for (const e of engines) {
    const s = seconds[kernel]?.[e.name];
    if (s?.length) perEngine[e.name] = timing(s);
  }
  return { kernel, engines: perEngine };
});
const cpu = cpus()[0]?.model ?? 'unknown';
const header = [`kernel`.padEnd(14), `${baseline} s`.padStart(9), ...engines.filter((e) => e.name !== baseline).map((e) => `${e.name} x`.padStart(21))];
const lines = [`CPU time of run(), median of ${rounds} rounds, as a ratio to ${baseline} [range]${simd ? "; the wasm built with -msimd128" : ""}; ${cpu}, ${cpus().length} cores`, header.join(' ')];
if (engines.some((e) => e.name === 'lightbeam') && engines.some((e) => e.name === 'liftoff')) header.push('lb/liftoff'.padStart(11));
lines[1] = header.join(' ');
for (const row of rows) {
  const base = row.engines[baseline];
  const cells = [row.kernel.padEnd(14), (base ? base.median.toFixed(3) : '-').padStart(9)];
  for (const e of engines) {
    if (e.name === baseline) continue;
    const r = ratio(row, e.name, baseline), range = rangeRatio(row, e.name, baseline);
    cells.push((r !== undefined && range ? `${r.toFixed(2)} [${range.low.toFixed(2)}-${range.high.toFixed(2)}]` : '-').padStart(21));
  }
  if (header.length > cells.length) cells.push((ratio(row, 'lightbeam', 'liftoff')?.toFixed(2) ?? '-').padStart(11));
  lines.push(cells.join(' '));
}
const geo = geomeans(rows, engines.map((e) => e.name), baseline);
const geoCells = ['geomean'.padEnd(14), ''.padStart(9)];
for (const e of engines) if (e.name !== baseline) geoCells.push((geo[e.name]?.toFixed(2) ?? '-').padStart(21));
if (header.length > geoCells.length) geoCells.push((geo['lightbeam/liftoff']?.toFixed(2) ?? '-').padStart(11));
lines.push(geoCells.join(' '));
console.log(lines.join('\n'));
// #endregion report

if (jsonFile) {
  const data = {
    date: new Date().toISOString(),
    machine: { cpu, cores: cpus().length, node: process.version },
    rounds,
    baseline,
    wasm: simd ? 'wasm-simd (clang -O2 -msimd128)' : 'wasm (clang -O2)',
    timing: 'thread CPU time of run() only, seconds',
    kernels: rows,
    geomeans: geo,
    failures,
  };
  writeFileSync(jsonFile, JSON.stringify(data, null, 2) + '\n');
  process.stderr.write(`wrote ${jsonFile}\n`);
}
if (failures.length) {
  console.error(`\n${failures.length} failed:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}
