// Plausible wrong solutions; the checks must catch each one.
import { freeSet, spillDeepest, type Op, type Place } from '../../book/examples/register-allocation.ts';

/** Every spilled value in the same slot: right until two values are spilled at once. */
const slotZero = (p: Place): Place => ('slot' in p ? { slot: 0 } : p);

export const wrongSolutions = {
  'never spills (version 2)': { allocate: (p: readonly Op[], k: number) => freeSet(p, k) },
  'spills the newest register value instead of the deepest': { allocate: (p: readonly Op[], k: number) => spillDeepest(p, k, 'newest') },
  'one spill slot for every value': {
    allocate: (p: readonly Op[], k: number) => spillDeepest(p, k).map((i) => ({ op: i.op, dst: slotZero(i.dst), src: slotZero(i.src) })),
  },
};
