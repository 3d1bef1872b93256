// Exercise 12: what does call_indirect do? Replace notImplemented(...) with your code.
// The task is in README.md beside this file; `npx vitest run exercises/12` checks your work.
import { notImplemented } from '../notImplemented.ts';

export type ValueType = 'i32' | 'i64' | 'f32' | 'f64';

/** A function type. Two types are the same type when they have the same params and results. */
export interface FuncType {
  params: readonly ValueType[];
  results: readonly ValueType[];
}

/** What call_indirect does: call the function, or trap with one of the spec's three messages. */
export type Outcome = 'call' | 'undefined element' | 'uninitialized element' | 'indirect call type mismatch';

/**
 * call_indirect with the type `expected`, through `table` (each element: the type of the function
 * stored there, or null), at `index` — an i32 from the operand stack, here as a JavaScript number
 * that may be negative.
 */
export function callIndirect(table: readonly (FuncType | null)[], index: number, expected: FuncType): Outcome {
  return notImplemented('callIndirect');
}
