// Checks for exercise 9. Every expected layout is the compiler's own signatureLayout (through the
// reference solution), so the convention the reader writes is the one generated code follows.
import { expect } from 'vitest';
import { layout as compilers } from './reference.ts';
import type { Layout, TypeName } from './layout.ts';
import { defineExercise, type Check } from '../harness.ts';

interface Impl {
  layout(params: readonly TypeName[], results: readonly TypeName[]): Layout;
}

const ALL: TypeName[] = ['i32', 'i64', 'f32', 'f64', 'funcref', 'externref'];
const rep = (t: TypeName, n: number): TypeName[] => Array<TypeName>(n).fill(t);

const handPicked: [TypeName[], TypeName[]][] = [
  [[], []],
  [['i32'], ['i32']],
  [['f64', 'f64'], ['f64']],
  [['i32', 'f64', 'i64', 'f32'], ['f64']],
  [['i32', 'i32'], ['i32', 'i32']],
  [rep('i32', 8), ['i32']],
  [rep('i64', 7), ['f64', 'i32', 'i64']],
  [rep('i64', 6), ['i32', 'i32']],
  [rep('f32', 9), ['f32']],
  [[...rep('f64', 10), ...rep('i32', 7)], []],
  [['externref', 'f32', 'funcref'], ['funcref', 'externref', 'f64', 'i32']],
  [rep('i32', 7), []],
];

/** Random signatures (seeded), up to 20 parameters and 4 results. */
function randomSignatures(count: number): [TypeName[], TypeName[]][] {
  let s = 2024;
  const next = (n: number) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
  return Array.from({ length: count }, () => [
    Array.from({ length: next(21) }, () => ALL[next(ALL.length)]!),
    Array.from({ length: next(5) }, () => ALL[next(ALL.length)]!),
  ]);
}

function compare(impl: Impl, list: [TypeName[], TypeName[]][]): void {
  for (const [params, results] of list) {
    const sig = `layout([${params.join(', ')}], [${results.join(', ')}])`;
    expect(impl.layout(params, results), sig).toEqual(compilers(params, results));
  }
}

const checks: Check<Impl>[] = [
  { name: `matches the compiler's signatureLayout on ${handPicked.length} hand-picked signatures`, run: (impl) => compare(impl, handPicked) },
  { name: 'matches it on 300 random signatures', run: (impl) => compare(impl, randomSignatures(300)) },
];

defineExercise<Impl>({
  dir: 'exercises/09-calling-convention',
  checks,
  solution: () => import('./layout.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
});
