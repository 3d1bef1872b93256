// `lightbeam compile` and the CLI's choice of threads.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { main } from './compile.ts';
import { main as disasm } from './disasm.ts';
import { cliThreads, PARALLEL_FROM } from './compileForCli.ts';

afterEach(() => vi.unstubAllEnvs());

it('compiles on one thread unless LIGHTBEAM_THREADS asks for more, and never below PARALLEL_FROM', () => {
  const small = new Uint8Array(PARALLEL_FROM - 1);
  const large = new Uint8Array(PARALLEL_FROM);
  vi.stubEnv('LIGHTBEAM_THREADS', undefined);
  expect([cliThreads(small), cliThreads(large)]).toEqual([1, 1]);
  vi.stubEnv('LIGHTBEAM_THREADS', '3');
  expect([cliThreads(small), cliThreads(large)]).toEqual([1, 3]);
  vi.stubEnv('LIGHTBEAM_THREADS', 'lots');
  expect(cliThreads(large)).toBe(1);
});

it('lightbeam compile --json reports the module, the threads and the time of the first compile', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'lightbeam-compile-')), 'two.wat');
  writeFileSync(file, '(module (func (export "a") (result i32) i32.const 1) (func (export "b") (param i32) (result i32) local.get 0))');
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    expect(await main(['--json', file])).toBe(0);
  } finally {
    log.mockRestore();
  }
  const report = JSON.parse(lines.join('\n')) as Record<string, unknown>;
  expect(report).toMatchObject({ file, functions: 2, threads: 1 });
  expect(report.codeBytes).toBeGreaterThan(0);
  expect(report.compileMs).toBeGreaterThanOrEqual(0);
  expect(report.beforeCompileMs).toBeGreaterThan(0);
});

it('lightbeam compile and disasm say why they cannot compile or read a module, in one line, exit 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lightbeam-compile-'));
  const file = join(dir, 'bad.wasm');
  writeFileSync(file, new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]));
  const errors: string[] = [];
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
  try {
    expect(await main([file])).toBe(1);
    expect(await main([])).toBe(2);
    expect(await disasm([file])).toBe(1);
    expect(await disasm([join(dir, 'missing.wasm')])).toBe(1);
    expect(await main([join(dir, 'missing.wasm')])).toBe(1);
    expect(await main(['--bogus', file])).toBe(2);
    expect(await disasm([file, '--func'])).toBe(2);
    expect(await disasm(['--bogus', file])).toBe(2);
  } finally {
    error.mockRestore();
  }
  expect(errors[0]).toMatch(/^compile: CompileError: unknown binary version/);
  expect(errors[1]).toMatch(/^usage: lightbeam compile/);
  expect(errors[2]).toMatch(/^disasm: CompileError: unknown binary version .*\(at byte 0x4\)$/);
  expect(errors.slice(3)).toEqual([
    `disasm: cannot read ${join(dir, 'missing.wasm')}: no such file`, `compile: cannot read ${join(dir, 'missing.wasm')}: no such file`,
    "compile: unknown option '--bogus'", 'usage: lightbeam compile <file.wat|file.wasm> [--json]',
    'disasm: --func needs a function name or index', "disasm: unknown option '--bogus'",
  ]);
});
