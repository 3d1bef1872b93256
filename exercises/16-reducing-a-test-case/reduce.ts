// Exercise 16: cut a failing test case down to what matters. Replace notImplemented(...) with your code.
// The task is in README.md beside this file; `npx vitest run exercises/16` checks your work.
import { notImplemented } from '../notImplemented.ts';

/**
 * A smallest-by-deletion version of `items` that is still `interesting`: interesting itself, the
 * items kept in their order, and no single item can be removed from it without losing that.
 * Throws an Error if `items` itself is not interesting.
 */
export function reduce<T>(items: readonly T[], interesting: (candidate: readonly T[]) => boolean): T[] {
  return notImplemented('reduce');
}
