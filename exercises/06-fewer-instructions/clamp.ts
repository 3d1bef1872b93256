// Exercise 6: write WAT that Lightbeam compiles well. Replace notImplemented(...) with your code.
// The task is in README.md beside this file; `npx vitest run exercises/06` checks your work.
import { notImplemented } from '../notImplemented.ts';

/** A module exporting clamp(x, lo, hi): x limited to [lo, hi] (signed i32). */
export function clampWat(): string {
  return notImplemented('clampWat');
}
