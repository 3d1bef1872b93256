// Exercise 4: encode `add` by hand. Replace each notImplemented(...) with your code.
// The task is in README.md beside this file; `npx vitest run exercises/04` checks your work.
import { notImplemented } from '../notImplemented.ts';

export interface Address {
  /** Base register number, 0-15. */
  base: number;
  /** Index register number (never 4), or undefined for none. */
  index?: number;
  scale?: 1 | 2 | 4 | 8;
  /** Signed 32-bit displacement (default 0). */
  disp?: number;
}

/** Bytes of `add dst, src` (64-bit registers), form `REX.W 01 /r`. */
export function addRegReg(dst: number, src: number): number[] {
  return notImplemented('addRegReg');
}

/** Bytes of `add dst, qword [address]`, form `REX.W 03 /r`, shortest displacement. */
export function addRegMem(dst: number, address: Address): number[] {
  return notImplemented('addRegMem');
}
