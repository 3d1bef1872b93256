// Exercise 4: beyond add. Replace each notImplemented(...) with your code.
// The task is in README.md beside this file; `npx vitest run exercises/04` checks your work.
import { notImplemented } from '../notImplemented.ts';

/** Operand width: 32 (eax…r15d) or 64 (rax…r15) bits. */
export type Width = 32 | 64;

export type Shift = 'shl' | 'shr' | 'sar';

/** The sixteen conditions of setcc (and jcc, cmovcc), in the order of their numbers 0 to 15. */
export const CONDITIONS = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** Bytes of `shl/shr/sar dst, count` (1 <= count < width), in the shortest form. */
export function shiftImm(op: Shift, width: Width, dst: number, count: number): number[] {
  return notImplemented('shiftImm');
}

/** Bytes of `imul dst, src, imm` (imm a signed 32-bit number), in the shortest form. */
export function imulImm(width: Width, dst: number, src: number, imm: number): number[] {
  return notImplemented('imulImm');
}

/** Bytes of `set<cond> dst`, where dst is the byte register numbered 0-15 (al…dil, r8b…r15b). */
export function setcc(cond: Condition, dst: number): number[] {
  return notImplemented('setcc');
}
