// GC's objects (structs and arrays) as generated code and the runtime lay them out in native
// memory. An object's reference is its address, a multiple of 8 (runtime/values.ts: the other
// words are null, i31s and host values), so a field is read with one load from the reference.
// Runs in the browser: plain numbers.

import { PackedType, type FieldType, type TypeDef } from '../binary/types.ts';
import { REF_INDEX_SHIFT } from '../binary/refTypes.ts';
import { SUPERTYPE_TABLE } from './typeChecks.ts';

// #region gc-object-header
/**
 * Every object starts with an 8-byte header:
 * - the dword at 0: the object's process-wide type id (runtime/typeIds.ts) in its low bits, its
 *   kind above them (OBJECT_KIND_STRUCT or OBJECT_KIND_ARRAY). A cast to a type whose id and kind
 *   are known compares this dword with one constant; a test against `struct` or `array` looks at
 *   the kind bits alone;
 * - the dword at 4: an array's length (a struct's is 0).
 * Fields and elements follow from offset 8. The collector keeps its marks elsewhere (the header
 * never changes after allocation).
 */
export const GC_HEADER = {
  /** u32: type id | kind. */
  TYPE: 0,
  /** u32: an array's length. */
  LENGTH: 4,
  /** The first field or element. */
  SIZE: 8,
} as const;

/** Type ids fit below this bit (2^17 distinct types: REF_INDEX_SHIFT leaves 31 - 14 bits). */
export const TYPE_ID_BITS = 31 - REF_INDEX_SHIFT;
export const TYPE_ID_MASK = (1 << TYPE_ID_BITS) - 1;
export const OBJECT_KIND_SHIFT = 28;
export const OBJECT_KIND_STRUCT = 1 << OBJECT_KIND_SHIFT;
export const OBJECT_KIND_ARRAY = 2 << OBJECT_KIND_SHIFT;

/** The header dword at GC_HEADER.TYPE of an object of type id `typeId`. */
export const headerWord = (typeId: number, kind: 'struct' | 'array'): number =>
  (typeId | (kind === 'struct' ? OBJECT_KIND_STRUCT : OBJECT_KIND_ARRAY)) >>> 0;

/** Objects are allocated in multiples of this (and start at addresses that are multiples of it). */
export const OBJECT_ALIGN = 8;
// #endregion gc-object-header

// #region gc-field-layout
/** Bytes a field or element of type `t` (a value type or a packed type) takes. */
export function fieldSize(t: number): number {
  switch (t) {
    case PackedType.i8: return 1;
    case PackedType.i16: return 2;
    case 0x7f: case 0x7d: return 4; // i32, f32
    case 0x7b: return 16; // v128
    default: return 8; // i64, f64 and every reference
  }
}

/**
 * A struct's layout: its fields in declaration order from GC_HEADER.SIZE, each at a multiple of
 * its size (a v128's of 8: unaligned loads are as fast), and its size rounded up to OBJECT_ALIGN.
 * A struct type with a descriptor (custom descriptors) has one more slot, a reference (8 bytes,
 * aligned), after `descriptorAfter` of its fields: those of its nearest supertype without a
 * descriptor, so a subtype has it where its supertypes do and their fields stay where they were.
 */
export interface StructLayout {
  readonly offsets: readonly number[];
  readonly size: number;
  /** The descriptor's offset, -1 for a type without one. */
  readonly descriptor: number;
}

export function structLayout(fields: readonly FieldType[], descriptorAfter = -1): StructLayout {
  const offsets: number[] = [];
  let at: number = GC_HEADER.SIZE;
  let descriptor = -1;
  const slot = () => {
    at = (at + 7) & -8;
    descriptor = at;
    at += 8;
  };
  for (const f of fields) {
    if (offsets.length === descriptorAfter) slot();
    const size = fieldSize(f.type);
    const align = Math.min(size, 8);
    at = (at + align - 1) & -align;
    offsets.push(at);
    at += size;
  }
  if (descriptorAfter >= 0 && descriptor < 0) slot();
  return { offsets, size: (at + OBJECT_ALIGN - 1) & -OBJECT_ALIGN, descriptor };
}

/** The layout of struct type `def` (its descriptor's slot too, if it has one). */
export function structLayoutOf(def: TypeDef): StructLayout {
  return structLayout(def.fields, (def.descriptor ?? -1) >= 0 ? (def.descriptorAfter ?? 0) : -1);
}

/**
 * The bytes of an array of `length` elements of `elementSize` bytes (header included, rounded up
 * to OBJECT_ALIGN). Exact for any u32 length: no 32-bit bitwise operator (a length from wasm may
 * make 2^36 bytes).
 */
export const arrayBytes = (length: number, elementSize: number): number =>
  Math.ceil((GC_HEADER.SIZE + length * elementSize) / OBJECT_ALIGN) * OBJECT_ALIGN;
// #endregion gc-field-layout

// #region gc-allocation-region
/**
 * The thread's allocation region, three u64 in the runtime's state block (after the supertype
 * table's address; `[r15 + VMCTX.RUNTIME_STATE]` points to the block): generated code makes an
 * object of `n` bytes by bumping TOP when TOP + n <= LIMIT, writing its header (the rest of the
 * region is zero) and setting its start bit, bit `address / OBJECT_ALIGN` of the bit string at
 * STARTS (`bts`: STARTS is the region's chunk's start bitmap, biased so that the address itself
 * indexes it); otherwise it calls the allocating builtin. The heap owns the region: it hands out
 * a free run as [TOP, LIMIT), and sets LIMIT = TOP to send every allocation to the builtin (when
 * it has no region, or under LIGHTBEAM_GC_STRESS).
 */
export const GC_REGION = {
  TOP: SUPERTYPE_TABLE.STATE_OFFSET + 8,
  LIMIT: SUPERTYPE_TABLE.STATE_OFFSET + 16,
  STARTS: SUPERTYPE_TABLE.STATE_OFFSET + 24,
  /** The region's bytes in the state block. */
  SIZE: 24,
} as const;
/** Objects up to this many bytes are bumped inline; bigger ones (the heap maps them alone) always call the builtin. */
export const INLINE_OBJECT_MAX = 64 * 1024;
// #endregion gc-allocation-region
