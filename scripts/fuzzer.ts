// `npm run fuzz`: differential fuzzing of Lightbeam against V8 (compiler/testing/fuzz/), in child
// processes, for as long as asked, with progress on stderr and findings saved and reduced.
//
//   npm run fuzz -- --count 1000 --seed 1                      every source, 1,000 modules each
//   npm run fuzz -- --source binaryen --count 100000 --jobs 2   for hours
//   npm run fuzz -- --replay DIR/own-seed5-0.min.wasm --source own   check one saved module again
//
// Sources (--source, default all): binaryen (wasm-opt -ttf; against V8, then binaryen's interpreter), own (randomProgram.ts and
// stressProgram.ts), mutate (mutants against WebAssembly.validate and instantiation), binaryen-gc
// (wasm-opt -ttf with GC, and custom descriptors on odd seeds: Lightbeam against itself with LIGHTBEAM_GC_STRESS=1, gcOracle.ts, then
// against binaryen's interpreter, wasm-opt --fuzz-exec-before, fuzzExecOracle.ts), all.
// Options: --count N (modules per source, default 1000; or per source: binaryen=N,own=N,mutate=N,binaryen-gc=N),
// --minutes M (start no job after M minutes), --seed S (first seed, default 1),
// --jobs J (child processes, default 2), --timeout SECONDS (per job, default 60), --out DIR
// (default $TMPDIR/lightbeam-fuzz), --max-findings N (default 20; seeds binaryen cannot generate
// from do not count), --reduce-seconds S (per
// finding, default 60; 0 turns reduction off). Exit status 1 when anything was found.
// (scripts/fuzz.ts is the older single-process runner of randomProgram.ts alone, with --v8-tiers.)

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { runCampaign } from '../compiler/testing/fuzz/campaign.ts';
import { recheck, SOURCES, type Source } from '../compiler/testing/fuzz/checks.ts';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
const number = (name: string, fallback: number) => {
  const v = Number(option(name, String(fallback)));
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} wants a number`);
  return v;
};

const sourceArg = option('source', 'all');
const sources: Source[] = sourceArg === 'all' ? [...SOURCES] : sourceArg.split(',').map((s) => {
  if (!(SOURCES as readonly string[]).includes(s)) throw new Error(`unknown source "${s}" (known: ${SOURCES.join(', ')}, all)`);
  return s as Source;
});

const replay = option('replay', '');
if (replay) {
  if (sources.length !== 1) throw new Error('--replay wants one --source (binaryen, own, binaryen-gc: run it; mutate: validate and instantiate it)');
  const f = await recheck(sources[0]!, new Uint8Array(readFileSync(replay)), number('tamper', 0));
  console.log(f ? `${f.summary}\n${f.detail}` : sources[0] === 'binaryen-gc' ? 'no finding: Lightbeam\'s runs agree, and with binaryen\'s interpreter'
    : sources[0] === 'binaryen' ? 'no finding: Lightbeam agrees with V8 and binaryen\'s interpreter' : 'no finding: Lightbeam agrees with V8');
  process.exit(f ? 1 : 0);
}

// --count N, or per source: --count binaryen=2000,own=5000,mutate=100000
const countArg = option('count', '1000');
const count = Object.fromEntries(SOURCES.map((s) => [s, 1000])) as Record<Source, number>;
for (const part of countArg.split(',')) {
  const [a, b] = part.split('=');
  const n = Number(b ?? a);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--count: "${part}" is not a number`);
  if (b === undefined) for (const s of SOURCES) count[s] = n;
  else if ((SOURCES as readonly string[]).includes(a!)) count[a as Source] = n;
  else throw new Error(`--count: unknown source "${a}"`);
}

const r = await runCampaign({
  sources,
  count,
  seconds: number('minutes', 0) * 60,
  seed: number('seed', 1),
  jobs: Math.max(1, number('jobs', 2)),
  timeoutMs: number('timeout', 60) * 1000,
  outDir: option('out', join(tmpdir(), 'lightbeam-fuzz')),
  reduceSeconds: number('reduce-seconds', 60),
  maxFindings: number('max-findings', 20),
  log: (l) => console.log(l),
  progress: (l) => console.error(l),
});
const total = Object.values(r.modules).reduce((a, b) => a + b, 0);
console.log(`${total} modules (${sources.map((s) => `${s} ${r.modules[s]}`).join(', ')}) in ${r.seconds.toFixed(0)} s; ` +
  `${r.findings.length} findings; outcomes: ${Object.entries(r.counts).map(([k, n]) => `${k} ${n}`).join(', ')}`);
process.exit(r.findings.length ? 1 : 0);
