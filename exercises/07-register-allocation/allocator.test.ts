// Checks for exercise 7. Every program is run on the chapter's toy machine (runToy) and compared
// with evaluating it directly; the memory-access bound comes from the chapter's version 3 on the
// same program, computed in the same run.
import { expect } from 'vitest';
import {
  balanced, evaluate, horner, memoryAccesses, runToy, showCode, small, spillDeepest, type Instr, type Op,
} from '../../book/examples/register-allocation.ts';
import { defineExercise, type Check } from '../harness.ts';

interface Impl {
  allocate(program: readonly Op[], registers: number): Instr[];
}

/** A random straight-line program of `leaves` leaves (seeded: the same programs every run). */
function randomProgram(leaves: number, seed: number): Op[] {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) / (1 << 24);
  const build = (n: number): Op[] => {
    if (n === 1) return [next() < 0.5 ? { op: 'const', value: Math.floor(next() * 200) - 100 } : { op: 'local', index: Math.floor(next() * 4) }];
    const left = 1 + Math.floor(next() * (n - 1));
    const op = (['add', 'sub', 'mul'] as const)[Math.floor(next() * 3)]!;
    return [...build(left), ...build(n - left), { op }];
  };
  return build(leaves);
}

const LOCALS = [7, -3, 1 << 20, 2];
const text = (p: readonly Op[]) => p.map((o) => (o.op === 'const' ? o.value : o.op === 'local' ? `local.get ${o.index}` : o.op)).join(' ');

const programs: Op[][] = [
  [{ op: 'local', index: 0 }],
  [{ op: 'const', value: 5 }],
  small, horner(3), horner(8), balanced(3), balanced(5),
  ...Array.from({ length: 40 }, (_, i) => randomProgram(2 + (i % 20), 1000 + i)),
];

/** Runs `impl` on every program with every register count in `counts`; `also` adds a check per case. */
function eachCase(impl: Impl, counts: number[], also?: (code: Instr[], p: Op[], k: number, where: string) => void): void {
  for (const p of programs) {
    for (const k of counts) {
      const where = `allocate([${text(p)}], ${k})`;
      const code = impl.allocate(p, k);
      let got: number | string;
      try {
        got = runToy(code, LOCALS, k);
      } catch (e) {
        got = `the simulator stopped: ${(e as Error).message}`;
      }
      expect(got, `${where} with locals ${LOCALS.join(', ')}; your code:\n${showCode(code)}\n`).toBe(evaluate(p, LOCALS));
      also?.(code, p, k, where);
    }
  }
}

const checks: Check<Impl>[] = [
  {
    name: `computes the right result for ${programs.length} programs with 6 registers`,
    run: (impl) => eachCase(impl, [6]),
  },
  {
    name: 'computes the right result with 2, 3 and 4 registers (spilling)',
    run: (impl) => eachCase(impl, [2, 3, 4]),
  },
  {
    name: 'makes no more memory accesses than spilling the deepest value does',
    run: (impl) =>
      eachCase(impl, [2, 3, 4, 6], (code, p, k, where) => {
        const bound = memoryAccesses(spillDeepest(p, k, 'deepest'));
        expect(memoryAccesses(code), `${where}: memory accesses; your code:\n${showCode(code)}\n`).toBeLessThanOrEqual(bound);
      }),
  },
];

defineExercise<Impl>({
  dir: 'exercises/07-register-allocation',
  checks,
  solution: () => import('./allocator.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
});
