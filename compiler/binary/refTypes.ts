// Typed references (WebAssembly 3.0's function references): `(ref null? ht)` as one number.
//
// A value type is a small non-negative integer. Numeric types and the 2.0 references (funcref,
// externref) are their encoding bytes, as before; a typed reference adds bits above the low byte,
// which stays the 2.0 reference type of its hierarchy (0x70 func, 0x6f extern; the exceptions
// proposal's exn hierarchy would be 0x69). So:
//   - equal types are equal numbers (a concrete type is named by its canonical index, see
//     canonicalTypes in sections.ts), and the validator's common case stays one comparison;
//   - `t & 0xff` (storageType) is how the value is stored and passed: every reference of the func
//     hierarchy is a FuncRef record address like a funcref, every extern one a handle like an
//     externref. The code generator and the runtime see storage types only where they lay out values.
// GC's hierarchies (any, eq, i31, struct, array, none) are not here: the decoder rejects them.

import type { FuncType, ValType } from './types.ts';

// #region ref-type-bits
/** Set for a non-nullable reference `(ref ht)`; clear for `(ref null ht)`. */
export const REF_NON_NULL = 0x100;
/** Set for the bottom heap type of the hierarchy: nofunc (func) or noextern (extern). */
export const REF_BOTTOM = 0x200;
/** Bits from here up: a concrete heap type, canonical type index + 1 (0: the abstract one). */
export const REF_INDEX_SHIFT = 10;

/** `(ref null $t)` or `(ref $t)` for canonical type index `canon`. */
export const concreteRef = (canon: number, nullable: boolean): ValType =>
  (0x70 | (nullable ? 0 : REF_NON_NULL) | ((canon + 1) << REF_INDEX_SHIFT)) as ValType;
/** The 2.0 type a reference is stored and passed as; a numeric type itself. */
export const storageType = (t: number): ValType => (t & 0xff) as ValType;
/** A typed reference (anything but funcref, externref and the numeric types). */
export const isTypedRef = (t: number): boolean => t > 0xff;
/** The canonical type index of a concrete reference, -1 for an abstract or bottom one. */
export const refTypeIndex = (t: number): number => (t >>> REF_INDEX_SHIFT) - 1;
export const isNullable = (t: number): boolean => (t & REF_NON_NULL) === 0;
/** The same reference type, made non-nullable (ref.as_non_null, br_on_null's operand). */
export const asNonNull = (t: number): ValType => (t | REF_NON_NULL) as ValType;
// #endregion ref-type-bits

// #region ref-subtyping
/**
 * `a <: b` for two reference types of one module (or of one canonical space): same hierarchy,
 * nullability no wider, and the heap types ordered bottom <: $t <: func (or noextern <: extern).
 * Concrete function types have no declared supertypes without GC, so `$s <: $t` only when equal.
 */
export function isRefSubtype(a: number, b: number): boolean {
  if (a === b) return true;
  if ((a & 0xff) !== (b & 0xff)) return false;
  if ((a & REF_NON_NULL) === 0 && (b & REF_NON_NULL) !== 0) return false;
  const ha = a >>> 9, hb = b >>> 9; // heap types: 0 abstract top, 1 bottom, 2k+ concrete
  if (hb === 0 || ha === 1) return true;
  return ha === hb;
}
// #endregion ref-subtyping

/**
 * How many times a typed reference or a function-references operator has been decoded, in this
 * thread. The differential fuzzer reads it around a validation: Node 20's V8 knows typed function
 * references only behind a flag and under their old opcodes, so it cannot judge a module that uses them.
 */
export const typedRefUse = { count: 0 };

/** `a <: b` for any two value types (numeric types match only themselves). */
export function isSubtype(a: number, b: number): boolean {
  if (a === b) return true;
  return isRefTypeCode(a) && isRefTypeCode(b) && isRefSubtype(a, b);
}

/** Whether `t` is any reference type (2.0 or typed; exnref too). */
export function isRefTypeCode(t: number): boolean {
  const low = t & 0xff;
  return low === 0x70 || low === 0x6f || low === 0x69;
}

/** Whether a local of this type starts with a value (numbers and nullable references) or must be set first. */
export const isDefaultable = (t: number): boolean => (t & REF_NON_NULL) === 0;

/** Whether a function type mentions a typed reference (then its storage twin differs from it). */
export function hasTypedRefs(type: FuncType): boolean {
  for (const t of type.params) if (t > 0xff) return true;
  for (const t of type.results) if (t > 0xff) return true;
  return false;
}

const storageTwins = new WeakMap<FuncType, FuncType>();
/**
 * The function type with storage types (what calling conventions and frames lay out): itself
 * when it has no typed reference, else a twin made once.
 */
export function storageFuncType(type: FuncType): FuncType {
  if (!hasTypedRefs(type)) return type;
  let twin = storageTwins.get(type);
  if (twin === undefined) {
    twin = { params: type.params.map(storageType), results: type.results.map(storageType) };
    storageTwins.set(type, twin);
  }
  return twin;
}

/** The text-format name of a reference type, `(ref null $3)` style for typed ones. */
export function refTypeName(t: number): string {
  const family = t & 0xff;
  const index = refTypeIndex(t);
  const heap = index >= 0 ? `${index}` : t & REF_BOTTOM ? (family === 0x70 ? 'nofunc' : 'noextern') : family === 0x70 ? 'func' : family === 0x69 ? 'exn' : 'extern';
  return isNullable(t) ? `(ref null ${heap})` : `(ref ${heap})`;
}
