// Checks for exercise 1. Expected values are computed here from the operators' definitions
// (32-bit wrap-around via `| 0` and Math.imul), never copied from an implementation's output.
import { expect } from 'vitest';
import { defineExercise, type Check } from '../harness.ts';
import type { Op } from './stackMachine.ts';

interface Impl {
  evaluate(program: readonly Op[], locals: number[]): number[] | Promise<number[]>;
}

const samples = [0, 1, -1, 2, 7, -8, 1000, 0x7fffffff, -0x80000000, 0x12345678, -0x2468ace];
const pairs = samples.flatMap((a) => samples.map((b) => [a, b] as const));

const checks: Check<Impl>[] = [
  {
    name: 'constants and locals are pushed in order',
    run: async ({ evaluate }) => {
      expect(await evaluate([['i32.const', 5], ['local.get', 1], ['local.get', 0]], [10, 20])).toEqual([5, 20, 10]);
      expect(await evaluate([], [3])).toEqual([]);
    },
  },
  {
    name: 'add, sub and mul take the top of the stack as the second operand, and wrap to 32 bits',
    run: async ({ evaluate }) => {
      for (const [b, a] of pairs) {
        const program = (op: 'i32.add' | 'i32.sub' | 'i32.mul'): Op[] => [['local.get', 0], ['local.get', 1], [op]];
        expect(await evaluate(program('i32.add'), [b, a]), `${b} + ${a}`).toEqual([(b + a) | 0]);
        expect(await evaluate(program('i32.sub'), [b, a]), `${b} - ${a}`).toEqual([(b - a) | 0]);
        expect(await evaluate(program('i32.mul'), [b, a]), `${b} * ${a}`).toEqual([Math.imul(b, a)]);
      }
    },
  },
  {
    name: 'lt_s compares signed, lt_u unsigned, eqz tests for zero',
    run: async ({ evaluate }) => {
      for (const [b, a] of pairs) {
        expect(await evaluate([['local.get', 0], ['local.get', 1], ['i32.lt_s']], [b, a]), `${b} <s ${a}`).toEqual([b < a ? 1 : 0]);
        expect(await evaluate([['local.get', 0], ['local.get', 1], ['i32.lt_u']], [b, a]), `${b} <u ${a}`).toEqual([b >>> 0 < a >>> 0 ? 1 : 0]);
      }
      for (const a of samples) expect(await evaluate([['local.get', 0], ['i32.eqz']], [a])).toEqual([a === 0 ? 1 : 0]);
    },
  },
  {
    name: 'local.set stores, local.tee stores and keeps, drop discards',
    run: async ({ evaluate }) => {
      expect(await evaluate([['i32.const', 9], ['local.set', 0], ['local.get', 0], ['local.get', 0], ['i32.add']], [1])).toEqual([18]);
      expect(await evaluate([['i32.const', 4], ['local.tee', 1], ['local.get', 1], ['i32.mul']], [0, 0])).toEqual([16]);
      expect(await evaluate([['i32.const', 1], ['i32.const', 2], ['drop']], [])).toEqual([1]);
    },
  },
  {
    name: 'a longer program: (n - 1) * (n - 2) with a temporary, for several n',
    run: async ({ evaluate }) => {
      const program: Op[] = [
        ['local.get', 0], ['i32.const', 1], ['i32.sub'], ['local.set', 1],
        ['local.get', 0], ['i32.const', 2], ['i32.sub'],
        ['local.get', 1], ['i32.mul'],
      ];
      for (const n of samples) expect(await evaluate(program, [n, 0]), `n = ${n}`).toEqual([Math.imul((n - 1) | 0, (n - 2) | 0)]);
    },
  },
  {
    name: 'popping an empty stack is a stack underflow',
    run: async ({ evaluate }) => {
      await expect(async () => evaluate([['i32.add']], []), "evaluate([['i32.add']], [])").rejects.toThrow(/stack underflow/);
      await expect(async () => evaluate([['i32.const', 1], ['i32.sub']], []), "evaluate([['i32.const', 1], ['i32.sub']], [])").rejects.toThrow(/stack underflow/);
      await expect(async () => evaluate([['local.set', 0]], [0]), "evaluate([['local.set', 0]], [0])").rejects.toThrow(/stack underflow/);
    },
  },
];

defineExercise<Impl>({
  dir: 'exercises/01-stack-machine',
  checks,
  solution: () => import('./stackMachine.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
});
