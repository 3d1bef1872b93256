// Exercise 10: which memory accesses need a bounds check? Replace notImplemented(...) with your code.
// The task is in README.md beside this file; `npx vitest run exercises/10` checks your work.
import { notImplemented } from '../notImplemented.ts';
import type { Step } from './steps.ts';

/**
 * For a straight line of steps in a function whose memory is at least `minimumBytes` long: one
 * boolean per access (steps of kind 'access' or 'constant', in order), true when the access
 * needs a bounds check and false when earlier checks (or the minimum size) prove it in bounds.
 */
export function checksNeeded(minimumBytes: number, steps: readonly Step[]): boolean[] {
  return notImplemented('checksNeeded');
}
