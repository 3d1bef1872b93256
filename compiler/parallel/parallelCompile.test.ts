import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CompiledModuleWithNotes, compileModule } from '../codegen/moduleCompiler.ts';
import { CompileError } from '../errors.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { closeCompileWorkers, compileModuleParallel, ParallelStreamingCompiler } from './parallelCompile.ts';
import { rng } from '../testing/rng.ts';

afterAll(closeCompileWorkers);

/** Functions 1 and 2 are invalid. */
const twoErrors = () => watToWasm(`(module
  (func (result i32) i32.const 1)
  (func (result i32) i64.const 1)
  (func (result i32) f32.const 1))`, { name: 'errors.wat', validate: false });

/** The CompileError one thread reports. */
function errorOf(bytes: Uint8Array): CompileError {
  try {
    compileModule(bytes);
  } catch (e) {
    if (e instanceof CompileError) return e;
  }
  throw new Error('expected a CompileError');
}

/** The same bytes and metadata as one thread made. */
function expectSame(m: CompiledModuleWithNotes, whole: CompiledModuleWithNotes): void {
  expect(Buffer.from(m.code).equals(Buffer.from(whole.code))).toBe(true);
  expect(m.functions).toEqual(whole.functions);
  expect(m.trapSites).toEqual(whole.trapSites);
  expect(m.relocations).toEqual(whole.relocations);
  expect(m.dataRanges).toEqual(whole.dataRanges);
  expect(m.info.exports).toEqual(whole.info.exports);
}

const cprogram = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, '../testing/cprograms', name)));

describe('compileModuleParallel', () => {
  it('gives the same bytes and metadata as one thread, on 2 and 3 threads', async () => {
    for (const name of ['sort.wasi.wasm', 'matmul.wasi.wasm']) {
      const bytes = cprogram(name);
      const whole = compileModule(bytes);
      for (const threads of [2, 3]) {
        expectSame(await compileModuleParallel(bytes, { threads }), whole);
      }
    }
  }, 60_000);

  it('reports the first error in the module, as one thread does, whichever part finds it', async () => {
    // Functions 1 and 2 are invalid. Of two parts, the worker validates and compiles function 1
    // (each body goes to the part with fewer bytes so far: 0 and 2 to the main thread), so the
    // main thread never sees function 1's error: the earliest of the parts' errors is chosen.
    const bytes = await twoErrors();
    await expect(compileModuleParallel(bytes, { threads: 2 })).rejects.toThrow(errorOf(bytes).message);
  }, 60_000);
});

describe('ParallelStreamingCompiler', () => {
  const random = rng(5);
  /** Pushes `bytes` in chunks of random sizes; stops once it has failed, as a reader would. */
  async function streamed(bytes: Uint8Array, threads: number) {
    const compiler = new ParallelStreamingCompiler({ threads });
    for (let at = 0; at < bytes.length && !compiler.failed; ) {
      const n = Math.min(1 + Math.floor(random() * [16, 1000, 70000][Math.floor(random() * 3)]!), bytes.length - at);
      compiler.push(bytes.slice(at, at + n));
      at += n;
    }
    return compiler.finish();
  }

  it('gives the same bytes and metadata as one thread, on 1, 2 and 3 threads, in chunks of any size', async () => {
    for (const name of ['sort.wasi.wasm', 'matmul.wasi.wasm', 'crc32.bare.wasm']) {
      const bytes = cprogram(name);
      const whole = compileModule(bytes);
      for (const threads of [1, 2, 3]) {
        expectSame(await streamed(bytes, threads), whole);
      }
    }
  }, 60_000);

  it('reports the first error in the module, whichever part finds it, and stops early', async () => {
    const bytes = await twoErrors();
    for (const threads of [2, 3]) await expect(streamed(bytes, threads)).rejects.toThrow(errorOf(bytes).message);
    const truncated = cprogram('sort.wasi.wasm').subarray(0, 5000);
    await expect(streamed(truncated, 2)).rejects.toThrow(errorOf(truncated).message);
    // Given up half way: the worker drops its part, and it can compile the next one.
    const abandoned = new ParallelStreamingCompiler({ threads: 2 });
    abandoned.push(cprogram('sort.wasi.wasm').subarray(0, 5000));
    abandoned.abort();
    expectSame(await streamed(cprogram('crc32.bare.wasm'), 2), compileModule(cprogram('crc32.bare.wasm')));
  }, 60_000);

  it('lets the process end once it is finished or aborted (an idle worker keeps nothing alive)', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { ParallelStreamingCompiler } from './parallelCompile.ts';
      const bytes = new Uint8Array(readFileSync('../testing/cprograms/sort.wasi.wasm'));
      const done = new ParallelStreamingCompiler({ threads: 2 });
      done.push(bytes);
      await done.finish();
      const given = new ParallelStreamingCompiler({ threads: 2 });
      given.push(bytes.subarray(0, 5000));
      given.abort();
      console.log('ended');`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: import.meta.dirname, encoding: 'utf8', timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('ended');
    expect(run.status).toBe(0);
  }, 60_000);
});
