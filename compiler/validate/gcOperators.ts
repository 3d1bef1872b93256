// Validating GC's operators (the 0xfb prefix): structs and arrays through their type index, i31
// references, casts and the branches on casts, and the conversions between the any and extern
// hierarchies. The function validator hands each one here with its operand stack (GcOperands).

import type { CompileError } from '../errors.ts';
import type { Reader } from '../binary/reader.ts';
import type { FieldType, ModuleInfo, TypeDef, ValType } from '../binary/types.ts';
import { PackedType, UNKNOWN_TYPE, ValType as T } from '../binary/types.ts';
import {
  abstractAnyRef, ANYREF, asNonNull, isNullable, isSubtype, REF_EXACT, REF_KIND_ARRAY, REF_KIND_EQ, REF_KIND_I31, REF_NON_NULL,
  refTypeIndex, refTypeName,
} from '../binary/refTypes.ts';
import { readHeapType } from '../binary/valueTypes.ts';
import { convertedRef, defaultable, descriptorOf, isPacked, refToType, unpacked } from './gcTypes.ts';

/** `(ref null eq)`: ref.eq's operands. */
export const EQREF = abstractAnyRef(REF_KIND_EQ);
const ARRAYREF = abstractAnyRef(REF_KIND_ARRAY);
const I31REF = abstractAnyRef(REF_KIND_I31);

/** What GC's operators need of the function validator: the operand stack, labels, index immediates. */
export interface GcOperands {
  readonly module: ModuleInfo;
  readonly reader: Reader;
  pop(): number;
  popExpect(t: number): number;
  push(t: number): void;
  error(message: string): CompileError;
  /** The types a branch to a relative label carries. */
  label(relativeDepth: number): readonly ValType[];
  readDataIndex(): number;
  readElemIndex(): number;
}

function readType(v: GcOperands, kind: 'struct' | 'array'): { index: number; def: TypeDef } {
  const r = v.reader;
  const at = r.pos;
  const index = r.u32();
  const def = v.module.typeDefs[index];
  if (index >= v.module.types.length || def === undefined) throw r.error(`unknown type ${index}`, at);
  if (def.kind !== kind) throw v.error('type mismatch');
  return { index, def };
}

function readField(v: GcOperands, def: TypeDef): FieldType {
  const r = v.reader;
  const at = r.pos;
  const index = r.u32();
  const field = def.fields[index];
  if (field === undefined) throw r.error(`unknown field ${index}`, at);
  return field;
}

/** A get: a packed field only by get_s/get_u, any other only by get. */
function checkGet(v: GcOperands, field: FieldType, signed: boolean | undefined): void {
  if (isPacked(field.type) !== (signed !== undefined)) throw v.error('type mismatch');
}

const isNumericOrVector = (t: number): boolean =>
  t === T.i32 || t === T.i64 || t === T.f32 || t === T.f64 || t === T.v128 || t === PackedType.i8 || t === PackedType.i16;

// #region gc-operators
/** One operator of the 0xfb prefix, from its sub-opcode on; `at`: where the operator starts. */
export function validateGcOperator(v: GcOperands, at: number): void {
  const r = v.reader;
  const m = v.module;
  const supers = m.superTypes;
  const sub = r.u32();
  switch (sub) {
    case 0x00: case 0x01: case 0x20: case 0x21: { // struct.new, struct.new_default, struct.new_desc, struct.new_default_desc
      const { index, def } = readType(v, 'struct');
      const descriptor = descriptorOf(def);
      const withDesc = sub >= 0x20;
      if (withDesc && descriptor < 0) throw v.error('type without descriptor requires non-descriptor allocation');
      if (!withDesc && descriptor >= 0) throw v.error('type with descriptor requires descriptor allocation');
      if (withDesc) v.popExpect(refToType(m, descriptor, true) | REF_EXACT);
      if ((sub & 1) === 0) for (let k = def.fields.length - 1; k >= 0; k--) v.popExpect(unpacked(def.fields[k]!.type));
      else if (!defaultable(def.fields)) throw v.error('type mismatch');
      v.push(refToType(m, index, false) | REF_EXACT);
      return;
    }
    case 0x22: { // ref.get_desc: exact when the operand is (of exactly the type)
      const { index, def } = readAnyType(v);
      const descriptor = descriptorOf(def);
      if (descriptor < 0) throw v.error('type without descriptor');
      const expected = refToType(m, index, true);
      const t = v.pop(); // (popExpect gives the expected type back, not the operand's)
      if (t !== UNKNOWN_TYPE && !isSubtype(t, expected, supers)) throw v.error('type mismatch');
      const exact = t === UNKNOWN_TYPE || isSubtype(t, expected | REF_EXACT, supers);
      v.push(refToType(m, descriptor, false) | (exact ? REF_EXACT : 0));
      return;
    }
    case 0x23: case 0x24: { // ref.cast_desc_eq (ref ht), (ref null ht)
      const target = readHeapType(r, m);
      const type = sub === 0x23 ? asNonNull(target) : target;
      v.popExpect(descriptorOperand(v, type));
      v.popExpect(type & 0xff);
      v.push(type);
      return;
    }
    case 0x25: case 0x26: // br_on_cast_desc_eq, br_on_cast_desc_eq_fail
      brOnCast(v, sub === 0x26, true);
      return;
    case 0x02: case 0x03: case 0x04: { // struct.get, struct.get_s, struct.get_u
      const { index, def } = readType(v, 'struct');
      const field = readField(v, def);
      checkGet(v, field, sub === 0x02 ? undefined : sub === 0x03);
      v.popExpect(refToType(m, index, true));
      v.push(unpacked(field.type));
      return;
    }
    case 0x05: { // struct.set
      const { index, def } = readType(v, 'struct');
      const field = readField(v, def);
      if (!field.mutable) throw v.error('immutable field');
      v.popExpect(unpacked(field.type));
      v.popExpect(refToType(m, index, true));
      return;
    }
    case 0x06: case 0x07: case 0x08: { // array.new, array.new_default, array.new_fixed
      const { index, def } = readType(v, 'array');
      const elem = unpacked(def.fields[0]!.type);
      if (sub === 0x08) {
        const n = r.u32();
        for (let k = 0; k < n; k++) v.popExpect(elem);
      } else {
        v.popExpect(T.i32);
        if (sub === 0x06) v.popExpect(elem);
        else if (!defaultable(def.fields)) throw v.error('type mismatch');
      }
      v.push(refToType(m, index, false) | REF_EXACT);
      return;
    }
    case 0x09: case 0x0a: { // array.new_data, array.new_elem
      const { index, def } = readType(v, 'array');
      checkSegment(v, def.fields[0]!, sub === 0x09);
      v.popExpect(T.i32);
      v.popExpect(T.i32);
      v.push(refToType(m, index, false) | REF_EXACT);
      return;
    }
    case 0x0b: case 0x0c: case 0x0d: { // array.get, array.get_s, array.get_u
      const { index, def } = readType(v, 'array');
      const elem = def.fields[0]!;
      checkGet(v, elem, sub === 0x0b ? undefined : sub === 0x0c);
      v.popExpect(T.i32);
      v.popExpect(refToType(m, index, true));
      v.push(unpacked(elem.type));
      return;
    }
    case 0x0e: case 0x10: { // array.set, array.fill
      const { index, def } = readType(v, 'array');
      if (!def.fields[0]!.mutable) throw v.error('immutable array');
      if (sub === 0x10) v.popExpect(T.i32);
      v.popExpect(unpacked(def.fields[0]!.type));
      v.popExpect(T.i32);
      v.popExpect(refToType(m, index, true));
      return;
    }
    case 0x0f: // array.len
      v.popExpect(ARRAYREF);
      v.push(T.i32);
      return;
    case 0x11: { // array.copy
      const dest = readType(v, 'array');
      const source = readType(v, 'array');
      const d = dest.def.fields[0]!, s = source.def.fields[0]!;
      if (!d.mutable) throw v.error('immutable array');
      const fits = isPacked(d.type) || isPacked(s.type) ? d.type === s.type : isSubtype(s.type, d.type, supers);
      if (!fits) throw v.error('array types do not match');
      v.popExpect(T.i32);
      v.popExpect(T.i32);
      v.popExpect(refToType(m, source.index, true));
      v.popExpect(T.i32);
      v.popExpect(refToType(m, dest.index, true));
      return;
    }
    case 0x12: case 0x13: { // array.init_data, array.init_elem
      const { index, def } = readType(v, 'array');
      if (!def.fields[0]!.mutable) throw v.error('immutable array');
      checkSegment(v, def.fields[0]!, sub === 0x12);
      v.popExpect(T.i32);
      v.popExpect(T.i32);
      v.popExpect(T.i32);
      v.popExpect(refToType(m, index, true));
      return;
    }
    case 0x14: case 0x15: case 0x16: case 0x17: { // ref.test, ref.test null, ref.cast, ref.cast null
      const target = readHeapType(r, m);
      const type = sub === 0x14 || sub === 0x16 ? asNonNull(target) : target;
      // The operand: any reference of the target's hierarchy (its top, nullable, is the storage byte).
      v.popExpect(type & 0xff);
      v.push(sub < 0x16 ? T.i32 : type);
      return;
    }
    case 0x18: case 0x19: // br_on_cast, br_on_cast_fail
      brOnCast(v, sub === 0x19);
      return;
    case 0x1a: case 0x1b: { // any.convert_extern, extern.convert_any
      const from = sub === 0x1a ? T.externref : ANYREF;
      const t = v.pop();
      if (t !== UNKNOWN_TYPE && (t & 0xff) !== from) throw v.error('type mismatch');
      v.push(convertedRef(sub === 0x1a ? ANYREF : T.externref, t));
      return;
    }
    case 0x1c: // ref.i31
      v.popExpect(T.i32);
      v.push(I31REF | REF_NON_NULL);
      return;
    case 0x1d: case 0x1e: // i31.get_s, i31.get_u
      v.popExpect(I31REF);
      v.push(T.i32);
      return;
  }
  throw r.error(`illegal opcode fb ${sub}`, at);
}
// #endregion gc-operators

/** array.new_data/init_data: a data segment and numeric elements; array.new_elem/init_elem: an element segment whose type fits. */
function checkSegment(v: GcOperands, elem: FieldType, data: boolean): void {
  if (data) {
    if (!isNumericOrVector(elem.type)) throw v.error('array type is not numeric or vector');
    v.readDataIndex();
    return;
  }
  const seg = v.module.elements[v.readElemIndex()]!;
  if (isPacked(elem.type) || !isSubtype(seg.type, elem.type, v.module.superTypes)) throw v.error('type mismatch');
}

// #region br-on-cast
/**
 * br_on_cast l rt1 rt2: the operand, of type rt1, branches to l when it is an rt2 (which must be
 * a subtype of rt1), and stays as rt1 minus rt2 otherwise. br_on_cast_fail branches when it is
 * not, and stays as an rt2. The flags byte says which of rt1 and rt2 are nullable.
 */
function brOnCast(v: GcOperands, onFail: boolean, withDescriptor = false): void {
  const r = v.reader;
  const m = v.module;
  const supers = m.superTypes;
  const flagsAt = r.pos;
  const flags = r.u8();
  if (flags > 3) throw r.error('malformed br_on_cast flags', flagsAt);
  const depth = r.u32();
  const h1 = readHeapType(r, m), h2 = readHeapType(r, m);
  const rt1 = flags & 1 ? h1 : asNonNull(h1);
  const rt2 = flags & 2 ? h2 : asNonNull(h2);
  // The descriptor casts ask only that rt2 be of rt1's hierarchy (a non-null rt1 branches non-null).
  if (!isSubtype(rt2, withDescriptor ? rt1 & 0xff : rt1, supers)) throw v.error('type mismatch');
  const taken = withDescriptor && !isNullable(rt1) ? asNonNull(rt2) : rt2;
  const types = v.label(depth);
  const n = types.length;
  if (n === 0) throw v.error('type mismatch');
  if (withDescriptor) v.popExpect(descriptorOperand(v, rt2));
  v.popExpect(rt1);
  // What is left when the cast fails: rt1, non-null if a null would have passed the cast.
  const rest = isNullable(rt2) ? asNonNull(rt1) : rt1;
  if (!isSubtype(onFail ? rest : taken, types[n - 1]!, supers)) throw v.error('type mismatch');
  for (let k = n - 2; k >= 0; k--) v.popExpect(types[k]!);
  for (let k = 0; k < n - 1; k++) v.push(types[k]!);
  v.push(onFail ? taken : rest);
}
// #endregion br-on-cast

/**
 * A descriptor cast's second operand, for target `type` (a concrete type with a descriptor): a
 * reference to its descriptor type, nullable, exact when the target is.
 */
function descriptorOperand(v: GcOperands, type: number): ValType {
  const m = v.module;
  const index = refTypeIndex(type);
  // The canonical index names a type of the module (its first equivalent one).
  const descriptor = index >= 0 ? descriptorOf(m.typeDefs[index]) : -1;
  if (descriptor < 0) throw v.error(`type ${index >= 0 ? index : heapTypeName(type)} does not have a descriptor`);
  return refToType(m, descriptor, true) | (type & REF_EXACT);
}

/** The text name of an abstract heap type (for messages). */
function heapTypeName(t: number): string {
  return refTypeName(t).replace(/^\(ref (null )?/, '').replace(/\)$/, '');
}

/** A type index of any kind (ref.get_desc's immediate). */
function readAnyType(v: GcOperands): { index: number; def: TypeDef | undefined } {
  const r = v.reader;
  const at = r.pos;
  const index = r.u32();
  if (index >= v.module.types.length) throw r.error(`unknown type ${index}`, at);
  return { index, def: v.module.typeDefs[index] };
}
