// Plausible wrong solutions; the checks must catch each one (see exercises/harness.ts).
import { reduce as reference } from './reference.ts';

type Interesting<T> = (candidate: readonly T[]) => boolean;
const without = <T>(xs: readonly T[], start: number, end: number) => [...xs.slice(0, start), ...xs.slice(end)];

export const wrongSolutions = {
  'one item at a time, from the start (reduced, but a call per item and more)': {
    reduce<T>(items: readonly T[], interesting: Interesting<T>): T[] {
      if (!interesting(items)) throw new Error('not interesting');
      let current = [...items];
      for (let i = 0; i < current.length;) {
        const candidate = without(current, i, i + 1);
        if (interesting(candidate)) current = candidate;
        else i++;
      }
      return current;
    },
  },
  'halves while one half is interesting, then stops': {
    reduce<T>(items: readonly T[], interesting: Interesting<T>): T[] {
      if (!interesting(items)) throw new Error('not interesting');
      let current = [...items];
      for (;;) {
        const half = current.length >> 1;
        if (half === 0) return current;
        if (interesting(current.slice(0, half))) current = current.slice(0, half);
        else if (interesting(current.slice(half))) current = current.slice(half);
        else return current;
      }
    },
  },
  'one pass per chunk size, never back after a deletion': {
    reduce<T>(items: readonly T[], interesting: Interesting<T>): T[] {
      if (!interesting(items)) throw new Error('not interesting');
      let current = [...items];
      for (let size = Math.max(1, current.length >> 1); size >= 1; size >>= 1) {
        for (let end = current.length; end > 0; end = Math.max(0, end - size)) {
          const candidate = without(current, Math.max(0, end - size), end);
          if (interesting(candidate)) current = candidate;
        }
      }
      return current;
    },
  },
  'returns the last candidate it tried, not the last interesting one': {
    reduce<T>(items: readonly T[], interesting: Interesting<T>): T[] {
      let last: readonly T[] = items;
      reference(items, (c) => ((last = c), interesting(c)));
      return [...last];
    },
  },
  'deletes in place, in the caller\'s array': {
    reduce<T>(items: readonly T[], interesting: Interesting<T>): T[] {
      const result = reference(items, interesting);
      (items as T[]).splice(0, items.length, ...result);
      return result;
    },
  },
  'reduces an input that is not interesting to the empty list': {
    reduce<T>(items: readonly T[], interesting: Interesting<T>): T[] {
      return interesting(items) ? reference(items, interesting) : [];
    },
  },
  'keeps the items as a set, in sorted order': {
    reduce<T>(items: readonly T[], interesting: Interesting<T>): T[] {
      return reference(items, interesting).sort();
    },
  },
};
