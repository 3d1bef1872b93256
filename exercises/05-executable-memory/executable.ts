// Exercise 5: executable memory. Replace each notImplemented(...) with your code.
// The task is in README.md beside this file; `npx vitest run exercises/05` checks your work.
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

/** Machine code of `int64_t answer(void)`, returning 42. */
export function answerCode(): number[] {
  return notImplemented('answerCode');
}

/** Machine code of `int64_t add(int64_t a, int64_t b)` (a in rdi, b in rsi, result in rax). */
export function addCode(): number[] {
  return notImplemented('addCode');
}

/** Copies `code` into fresh memory that ends up read+execute (never write+execute); returns its address. */
export function loadExecutable(code: Uint8Array, native: NativeMemory): number {
  return notImplemented('loadExecutable');
}
