// Reading value types, reference types and limits, where later proposals first show up:
// their encodings are recognized here and rejected as unsupported features (GC's heap types,
// exceptions' nullexnref); function references' typed references are read (refTypes.ts), and
// exception handling's exnref.

import { unsupported } from '../errors.ts';
import type { Reader } from './reader.ts';
import type { Limits, RefType, ValType } from './types.ts';
import { isRefType } from './types.ts';
import { asNonNull, concreteRef, REF_BOTTOM, typedRefUse } from './refTypes.ts';

/** The proposal a value-type byte belongs to, if it is neither a 2.0 type nor a function reference. */
export function laterProposalOfType(b: number): string | undefined {
  if (b === 0x74) return 'exceptions'; // nullexnref, the bottom of exnref (GC's type hierarchy)
  if ((b >= 0x6a && b <= 0x6e) || b === 0x71) return 'gc'; // array struct i31 eq any, none
  return undefined;
}

// #region read-value-type
/**
 * A value type. `canon` gives the canonical index of each type index the type may name (its
 * length: how many it may name; see ModuleInfo.canonicalTypes); without it, no type index may be named.
 */
export function readValType(r: Reader, canon?: readonly number[]): ValType {
  const at = r.pos;
  const b = r.u8();
  if ((b >= 0x7b && b <= 0x7f) || b === 0x70 || b === 0x6f || b === 0x69) return b as ValType; // i32 ... v128, funcref, externref, exnref
  if (b === 0x64 || b === 0x63) { // (ref ht), (ref null ht)
    typedRefUse.count++;
    const t = readHeapType(r, canon);
    return b === 0x64 ? asNonNull(t) : t;
  }
  if (b === 0x73 || b === 0x72) { // nullfuncref, nullexternref
    typedRefUse.count++;
    return (b === 0x73 ? 0x70 : 0x6f) | REF_BOTTOM;
  }
  const p = laterProposalOfType(b);
  if (p) throw unsupported(p, r.base + at);
  throw r.error('malformed value type', at);
}
// #endregion read-value-type

export function readRefType(r: Reader, canon?: readonly number[]): RefType {
  const at = r.pos;
  const t = readValType(r, canon);
  if (!isRefType(t)) throw r.error('malformed reference type', at);
  return t;
}

/**
 * A heap type (of ref.null, or after 0x63/0x64), as the nullable reference to it: func, extern
 * and exn, the bottoms nofunc and noextern, or a type index (a positive s33).
 */
export function readHeapType(r: Reader, canon?: readonly number[]): RefType {
  const at = r.pos;
  const b = at < r.end ? r.bytes[at] : -1;
  switch (b) {
    case 0x70: case 0x6f: case 0x69: r.pos++; return b; // func, extern, exn
    case 0x73: r.pos++; typedRefUse.count++; return 0x70 | REF_BOTTOM; // nofunc
    case 0x72: r.pos++; typedRefUse.count++; return 0x6f | REF_BOTTOM; // noextern
  }
  const v = r.s33();
  if (v < 0) {
    const p = laterProposalOfType(v & 0x7f);
    if (p) throw unsupported(p, r.base + at);
    throw r.error('malformed reference type', at);
  }
  if (canon === undefined || v >= canon.length) throw r.error(`unknown type ${v}`, at);
  typedRefUse.count++;
  return concreteRef(canon[v]!, true);
}

/**
 * Limits, with the address type of memory64 (flags 4 and 5: an i64 memory or table, whose
 * limits are u64) and the shared bit of threads (flag 2, memories only; the validator requires a
 * shared memory to have a maximum). Custom page sizes are a later proposal.
 */
export function readLimits(r: Reader, kind: 'memory' | 'table'): Limits & { shared: boolean; address64: boolean } {
  const at = r.pos;
  const flags = r.u8();
  if (kind === 'memory' && flags & 0x08 && flags < 0x10) throw unsupported('custom-page-sizes', r.base + at);
  if ((flags & ~(kind === 'memory' ? 7 : 5)) !== 0) throw r.error('malformed limits flags', at);
  const address64 = (flags & 4) !== 0;
  const shared = (flags & 2) !== 0;
  // Read as u64 (the WebAssembly 3.0 encoding); the validator checks the range.
  const min = r.u64Number();
  if (flags & 1) return { min, max: r.u64Number(), shared, address64 };
  return { min, shared, address64 };
}
