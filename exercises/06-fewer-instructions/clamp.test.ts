// Checks for exercise 6: the function must be right (expected values computed here with
// Math.min/max) and must compile, with Lightbeam, to no more instructions than the reference.
import { expect } from 'vitest';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { listFunctions, formatFunction, bodyOf } from '../../compiler/codegen/listing.ts';
import { validateModule } from '../../compiler/validate/index.ts';
import { valTypeName } from '../../compiler/binary/types.ts';
import { loadIced } from '../../compiler/x64/index.ts';
import { defineExercise, type Check } from '../harness.ts';
import * as reference from './reference.ts';

interface Impl {
  clampWat(): string;
}

const native = process.platform === 'linux' && process.arch === 'x64';

async function assemble(impl: Impl): Promise<Uint8Array> {
  const wat = impl.clampWat();
  expect(typeof wat, 'clampWat() must return WAT text').toBe('string');
  return watToWasm(wat, { name: 'clamp.wat' });
}

async function clampOf(wasm: Uint8Array): Promise<(x: number, lo: number, hi: number) => number> {
  if (native) {
    const { Instance } = await import('../../compiler/runtime/instance.ts');
    return new Instance(compileModule(wasm)).exports.clamp as (x: number, lo: number, hi: number) => number;
  }
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>));
  return instance.exports.clamp as (x: number, lo: number, hi: number) => number;
}

/**
 * Instructions Lightbeam emits for the body of the module's exported clamp, and its listing: the
 * prologue (stack check, frame), the trap stubs and nop padding are the same whatever you write,
 * so they are not counted.
 */
async function instructionCount(wasm: Uint8Array): Promise<{ count: number; listing: string }> {
  await loadIced();
  const m = compileModule(wasm, { notes: true });
  const f = listFunctions(m).find((l) => l.name === 'clamp');
  expect(f, 'the module must export a function named clamp').toBeDefined();
  const body = bodyOf(f!);
  return { count: body.instructions.length, listing: formatFunction({ ...f!, instructions: body.instructions }) };
}

const values = [-2147483648, -1000000, -70000, -100, -7, -1, 0, 1, 3, 100, 65536, 123456789, 2147483647];

const checks: Check<Impl>[] = [
  {
    name: 'the module exports clamp: [i32 i32 i32] -> [i32]',
    run: async (impl) => {
      const info = validateModule(await assemble(impl));
      const exp = info.exports.find((e) => e.name === 'clamp' && e.kind === 'func');
      expect(exp, 'no exported function "clamp"').toBeDefined();
      const type = info.types[info.functions[exp!.index]!]!;
      expect(`${type.params.map(valTypeName).join(' ')} -> ${type.results.map(valTypeName).join(' ')}`).toBe('i32 i32 i32 -> i32');
    },
  },
  {
    name: `clamp(x, lo, hi) is right for ${values.length}³ inputs with lo <= hi (run ${native ? 'natively, compiled by Lightbeam' : 'by V8'})`,
    run: async (impl) => {
      const clamp = await clampOf(await assemble(impl));
      for (const x of values)
        for (const lo of values)
          for (const hi of values) {
            if (lo > hi) continue;
            expect(clamp(x, lo, hi), `clamp(${x}, ${lo}, ${hi})`).toBe(Math.min(Math.max(x, lo), hi));
          }
    },
  },
  {
    name: 'Lightbeam compiles it to no more instructions than the reference solution',
    run: async (impl) => {
      const theirs = await instructionCount(await assemble(impl));
      const ours = await instructionCount(await watToWasm(reference.clampWat(), { name: 'reference.wat' }));
      expect(theirs.count, `your clamp's body is ${theirs.count} instructions, the reference's ${ours.count} (prologue and trap stubs not counted):\n${theirs.listing}`).toBeLessThanOrEqual(ours.count);
    },
  },
];

defineExercise<Impl>({
  dir: 'exercises/06-fewer-instructions',
  checks,
  solution: () => import('./clamp.ts'),
  reference: async () => reference,
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
});
