// Checks for exercise 12. Every expected outcome comes from running the real thing: a module with
// a table of functions of several types (some declared twice, some slots null) and one dispatcher
// per type, compiled by Lightbeam and run natively; each call either returns or traps with the
// spec's message, and that is the answer your function must give.
import { expect } from 'vitest';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { defineExercise, needsNativeX64, type Check } from '../harness.ts';
import type { FuncType, Outcome, ValueType } from './callIndirect.ts';

interface Impl {
  callIndirect(table: readonly (FuncType | null)[], index: number, expected: FuncType): Outcome;
}

const t = (params: ValueType[], results: ValueType[]): FuncType => ({ params, results });
/** The module's type section, in order. Types 0 and 1 are the same type, declared twice; so are 5 and 6. */
const TYPES: FuncType[] = [
  t(['i32'], ['i32']), t(['i32'], ['i32']), t(['i32'], ['i64']), t(['i32', 'f64'], []), t(['f64', 'i32'], []),
  t([], []), t([], []), t(['i64', 'i64'], ['i64', 'i64']), t(['i64'], ['i64', 'i64']),
];
/** The table: each slot, the index of its function's declared type, or null. */
const SLOTS: (number | null)[] = [0, 1, 2, null, 3, 4, 5, 6, 7, null, 8];

const wat = (() => {
  const text = (ft: FuncType) => `(param ${ft.params.join(' ')}) (result ${ft.results.join(' ')})`;
  const zero = (v: ValueType) => `(${v}.const 0)`;
  const types = TYPES.map((ft, i) => `(type $t${i} (func ${text(ft)}))`);
  const funcs = SLOTS.flatMap((ti, slot) => (ti === null ? [] : [`(func $f${slot} (type $t${ti}) ${TYPES[ti]!.results.map(zero).join(' ')})`]));
  const elems = SLOTS.map((ti, slot) => (ti === null ? '(ref.null func)' : `(ref.func $f${slot})`));
  const dispatchers = TYPES.map((ft, i) =>
    `(func (export "via${i}") (param i32) ${ft.params.map(zero).join(' ')} (call_indirect (type $t${i}) (local.get 0)) ${ft.results.map(() => '(drop)').join(' ')})`);
  return `(module ${types.join('\n')}
  (table ${SLOTS.length} funcref)
  (elem (i32.const 0) funcref ${elems.join(' ')})
  ${funcs.join('\n  ')}
  ${dispatchers.join('\n  ')})`;
})();

const OUTCOMES: Outcome[] = ['undefined element', 'uninitialized element', 'indirect call type mismatch'];

let compiled: Promise<Record<string, (i: number) => void>> | undefined;
function lightbeam(): Promise<Record<string, (i: number) => void>> {
  compiled ??= (async () => {
    const { Instance } = await import('../../compiler/runtime/instance.ts');
    return new Instance(compileModule(await watToWasm(wat, { name: 'call-indirect.wat' }))).exports as Record<string, (i: number) => void>;
  })();
  return compiled;
}

/** What the compiled call_indirect did: called, or which of the three traps. */
async function outcome(typeIndex: number, index: number): Promise<Outcome> {
  const via = (await lightbeam())[`via${typeIndex}`]!;
  try {
    via(index | 0);
    return 'call';
  } catch (e) {
    const found = OUTCOMES.find((o) => e instanceof Error && e.message.startsWith(o));
    if (!found) throw e;
    return found;
  }
}

const table = (): (FuncType | null)[] => SLOTS.map((ti) => (ti === null ? null : TYPES[ti]!));
const show = (ft: FuncType) => `[${ft.params.join(' ')}] -> [${ft.results.join(' ')}]`;

async function agree(impl: Impl, indices: number[]): Promise<void> {
  const tbl = table();
  for (let ti = 0; ti < TYPES.length; ti++) {
    for (const index of indices) {
      expect(impl.callIndirect(tbl, index, TYPES[ti]!), `call_indirect (type ${show(TYPES[ti]!)}) at index ${index} of the table [${tbl.map((f) => (f ? show(f) : 'null')).join(', ')}]`)
        .toBe(await outcome(ti, index));
    }
  }
}

const checks: Check<Impl>[] = [
  {
    name: 'agrees with Lightbeam at every index of the table, for every type',
    run: (impl) => agree(impl, SLOTS.map((_, i) => i)),
  },
  {
    name: 'agrees with Lightbeam on indices past the end and negative ones',
    run: (impl) => agree(impl, [SLOTS.length, SLOTS.length + 1, 1000, -1, -SLOTS.length, 2 ** 31 - 1, -(2 ** 31)]),
  },
];

defineExercise<Impl>({
  dir: 'exercises/12-call-indirect',
  checks,
  solution: () => import('./callIndirect.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
  unavailable: () => needsNativeX64("the checks run Lightbeam's code natively"),
});
