// Exercise 5: a loop by hand, and many functions in one mapping. Replace each notImplemented(...)
// with your code. The task is in README.md beside this file; `npx vitest run exercises/05` checks your work.
import { notImplemented } from '../notImplemented.ts';

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

/** The part of compiler/runtime/native.ts this exercise may use. */
export interface NativeMemory {
  readonly pageSize: number;
  mmap(length: number, prot: number): number;
  mprotect(address: number, length: number, prot: number): void;
  view(address: number, length: number): ArrayBuffer;
}

/** Machine code, written by hand, of `int64_t sum(int64_t n)`: 1 + 2 + … + n, or 0 when n <= 0. */
export function sumCode(): number[] {
  return notImplemented('sumCode');
}

/**
 * Copies every function in `codes` into one fresh mapping, each at the first multiple of 16 bytes
 * after the previous one, every other byte of the mapping 0xCC (int3); the mapping ends up
 * read+execute and is never writable and executable at once. Returns each function's address.
 */
export function loadAll(codes: Uint8Array[], native: NativeMemory): number[] {
  return notImplemented('loadAll');
}
