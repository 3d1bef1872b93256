// The reference solution: what the runtime's Instance does with active data segments
// (compiler/runtime/instance.ts: the loop over info.data and initMemory), one segment at a time.
import type { DataSegment } from './dataSegments.ts';

export function applyDataSegments(memory: Uint8Array, segments: readonly DataSegment[]): boolean {
  for (const { offset, bytes } of segments) {
    // The whole segment must fit before any of it is written; the earlier segments stay written.
    if (offset + bytes.length > memory.length) return true;
    memory.set(bytes, offset);
  }
  return false;
}
