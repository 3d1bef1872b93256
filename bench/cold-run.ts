// Whole `lightbeam run` processes, as a user starts them, timed from outside: CPU (every thread,
// from /usr/bin/time) and wall time, medians [range] over fresh processes run interleaved so that
// each sees the same load. Give a second checkout to compare against (before/after a change):
//   npx tsx bench/cold-run.ts [--runs 5] [--against /path/to/other/checkout] [-- run args...]
// Without run arguments it runs a small kernel, a small WASI program and the three real modules
// of bench/compile.ts (those export no _start: `run` compiles them, then stops with exit code 2).
// Each is run twice over: compiling (LIGHTBEAM_CACHE=0), and from a compile cache that a first,
// uncounted run filled (compiler/cache/compileCache.ts; a fresh directory per checkout).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args[i + 1]!;
};
const runs = Number(option('--runs', '5'));
const against = option('--against', '');
const dash = args.indexOf('--');
const cases: string[][] = dash >= 0 ? [args.slice(dash + 1)] : [
  ['--invoke', 'setup', 'bench/kernels/wasm/fib.wasm'],
  ['compiler/cli/wasi-programs/args.wasm', 'a', 'b'],
  ['node_modules/shiki/dist/onig.wasm'],
  ['node_modules/iced-x86/iced_x86_bg.wasm'],
  ['bench/modules/large.wasm'],
];
if (!existsSync('/usr/bin/time')) throw new Error('bench/cold-run.ts reads CPU times from /usr/bin/time (GNU time)');

const checkouts = against ? [['this', here], ['other', against]] : [['this', here]];
const median = (s: number[]): number => s.slice().sort((x, y) => x - y)[s.length >> 1]!;
const show = (s: number[]): string => `${String(Math.round(median(s))).padStart(6)} [${Math.round(Math.min(...s))}-${Math.round(Math.max(...s))}]`.padEnd(20);

console.log(`lightbeam run in fresh processes, ${runs} each, interleaved: CPU ms (all threads) and wall ms, median [range]; ${checkouts.map(([n, d]) => `${n} = ${d}`).join(', ')}`);
// Each checkout's CLI builds its bundle on first use: one process each first, not counted.
for (const [, dir] of checkouts) spawnSync(process.execPath, [join(dir!, 'bin/lightbeam.js'), 'run', '--invoke', 'setup', 'bench/kernels/wasm/fib.wasm'], { cwd: here });
const cacheRoot = mkdtempSync(join(tmpdir(), 'lightbeam-cold-run-'));
process.on('exit', () => rmSync(cacheRoot, { recursive: true, force: true }));
const modes = [
  { name: 'compiling', env: (_dir: number) => ({ ...process.env, LIGHTBEAM_CACHE: '0' }) },
  { name: 'from the cache', env: (dir: number) => ({ ...process.env, LIGHTBEAM_CACHE: '1', LIGHTBEAM_CACHE_DIR: join(cacheRoot, String(dir)) }) },
];
const lightbeamRun = (dir: string, c: string[], env: NodeJS.ProcessEnv) =>
  spawnSync('/usr/bin/time', ['-f', 'TIME %U %S %e', process.execPath, join(dir, 'bin/lightbeam.js'), 'run', ...c], { cwd: here, encoding: 'utf8', env });
for (const c of cases) for (const mode of modes) {
  const samples = checkouts.map(() => ({ cpu: [] as number[], wall: [] as number[] }));
  // Fills the cache (an older checkout without one just compiles again).
  checkouts.forEach(([, dir], i) => lightbeamRun(dir!, c, mode.env(i)));
  for (let r = 0; r < runs; r++) {
    checkouts.forEach(([, dir], i) => {
      const p = lightbeamRun(dir!, c, mode.env(i));
      const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(p.stderr);
      if (!m) throw new Error(`no time from ${c.join(' ')}: ${p.stderr.slice(-300)}`);
      samples[i]!.cpu.push((Number(m[1]) + Number(m[2])) * 1000);
      samples[i]!.wall.push(Number(m[3]) * 1000);
    });
  }
  console.log(`run ${c.join(' ')}, ${mode.name}`);
  checkouts.forEach(([name], i) => console.log(`  ${name!.padEnd(6)} CPU ${show(samples[i]!.cpu)} wall ${show(samples[i]!.wall)}`));
}
