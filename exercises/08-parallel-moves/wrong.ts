// Plausible wrong solutions; the checks must catch each one.
import { naiveMoves, orderedMoves, parallelMove, SCRATCH, type Move } from '../../book/examples/parallel-moves.ts';

/** Orders the moves, and when every pending move waits on another, does the first one anyway. */
function forcesAStuckMove(moves: readonly Move[]): Move[] {
  const pending = moves.filter((m) => m.dst !== m.src);
  const code: Move[] = [];
  while (pending.length > 0) {
    const i = pending.findIndex((m) => !pending.some((o) => o !== m && o.src === m.dst));
    code.push(pending.splice(Math.max(i, 0), 1)[0]!);
  }
  return code;
}

export const wrongSolutions = {
  'in the order given (version 1)': { parallelMove: naiveMoves },
  'ordered, but no cycle breaking (version 2)': { parallelMove: orderedMoves },
  'copies every value through the scratch register': {
    parallelMove: (moves: readonly Move[]) =>
      parallelMove(moves).flatMap((m) =>
        typeof m.src === 'number' || m.src === SCRATCH || m.dst === SCRATCH ? [m] : [{ dst: SCRATCH, src: m.src }, { dst: m.dst, src: SCRATCH }]),
  },
  'when stuck in a cycle, does a move anyway': { parallelMove: forcesAStuckMove },
};
