// The CLI's text front-end: wabt first, and wasm-tools' parser for the WebAssembly 3.0 text wabt
// cannot read (GC here); when neither reads a text, both say why, with line and column.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { main as disasm } from './disasm.ts';
import { main as run } from './run.ts';

const GC_TEXT = `(module
  (type $point (struct (field $x (mut i32)) (field $y i32)))
  (type $ints (array (mut i32)))
  (func $make (export "make") (param i32 i32) (result i32)
    (struct.get $point $y (struct.new $point (local.get 0) (local.get 1))))
  (func $nth (export "nth") (param i32) (result i32)
    (array.get $ints (array.new $ints (i32.const 7) (i32.const 4)) (local.get 0)))
  (func $cast (param anyref) (result (ref $point))
    (ref.cast (ref $point) (local.get 0))))
`;

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'lightbeam-text-')), name);
  writeFileSync(path, text);
  return path;
}

/** What `body` printed with console.log and console.error, and what it returned. */
async function captured(body: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await body(), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

it('lightbeam disasm reads GC text (struct.new, array.get, ref.cast) that wabt refuses, with its function names', async () => {
  const path = file('gc.wat', GC_TEXT);
  const { code, out, err } = await captured(() => disasm([path]));
  expect(err).toBe('');
  expect(code).toBe(0);
  expect(out).toMatch(/^;; function 0 \(make\)$/m);
  expect(out).toMatch(/; .*struct\.new 0/);
  expect(out).toMatch(/; .*array\.get 1/);
  expect(out).toMatch(/^;; function 2 \(cast\)$/m);
  expect(out).toMatch(/; .*ref\.cast/);
});

it('lightbeam run invokes an export of GC text', async () => {
  const path = file('gc.wat', GC_TEXT);
  const { code, out } = await captured(() => run(['--invoke', 'nth', path, '2']));
  expect(code).toBe(0);
  expect(out).toBe('7');
});

it('text neither parser reads: each parser says why, with the line and column', async () => {
  const path = file('bad.wat', '(module\n  (func $f\n    (struct.nw 0)))\n');
  const { code, err } = await captured(() => disasm([path]));
  expect(code).toBe(1);
  const lines = err.split('\n');
  expect(lines[0]).toBe(`disasm: cannot read ${path}: neither wabt nor wasm-tools reads it`);
  expect(lines[1]).toBe(`wabt: ${path}:3:6: error: unexpected token "struct.nw", expected an instr.`);
  expect(lines.at(-1)).toBe(`wasm-tools: ${path}:3:6: error: unknown operator or unexpected token`);
});

it('a module wabt\'s validator refuses is read by wasm-tools, and our validator says why', async () => {
  const path = file('invalid.wat', '(module (func (result i32) (i32.const 1) (i32.const 2)))');
  const { code, err } = await captured(() => disasm([path]));
  expect(code).toBe(1);
  expect(err).toMatch(/^disasm: CompileError/);
});
