// Exercise 8: parallel moves. Replace the notImplemented(...) with your code. The task is in
// README.md beside this file; `npx vitest run exercises/08` checks your work.
import type { Move } from '../../book/examples/parallel-moves.ts';
import { notImplemented } from '../notImplemented.ts';

/** Moves that, run in order, do what `moves` mean all at once (SCRATCH, 'tmp', may be used). */
export function parallelMove(moves: readonly Move[]): Move[] {
  return notImplemented('parallelMove');
}
