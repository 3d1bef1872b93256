// Exercise 2: LEB128 decoding. Replace each notImplemented(...) with your code.
// The task is in README.md beside this file; `npx vitest run exercises/02` checks your work.
import { notImplemented } from '../notImplemented.ts';

export interface Read {
  /** The decoded number. */
  value: number;
  /** Position of the first byte after the number. */
  next: number;
}

/** Unsigned LEB128, at most 32 bits: a value from 0 to 2**32 - 1. */
export function readU32(bytes: Uint8Array, pos: number): Read {
  return notImplemented('readU32');
}

/** Signed LEB128, at most 32 bits: a value from -(2**31) to 2**31 - 1. */
export function readS32(bytes: Uint8Array, pos: number): Read {
  return notImplemented('readS32');
}
