// The cost of one indirect call, in a wasm loop that makes 10 million of them to tiny functions
// (`x + k`, four of them; each loop to one of them every time, to each in turn, or to one by a hash of the counter): call_indirect through a table of fixed size and through
// a growable one, call_ref of a reference read from a table of typed references, call_indirect through a table another
// instance defined (its functions: every call switches instances), and a direct call for scale.
// Each row is ns per call, the loop included (best of 7 runs, thread CPU time).
// Then bench/indirect/vcalls.wasm, C's virtual dispatch (bench/indirect/vcalls.c: 40,960,000
// indirect calls at random among six functions), run as bench/run.ts runs its kernels (each run its
// own process, run() timed with the thread's CPU clock) on Lightbeam, Liftoff and TurboFan.
//
//   npx tsx bench/indirect-calls.ts [--rounds 5]         Lightbeam and V8 (default tiers); vcalls
//   node --liftoff-only --no-wasm-tier-up --import tsx bench/indirect-calls.ts --v8-only
//   node --no-liftoff --no-wasm-tier-up --import tsx bench/indirect-calls.ts --v8-only

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { compileModule } from '../compiler/codegen/moduleCompiler.ts';
import { Instance } from '../compiler/runtime/instance.ts';
import { requireWasmToolsTextToBinary } from '../compiler/wast/node/wasmToolsText.ts';
import { threadCpuSeconds } from './engines/threadCpuClock.mjs';

const CALLEES = `
  (type $t (func (param i32) (result i32)))
  (func $f0 (type $t) (i32.add (local.get 0) (i32.const 1)))
  (func $f1 (type $t) (i32.add (local.get 0) (i32.const 3)))
  (func $f2 (type $t) (i32.xor (local.get 0) (i32.const 5)))
  (func $f3 (type $t) (i32.sub (local.get 0) (i32.const 7)))`;

/**
 * A loop of n calls: `call` is the call of acc, the element index at hand as INDEX: $k, the
 * same every time (a call site with one target, the common case); for $k = -1 a hash of the
 * counter (one of the four in no order a program would have; not quite random to a predictor
 * with a long history, which learns part of this Fibonacci hash's sequence, less of it the more
 * taken branches the loop has: README, "Indirect calls after stop 37"); for $k = -2 the four in
 * turn (an order the predictor learns).
 */
const loop = (name: string, call: string) => `
  (func (export "${name}") (param $n i32) (param $k i32) (result i32) (local $acc i32) (local $i i32)
    (loop $l
      (local.set $acc ${call})
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc))`;
const INDEX = `(if (result i32) (i32.ge_s (local.get $k) (i32.const 0)) (then (local.get $k))
    (else (select (i32.and (local.get $i) (i32.const 3)) (i32.shr_u (i32.mul (local.get $i) (i32.const 0x9e3779b1)) (i32.const 30))
      (i32.eq (local.get $k) (i32.const -2)))))`;

const PROVIDER = `(module ${CALLEES}
  (table (export "table") 4 4 funcref)
  (elem (i32.const 0) func $f0 $f1 $f2 $f3))`;

/** `typedRefs`: with the call_ref loop (Node 20's V8 reads typed references in an older encoding). */
const MAIN = (typedRefs: boolean) => `(module
  (import "provider" "table" (table $other 4 4 funcref))
  ${CALLEES}
  (table $fixed 4 4 funcref)
  (table $growable 4 funcref)
  (elem (table $fixed) (i32.const 0) func $f0 $f1 $f2 $f3)
  (elem (table $growable) (i32.const 0) func $f0 $f1 $f2 $f3)
  ${typedRefs ? '(table $typed 4 4 (ref null $t))' : ''}
  ${typedRefs ? '(elem (table $typed) (i32.const 0) (ref null $t) (ref.func $f0) (ref.func $f1) (ref.func $f2) (ref.func $f3))' : ''}
  ${loop('direct', '(call $f1 (local.get $acc))')}
  ${loop('indirectFixed', `(call_indirect $fixed (type $t) (local.get $acc) ${INDEX})`)}
  ${loop('indirectGrowable', `(call_indirect $growable (type $t) (local.get $acc) ${INDEX})`)}
  ${typedRefs ? loop('callRef', `(call_ref $t (local.get $acc) (table.get $typed ${INDEX}))`) : ''}
  ${loop('otherInstance', `(call_indirect $other (type $t) (local.get $acc) ${INDEX})`)})`;

type Run = (n: number, k: number) => number;
const ROWS = ['direct', 'indirectFixed', 'indirectGrowable', 'callRef', 'otherInstance'] as const;
const N = 10_000_000;

/** `k`: the element every call takes, -1 for one at random, -2 for each in turn. */
function nsPerCall(run: Run, k: number): number {
  run(N, k); // warm up (and tier up)
  let best = Infinity;
  for (let round = 0; round < 7; round++) {
    const start = threadCpuSeconds();
    run(N, k);
    best = Math.min(best, ((threadCpuSeconds() - start) * 1e9) / N);
  }
  return best;
}

// wasm-tools' text parser: wabt's knows no call_ref.
const parse = await requireWasmToolsTextToBinary();
const provider = parse(PROVIDER);
const v8Only = process.argv.includes('--v8-only');

const engines: [string, Record<string, Run>][] = [];
if (!v8Only) {
  const p = new Instance(compileModule(provider));
  const m = new Instance(compileModule(parse(MAIN(true))), { provider: { table: p.exports.table } });
  engines.push(['lightbeam', m.exports as unknown as Record<string, Run>]);
}
const p = new WebAssembly.Instance(new WebAssembly.Module(provider as Uint8Array<ArrayBuffer>));
const m = new WebAssembly.Instance(new WebAssembly.Module(parse(MAIN(false)) as Uint8Array<ArrayBuffer>), { provider: { table: p.exports.table as WebAssembly.Table } });
engines.push(['V8', m.exports as unknown as Record<string, Run>]);

// Every engine must compute the same thing.
const answers = ROWS.map((r) => engines.map(([, e]) => (e[r] ? (e[r](1000, -1) ^ e[r](1000, -2)) >>> 0 : undefined)).filter((x) => x !== undefined));
for (const a of answers) if (a.some((x) => x !== a[0])) throw new Error(`engines disagree: ${answers.join(' / ')}`);

console.log(`${'ns per call (best of 7 x 1e7)'.padEnd(32)}${engines.map(([name]) => name.padStart(12)).join('')}`);
const cell = (run: Run | undefined, k: number) => (run ? nsPerCall(run, k).toFixed(2) : '-').padStart(12);
for (const r of ROWS) {
  const kinds: [string, number][] = r === 'direct' ? [['', 1]] : [[', one target', 1], [', in turn', -2], [', random', -1]];
  for (const [what, k] of kinds) console.log(`${(r + what).padEnd(32)}${engines.map(([, e]) => cell(e[r], k)).join('')}`);
}

if (!v8Only) {
  // vcalls, every engine in turn for each round, each run in a process of its own.
  const root = join(import.meta.dirname, '..');
  const wasm = join(root, 'bench/indirect/vcalls.wasm');
  const EXPECTED = 1933011258;
  const CALLS = 40_960_000;
  const i = process.argv.indexOf('--rounds');
  const rounds = i < 0 ? 5 : Number(process.argv[i + 1]);
  const v8 = (flags: string[]) => [...flags, join(root, 'bench/engines/v8Runner.mjs'), wasm];
  const runners: [string, string[]][] = [
    ['lightbeam', ['--import', 'tsx', join(root, 'bench/engines/lightbeamRunner.ts'), wasm]],
    ['liftoff', v8(['--liftoff-only', '--no-wasm-tier-up', '--no-wasm-lazy-compilation'])],
    ['turbofan', v8(['--no-liftoff', '--no-wasm-tier-up', '--no-wasm-lazy-compilation'])],
  ];
  const seconds = new Map<string, number[]>(runners.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, args] of runners) {
      const [checksum, s] = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim().split(' ');
      if (Number(checksum) !== EXPECTED) throw new Error(`vcalls on ${name}: checksum ${checksum}, expected ${EXPECTED}`);
      seconds.get(name)!.push(Number(s));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  console.log(`\nvcalls (${CALLS.toLocaleString('en')} indirect calls, median of ${rounds} runs)`);
  for (const [name, xs] of seconds) {
    const m = median(xs);
    console.log(`${name.padEnd(12)}${m.toFixed(3).padStart(8)} s${((m * 1e9) / CALLS).toFixed(2).padStart(8)} ns per call, its work included`);
  }
}
