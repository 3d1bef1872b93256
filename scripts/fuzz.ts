// Differential fuzzing against V8: many generated programs (compiler/codegen/testing/randomProgram.ts)
// run on Lightbeam and on V8, results, traps and state compared (testing/differentialRunner.ts).
// A mismatch is shrunk to a small reproducer (testing/reduceWat.ts), saved as .wat and .wasm, and
// printed; the run goes on until --max-failures.
//
//   npx tsx scripts/fuzz.ts --features floats,memory --count 5000 --seed 1
//   npx tsx scripts/fuzz.ts --features all --seed 1234 --count 1      (replay one program)
//   npx tsx scripts/fuzz.ts --features all --v8-tiers --count 2000    (check the generator itself)
//
// Options: --features LIST (floats, memory, bulkMemory, callIndirect, all, integer; default
// integer), --count N (default 1000), --seed N (first seed, default 1), --out DIR (default
// $TMPDIR/lightbeam-fuzz), --max-failures N (default 5), --no-reduce, --reduce-seconds S (default 60).
// Programs with functions Lightbeam compiles as "not implemented yet" stubs are counted apart,
// by reason, not compared. Exit status 1 when anything failed.
//
// --v8-tiers runs every program on V8 twice, Liftoff only and TurboFan only (child processes),
// and requires identical outcomes: the generator must make programs whose observable outcome the
// spec fixes (NaN bits canonicalized where they may vary), or Lightbeam could be blamed for a
// difference the spec allows.
//
// The program being run is written to DIR/current.wat first: if the process dies (a crash in
// generated code), that file is the reproducer.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watToWasm } from '../compiler/text/watToWasm.ts';
import { compareWithV8, runOnV8, type Verdict } from '../compiler/testing/differentialRunner.ts';
import { featuresName, parseFeatures, program, type Features } from '../compiler/codegen/testing/randomProgram.ts';
import { reduceWat } from '../compiler/codegen/testing/reduceWat.ts';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const features = parseFeatures(option('features', 'integer'));
const count = Number(option('count', '1000'));
const firstSeed = Number(option('seed', '1'));
const outDir = option('out', join(tmpdir(), 'lightbeam-fuzz'));
const maxFailures = Number(option('max-failures', '5'));
const reduceSeconds = Number(option('reduce-seconds', '60'));
const setName = featuresName(features);

// #region v8-dump
// A child of --v8-tiers: print one JSON line of V8 outcomes per seed.
if (flag('dump-v8')) {
  for (let seed = firstSeed; seed < firstSeed + count; seed++) {
    const bytes = await watToWasm(program(seed, features));
    let outcomes: unknown;
    try {
      outcomes = runOnV8(bytes, features);
    } catch (e) {
      outcomes = `error: ${(e as Error).message}`;
    }
    process.stdout.write(`${JSON.stringify({ seed, outcomes })}\n`);
  }
  process.exit(0);
}
// #endregion v8-dump

mkdirSync(outDir, { recursive: true });

if (flag('v8-tiers')) {
  const run = (tier: string) => {
    const args = ['--import', 'tsx', tier, process.argv[1]!, '--dump-v8', '--features', setName, '--seed', String(firstSeed), '--count', String(count)];
    return execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 }).trim().split('\n');
  };
  const t0 = performance.now();
  const liftoff = run('--liftoff-only');
  const turbofan = run('--no-liftoff');
  let differ = 0;
  for (let i = 0; i < liftoff.length; i++) {
    if (liftoff[i] === turbofan[i]) continue;
    const { seed } = JSON.parse(liftoff[i]!) as { seed: number };
    const file = join(outDir, `${setName.replace(/,/g, '+')}-tiers-seed${seed}.wat`);
    writeFileSync(file, program(seed, features));
    console.log(`seed ${seed}: Liftoff and TurboFan disagree (${file})\n  Liftoff:  ${liftoff[i]}\n  TurboFan: ${turbofan[i]}`);
    if (++differ >= maxFailures) break;
  }
  console.log(`${setName}: ${liftoff.length} programs on Liftoff and TurboFan, ${differ} differ (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  process.exit(differ ? 1 : 0);
}

type Failure = { kind: 'mismatch'; detail: string } | { kind: 'error'; detail: string };

/** Run one program; a failure if Lightbeam disagrees with V8 or anything throws. */
async function check(text: string): Promise<Verdict | Failure> {
  let bytes: Uint8Array;
  try {
    bytes = await watToWasm(text);
  } catch (e) {
    return { kind: 'error', detail: `wabt rejects the program: ${(e as Error).message}` };
  }
  try {
    return compareWithV8(bytes, features);
  } catch (e) {
    return { kind: 'error', detail: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

/** Whether `text` still fails the way the original did (any mismatch; for errors, the same first line). */
function sameFailure(original: Failure) {
  const firstLine = (s: string) => s.split('\n')[0]!.replace(/\(function \d+, at byte 0x[0-9a-f]+\)/, '');
  return async (text: string): Promise<boolean> => {
    const v = await check(text);
    if (original.kind === 'mismatch') return v.kind === 'mismatch';
    return v.kind === 'error' && !v.detail.startsWith('wabt rejects') && firstLine(v.detail) === firstLine(original.detail);
  };
}

const stubReasons = new Map<string, number>();
let agreed = 0, stubbed = 0, failed = 0, done = 0, calls = 0;
const t0 = performance.now();
let lastReport = t0;
const report = (final = false) => {
  const s = (performance.now() - t0) / 1000;
  const reasons = [...stubReasons].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([r, n]) => `${r}: ${n}`).join(', ');
  const line = `[${String(done).padStart(String(count).length)}/${count}] ${setName} seeds ${firstSeed}..${firstSeed + done - 1}: ` +
    `agree ${agreed} (${calls} calls), stubbed ${stubbed}${reasons ? ` (${reasons})` : ''}, failed ${failed}; ${(done / s).toFixed(0)} programs/s`;
  (final ? console.log : console.error)(line);
};

for (let seed = firstSeed; seed < firstSeed + count && failed < maxFailures; seed++) {
  const text = program(seed, features);
  writeFileSync(join(outDir, 'current.wat'), `;; ${setName} seed ${seed}\n${text}`);
  const v = await check(text);
  done++;
  if (v.kind === 'agree') {
    agreed++;
    calls += v.calls;
  } else if (v.kind === 'stubbed') {
    stubbed++;
    for (const r of new Set(v.reasons.map((x) => x.replace(/^function \d+: /, '')))) stubReasons.set(r, (stubReasons.get(r) ?? 0) + 1);
  } else {
    failed++;
    const base = join(outDir, `${setName.replace(/,/g, '+')}-seed${seed}`);
    writeFileSync(`${base}.wat`, text);
    console.log(`\n${v.kind.toUpperCase()} ${setName} seed ${seed} (program: ${base}.wat)\n${v.detail}`);
    if (!flag('no-reduce')) {
      const r = await reduceWat(text, sameFailure(v), { deadline: performance.now() + reduceSeconds * 1000 });
      writeFileSync(`${base}.min.wat`, r.text);
      writeFileSync(`${base}.min.wasm`, await watToWasm(r.text));
      const again = await check(r.text);
      console.log(`reduced (${r.accepted} edits in ${r.attempts} tries) to ${base}.min.wat / .min.wasm:\n${r.text}`);
      if (again.kind === 'mismatch' || again.kind === 'error') console.log(again.detail);
    }
    console.log('');
  }
  if (performance.now() - lastReport > 2000) {
    report();
    lastReport = performance.now();
  }
}
report(true);
process.exit(failed ? 1 : 0);
