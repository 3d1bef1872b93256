// Whole Node programs under `--import lightbeam/register` (what `lightbeam node` runs), as a user
// starts them: CPU of the whole process (every thread, from /usr/bin/time), medians [range] over
// fresh processes run interleaved so that each sees the same load, in three ways:
//   compiling   LIGHTBEAM_CACHE=0: every module compiled cold, as before the compile cache
//   first run   an empty cache directory each time: compiled, then written to the cache
//   cached      the cache a first, uncounted run filled: the modules loaded from it
// A program that prints "compile N ms" (bench/node-programs/compile-one.mjs) also gets the CPU
// of its compile alone. Give a second checkout to compare against (before/after a change):
//   npx tsx bench/node-cold-start.ts [--runs 5] [--dir D] [--against /other/checkout] [-- module.wasm...]
// Without modules after `--` it runs compile-one.mjs on bench/modules/large.wasm and the package
// programs of scripts/packages/ with the largest modules (installed into D, or a temporary
// folder, as scripts/check-packages.mts installs them); with them, compile-one.mjs on each.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installPackages, PACKAGES } from '../scripts/check-packages.mts';

const here = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args[i + 1]!;
};
const runs = Number(option('--runs', '5'));
const against = option('--against', '');
const dash = args.indexOf('--');
const compileOne = join(here, 'bench/node-programs/compile-one.mjs');
if (!existsSync('/usr/bin/time')) throw new Error('bench/node-cold-start.ts reads CPU times from /usr/bin/time (GNU time)');

/** A program to run: its arguments to node, and the directory to run it in. */
interface Case { name: string; args: string[]; cwd: string }
let cases: Case[];
if (dash >= 0) {
  cases = args.slice(dash + 1).map((file) => ({ name: file, args: [compileOne, resolve(file)], cwd: here }));
} else {
  const dir = option('--dir', '') || mkdtempSync(join(tmpdir(), 'lightbeam-packages-'));
  const programs = ['sqljs.mjs', 'quickjs.mjs', 'brotli.mjs', 'rapier2d.mjs'];
  installPackages(dir, PACKAGES.filter((p) => programs.includes(p.program)));
  for (const p of programs) copyFileSync(join(here, 'scripts/packages', p), join(dir, p));
  cases = [
    { name: 'compile-one.mjs bench/modules/large.wasm', args: [compileOne, join(here, 'bench/modules/large.wasm')], cwd: here },
    ...programs.map((p) => ({ name: `scripts/packages/${p}`, args: [p], cwd: dir })),
  ];
}

const checkouts = against ? [['this', here], ['other', against]] : [['this', here]];
const median = (s: number[]): number => s.slice().sort((x, y) => x - y)[s.length >> 1]!;
const show = (s: number[]): string => s.length === 0 ? '' : `${String(Math.round(median(s))).padStart(6)} [${Math.round(Math.min(...s))}-${Math.round(Math.max(...s))}]`.padEnd(20);

console.log(`Node programs under --import lightbeam/register in fresh processes, ${runs} each, interleaved: CPU ms of the process (all threads) and of the compile alone, median [range]; ${checkouts.map(([n, d]) => `${n} = ${d}`).join(', ')}`);
const cacheRoot = mkdtempSync(join(tmpdir(), 'lightbeam-node-cold-start-'));
process.on('exit', () => rmSync(cacheRoot, { recursive: true, force: true }));
let fresh = 0;
const modes = [
  { name: 'compiling', env: (_checkout: number) => ({ ...process.env, LIGHTBEAM_CACHE: '0' }) },
  { name: 'first run', env: (_checkout: number) => ({ ...process.env, LIGHTBEAM_CACHE: '1', LIGHTBEAM_CACHE_DIR: join(cacheRoot, `fresh-${fresh++}`) }) },
  { name: 'cached', env: (checkout: number) => ({ ...process.env, LIGHTBEAM_CACHE: '1', LIGHTBEAM_CACHE_DIR: join(cacheRoot, `kept-${checkout}`) }) },
];
const runNode = (checkout: string, c: Case, env: NodeJS.ProcessEnv) =>
  spawnSync('/usr/bin/time', ['-f', 'TIME %U %S %e', process.execPath, '--import', join(checkout, 'bin/register.mjs'), ...c.args], { cwd: c.cwd, encoding: 'utf8', env });
// Each checkout builds its bundle on first use: one process each first, not counted.
for (const [, dir] of checkouts) runNode(dir!, cases[0]!, modes[0]!.env(0));
for (const c of cases) for (const mode of modes) {
  const samples = checkouts.map(() => ({ cpu: [] as number[], compile: [] as number[] }));
  checkouts.forEach(([, dir], i) => runNode(dir!, c, mode.env(i))); // fills the cache (not counted)
  for (let r = 0; r < runs; r++) {
    checkouts.forEach(([, dir], i) => {
      const p = runNode(dir!, c, mode.env(i));
      const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(p.stderr);
      if (!m || p.status !== 0) throw new Error(`${c.name} failed: ${p.stderr.slice(-500)}`);
      samples[i]!.cpu.push((Number(m[1]) + Number(m[2])) * 1000);
      const compile = /compile ([\d.]+) ms/.exec(p.stdout);
      if (compile) samples[i]!.compile.push(Number(compile[1]));
    });
  }
  console.log(`${c.name}, ${mode.name}`);
  checkouts.forEach(([name], i) => console.log(`  ${name!.padEnd(6)} CPU ${show(samples[i]!.cpu)}${samples[i]!.compile.length ? ` compile ${show(samples[i]!.compile)}` : ''}`));
}
