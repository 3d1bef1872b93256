// Exercise 3: an operand-stack type checker. Replace notImplemented(...) with your code.
// The task is in README.md beside this file; `npx vitest run exercises/03` checks your work.
import { notImplemented } from '../notImplemented.ts';

export type ValType = 'i32' | 'i64';

export type Op =
  | readonly ['i32.const' | 'i64.const' | 'i32.add' | 'i64.add' | 'i32.eqz' | 'i64.eqz' | 'i32.wrap_i64' | 'i64.extend_i32_s' | 'drop' | 'unreachable']
  | readonly ['local.get', number];

/** Returns if `body` is a valid body for a function [params] -> [results]; throws 'type mismatch' otherwise. */
export function checkBody(params: readonly ValType[], results: readonly ValType[], body: readonly Op[]): void {
  return notImplemented('checkBody');
}
