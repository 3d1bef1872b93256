// Plausible wrong solutions; the checks must catch each one (see exercises/harness.ts).
import type { Step } from './steps.ts';
import { checksNeeded as reference } from './reference.ts';

const accesses = (steps: readonly Step[]) => steps.filter((s) => s.kind !== 'write');

export const wrongSolutions = {
  'every access is checked': {
    checksNeeded: (_min: number, steps: readonly Step[]) => accesses(steps).map(() => true),
  },
  'a write to the local does not forget what was checked through it': {
    checksNeeded: (min: number, steps: readonly Step[]) => reference(min, steps.filter((s) => s.kind !== 'write')),
  },
  'one check through a local covers every later access through it, whatever its offset': {
    checksNeeded: (min: number, steps: readonly Step[]) =>
      reference(min, steps.map((s) => (s.kind === 'access' ? { ...s, offset: 0, size: 1 as const } : s))),
  },
  "constant addresses do not use the memory's minimum size": {
    checksNeeded: (_min: number, steps: readonly Step[]) => reference(0, steps),
  },
  'constant addresses learn nothing from checks through locals': {
    checksNeeded: (min: number, steps: readonly Step[]) => {
      // Run the constants alone, and the locals alone, then merge in order.
      const consts = reference(min, steps.filter((s) => s.kind === 'constant'));
      const locals = reference(min, steps.filter((s) => s.kind !== 'constant'));
      return accesses(steps).map((s) => (s.kind === 'constant' ? consts.shift()! : locals.shift()!));
    },
  },
  'the constant address is checked without its offset': {
    checksNeeded: (min: number, steps: readonly Step[]) =>
      reference(min, steps.map((s) => (s.kind === 'constant' ? { ...s, offset: 0 } : s))),
  },
};
