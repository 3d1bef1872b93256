// One real package's run time on Lightbeam against V8 Liftoff and TurboFan: the workloads in
// bench/packages/ (each prints its best-of-5 time in ms, compile and start-up excluded) run in
// a process per engine, side by side. The packages are installed as scripts/check-packages.mts
// installs them (into a temporary folder, or --dir D).
//
//   npx tsx bench/packages.ts [--dir D]          (x86-64 Linux; needs the npm registry the first time)

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installPackages, PACKAGES } from '../scripts/check-packages.mts';

const WORKLOADS = [
  { file: 'brotli.mjs', pkg: 'brotli-wasm@3.0.1', what: 'brotli: compress+decompress 200 KB, quality 9' },
  { file: 'yoga.mjs', pkg: 'yoga-layout@3.2.1', what: 'yoga: build and lay out 2,000 nodes' },
];
const ENGINES: [string, string[]][] = [
  ['lightbeam', ['--import', fileURLToPath(new URL('../bin/register.mjs', import.meta.url))]],
  ['v8 liftoff', ['--liftoff-only', '--no-wasm-tier-up']],
  ['v8 turbofan', ['--no-liftoff']],
];

const i = process.argv.indexOf('--dir');
const dir = i >= 0 ? process.argv[i + 1]! : mkdtempSync(join(tmpdir(), 'lightbeam-packages-'));
installPackages(dir, PACKAGES.filter((p) => WORKLOADS.some((w) => w.pkg === p.pkg)));
console.log(`${'workload (best of 5, ms)'.padEnd(48)} ${ENGINES.map(([e]) => e.padStart(12)).join(' ')}   lightbeam/liftoff  lightbeam/turbofan`);
for (const w of WORKLOADS) {
  copyFileSync(fileURLToPath(new URL(`packages/${w.file}`, import.meta.url)), join(dir, `bench-${w.file}`));
  const ms = ENGINES.map(([, flags]) => Number(execFileSync(process.execPath, [...flags, `bench-${w.file}`], { cwd: dir, encoding: 'utf8' }).trim()));
  const [lb, lo, tf] = ms as [number, number, number];
  console.log(`${w.what.padEnd(48)} ${ms.map((m) => m.toFixed(1).padStart(12)).join(' ')}   ${(lb / lo).toFixed(2).padStart(17)}x ${(lb / tf).toFixed(2).padStart(18)}x`);
}
