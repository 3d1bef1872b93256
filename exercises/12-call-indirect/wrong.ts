// Plausible wrong solutions; the checks must catch each one (see exercises/harness.ts).
import type { FuncType, Outcome } from './callIndirect.ts';
import { callIndirect as reference } from './reference.ts';

const sameType = (a: FuncType, b: FuncType) => reference([a], 0, b) === 'call';

export const wrongSolutions = {
  'the index is compared as a signed number (a negative index reads before the table)': {
    callIndirect: (table: readonly (FuncType | null)[], index: number, expected: FuncType): Outcome =>
      index < 0 ? 'uninitialized element' : reference(table, index, expected),
  },
  'index == length is let through': {
    callIndirect: (table: readonly (FuncType | null)[], index: number, expected: FuncType): Outcome =>
      index >>> 0 === table.length ? 'uninitialized element' : reference(table, index, expected),
  },
  'types are compared as objects, not by their params and results': {
    callIndirect: (table: readonly (FuncType | null)[], index: number, expected: FuncType): Outcome => {
      const r = reference(table, index, expected);
      return r === 'call' && table[index >>> 0] !== expected ? 'indirect call type mismatch' : r;
    },
  },
  'only the params are compared': {
    callIndirect: (table: readonly (FuncType | null)[], index: number, expected: FuncType): Outcome => {
      const r = reference(table, index, expected);
      const f = table[index >>> 0];
      return r === 'indirect call type mismatch' && f && sameType({ ...f, results: [] }, { ...expected, results: [] }) ? 'call' : r;
    },
  },
  'the params are compared as a set, ignoring their order': {
    callIndirect: (table: readonly (FuncType | null)[], index: number, expected: FuncType): Outcome => {
      const r = reference(table, index, expected);
      const f = table[index >>> 0];
      const sorted = (t: FuncType): FuncType => ({ params: [...t.params].sort(), results: t.results });
      return r === 'indirect call type mismatch' && f && sameType(sorted(f), sorted(expected)) ? 'call' : r;
    },
  },
  'a null element is reported as a type mismatch': {
    callIndirect: (table: readonly (FuncType | null)[], index: number, expected: FuncType): Outcome => {
      const r = reference(table, index, expected);
      return r === 'uninitialized element' ? 'indirect call type mismatch' : r;
    },
  },
};
