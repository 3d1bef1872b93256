// Exercise 9: the internal calling convention. Replace the notImplemented(...) with your code.
// The task is in README.md beside this file; `npx vitest run exercises/09` checks your work.
import { notImplemented } from '../notImplemented.ts';

export type TypeName = 'i32' | 'i64' | 'f32' | 'f64' | 'funcref' | 'externref';
/** A register name ('rdi', 'xmm0', ...) or a stack slot: its offset from rsp just before the call. */
export type Where = string | { stack: number };

export interface Layout {
  params: Where[];
  /** Where the return area's address travels (more than one result), else null. */
  returnArea: Where | null;
  /** 'rax' or 'xmm0' for the first result, { area: offset } for the others. */
  results: (string | { area: number })[];
  stackBytes: number;
}

export function layout(params: readonly TypeName[], results: readonly TypeName[]): Layout {
  return notImplemented('layout');
}
