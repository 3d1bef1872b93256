// GC's typing rules shared by function bodies and constant expressions: what struct and array
// types a type index names, the value types of their fields, and the checks on declared
// supertypes (a type matches the one it names as supertype).

import { CompileError } from '../errors.ts';
import type { ConstInstr, FieldType, FuncType, ModuleInfo, TypeDef, ValType } from '../binary/types.ts';
import { PackedType, ValType as T } from '../binary/types.ts';
import {
  abstractAnyRef, ANYREF, concreteRef, isDefaultable, isNullable, isSubtype, REF_EXACT, REF_KIND_I31, REF_NON_NULL,
} from '../binary/refTypes.ts';
import { concreteTypeBits } from '../binary/valueTypes.ts';

/** The value type a field is read and written as: a packed field is an i32. */
export const unpacked = (t: number): ValType => (t === PackedType.i8 || t === PackedType.i16 ? T.i32 : t);
export const isPacked = (t: number): boolean => t === PackedType.i8 || t === PackedType.i16;

/** `(ref null? $index)` of a defined type, with its canonical number. */
export function refToType(m: ModuleInfo, index: number, nullable: boolean): ValType {
  return concreteRef(m.canonicalTypes[index] ?? index, nullable, concreteTypeBits(m, index));
}

/** The definition of type `index`, which must be a struct (`kind`) or an array type. */
export function definedType(m: ModuleInfo, index: number, kind: 'struct' | 'array', offset: number): TypeDef {
  const def = m.typeDefs[index];
  if (index >= m.types.length) throw new CompileError(`unknown type ${index}`, offset);
  if (def?.kind !== kind) throw new CompileError('type mismatch', offset);
  return def;
}

/** The function type at type index `index` (unknown or not a function type: invalid). */
export function funcTypeAt(m: ModuleInfo, index: number, offset: number): FuncType {
  const ft = m.types[index];
  if (!ft) throw new CompileError(`unknown type ${index}`, offset);
  const kind = m.typeDefs[index]?.kind;
  if (kind !== undefined && kind !== 'func') throw new CompileError('type mismatch', offset);
  return ft;
}

// #region gc-const-types
/**
 * The operand types a GC constant instruction takes, its immediates checked (empty for the other
 * constant instructions). struct.new_default and array.new_default need fields with defaults.
 */
export function gcConstOperands(m: ModuleInfo, e: ConstInstr, offset: number): ValType[] {
  switch (e.op) {
    case 'struct.new': case 'struct.new_desc': case 'struct.new_default': case 'struct.new_default_desc': {
      const def = definedType(m, e.type, 'struct', offset);
      const descriptor = descriptorOf(def);
      const withDesc = e.op === 'struct.new_desc' || e.op === 'struct.new_default_desc';
      if (withDesc && descriptor < 0) throw new CompileError('type without descriptor requires non-descriptor allocation', offset);
      if (!withDesc && descriptor >= 0) throw new CompileError('type with descriptor requires descriptor allocation', offset);
      const byDefault = e.op === 'struct.new_default' || e.op === 'struct.new_default_desc';
      if (byDefault) checkDefaultable(def.fields, offset);
      const types = byDefault ? [] : def.fields.map((f) => unpacked(f.type));
      if (withDesc) types.push(refToType(m, descriptor, true) | REF_EXACT);
      return types;
    }
    case 'array.new': return [unpacked(definedType(m, e.type, 'array', offset).fields[0]!.type), T.i32];
    case 'array.new_default':
      checkDefaultable(definedType(m, e.type, 'array', offset).fields, offset);
      return [T.i32];
    case 'array.new_fixed': return new Array<ValType>(e.count).fill(unpacked(definedType(m, e.type, 'array', offset).fields[0]!.type));
    case 'ref.i31': return [T.i32];
    case 'any.convert_extern': return [T.externref];
    case 'extern.convert_any': return [ANYREF];
    default: return [];
  }
}

/** The type a GC constant instruction gives (`operand`: the type of its one operand, for the conversions). */
export function gcConstResult(m: ModuleInfo, e: ConstInstr, operand: ValType): ValType {
  switch (e.op) {
    case 'struct.new': case 'struct.new_default': case 'array.new': case 'array.new_default': case 'array.new_fixed':
    case 'struct.new_desc': case 'struct.new_default_desc':
      return refToType(m, e.type, false) | REF_EXACT;
    case 'ref.i31': return abstractAnyRef(REF_KIND_I31) | REF_NON_NULL;
    case 'any.convert_extern': return convertedRef(ANYREF, operand);
    case 'extern.convert_any': return convertedRef(T.externref, operand);
    default: throw new Error(`not a GC constant: ${e.op}`);
  }
}
// #endregion gc-const-types

/**
 * any.convert_extern and extern.convert_any: the other hierarchy's top, as nullable as the operand
 * (0, the unknown type of unreachable code: non-null, which fits wherever either would).
 */
export function convertedRef(top: ValType, operand: ValType): ValType {
  return operand === 0 || !isNullable(operand) ? top | REF_NON_NULL : top;
}

/** Whether every field has a default value (zero, or null: not a non-nullable reference). */
export const defaultable = (fields: readonly FieldType[]): boolean => fields.every((f) => isPacked(f.type) || isDefaultable(f.type));
function checkDefaultable(fields: readonly FieldType[], offset: number): void {
  if (!defaultable(fields)) throw new CompileError('type mismatch', offset);
}

// #region subtype-checks
/**
 * The declared supertypes of types [first, m.types.length): each must be a type that is not final,
 * of the same kind, which this one matches: a function's parameters contravariant and results
 * covariant, a struct's fields a longer list whose first ones match the supertype's, an array's
 * element matching; a mutable field must keep its type, an immutable one may narrow it.
 */
export function checkSubtypes(m: ModuleInfo, first: number, offset: number): void {
  for (let i = first; i < m.types.length; i++) {
    const def = m.typeDefs[i]!;
    checkDescriptorClauses(m, i, offset);
    if (def.supertype < 0) continue;
    const sup = m.typeDefs[def.supertype]!;
    if (sup.final || sup.kind !== def.kind || !matches(m, i, def.supertype)) throw new CompileError('sub type', offset);
    const mismatch = descriptorMismatch(m, def, sup);
    if (mismatch >= 0) throw new CompileError(`${mismatch === 0 ? 'descriptor' : 'described'} type ${i} does not match`, offset);
  }
}

/** The descriptor (custom descriptors) of a type definition, -1 for none. */
export const descriptorOf = (def: TypeDef | undefined): number => def?.descriptor ?? -1;
/** The type a type definition describes, -1 for none. */
export const describedBy = (def: TypeDef | undefined): number => def?.describes ?? -1;

/**
 * Custom descriptors: `descriptor $x` names a struct type of the same recursion group that says
 * `describes` this one; `describes $y` names an earlier struct type of the group whose descriptor
 * is this one (so no type is in its own chain of descriptors). Only struct types have them.
 */
function checkDescriptorClauses(m: ModuleInfo, i: number, offset: number): void {
  const def = m.typeDefs[i]!;
  const descriptor = descriptorOf(def), describes = describedBy(def);
  if (descriptor < 0 && describes < 0) return;
  const inGroup = (x: number) => x >= def.group && x < def.group + def.groupSize;
  if (describes >= 0) {
    if (def.kind !== 'struct') throw new CompileError('described type must be a struct', offset);
    if (!inGroup(describes)) throw new CompileError('described type is outside rec group', offset);
    if (describes >= i) throw new CompileError('forward use of described type', offset);
    if (descriptorOf(m.typeDefs[describes]) !== i) throw new CompileError('type is not described by its descriptor', offset);
  }
  if (descriptor >= 0) {
    if (def.kind !== 'struct') throw new CompileError('descriptor type must be a struct', offset);
    if (!inGroup(descriptor)) throw new CompileError('descriptor type is outside rec group', offset);
    if (m.typeDefs[descriptor]?.kind !== 'struct') throw new CompileError('descriptor type must be a struct', offset);
    if (describedBy(m.typeDefs[descriptor]) !== i) throw new CompileError('described type is not described by descriptor', offset);
  }
}

/**
 * Custom descriptors' rules for a declared supertype: it has a descriptor only if the subtype has
 * one, and then the subtype's descriptor declares the supertype's as its supertype; it describes a
 * type exactly when the subtype does, and then the type the subtype describes declares the one the
 * supertype describes as its supertype. -1: they hold; 0: the descriptor rule fails; 1: the describes rule.
 */
function descriptorMismatch(m: ModuleInfo, def: TypeDef, sup: TypeDef): number {
  const canon = (x: number) => m.canonicalTypes[x] ?? x;
  const declares = (x: number, y: number) => {
    const s = m.typeDefs[x]!.supertype;
    return s >= 0 && canon(s) === canon(y);
  };
  const d = descriptorOf(def), ds = descriptorOf(sup);
  if (ds >= 0 && (d < 0 || !declares(d, ds))) return 0;
  const x = describedBy(def), xs = describedBy(sup);
  if ((x >= 0) !== (xs >= 0)) return 1;
  if (xs >= 0 && !declares(x, xs)) return 1;
  return -1;
}

function matches(m: ModuleInfo, sub: number, sup: number): boolean {
  const a = m.typeDefs[sub]!, b = m.typeDefs[sup]!;
  const supers = m.superTypes;
  if (a.kind === 'func') {
    const fa = m.types[sub]!, fb = m.types[sup]!;
    return fa.params.length === fb.params.length && fa.results.length === fb.results.length &&
      fb.params.every((t, k) => isSubtype(t, fa.params[k]!, supers)) &&
      fa.results.every((t, k) => isSubtype(t, fb.results[k]!, supers));
  }
  if (a.fields.length < b.fields.length) return false;
  return b.fields.every((f, k) => fieldMatches(a.fields[k]!, f, supers));
}

function fieldMatches(a: FieldType, b: FieldType, supers: ArrayLike<number>): boolean {
  if (a.mutable !== b.mutable) return false;
  if (isPacked(a.type) || isPacked(b.type)) return a.type === b.type;
  return isSubtype(a.type, b.type, supers) && (!a.mutable || isSubtype(b.type, a.type, supers));
}
// #endregion subtype-checks
