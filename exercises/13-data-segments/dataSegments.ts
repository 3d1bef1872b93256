// Exercise 13: what instantiation writes into an imported memory. Replace notImplemented(...) with your code.
// The task is in README.md beside this file; `npx vitest run exercises/13` checks your work.
import { notImplemented } from '../notImplemented.ts';

/** An active data segment: `bytes` to be copied to memory at `offset` (an unsigned 32-bit number). */
export interface DataSegment {
  offset: number;
  bytes: Uint8Array;
}

/**
 * Apply a module's active data segments, in order, to `memory` (the imported memory's bytes,
 * changed in place), as instantiation does. Returns true if instantiation traps on a segment.
 */
export function applyDataSegments(memory: Uint8Array, segments: readonly DataSegment[]): boolean {
  return notImplemented('applyDataSegments');
}
