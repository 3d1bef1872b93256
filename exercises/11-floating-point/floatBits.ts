// Exercise 11: WebAssembly's float operators on bit patterns. Replace each notImplemented(...) with your code.
// The task is in README.md beside this file; `npx vitest run exercises/11` checks your work.
import { notImplemented } from '../notImplemented.ts';

/** f32.copysign: `a` with the sign of `b`. Arguments and result are f32 bit patterns, 0 to 2**32 - 1. */
export function f32Copysign(a: number, b: number): number {
  return notImplemented('f32Copysign');
}

/** f64.min. Arguments and result are f64 bit patterns, 0n to 2n**64n - 1n. */
export function f64Min(a: bigint, b: bigint): bigint {
  return notImplemented('f64Min');
}

/** f64.max. Arguments and result are f64 bit patterns, 0n to 2n**64n - 1n. */
export function f64Max(a: bigint, b: bigint): bigint {
  return notImplemented('f64Max');
}
