// Exercise 7: a one-pass register allocator for the toy machine of chapter 7. Replace the
// notImplemented(...) with your code. The task is in README.md beside this file;
// `npx vitest run exercises/07` checks your work.
import type { Instr, Op } from '../../book/examples/register-allocation.ts';
import { notImplemented } from '../notImplemented.ts';

/** Toy code computing `program` with `registers` registers, the result left in r0. */
export function allocate(program: readonly Op[], registers: number): Instr[] {
  return notImplemented('allocate');
}
