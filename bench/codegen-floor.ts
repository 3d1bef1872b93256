// How much of a compile is our code generator's structure rather than its work: on straight-line
// i32 code, the validator alone (with a code generator that does nothing), ours, and a minimal
// code generator for the same operators (bench/minimalCodegen.ts: a typed-array value stack,
// bytes written directly, the same instruction choices for these shapes, none of the rest);
// V8's Liftoff beside them, compiling the same modules.
//   npx tsx bench/codegen-floor.ts [--seconds 3] [--rounds 2]
// Each pattern is timed in a plain-node process that loads three copies of one esbuild bundle,
// one per generator (see below), and compiles with each in turn; the figure is the median of the
// rounds' CPU medians.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIFTOFF_FLAGS, liftoff } from './liftoffTiming.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): number => {
  const i = args.indexOf(name);
  const v = Number(i < 0 ? fallback : args[i + 1]);
  if (!(v > 0)) throw new Error(`${name}: a positive number`);
  return v;
};
const SECONDS = option('--seconds', '3');
const ROUNDS = option('--rounds', '2');

/** Straight-line i32 code on 2 parameters and 4 locals, each pattern 200 times in each of 300 functions. */
const PATTERNS: [name: string, wat: string][] = [
  ['arithmetic into a local', 'local.get 0 local.get 1 i32.add local.set 2'],
  ['local plus a constant', 'local.get 0 i32.const 5 i32.add local.set 0'],
  ['two operators into a local', 'local.get 0 local.get 1 i32.add local.get 2 i32.xor local.set 3'],
  ['tee, and, set', 'local.get 0 local.tee 2 local.get 1 i32.and local.set 3'],
  ['a value dropped', 'local.get 0 local.get 1 i32.sub drop'],
];
const REPEAT = 200, FUNCTIONS = 300;

const dir = mkdtempSync(join(tmpdir(), 'lightbeam-codegen-floor-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const { watToWasm } = await import('../compiler/text/watToWasm.ts');
const files: string[] = [];
// The patterns, then the same functions with empty bodies: what a function costs beyond its operators.
for (const [k, body] of [...PATTERNS.map(([, wat]) => wat), ''].entries()) {
  const fn = `(func (param i32 i32) (result i32) (local i32 i32 i32 i32)\n${`${body}\n`.repeat(REPEAT)}i32.const 0)`;
  files.push(join(dir, `${k}.wasm`));
  writeFileSync(files[k]!, await watToWasm(`(module ${fn.repeat(FUNCTIONS)})`));
}

// Three copies of one bundle: each generator drives a validator of its own, so that every call
// site from the validator into a generator sees one class (as in a real compile), and the three
// can be timed in turns in one process, where the machine's swings touch all three alike.
const esbuild = await import('esbuild');
const GENERATORS = ['validator alone', 'ours', 'minimal'] as const;
type Generator = (typeof GENERATORS)[number];
const bundles: string[] = [];
for (const k of GENERATORS.keys()) {
  bundles.push(join(dir, `bundle${k}.mjs`));
  await esbuild.build({
    stdin: {
      contents: [
        "export { compileModule } from './compiler/codegen/moduleCompiler.ts';",
        "export { validateModule } from './compiler/validate/index.ts';",
        "export { NoopCodeGenerator } from './compiler/validate/codegenInterface.ts';",
        "export { MinimalCodegen } from './bench/minimalCodegen.ts';",
      ].join('\n'),
      resolveDir: join(import.meta.dirname, '..'), loader: 'ts',
    },
    bundle: true, platform: 'node', format: 'esm', outfile: bundles[k]!, logLevel: 'warning',
  });
}

/** The three generators on one module, warm, in turns: CPU medians of a compile, and the code bytes made. */
const CHILD = `
const [seconds, file, ...bundles] = process.argv.slice(2);
const { readFileSync } = await import('node:fs');
const [A, B, C] = await Promise.all(bundles.map((b) => import(b)));
const bytes = new Uint8Array(readFileSync(file));
const codeBytes = [0, 0, 0];
const runs = [
  () => A.validateModule(bytes, new A.NoopCodeGenerator()),
  () => { codeBytes[1] = B.compileModule(bytes).code.length; },
  () => { const g = new C.MinimalCodegen(); C.validateModule(bytes, g); codeBytes[2] = g.emitted; },
];
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const warm = performance.now() + 3000;
while (performance.now() < warm) for (const run of runs) run();
const samples = [[], [], []];
const stop = performance.now() + 1000 * Number(seconds);
for (let i = 0; performance.now() < stop || samples[0].length < 5; i++) {
  for (let k = 0; k < 3; k++) { const g = (i + k) % 3; const t = cpu(); runs[g](); samples[g].push(cpu() - t); }
}
const median = (s) => s.slice().sort((x, y) => x - y)[s.length >> 1];
console.log(JSON.stringify({ ms: samples.map(median), codeBytes }));
`;
const child = join(dir, 'child.mjs');
writeFileSync(child, CHILD);

const results = files.map(() => ({ ms: GENERATORS.map((): number[] => []), codeBytes: [0, 0, 0], liftoffMs: [] as number[] }));
for (let round = 0; round < ROUNDS; round++) {
  for (const [k, file] of files.entries()) {
    const r = spawnSync(process.execPath, [child, String(SECONDS), file, ...bundles], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pattern ${k}: ${r.stderr}`);
    const { ms, codeBytes } = JSON.parse(r.stdout) as { ms: number[]; codeBytes: number[] };
    ms.forEach((m, g) => results[k]!.ms[g]!.push(m));
    results[k]!.codeBytes = codeBytes;
    // Liftoff alone on one thread, in a process of its own: its whole compile, validation included.
    results[k]!.liftoffMs.push(liftoff(file, [...LIFTOFF_FLAGS, '--single-threaded'], 'compile', 1000 * SECONDS).compileMs!);
    process.stderr.write('.');
  }
}
process.stderr.write('\n');

const median = (s: number[]): number => s.slice().sort((x, y) => x - y)[s.length >> 1]!;
const empty = results[PATTERNS.length]!;
/** Our code generator's time per function on empty bodies (prologue, epilogue, finishing), in ns. */
const perFunction = ((median(empty.ms[1]!) - median(empty.ms[0]!)) * 1e6) / FUNCTIONS;
/** Liftoff's whole compile per function on the same empty bodies, in ns. */
const liftoffPerFunction = (median(empty.liftoffMs) * 1e6) / FUNCTIONS;
const pad = (s: string | number, n: number): string => String(s).padStart(n);
console.log(`code generation on straight-line i32 code: ns per operator, warm (CPU medians, ${SECONDS} s per measurement, ${ROUNDS} rounds)`);
console.log(`  ${'pattern'.padEnd(28)} ${pad('validator', 9)} ${pad('ours', 6)} ${pad('minimal', 7)} ${pad('ratio', 6)} ${pad('Liftoff', 7)} ${pad('code B/op', 9)} ${pad('minimal', 7)}`);
for (const [k, [name, body]] of PATTERNS.entries()) {
  const operators = FUNCTIONS * REPEAT * body.split(' ').filter((w) => /^[a-z]/.test(w)).length;
  const ns = (g: Generator): number => (median(results[k]!.ms[GENERATORS.indexOf(g)]!) * 1e6) / operators;
  const validator = ns('validator alone');
  const ours = ns('ours') - validator, minimal = ns('minimal') - validator;
  const bytesPerOp = (g: Generator): string => (results[k]!.codeBytes[GENERATORS.indexOf(g)]! / operators).toFixed(2);
  const liftoffNs = (median(results[k]!.liftoffMs) * 1e6) / operators;
  console.log(`  ${name.padEnd(28)} ${pad(validator.toFixed(1), 9)} ${pad(ours.toFixed(1), 6)} ${pad(minimal.toFixed(1), 7)} ${pad((ours / minimal).toFixed(1), 6)} ${pad(liftoffNs.toFixed(1), 7)} ${pad(bytesPerOp('ours'), 9)} ${pad(bytesPerOp('minimal'), 7)}`);
}
console.log('  validator: the validator alone; ours, minimal: each code generator\'s time beyond it; ratio: ours over minimal;');
console.log('  Liftoff: V8 Liftoff\'s whole compile (validation included: compare it with validator + ours)');
console.log(`  per function (empty bodies): ours ${(perFunction / 1000).toFixed(1)} µs beyond the validator (about ${(perFunction / (REPEAT * 4)).toFixed(1)} ns per operator of a 4-operator pattern), Liftoff ${(liftoffPerFunction / 1000).toFixed(1)} µs in all`);
console.log('  code B/op: machine code bytes per operator (ours counts its prologues, epilogues and the module\'s code; minimal only a ret per function)');
