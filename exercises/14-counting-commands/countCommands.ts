// Exercise 14: count the commands of a .wast script without parsing it. Replace notImplemented(...) with your code.
// The task is in README.md beside this file; `npx vitest run exercises/14` checks your work.
import { notImplemented } from '../notImplemented.ts';

/** The number of commands in a .wast script (see README.md for what counts as one). */
export function countCommands(script: string): number {
  return notImplemented('countCommands');
}
