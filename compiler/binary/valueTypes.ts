// Reading value types, reference types and limits, where later proposals first show up:
// function references' typed references are read (refTypes.ts), exception handling's exnref
// and nullexnref, and GC's heap types (any, eq, i31, struct, array, none).

import { unsupported } from '../errors.ts';
import type { Reader } from './reader.ts';
import type { Limits, MemoryType, RefType, TypeDef, ValType } from './types.ts';
import { isRefType } from './types.ts';
import {
  abstractAnyRef, ANYREF, ARRAY_TYPE_BITS, asNonNull, concreteRef, FUNC_TYPE_BITS, gcHeapUse, gcUse, REF_BOTTOM,
  REF_EXACT, REF_KIND_ARRAY, REF_KIND_EQ, REF_KIND_I31, REF_KIND_STRUCT, STRUCT_TYPE_BITS, typedRefUse,
} from './refTypes.ts';


/**
 * The types a value type may name: the canonical index of each type index (its length: how many
 * it may name) and what each defines (a reference to a struct type is of the any hierarchy). A
 * ModuleInfo is one; without one, no type index may be named.
 */
export interface TypeContext {
  readonly canonicalTypes: readonly number[];
  readonly typeDefs: readonly (TypeDef | undefined)[];
}

/** The hierarchy and kind bits of a reference to type index `index` (see concreteRef). */
export function concreteTypeBits(types: TypeContext, index: number): number {
  const kind = types.typeDefs[index]?.kind;
  return kind === 'struct' ? STRUCT_TYPE_BITS : kind === 'array' ? ARRAY_TYPE_BITS : FUNC_TYPE_BITS;
}

/** GC's abstract heap types by their encoding byte, as nullable references (any eq i31 struct array none). */
function gcHeapType(b: number): RefType | undefined {
  switch (b) {
    case 0x6e: return ANYREF;
    case 0x6d: return abstractAnyRef(REF_KIND_EQ);
    case 0x6c: return abstractAnyRef(REF_KIND_I31);
    case 0x6b: return abstractAnyRef(REF_KIND_STRUCT);
    case 0x6a: return abstractAnyRef(REF_KIND_ARRAY);
    case 0x71: return ANYREF | REF_BOTTOM;
  }
  return undefined;
}

// #region read-value-type
/** A value type; `types`: the types it may name (see TypeContext). */
export function readValType(r: Reader, types?: TypeContext): ValType {
  const at = r.pos;
  const b = r.u8();
  if ((b >= 0x7b && b <= 0x7f) || b === 0x70 || b === 0x6f || b === 0x69) return b as ValType; // i32 ... v128, funcref, externref, exnref
  if (b === 0x64 || b === 0x63) { // (ref ht), (ref null ht)
    typedRefUse.count++;
    const t = readHeapType(r, types);
    return b === 0x64 ? asNonNull(t) : t;
  }
  if (b === 0x73 || b === 0x72 || b === 0x74) { // nullfuncref, nullexternref, nullexnref
    typedRefUse.count++;
    return (b === 0x73 ? 0x70 : b === 0x72 ? 0x6f : 0x69) | REF_BOTTOM;
  }
  const gc = gcHeapType(b); // anyref eqref i31ref structref arrayref nullref
  if (gc !== undefined) {
    gcUse.count++;
    return gc;
  }
  throw r.error('malformed value type', at);
}
// #endregion read-value-type

export function readRefType(r: Reader, types?: TypeContext): RefType {
  const at = r.pos;
  const t = readValType(r, types);
  if (!isRefType(t)) throw r.error('malformed reference type', at);
  return t;
}

/**
 * A heap type (of ref.null, or after 0x63/0x64), as the nullable reference to it: func, extern
 * and exn, the bottoms nofunc and noextern, GC's any eq i31 struct array none, or a type index (a
 * positive s33), which custom descriptors' prefix 0x62 may make exact.
 */
export function readHeapType(r: Reader, types?: TypeContext): RefType {
  const at = r.pos;
  const b = at < r.end ? r.bytes[at]! : -1;
  switch (b) {
    case 0x70: case 0x6f: case 0x69: r.pos++; return b; // func, extern, exn
    case 0x73: r.pos++; typedRefUse.count++; return 0x70 | REF_BOTTOM; // nofunc
    case 0x72: r.pos++; typedRefUse.count++; return 0x6f | REF_BOTTOM; // noextern
    case 0x74: r.pos++; typedRefUse.count++; return 0x69 | REF_BOTTOM; // noexn
  }
  const gc = gcHeapType(b);
  if (gc !== undefined) {
    r.pos++;
    gcUse.count++;
    return gc;
  }
  // Custom descriptors' exact prefix: only before a type index.
  const exact = b === 0x62;
  if (exact) r.pos++;
  const v = r.s33();
  if (v < 0) throw r.error('malformed reference type', at);
  if (types === undefined || v >= types.canonicalTypes.length) throw r.error(`unknown type ${v}`, at);
  typedRefUse.count++;
  const bits = concreteTypeBits(types, v);
  if (bits !== FUNC_TYPE_BITS) {
    gcUse.count++;
    gcHeapUse.count++;
  }
  const t = concreteRef(types.canonicalTypes[v]!, true, bits);
  return exact ? t | REF_EXACT : t;
}

/**
 * Limits, with the address type of memory64 (flags 4 and 5: an i64 memory or table, whose
 * limits are u64), the shared bit of threads (flag 2, memories only; the validator requires a
 * shared memory to have a maximum) and, for a memory, custom-page-sizes' flag 8: log2 of the page
 * size follows the limits.
 */
export function readLimits(r: Reader, kind: 'memory' | 'table'): Limits & { shared: boolean; address64: boolean; pageSizeLog2?: number } {
  const at = r.pos;
  const flags = r.u8();
  if ((flags & ~(kind === 'memory' ? 15 : 5)) !== 0) throw r.error('malformed limits flags', at);
  const address64 = (flags & 4) !== 0;
  const shared = (flags & 2) !== 0;
  // Read as u64 (the WebAssembly 3.0 encoding); the validator checks the range.
  const min = r.u64Number();
  const max = flags & 1 ? r.u64Number() : undefined;
  const limits = max === undefined ? { min, shared, address64 } : { min, max, shared, address64 };
  if (!(flags & 8)) return limits;
  // A page size of 2^64 bytes or more is not a u64: malformed. Others are the validator's to judge.
  const sizeAt = r.pos;
  const pageSizeLog2 = r.u32();
  if (pageSizeLog2 >= 64) throw r.error('invalid custom page size', sizeAt);
  return { ...limits, pageSizeLog2 };
}

/** A memory type: its limits, address type and page size (present only when declared). */
export function readMemoryType(r: Reader): MemoryType {
  const { min, max, shared, address64, pageSizeLog2 } = readLimits(r, 'memory');
  const limits = max === undefined ? { min } : { min, max };
  return pageSizeLog2 === undefined ? { limits, shared, address64 } : { limits, shared, address64, pageSizeLog2 };
}
