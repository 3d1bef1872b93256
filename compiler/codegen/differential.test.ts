// Differential tests: random integer programs (expressions, locals, blocks with results,
// br_if/br_table carrying values, if/else, select, calls with several results, deep right-nested
// expressions that force spills) compiled by us and by V8, called with the same arguments;
// results and traps must agree. Seeded, so a failure names a reproducible program.
import { describe, expect, it } from 'vitest';
import { watToWasm } from '../cli/loadWasm.ts';
import { Instance } from '../runtime/instance.ts';
import { compileModule } from './moduleCompiler.ts';

import { program, tableProgram } from './testing/randomProgram.ts';

const ARGS: [number, bigint, number][] = [
  [0, 0n, 0], [1, 1n, 1], [-1, -1n, 7], [2147483647, 9223372036854775807n, -2147483648], [13, -77n, 3], [-100, 1n << 40n, 31],
];

type Outcome = { trap: true } | { value: string };
function run(f: (...a: unknown[]) => unknown, args: unknown[]): Outcome {
  try {
    return { value: String(f(...args)) };
  } catch {
    return { trap: true };
  }
}

describe.each([
  ['random integer programs', program, 300],
  ['random programs with a table (call_indirect, table.get/set, ref.func, ref.is_null)', tableProgram, 150],
])('differential: %s vs V8', (_what, program, defaultSeeds) => {
  const SEEDS = Number(process.env.DIFF_SEEDS ?? defaultSeeds);
  it(`${SEEDS} programs x ${ARGS.length} argument tuples agree`, async () => {
    let compared = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const text = program(seed);
      let bytes: Uint8Array;
      try {
        bytes = await watToWasm(text);
      } catch (e) {
        throw new Error(`seed ${seed}: generator made an invalid program: ${(e as Error).message}\n${text}`);
      }
      const v8 = (new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource)).exports.f) as (...a: unknown[]) => unknown;
      const ours = new Instance(compileModule(bytes)).exports.f as (...a: unknown[]) => unknown;
      for (const args of ARGS) {
        const want = run(v8, args);
        const got = run(ours, args);
        if (JSON.stringify(want) !== JSON.stringify(got)) {
          throw new Error(`seed ${seed} args ${args.join(',')}: V8 ${JSON.stringify(want)}, we ${JSON.stringify(got)}\n${text}`);
        }
        compared++;
      }
    }
    expect(compared).toBe(SEEDS * ARGS.length);
  });
});

describe('differential: fixed programs vs V8', () => {
  // Return areas passed in a register and on the stack (7th integer argument), stack arguments,
  // results landing in the caller's slots.
  // (constSelect.wat: a spilled value moved to another stack position by a constant select.)
  for (const name of ['returnArea.wat', 'constSelect.wat', 'peepholeAcrossLabel.wat']) {
    it(`testing/${name} agrees`, async () => {
      const { readFileSync } = await import('node:fs');
      const bytes = await watToWasm(readFileSync(new URL(`./testing/${name}`, import.meta.url), 'utf8'));
      const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource)).exports.f as (...a: unknown[]) => unknown;
      const ours = new Instance(compileModule(bytes)).exports.f as (...a: unknown[]) => unknown;
      for (const args of ARGS) expect(run(ours, args)).toEqual(run(v8, args));
    });
  }
});
