// Checks for exercise 16. Lists of numbers with a rule for what is interesting, where the answer is
// known; predicates with no structure at all (a hash), where only the definition of "reduced" can
// be checked; and two real findings: straight-line wasm functions from chapter 16's generator on
// which V8 and an engine with planted bugs (programs.ts) disagree, each reduced while it keeps
// showing the same finding.
import { expect } from 'vitest';
import { defineExercise, type Check } from '../harness.ts';
import { asFunction, kind, loadPrograms } from './programs.ts';

type Interesting<T> = (candidate: readonly T[]) => boolean;
interface Impl {
  reduce<T>(items: readonly T[], interesting: Interesting<T>): T[];
}

const show = (xs: readonly unknown[]) => (xs.length > 24 ? `[${xs.slice(0, 12).join(', ')}, ... ${xs.length - 12} more]` : `[${xs.join(', ')}]`);

/** Reduces, counting the calls of `interesting`, and checks the three things "reduced" means. */
function reduceAndCheck<T>(impl: Impl, items: readonly T[], interesting: Interesting<T>, what: string, format: (xs: readonly T[]) => string = show): { result: T[]; calls: number } {
  let calls = 0;
  const input = [...items];
  const result = impl.reduce(items, (c) => (calls++, interesting(c)));
  const about = `${what}, reducing ${format(input)}, got ${format(result)}`;
  expect(Array.isArray(result), `${about}: not an array`).toBe(true);
  expect(items, `${about}: the input was changed`).toEqual(input);
  expect(interesting(result), `${about}: the result is not interesting`).toBe(true);
  let at = 0;
  for (const x of result) {
    while (at < input.length && input[at] !== x) at++;
    expect(at < input.length, `${about}: the result is not the input with items deleted (order kept)`).toBe(true);
    at++;
  }
  for (let i = 0; i < result.length; i++) {
    const smaller = result.filter((_, j) => j !== i);
    expect(interesting(smaller), `${about}: still interesting without item ${i} (${format(smaller)}), so not reduced`).toBe(false);
  }
  return { result, calls };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** A budget of calls: 100 per item that matters, on 1,024 items (one deletion at a time needs over 1,000). */
const budget = (keep: number[]) => ({
  name: `1,024 items of which ${keep.join(', ')} matter${keep.length === 1 ? 's' : ''}: exactly those, in at most ${100 * keep.length} calls`,
  run: (impl: Impl) => {
    const what = `interesting = contains ${keep.join(' and ')}`;
    const { result, calls } = reduceAndCheck(impl, range(1024), (c) => keep.every((k) => c.includes(k)), what);
    expect(result, what).toEqual(keep);
    expect(calls, `${what}: ${calls} calls of interesting`).toBeLessThanOrEqual(100 * keep.length);
  },
});

/** FNV-1a over the items: a predicate with no structure, true for about one list in `one_in`. */
const hashPredicate = (salt: number, oneIn: number, input: readonly number[]): Interesting<number> => (c) => {
  if (c.length === input.length && c.every((x, i) => x === input[i])) return true;
  let h = (2166136261 ^ salt) >>> 0;
  for (const x of c) h = Math.imul(h ^ x, 16777619) >>> 0;
  return h % oneIn === 0;
};

const checks: Check<Impl>[] = [
  budget([700]),
  budget([100, 900]),
  budget([3, 300, 301, 1000]),
  {
    name: 'the order is kept: interesting = some 8 comes before some 3',
    run: (impl) => {
      const digits = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3];
      const what = 'interesting = an 8 before a 3';
      const { result } = reduceAndCheck(impl, digits, (c) => c.indexOf(8) >= 0 && c.lastIndexOf(3) > c.indexOf(8), what);
      expect(result, what).toEqual([8, 3]);
    },
  },
  {
    name: 'a predicate with no structure (50 hashes): interesting, in order, and no single item removable',
    run: (impl) => {
      for (let salt = 1; salt <= 50; salt++) {
        const input = range(8 + (salt % 24)).map((i) => i * 7 + salt);
        reduceAndCheck(impl, input, hashPredicate(salt, 3, input), `interesting = the input, or an FNV-1a hash (salt ${salt}) divisible by 3`);
      }
    },
  },
  {
    name: 'an empty list that is interesting, and a one-item list whose item is needed',
    run: (impl) => {
      expect(reduceAndCheck(impl, [], () => true, 'interesting = always').result, 'reducing [] (always interesting)').toEqual([]);
      expect(reduceAndCheck(impl, [5], (c) => c.length === 1, 'interesting = one item').result, 'reducing [5] (interesting = one item)').toEqual([5]);
    },
  },
  {
    name: 'an input that is not interesting is an error',
    run: (impl) => {
      expect(() => impl.reduce([1, 2, 3], (c) => c.includes(4)), 'reducing [1, 2, 3] with interesting = contains 4').toThrow();
    },
  },
  ...([[21, 'an i32.div_s that does not trap'], [17, 'an i32.rem_u that is signed']] as const).map(([seed, bug]): Check<Impl> => ({
    name: `a wasm function (generator seed ${seed}) that finds ${bug}, reduced keeping the same finding`,
    run: async (impl) => {
      const programs = await loadPrograms();
      const body = programs.generate(seed, 24);
      const first = programs.findingOf(body);
      if (first === undefined || first === 'invalid') throw new Error(`seed ${seed} no longer makes a program with a finding:\n${body.join('\n')}`);
      const same = (c: readonly string[]) => {
        const f = programs.findingOf(c);
        return typeof f === 'object' && kind(f) === kind(first);
      };
      const { result } = reduceAndCheck(impl, body, same, `finding "${kind(first)}"`, (xs) => `\n  ${asFunction(xs).join('\n  ')}\n`);
      expect(result.length, `reduced to:\n  ${asFunction(result).join('\n  ')}`).toBeLessThan(body.length);
    },
  })),
];

defineExercise<Impl>({
  dir: 'exercises/16-reducing-a-test-case',
  checks,
  solution: () => import('./reduce.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
});
