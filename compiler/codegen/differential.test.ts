// Differential tests: random programs (testing/randomProgram.ts) compiled by us and by V8, called
// with the same arguments one after another on one instance each; results, traps and the state
// left behind (memory hash, globals, table entries) must agree (testing/differentialRunner.ts says
// how NaNs and V8's trap messages are compared). Seeded, so a failure names a reproducible
// program; `npx tsx scripts/fuzz.ts` runs many more and saves reproducers.
import { describe, expect, it } from 'vitest';
import { BASELINE_FEATURES } from '../abi/index.ts';
import { cpuFeatures } from '../runtime/cpuFeatures.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { argumentsFor, compareWithV8 } from '../testing/differentialRunner.ts';
import { featuresName, program, type Features } from './testing/randomProgram.ts';

/** The feature sets of the generator the differential test covers. */
const FEATURE_SETS: Readonly<Record<string, Features>> = {
  integer: {},
  floats: { floats: true },
  memory: { memory: true },
  bulkMemory: { memory: true, bulkMemory: true },
  callIndirect: { callIndirect: true },
  tailCalls: { tailCalls: true },
  exceptions: { exceptions: true, floats: true, memory: true },
  all: { floats: true, memory: true, bulkMemory: true, callIndirect: true, tailCalls: true },
};

/**
 * The feature sets the code generator claims to compile: these are compared, and a function
 * compiled as a "not implemented yet" stub fails the test, naming the reason. Extend it as codegen
 * lands floats, memory, bulk memory and tables. The others are listed as todo, not run: their
 * programs use what codegen still stubs, so comparing them could only fail. (DIFF_FEATURES=floats,all
 * runs named sets anyway; scripts/fuzz.ts runs any set and counts stubbed programs apart.)
 */
const FEATURE_SETS_READY: readonly string[] = ['integer', 'floats', 'memory', 'bulkMemory', 'callIndirect', 'tailCalls', 'exceptions', 'all'];

const forced = (process.env.DIFF_FEATURES ?? '').split(',').filter(Boolean);
for (const name of forced) if (!(name in FEATURE_SETS)) throw new Error(`DIFF_FEATURES: unknown set ${name}`);

describe('differential: random programs vs V8', () => {
  const SEEDS = Number(process.env.DIFF_SEEDS ?? 500);
  for (const [name, features] of Object.entries(FEATURE_SETS)) {
    const title = `${name}: ${SEEDS} programs x ${argumentsFor(features).length} calls agree`;
    if (!FEATURE_SETS_READY.includes(name) && !forced.includes(name)) {
      it.todo(`${title} (not in FEATURE_SETS_READY: codegen does not claim these yet)`);
      continue;
    }
    it(title, async () => {
      let compared = 0;
      for (let seed = 1; seed <= SEEDS; seed++) {
        const text = program(seed, features);
        let bytes: Uint8Array;
        try {
          bytes = await watToWasm(text);
        } catch (e) {
          throw new Error(`${name} seed ${seed}: generator made an invalid program: ${(e as Error).message}\n${text}`);
        }
        const verdict = compareWithV8(bytes, features);
        const where = `${name} (${featuresName(features)}) seed ${seed}; replay: npx tsx scripts/fuzz.ts --features ${featuresName(features)} --seed ${seed} --count 1`;
        if (verdict.kind === 'stubbed') {
          throw new Error(`${where}: Lightbeam compiled functions as stubs, so this set cannot be compared:\n  ${verdict.reasons.join('\n  ')}`);
        }
        if (verdict.kind === 'mismatch') throw new Error(`${where}\n${verdict.detail}\n${text}`);
        compared += verdict.calls;
      }
      expect(compared).toBe(SEEDS * argumentsFor(features).length);
    }, 120_000);
  }
  // The sets above compile for this machine (AVX where it has it, as the Node API does); floats
  // again on the baseline (SSE only), so both paths of the float lowering are compared.
  if (cpuFeatures().avx) {
    it(`floats on the SSE baseline: ${SEEDS} programs agree`, async () => {
      for (let seed = 1; seed <= SEEDS; seed++) {
        const verdict = compareWithV8(await watToWasm(program(seed, { floats: true })), { floats: true }, BASELINE_FEATURES);
        if (verdict.kind !== 'agree') throw new Error(`floats seed ${seed} on the baseline: ${JSON.stringify(verdict)}`);
      }
    }, 120_000);
  }
});

describe('differential: fixed programs vs V8', () => {
  // Return areas passed in a register and on the stack (7th integer argument), stack arguments,
  // results landing in the caller's slots.
  // (constSelect.wat: a spilled value moved to another stack position by a constant select.)
  for (const name of ['returnArea.wat', 'constSelect.wat', 'peepholeAcrossLabel.wat']) {
    it(`testing/${name} agrees`, async () => {
      const { readFileSync } = await import('node:fs');
      const bytes = await watToWasm(readFileSync(new URL(`./testing/${name}`, import.meta.url), 'utf8'));
      expect(compareWithV8(bytes, {})).toEqual({ kind: 'agree', calls: argumentsFor({}).length });
    });
  }
});
