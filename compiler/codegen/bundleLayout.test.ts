// The code generator's smallest hot helpers stay small enough for V8 to always inline (27 bytes
// of bytecode or fewer) when the compiler runs from a bundle entered at moduleCompiler.ts, as
// bench/compile-ab.ts and the parallel compile worker run it. Their source alone does not decide
// that: a bundle's top-level bindings live in context slots numbered in the bundle's order, and a
// read of slot 256 or later is a wide bytecode, two bytes longer. moduleCompiler.ts imports the hot
// modules first for this (and typeClasses.ts is a file of its own for it); a new module imported
// ahead of them pushes inReg from 26 bytes to 32, as SIMD, threads, exceptions and GC once did.
// Checked with V8's own bytecode listing, in a child process, for such a bundle and for the bundles
// bin/bundle.mjs builds for the command line and the package.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add): enough to run inReg and reg. */
const MODULE = [
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, // type section
  0x03, 0x02, 0x01, 0x00, // function section
  0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, // code section
];

/** The bytecode length of function `name` as V8 compiled it while running `args` (node --print-bytecode). */
function bytecodeLength(name: string, args: string[]): number | undefined {
  const run = spawnSync(process.execPath, ['--print-bytecode', `--print-bytecode-filter=${name}`, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  expect(run.status, run.stderr).toBe(0);
  const l = /^Bytecode length: (\d+)/m.exec(run.stdout);
  return l ? Number(l[1]) : undefined;
}

function expectInlinable(args: string[]): void {
  for (const f of ['inReg', 'reg']) {
    const length = bytecodeLength(f, args);
    expect(length, `${f} was not run`).toBeDefined();
    expect(length!, `${f}'s bytecode`).toBeLessThanOrEqual(27);
  }
}

it('keeps inReg and reg within the size V8 always inlines, in a bundle', async () => {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    stdin: { contents: "export { compileModule } from './compiler/codegen/moduleCompiler.ts';", resolveDir: root, loader: 'ts' },
    bundle: true, write: false, platform: 'node', format: 'esm', logLevel: 'silent',
  });
  const dir = mkdtempSync(join(tmpdir(), 'lightbeam-bundle-layout-'));
  try {
    writeFileSync(join(dir, 'bundle.mjs'), out.outputFiles[0]!.text);
    writeFileSync(join(dir, 'run.mjs'), `
      import { compileModule } from './bundle.mjs';
      compileModule(new Uint8Array(${JSON.stringify(MODULE)}));
    `);
    expectInlinable([join(dir, 'run.mjs')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

// The bundles users run (bin/bundle.mjs): cli.cjs, which `lightbeam run` and `compile` load, and
// the split ES build behind `lightbeam node`, lightbeam/register and `import ... from 'lightbeam'`.
it('keeps them so in the bundles the command line and the package load', () => {
  const built = spawnSync(process.execPath, ['--input-type=module', '-e', "console.log(await (await import('./bin/bundle.mjs')).bundleDir())"], { cwd: root, encoding: 'utf8' });
  const dir = built.stdout.trim();
  expect(dir, built.stderr).toMatch(/dist-cli/);
  const program = join(root, 'compiler/testing/cprograms/sort.wasi.wasm');
  expectInlinable(['-e', `require(${JSON.stringify(join(dir, 'cli.cjs'))}).main(['compile', ${JSON.stringify(program)}])`]);
  expectInlinable(['--input-type=module', '-e', `
    const { Module } = await import(${JSON.stringify(`file://${join(dir, 'api.mjs')}`)});
    new Module(new Uint8Array(${JSON.stringify(MODULE)}));
  `]);
}, 120_000);
