// How soon a worker can instantiate a module its main thread compiled and posted, under Lightbeam
// installed as WebAssembly (the bundle, as `lightbeam node` runs a program). Each run is a process
// of its own (bench/postModuleChild.mjs), so the main thread's compiler is as warm as a program's
// that has compiled the module once, and the worker is fresh (its JIT cold). Two ways, alternated:
//   bytes:  the bytes are posted and the worker compiles them: what posting a Module cost before
//           the code went with it (the worker compiled the module again from its bytes)
//   module: the Module is posted: its code goes (for a main-thread module, its interruptible twin,
//           compiled by the main thread in postMessage), and the worker compiles nothing
// Each run posts to a worker and then, the same module, to a second one (the twin is made on the
// first post). Medians of RUNS runs each: wall ms from the post to the worker's reply; CPU ms of
// the worker's thread; CPU ms of the main thread's postMessage; CPU ms of the process over the post
// (all threads).
//
//   npx tsx bench/post-module.ts [runs] [file...]     (default: large.wasm and iced-x86, 7 runs)

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const runs = Number(process.argv[2] ?? 7);
const files = process.argv.length > 3 ? process.argv.slice(3) : ['bench/modules/large.wasm', 'node_modules/iced-x86/iced_x86_bg.wasm'];
const MODES = ['bytes', 'module'] as const;
const FIELDS = ['wallMs', 'workerCpuMs', 'postCpuMs', 'processMs'] as const;
type Run = Record<(typeof FIELDS)[number], number>;

const median = (s: number[]): number => s.slice().sort((x, y) => x - y)[s.length >> 1]!;
const child = (mode: string, file: string): Run & { again: Run } =>
  JSON.parse(execFileSync(process.execPath, ['--import', './bin/register.mjs', 'bench/postModuleChild.mjs', mode, file], { cwd: root, encoding: 'utf8' }));

child('module', files[0]!); // builds the bundle if it is not there
console.log(`| module | posted | wall to ready (ms) | worker thread CPU (ms) | main thread's postMessage CPU (ms) | process CPU, all threads (ms) |`);
console.log(`| --- | --- | --- | --- | --- | --- |`);
for (const file of files) {
  const samples = Object.fromEntries(MODES.map((m) => [m, [] as (Run & { again: Run })[]])) as Record<(typeof MODES)[number], (Run & { again: Run })[]>;
  for (let i = 0; i < runs; i++) for (const mode of MODES) samples[mode].push(child(mode, file));
  for (const again of [false, true]) {
    const med = (mode: (typeof MODES)[number], field: (typeof FIELDS)[number]) => median(samples[mode].map((r) => (again ? r.again : r)[field]));
    for (const mode of MODES) {
      const cells = FIELDS.map((f) => (mode === 'module' ? `${med(mode, f).toFixed(0)} (${(med(mode, f) / med('bytes', f)).toFixed(2)}x)` : med(mode, f).toFixed(0)));
      if (mode === 'bytes') cells[2] = med(mode, 'postCpuMs').toFixed(1);
      else cells[2] = med(mode, 'postCpuMs').toFixed(again ? 1 : 0);
      const what = mode === 'bytes' ? 'bytes, compiled there (as before)' : 'Module, its code';
      console.log(`| ${file.split('/').pop()} | ${what}${again ? ', to a second worker' : ''} | ${cells.join(' | ')} |`);
    }
  }
}
