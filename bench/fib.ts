// fib(38) of compiler/codegen/filetests/fib.wat, side by side: Lightbeam, the same function in
// C (clang -O2), V8 Liftoff (--liftoff-only --no-wasm-tier-up) and V8 TurboFan (--no-liftoff).
// Best of RUNS runs each. Run: npx tsx bench/fib.ts [n] [runs]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watToWasm } from '../compiler/text/watToWasm.ts';
import { compileModule } from '../compiler/codegen/moduleCompiler.ts';
import { Instance } from '../compiler/runtime/instance.ts';

const n = Number(process.argv[2] ?? 38);
const runs = Number(process.argv[3] ?? 3);
const root = join(import.meta.dirname, '..');
const bytes = await watToWasm(readFileSync(join(root, 'compiler/codegen/filetests/fib.wat'), 'utf8'));
const tmp = mkdtempSync(join(tmpdir(), 'lightbeam-fib-'));

interface Row { name: string; ms?: number; result?: number; note?: string }
const rows: Row[] = [];

// Lightbeam, in this process.
{
  const fib = new Instance(compileModule(bytes)).exports.fib as (n: number) => number;
  let best = Infinity, result = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = fib(n);
    best = Math.min(best, performance.now() - t);
  }
  rows.push({ name: 'lightbeam', ms: best, result });
}

// Native C.
for (const cc of ['clang', 'gcc']) {
  const has = spawnSync(cc, ['--version']).status === 0;
  if (!has) {
    rows.push({ name: `${cc} -O2`, note: `${cc} not installed (apt-get install -y ${cc})` });
    continue;
  }
  const exe = join(tmp, `fib-${cc}`);
  execFileSync(cc, ['-O2', '-o', exe, join(root, 'bench/fib.c')]);
  const [result, ms] = execFileSync(exe, [String(n), String(runs)], { encoding: 'utf8' }).trim().split(' ').map(Number);
  rows.push({ name: `${cc} -O2`, ms, result });
}

// V8, in child processes so the flags apply.
const wasmPath = join(tmp, 'fib.wasm');
writeFileSync(wasmPath, bytes);
const script = join(tmp, 'v8fib.mjs');
writeFileSync(script, `
import { readFileSync } from 'node:fs';
const { instance } = await WebAssembly.instantiate(readFileSync(${JSON.stringify(wasmPath)}));
const fib = instance.exports.fib;
let best = Infinity, result = 0;
for (let i = 0; i < ${runs}; i++) { const t = performance.now(); result = fib(${n}); best = Math.min(best, performance.now() - t); }
console.log(result, best);
`);
for (const [name, flags] of [['v8 liftoff', ['--liftoff-only', '--no-wasm-tier-up']], ['v8 turbofan', ['--no-liftoff']]] as const) {
  const out = execFileSync(process.execPath, [...flags, script], { encoding: 'utf8' }).trim().split(' ').map(Number);
  rows.push({ name, ms: out[1], result: out[0] });
}

const native = rows.find((r) => r.name === 'clang -O2' && r.ms !== undefined) ?? rows.find((r) => r.ms !== undefined && r.name.endsWith('-O2'));
console.log(`fib(${n}), best of ${runs} runs`);
console.log(`${'engine'.padEnd(14)}${'ms'.padStart(10)}${'result'.padStart(12)}   vs ${native?.name ?? 'native (none)'}`);
for (const r of rows) {
  if (r.ms === undefined) {
    console.log(`${r.name.padEnd(14)}${'-'.padStart(10)}${''.padStart(12)}   skipped: ${r.note}`);
    continue;
  }
  const ratio = native?.ms ? (r.ms / native.ms).toFixed(2) + 'x' : '-';
  console.log(`${r.name.padEnd(14)}${r.ms.toFixed(1).padStart(10)}${String(r.result).padStart(12)}   ${ratio}`);
}
const results = new Set(rows.filter((r) => r.result !== undefined).map((r) => r.result));
if (results.size > 1) {
  console.error('results differ!');
  process.exitCode = 1;
}
