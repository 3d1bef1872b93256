// Warm compile speed of this checkout beside another one, side by side in one process: the way
// every round of compile-speed work is judged on this shared machine, where one run of
// bench/compile.ts differs from the next by as much as a round's gain.
//   npx tsx bench/compile-ab.ts --against /path/to/other/checkout [--seconds 10] [--control] [file.wasm ...]
// Each checkout's compiler is bundled by esbuild (as the CLI runs it); a child process loads both
// bundles and compiles the same bytes with each in turn, alternating which goes first, and reports
// the CPU-time medians and this checkout's speed-up (other's time / this one's: above 1 is faster).
// It runs twice, the bundles loaded in both orders: whichever is loaded second tends to pay a
// percent or more, so a change's gain lies between the two figures. The child also says whether
// the two compile every module to the same machine code (code, function table, relocations, trap sites).
// --control: a third bundle, a copy of this checkout's, is timed in the same turns: the two copies
// of the same code differ only by V8's luck in optimising each (measured on large.wasm: up to 10%,
// onig 2%), so a difference between this and other no larger than this and its copy is noise.
// --validate: time decoding and validation alone (the validator driving its no-op code generator),
// to tell a change in the front end from one in the code generator.
// Without files: the three real modules of bench/compile.ts.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args[i + 1]!;
};
const against = option('--against', '');
const seconds = Number(option('--seconds', '10'));
const control = args.includes('--control');
const validateOnly = args.includes('--validate');
const flags = new Set(['--control', '--validate']);
const files = args.filter((a, i) => !a.startsWith('--') && !(args[i - 1]?.startsWith('--') && !flags.has(args[i - 1]!)));
if (!against || !existsSync(join(against, 'compiler/codegen/moduleCompiler.ts'))) {
  console.error('usage: npx tsx bench/compile-ab.ts --against /path/to/other/checkout [--seconds 10] [--control] [--validate] [file.wasm ...]');
  console.error('(the other checkout: e.g. `git worktree add ../base main`; it needs no node_modules of its own)');
  process.exit(2);
}
if (!(seconds > 0)) throw new Error(`--seconds ${option('--seconds', '')}: a positive number of seconds per module`);
const modules = (files.length ? files : ['bench/modules/large.wasm', 'node_modules/iced-x86/iced_x86_bg.wasm', 'node_modules/shiki/dist/onig.wasm'])
  .map((f) => resolve(f));
for (const f of modules) if (!existsSync(f)) throw new Error(`${f}: no such file`);

const dir = mkdtempSync(join(tmpdir(), 'lightbeam-compile-ab-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** One checkout's compileModule as an ES module bundle (esbuild runs in this process, not in the measuring one). */
async function bundle(checkout: string, name: string): Promise<string> {
  const esbuild = await import('esbuild');
  const outfile = join(dir, `${name}.mjs`);
  await esbuild.build({
    stdin: {
      contents: validateOnly
        ? "import { validateModule } from './compiler/validate/index.ts';\n" +
          'export const compileModule = (bytes) => ({ code: [], functions: validateModule(bytes).functions.length, relocations: [], trapSites: [] });'
        : "export { compileModule } from './compiler/codegen/moduleCompiler.ts';",
      resolveDir: resolve(checkout), loader: 'ts',
    },
    bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'warning',
  });
  return outfile;
}

// #region side-by-side
/** The measuring child: plain node, both bundles (and the control copy, if any), each module compiled by each in turn. */
const CHILD = `
const [first, second, third, seconds, ...files] = process.argv.slice(2);
const { readFileSync } = await import('node:fs');
const A = await import(first), B = await import(second), C = third ? await import(third) : null;
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const median = (s) => s.slice().sort((x, y) => x - y)[s.length >> 1];
const json = (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x));
const same = (x, y) => x.code.length === y.code.length && x.code.every((b, i) => b === y.code[i])
  && json(x.functions) === json(y.functions) && json(x.relocations) === json(y.relocations)
  && x.trapSites.length === y.trapSites.length && x.trapSites.every((v, i) => v === y.trapSites[i]);
for (const f of files) {
  const bytes = new Uint8Array(readFileSync(f));
  const identical = same(A.compileModule(bytes), B.compileModule(bytes));
  const warm = performance.now() + 2000;
  while (performance.now() < warm) { A.compileModule(bytes); B.compileModule(bytes); C?.compileModule(bytes); }
  const a = [], b = [], c = [];
  const stop = performance.now() + 1000 * Number(seconds);
  for (let i = 0; performance.now() < stop || a.length < 5; i++) {
    // Alternate which goes first, so that neither always runs right after the other's garbage.
    const order = i & 1 ? [[B, b], [A, a]] : [[A, a], [B, b]];
    if (C) order.splice(i % 3, 0, [C, c]);
    for (const [M, s] of order) { const t = cpu(); M.compileModule(bytes); s.push(cpu() - t); }
  }
  console.log(JSON.stringify({ file: f, first: median(a), second: median(b), control: C ? median(c) : 0, samples: a.length, identical }));
}
`;
// #endregion side-by-side

const bundles = { this: await bundle(here, 'this'), other: await bundle(against, 'other') };
/** The control: this checkout's bundle once more, as a file of its own (so a module instance of its own). */
const controlBundle = join(dir, 'control.mjs');
if (control) copyFileSync(bundles.this, controlBundle);
const child = join(dir, 'child.mjs');
writeFileSync(child, CHILD);
console.log(`warm ${validateOnly ? 'decode and validate' : 'compile'}, CPU medians, ${seconds} s per module and order; this = ${here}, other = ${resolve(against)}`);
const results = new Map<string, string[]>();
for (const order of [['this', 'other'], ['other', 'this']] as const) {
  const p = spawnSync(process.execPath, [child, bundles[order[0]], bundles[order[1]], control ? controlBundle : '', String(seconds), ...modules], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (p.status !== 0) throw new Error(`the measuring process failed (exit ${p.status})`);
  for (const line of p.stdout.trim().split('\n')) {
    const r = JSON.parse(line) as { file: string; first: number; second: number; control: number; samples: number; identical: boolean };
    const [mine, theirs] = order[0] === 'this' ? [r.first, r.second] : [r.second, r.first];
    const row = results.get(r.file) ?? [];
    const copy = control ? `, its copy ${r.control.toFixed(1)} ms (${(r.control / mine).toFixed(3)}x)` : '';
    row.push(`this ${mine.toFixed(1)} ms${copy}, other ${theirs.toFixed(1)} ms: ${(theirs / mine).toFixed(3)}x (this loaded ${order[0] === 'this' ? 'first' : 'second'}, ${r.samples} pairs)`);
    if (order[0] === 'this') row.push(r.identical ? 'same machine code' : 'DIFFERENT machine code');
    results.set(r.file, row);
  }
}
for (const [file, row] of results) console.log(`${file.slice(file.lastIndexOf('/') + 1)}: ${row.join('; ')}`);
console.log('speed-up = other / this (above 1: this checkout compiles faster); the gain lies between the two orders\' figures');
if (control) console.log('its copy: this checkout\'s code in a bundle of its own, loaded last (copy / this: what identical code reads as, the noise floor)');
