// Typed references (WebAssembly 3.0's function references and GC): `(ref null? ht)` as one number.
//
// A value type is a small non-negative integer. Numeric types and the 2.0 references (funcref,
// externref) are their encoding bytes, as before; a typed reference adds bits above the low byte,
// which stays the top reference type of its hierarchy (0x70 func, 0x6f extern, 0x69 exn, and GC's
// 0x6e any, the encoding byte of anyref). So:
//   - equal types are equal numbers (a concrete type is named by its canonical index, see
//     canonicalTypes in sections.ts), and the validator's common case stays one comparison;
//   - `t & 0xff` (storageType) is how the value is stored and passed: every reference of the func
//     hierarchy is a FuncRef record address like a funcref, every extern one a handle like an
//     externref. The code generator and the runtime see storage types only where they lay out values.
//   - the any hierarchy has more abstract heap types than a top and a bottom: eq, i31, struct and
//     array sit between any and none. Three bits name them (REF_KIND_*); a concrete struct or
//     array type carries its kind too, so `$t <: struct` needs no look-up of $t.
// Concrete types may declare a supertype (GC's `sub`): `$s <: $t` walks $s's chain of declared
// supertypes, given as an array from canonical index to the canonical index of its supertype.

import type { FuncType, ValType } from './types.ts';

// #region ref-type-bits
/** Set for a non-nullable reference `(ref ht)`; clear for `(ref null ht)`. */
export const REF_NON_NULL = 0x100;
/** Set for the bottom heap type of the hierarchy: nofunc, noextern, noexn or none (any). */
export const REF_BOTTOM = 0x200;
/** The any hierarchy's top (anyref's own encoding byte), as funcref's 0x70 is the func hierarchy's. */
export const ANYREF = 0x6e;
/** Bits 10-12: the kind of an any-hierarchy heap type below any (0: the top of any hierarchy). */
export const REF_KIND_SHIFT = 10;
export const REF_KIND_EQ = 1, REF_KIND_I31 = 2, REF_KIND_STRUCT = 3, REF_KIND_ARRAY = 4;
/**
 * Custom descriptors' exact reference `(ref null? exact $t)`: only $t itself, none of its strict
 * subtypes (a concrete type only; the bottom of the hierarchy is below it as below everything).
 */
export const REF_EXACT = 1 << 13;
/** Bits from here up: a concrete heap type, canonical type index + 1 (0: the abstract one). */
export const REF_INDEX_SHIFT = 14;

/** What a concrete type is: the hierarchy and kind bits of a reference to it. */
export const FUNC_TYPE_BITS = 0x70;
export const STRUCT_TYPE_BITS = ANYREF | (REF_KIND_STRUCT << REF_KIND_SHIFT);
export const ARRAY_TYPE_BITS = ANYREF | (REF_KIND_ARRAY << REF_KIND_SHIFT);

/**
 * `(ref null $t)` or `(ref $t)` for canonical type index `canon`; `bits`: what $t is (a function
 * type unless told: FUNC_TYPE_BITS, STRUCT_TYPE_BITS or ARRAY_TYPE_BITS).
 */
export const concreteRef = (canon: number, nullable: boolean, bits: number = FUNC_TYPE_BITS): ValType =>
  (bits | (nullable ? 0 : REF_NON_NULL) | ((canon + 1) << REF_INDEX_SHIFT)) as ValType;
/** An abstract heap type of the any hierarchy (eq, i31, struct, array; 0: any), nullable. */
export const abstractAnyRef = (kind: number): ValType => (ANYREF | (kind << REF_KIND_SHIFT)) as ValType;
/** The kind bits of a reference type (REF_KIND_*; 0 for any, func, extern, exn and their concrete function types). */
export const refKind = (t: number): number => (t >>> REF_KIND_SHIFT) & 7;
/**
 * The 2.0 type a reference is stored and passed as; a numeric type itself. The any hierarchy is
 * stored as externref is: one 64-bit word whose low bits say what it is (runtime/values.ts), so
 * any.convert_extern and extern.convert_any cost nothing.
 */
export const storageType = (t: number): ValType => ((t & 0xff) === ANYREF ? 0x6f : t & 0xff) as ValType;
/** A typed reference (anything but funcref, externref and the numeric types). */
export const isTypedRef = (t: number): boolean => t > 0xff || t === ANYREF;
/** The canonical type index of a concrete reference, -1 for an abstract or bottom one. */
export const refTypeIndex = (t: number): number => (t >>> REF_INDEX_SHIFT) - 1;
export const isNullable = (t: number): boolean => (t & REF_NON_NULL) === 0;
/** The same reference type, made non-nullable (ref.as_non_null, br_on_null's operand). */
export const asNonNull = (t: number): ValType => (t | REF_NON_NULL) as ValType;
export const isExact = (t: number): boolean => (t & REF_EXACT) !== 0;
/** The same reference type, made exact (exact only if `exact`): custom descriptors' struct.new, ref.get_desc. */
export const withExactness = (t: number, exact: boolean): ValType => (exact ? t | REF_EXACT : t & ~REF_EXACT) as ValType;
// #endregion ref-type-bits

// #region ref-subtyping
const NO_SUPERTYPES: ArrayLike<number> = [];

/**
 * `a <: b` for two reference types of one module (or of one canonical space): same hierarchy,
 * nullability no wider, and the heap types ordered: the bottom (none, nofunc, noextern, noexn)
 * below everything of its hierarchy; a concrete type below its declared supertypes and below the
 * abstract type of its kind (func, struct or array); i31, struct and array below eq; everything
 * below the top. `supers`: the canonical index of each canonical type's declared supertype (-1 or
 * absent: none).
 */
export function isRefSubtype(a: number, b: number, supers: ArrayLike<number> = NO_SUPERTYPES): boolean {
  if (a === b) return true;
  if ((a & 0xff) !== (b & 0xff)) return false;
  if ((a & REF_NON_NULL) === 0 && (b & REF_NON_NULL) !== 0) return false;
  if (a & REF_BOTTOM) return true;
  if (b & REF_BOTTOM) return false;
  const ib = (b >>> REF_INDEX_SHIFT) - 1;
  // An exact type has no subtype but the bottom (and itself, nullable or not).
  if (b & REF_EXACT) return (a & REF_EXACT) !== 0 && (a >>> REF_INDEX_SHIFT) === (b >>> REF_INDEX_SHIFT);
  if (ib < 0) {
    // b abstract: the top takes all; eq takes every kind; i31, struct and array their own.
    const kb = refKind(b);
    if (kb === 0) return true;
    const ka = refKind(a);
    return kb === REF_KIND_EQ ? ka !== 0 : ka === kb;
  }
  // b concrete: a must be concrete and reach b up its chain of declared supertypes.
  for (let ia = (a >>> REF_INDEX_SHIFT) - 1; ia >= 0; ia = supers[ia] ?? -1) if (ia === ib) return true;
  return false;
}
// #endregion ref-subtyping

/**
 * How many times a typed reference or a function-references operator has been decoded, in this
 * thread (and a constant `global.get` of a global the module defines, GC's extension of constant
 * expressions). The differential fuzzer reads it around a validation: Node 20's V8 knows typed
 * function references only behind a flag and under their old opcodes, so it cannot judge a module
 * that uses them.
 */
export const typedRefUse = { count: 0 };

/**
 * How many times a GC type or operator has been decoded, in this thread: Node 20's V8 has no GC
 * as finished (the fuzzer's differential check cannot judge a module that uses it).
 */
export const gcUse = { count: 0 };

/**
 * How many times a GC type or operator that needs objects on a heap (struct and array types and
 * their operators) has been decoded, in this thread (statistics: every one of them is compiled).
 */
export const gcHeapUse = { count: 0 };

/** `a <: b` for any two value types (numeric types match only themselves); `supers` as for isRefSubtype. */
export function isSubtype(a: number, b: number, supers?: ArrayLike<number>): boolean {
  if (a === b) return true;
  return isRefTypeCode(a) && isRefTypeCode(b) && isRefSubtype(a, b, supers);
}

/** Whether `t` is any reference type (2.0 or typed; exnref and GC's too). */
export function isRefTypeCode(t: number): boolean {
  const low = t & 0xff;
  return low === 0x70 || low === 0x6f || low === 0x69 || low === ANYREF;
}

/** Whether a local of this type starts with a value (numbers and nullable references) or must be set first. */
export const isDefaultable = (t: number): boolean => (t & REF_NON_NULL) === 0;

/** Whether a function type mentions a typed reference (then its storage twin differs from it). */
export function hasTypedRefs(type: FuncType): boolean {
  for (const t of type.params) if (t > 0xff || t === ANYREF) return true;
  for (const t of type.results) if (t > 0xff || t === ANYREF) return true;
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

const TOP_NAMES: Readonly<Record<number, readonly [string, string]>> = {
  0x70: ['func', 'nofunc'], 0x6f: ['extern', 'noextern'], 0x69: ['exn', 'noexn'], [ANYREF]: ['any', 'none'],
};
const ANY_KIND_NAMES = ['any', 'eq', 'i31', 'struct', 'array'];

/** The text-format name of a reference type, `(ref null $3)` style for typed ones. */
export function refTypeName(t: number): string {
  const names = TOP_NAMES[t & 0xff] ?? ['?', '?'];
  const index = refTypeIndex(t);
  const heap = index >= 0 ? `${index}` : t & REF_BOTTOM ? names[1] : (t & 0xff) === ANYREF ? ANY_KIND_NAMES[refKind(t)] : names[0];
  const exact = t & REF_EXACT ? `(exact ${heap})` : heap;
  return isNullable(t) ? `(ref null ${exact})` : `(ref ${exact})`;
}
