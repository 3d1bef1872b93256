import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileModule } from '../codegen/moduleCompiler.ts';
import { CompileError } from '../errors.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { closeCompileWorkers, compileModuleParallel } from './parallelCompile.ts';

afterAll(closeCompileWorkers);

const cprogram = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, '../testing/cprograms', name)));

describe('compileModuleParallel', () => {
  it('gives the same bytes and metadata as one thread, on 2 and 3 threads', async () => {
    for (const name of ['sort.wasi.wasm', 'matmul.wasi.wasm']) {
      const bytes = cprogram(name);
      const whole = compileModule(bytes);
      for (const threads of [2, 3]) {
        const m = await compileModuleParallel(bytes, { threads });
        expect(Buffer.from(m.code).equals(Buffer.from(whole.code))).toBe(true);
        expect(m.functions).toEqual(whole.functions);
        expect(m.trapSites).toEqual(whole.trapSites);
        expect(m.dataRanges).toEqual(whole.dataRanges);
        expect(m.info.exports).toEqual(whole.info.exports);
      }
    }
  }, 60_000);

  it('reports the first error in the module, as one thread does, whichever part finds it', async () => {
    // Functions 1 and 2 are invalid. Of two parts, the worker validates and compiles function 1
    // (each body goes to the part with fewer bytes so far: 0 and 2 to the main thread), so the
    // main thread never sees function 1's error: the earliest of the parts' errors is chosen.
    const bytes = await watToWasm(`(module
      (func (result i32) i32.const 1)
      (func (result i32) i64.const 1)
      (func (result i32) f32.const 1))`, { name: 'errors.wat', validate: false });
    const single = (() => { try { compileModule(bytes); } catch (e) { return e as CompileError; } })();
    expect(single).toBeInstanceOf(CompileError);
    await expect(compileModuleParallel(bytes, { threads: 2 })).rejects.toThrow(single!.message);
  }, 60_000);
});
