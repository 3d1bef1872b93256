// Checks for exercise 8. Every answer is run on the chapter's simulator (checkMoves) against the
// meaning of a parallel move; the instruction bound is counted from the moves themselves.
import { expect } from 'vitest';
import { cases, checkMoves, showMoves, type Move } from '../../book/examples/parallel-moves.ts';
import { defineExercise, type Check } from '../harness.ts';

interface Impl {
  parallelMove(moves: readonly Move[]): Move[];
}

/** Moves not already in place, plus one per cycle: the fewest a correct answer can use. */
export function fewestMoves(moves: readonly Move[]): number {
  const pending = moves.filter((m) => m.dst !== m.src);
  const sourceOf = new Map(pending.map((m) => [m.dst, m.src]));
  const state = new Map<string, 'visiting' | 'done'>();
  let cycles = 0;
  for (const start of sourceOf.keys()) {
    const path: string[] = [];
    let r: string | number | undefined = start;
    while (typeof r === 'string' && sourceOf.has(r) && !state.has(r)) {
      state.set(r, 'visiting');
      path.push(r);
      r = sourceOf.get(r);
    }
    if (typeof r === 'string' && state.get(r) === 'visiting') cycles++;
    for (const p of path) state.set(p, 'done');
  }
  return pending.length + cycles;
}

const REGS = ['rax', 'rcx', 'rdx', 'rbx', 'rsi', 'rdi'];
/** Random parallel moves (seeded): distinct destinations, sources registers or constants. */
function randomMoves(seed: number): Move[] {
  let s = seed;
  const next = (n: number) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const dsts = REGS.filter(() => next(3) > 0);
  return dsts.map((dst) => ({ dst, src: next(8) === 0 ? next(100) : REGS[next(REGS.length)]! }));
}

const fixed: [string, Move[]][] = [
  ...cases,
  ['nothing to do', []],
  ['everything in place', [{ dst: 'rax', src: 'rax' }, { dst: 'rcx', src: 'rcx' }]],
  ['two separate swaps', [{ dst: 'rax', src: 'rcx' }, { dst: 'rcx', src: 'rax' }, { dst: 'rdx', src: 'rbx' }, { dst: 'rbx', src: 'rdx' }]],
  ['a rotation of six', REGS.map((dst, i) => ({ dst, src: REGS[(i + 1) % REGS.length]! }))],
  ['a swap, and both values copied out as well', [
    { dst: 'rax', src: 'rcx' }, { dst: 'rcx', src: 'rax' }, { dst: 'rsi', src: 'rax' }, { dst: 'rdi', src: 'rcx' }]],
  ['a cycle feeding a chain', [{ dst: 'rax', src: 'rcx' }, { dst: 'rcx', src: 'rax' }, { dst: 'rdx', src: 'rax' }, { dst: 'rbx', src: 'rdx' }]],
];
const random: [string, Move[]][] = Array.from({ length: 300 }, (_, i) => [`random list ${i}`, randomMoves(7 + i)]);

function checkAll(impl: Impl, list: [string, Move[]][], bound: boolean): void {
  for (const [name, moves] of list) {
    const given = moves.map((m) => `${m.dst} ← ${m.src}`).join(', ') || '(none)';
    const code = impl.parallelMove(moves.map((m) => ({ ...m })));
    const where = `parallelMove(${given}) [${name}] returned:\n${showMoves(code)}\n`;
    expect(checkMoves(moves, code), where).toBeUndefined();
    if (bound) expect(code.length, `${where}(more moves than the ${fewestMoves(moves)} needed)`).toBeLessThanOrEqual(fewestMoves(moves));
  }
}

const checks: Check<Impl>[] = [
  { name: `gives the right registers on ${fixed.length} hand-picked cases (chains, swaps, rotations, fan-outs)`, run: (impl) => checkAll(impl, fixed, false) },
  { name: `gives the right registers on ${random.length} random lists`, run: (impl) => checkAll(impl, random, false) },
  { name: 'uses no more moves than necessary (one extra per cycle)', run: (impl) => checkAll(impl, [...fixed, ...random], true) },
];

defineExercise<Impl>({
  dir: 'exercises/08-parallel-moves',
  checks,
  solution: () => import('./moves.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
});
