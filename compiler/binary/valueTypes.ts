// Reading value types, reference types and limits, where later proposals first show up:
// their encodings are recognized here and rejected as unsupported features.

import { unsupported } from '../errors.ts';
import type { Reader } from './reader.ts';
import type { Limits, RefType, ValType } from './types.ts';

/** The proposal a value-type byte belongs to, if it is not a WebAssembly 2.0 type. */
export function laterProposalOfType(b: number): string | undefined {
  if (b === 0x64 || b === 0x63) return 'function-references';
  if (b === 0x74) return 'exceptions'; // nullexnref, the bottom of exnref (GC's type hierarchy)
  if ((b >= 0x6a && b <= 0x6e) || (b >= 0x71 && b <= 0x73)) return 'gc';
  return undefined;
}

export function readValType(r: Reader): ValType {
  const at = r.pos;
  const b = r.u8();
  if ((b >= 0x7b && b <= 0x7f) || b === 0x70 || b === 0x6f || b === 0x69) return b as ValType; // i32 ... v128, funcref, externref, exnref
  const p = laterProposalOfType(b);
  if (p) throw unsupported(p, r.base + at);
  throw r.error('malformed value type', at);
}

export function readRefType(r: Reader): RefType {
  const at = r.pos;
  const b = r.u8();
  if (b === 0x70 || b === 0x6f || b === 0x69) return b;
  const p = laterProposalOfType(b);
  if (p) throw unsupported(p, r.base + at);
  throw r.error('malformed reference type', at);
}

/** The heap type of ref.null: in 2.0 only func (0x70) and extern (0x6f); exn (0x69) with exception handling. */
export function readHeapType(r: Reader): RefType {
  const at = r.pos;
  const b = r.u8();
  if (b === 0x70 || b === 0x6f || b === 0x69) return b;
  const p = laterProposalOfType(b);
  if (p) throw unsupported(p, r.base + at);
  // A type index (positive s33) is a typed function reference.
  if (b < 0x40) throw unsupported('function-references', r.base + at);
  throw r.error('malformed reference type', at);
}

/**
 * Limits, with the address type of memory64 (flags 4 and 5: an i64 memory or table, whose
 * limits are u64). Shared memories (threads) and custom page sizes are later proposals.
 */
export function readLimits(r: Reader, kind: 'memory' | 'table'): Limits & { shared: boolean; address64: boolean } {
  const at = r.pos;
  const flags = r.u8();
  if (kind === 'memory') {
    if (flags & 0x08 && flags < 0x10) throw unsupported('custom-page-sizes', r.base + at);
    if (flags === 2 || flags === 3 || flags === 6 || flags === 7) throw unsupported('threads', r.base + at);
  }
  if ((flags & ~5) !== 0) throw r.error('malformed limits flags', at);
  const address64 = (flags & 4) !== 0;
  // Read as u64 (the WebAssembly 3.0 encoding); the validator checks the range.
  const min = r.u64Number();
  if (flags & 1) return { min, max: r.u64Number(), shared: false, address64 };
  return { min, shared: false, address64 };
}
