// Plausible wrong solutions; the checks must catch each one (see exercises/harness.ts).
import type { DataSegment } from './dataSegments.ts';
import { applyDataSegments as reference } from './reference.ts';

const fits = (memory: Uint8Array, s: DataSegment) => s.offset + s.bytes.length <= memory.length;

export const wrongSolutions = {
  'every segment is checked before any is written (the MVP rule, before bulk memory)': {
    applyDataSegments: (memory: Uint8Array, segments: readonly DataSegment[]) =>
      segments.every((s) => fits(memory, s)) ? reference(memory, segments) : true,
  },
  'a segment that does not fit is written as far as it fits': {
    applyDataSegments: (memory: Uint8Array, segments: readonly DataSegment[]) => {
      for (const s of segments) {
        if (!fits(memory, s)) {
          if (s.offset < memory.length) memory.set(s.bytes.subarray(0, memory.length - s.offset), s.offset);
          return true;
        }
        memory.set(s.bytes, s.offset);
      }
      return false;
    },
  },
  'an empty segment never traps': {
    applyDataSegments: (memory: Uint8Array, segments: readonly DataSegment[]) => reference(memory, segments.filter((s) => s.bytes.length > 0)),
  },
  'a segment that does not fit is skipped, and the rest applied': {
    applyDataSegments: (memory: Uint8Array, segments: readonly DataSegment[]) => {
      const bad = segments.some((s) => !fits(memory, s));
      reference(memory, segments.filter((s) => fits(memory, s)));
      return bad;
    },
  },
  'the end may reach one past the memory': {
    applyDataSegments: (memory: Uint8Array, segments: readonly DataSegment[]) => {
      for (const s of segments) {
        if (s.offset + s.bytes.length > memory.length + 1) return true;
        memory.set(s.bytes.subarray(0, Math.max(0, memory.length - s.offset)), Math.min(s.offset, memory.length));
      }
      return false;
    },
  },
};
