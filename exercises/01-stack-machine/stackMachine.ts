// Exercise 1: a tiny stack-machine evaluator. Replace notImplemented(...) with your code.
// The task is in README.md beside this file; `npx vitest run exercises/01` checks your work.
import { notImplemented } from '../notImplemented.ts';

export type Op =
  | readonly ['i32.const', number]
  | readonly ['local.get' | 'local.set' | 'local.tee', number]
  | readonly ['i32.add' | 'i32.sub' | 'i32.mul' | 'i32.lt_s' | 'i32.lt_u' | 'i32.eqz' | 'drop'];

/** Runs `program` with the given locals; returns the operand stack at the end, bottom first. */
export function evaluate(program: readonly Op[], locals: number[]): number[] {
  return notImplemented('evaluate');
}
