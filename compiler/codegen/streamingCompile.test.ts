// StreamingCompiler: a module pushed in chunks of any size compiles to exactly what compileModule
// makes of the whole module, and a problem is reported by the push that brings it.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CompileError } from '../errors.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { compileModule, StreamingCompiler, type CompiledModuleWithNotes } from './moduleCompiler.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const modules = [
  ...readdirSync(`${root}compiler/testing/cprograms`).filter((f) => f.endsWith('.wasm')).map((f) => `compiler/testing/cprograms/${f}`),
  ...readdirSync(`${root}bench/kernels/wasm`).filter((f) => f.endsWith('.wasm')).map((f) => `bench/kernels/wasm/${f}`),
  ...readdirSync(`${root}bench/kernels/wasm-simd`).filter((f) => f.endsWith('.wasm')).map((f) => `bench/kernels/wasm-simd/${f}`),
  'node_modules/iced-x86/iced_x86_bg.wasm',
];

/** Everything a compiled module says, as plain data to compare. */
function plain(c: CompiledModuleWithNotes): unknown {
  return {
    code: Buffer.from(c.code).toString('base64'),
    functions: c.functions,
    relocations: c.relocations,
    trapSites: [...c.trapSites],
    notes: c.notes,
    stubbed: c.stubbed,
    dataRanges: c.dataRanges,
    boundsChecks: c.boundsChecks,
    data: c.info.data.map((d) => [d.mode, [...d.bytes]]),
    exports: c.info.exports,
  };
}

function streamed(bytes: Uint8Array, sizes: () => number, options = {}): CompiledModuleWithNotes {
  const compiler = new StreamingCompiler(options);
  for (let at = 0; at < bytes.length; ) {
    const n = Math.min(sizes(), bytes.length - at);
    // A copy the test then scribbles over: the compiler must not keep a view of a chunk.
    const chunk = bytes.slice(at, at + n);
    compiler.push(chunk);
    chunk.fill(0xff);
    at += n;
  }
  return compiler.finish();
}

describe('StreamingCompiler', () => {
  let seed = 7;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;

  it.each(modules)('%s: chunks of random sizes compile to the same module', (file) => {
    const bytes = new Uint8Array(readFileSync(`${root}${file}`));
    const whole = plain(compileModule(bytes, { notes: true }));
    // Mostly small chunks, some of one byte, now and then a large one.
    const sizes = () => [1, 7, 100, 4096, 65536][random(5)]! + random(50);
    expect(plain(streamed(bytes, sizes, { notes: true }))).toEqual(whole);
  }, 60_000);

  it('one byte at a time', async () => {
    const bytes = readFileSync(`${root}compiler/testing/cprograms/crc32.wasi.wasm`);
    expect(plain(streamed(new Uint8Array(bytes), () => 1))).toEqual(plain(compileModule(new Uint8Array(bytes))));
  });

  it('reports a problem from the push that brings it, at its offset', async () => {
    const bytes = await watToWasm('(module (func (result i32) i32.const 1) (func (export "f") (result i32) i32.const 2))');
    const bad = bytes.slice();
    // The second body's `i32.const` becomes an unknown opcode.
    const at = bad.lastIndexOf(0x41);
    bad[at] = 0xff;
    const compiler = new StreamingCompiler();
    compiler.push(bad.subarray(0, at));
    let error: unknown;
    try {
      compiler.push(bad.subarray(at));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompileError);
    expect((error as CompileError).offset).toBe(at);
  });
});
