// The type section: recursion groups of function, struct and array types (GC), and their
// iso-recursive canonicalization, so that equal types are equal numbers (refTypes.ts).

import { Reader } from './reader.ts';
import type { FieldType, FuncType, ModuleInfo, TypeDef, ValType } from './types.ts';
import { NOT_A_FUNC_TYPE, PackedType } from './types.ts';
import { readValType } from './valueTypes.ts';
import { concreteTypeBits } from './valueTypes.ts';
import { gcHeapUse, gcUse, REF_INDEX_SHIFT, REF_KIND_SHIFT, refTypeIndex } from './refTypes.ts';

/** One defined type as read, before it knows its recursion group. */
interface SubType {
  readonly def: Omit<TypeDef, 'group' | 'groupSize'>;
  readonly func: FuncType;
}

function readMutability(r: Reader): boolean {
  const at = r.pos;
  const b = r.u8();
  if (b > 1) throw r.error('malformed mutability', at);
  return b === 1;
}

/** A struct field or an array element: a value type or a packed one (i8, i16), and its mutability. */
function readFieldType(r: Reader, m: ModuleInfo): FieldType {
  const b = r.pos < r.end ? r.bytes[r.pos]! : -1;
  let type: number;
  if (b === PackedType.i8 || b === PackedType.i16) {
    r.pos++;
    type = b;
  } else type = readValType(r, m);
  return { type, mutable: readMutability(r) };
}

function readValTypes(r: Reader, m: ModuleInfo): ValType[] {
  const n = r.count();
  const types: ValType[] = [];
  for (let i = 0; i < n; i++) types.push(readValType(r, m));
  return types;
}

// #region sub-type
/** `sub final? $super* comptype`, or a bare composite type (final, no supertype). */
function readSubType(r: Reader, m: ModuleInfo): SubType {
  let final = true;
  let supertype = -1;
  const b = r.pos < r.end ? r.bytes[r.pos]! : -1;
  if (b === 0x50 || b === 0x4f) { // sub, sub final
    r.pos++;
    gcUse.count++;
    final = b === 0x4f;
    const n = r.count();
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      const index = r.u32();
      if (i > 0) throw r.error('multiple supertypes', at);
      // Only types before this one may be named (also in its own group).
      if (index >= m.types.length) throw r.error(`unknown type ${index}`, at);
      supertype = index;
    }
  }
  // Custom descriptors: `describes $y`, then `descriptor $x`, each at most once, on a struct type.
  let describes = -1, descriptor = -1;
  if (r.pos < r.end && r.bytes[r.pos] === 0x4c) {
    r.pos++;
    describes = r.u32();
  }
  if (r.pos < r.end && r.bytes[r.pos] === 0x4d) {
    r.pos++;
    descriptor = r.u32();
  }
  if (describes >= 0 || descriptor >= 0) {
    const at = r.pos;
    if (r.pos < r.end && r.bytes[r.pos] !== 0x5f && r.bytes[r.pos] !== 0x5e && r.bytes[r.pos] !== 0x60) throw r.error('malformed definition type', at);
    const sub = readCompType(r, m, final, supertype);
    const descriptorAfter = descriptor < 0 ? -1 : descriptorSlotAfter(m, supertype);
    return { def: { ...sub.def, describes, descriptor, descriptorAfter }, func: sub.func };
  }
  return readCompType(r, m, final, supertype);
}

/**
 * Where a type with a descriptor keeps it: after the fields of its nearest supertype without one
 * (an earlier type: its definition is known).
 */
function descriptorSlotAfter(m: ModuleInfo, supertype: number): number {
  if (supertype < 0) return 0;
  const sup = m.typeDefs[supertype]!;
  if ((sup.descriptor ?? -1) >= 0) return sup.descriptorAfter ?? 0;
  return sup.fields.length;
}

/** A composite type: func, struct or array. */
function readCompType(r: Reader, m: ModuleInfo, final: boolean, supertype: number): SubType {
  const at = r.pos;
  const form = r.u8();
  switch (form) {
    case 0x60: {
      const params = readValTypes(r, m);
      const results = readValTypes(r, m);
      return { def: { kind: 'func', final, supertype, fields: [] }, func: { params, results } };
    }
    case 0x5f: { // struct
      gcUse.count++;
      gcHeapUse.count++;
      const n = r.count();
      const fields: FieldType[] = [];
      for (let i = 0; i < n; i++) fields.push(readFieldType(r, m));
      return { def: { kind: 'struct', final, supertype, fields }, func: NOT_A_FUNC_TYPE };
    }
    case 0x5e: // array
      gcUse.count++;
      gcHeapUse.count++;
      return { def: { kind: 'array', final, supertype, fields: [readFieldType(r, m)] }, func: NOT_A_FUNC_TYPE };
  }
  // The form is a signed LEB128 in the spec's grammar: a multi-byte one is overlong.
  if (form & 0x80) throw r.error('integer representation too long', at);
  throw r.error('malformed function type', at);
}
// #endregion sub-type

/** The type section: a vector of recursion groups (`rec` 0x4e, or a single subtype as a group of one). */
export function readTypeSection(r: Reader, m: ModuleInfo): void {
  const n = r.count();
  const byKey = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    let size = 1;
    if (r.pos < r.end && r.bytes[r.pos] === 0x4e) {
      r.pos++;
      gcUse.count++;
      size = r.count();
    }
    readRecGroup(r, m, size, byKey);
  }
}

// #region canonical-types
/**
 * A recursion group of `size` types: each may name any type of its group and the types before it.
 * Two groups are equivalent when they are equal member by member, a reference into its own group
 * counting by position; references to earlier types are already by canonical index. So a key of
 * the numbers (references into the group marked by position) finds the first equivalent group,
 * and this group's types take its indices.
 */
function readRecGroup(r: Reader, m: ModuleInfo, size: number, byKey: Map<string, number>): void {
  const start = m.types.length;
  const canon = m.canonicalTypes;
  for (let k = 0; k < size; k++) canon.push(start + k); // provisional: the group may name itself
  const read: SubType[] = [];
  for (let k = 0; k < size; k++) {
    const sub = readSubType(r, m);
    read.push(sub);
    // Later members may name this one: it counts as a type of the module from here (typeDefs says what it is).
    m.types.push(sub.func);
    m.typeDefs.push({ ...sub.def, group: start, groupSize: size });
  }
  // A reference to a later member of the group was read before that member said what it is.
  const inGroup = (t: number) => refTypeIndex(t) >= start;
  const fixBits = (t: number) =>
    inGroup(t) ? (t & ~0xff & ~(7 << REF_KIND_SHIFT)) | concreteTypeBits(m, refTypeIndex(t)) : t;
  // The key: a reference into the group by its position, an earlier type by its canonical number.
  const low = (1 << REF_INDEX_SHIFT) - 1;
  const mark = (t: number) => (inGroup(t) ? `r${refTypeIndex(t) - start}:${t & low}` : `${t}`);
  const keys: string[] = [];
  for (let k = 0; k < size; k++) {
    const i = start + k;
    const { def, func } = read[k]!;
    const fields = def.fields.map((f) => ({ type: fixBits(f.type), mutable: f.mutable }));
    const fixed = func === NOT_A_FUNC_TYPE ? func : { params: func.params.map(fixBits), results: func.results.map(fixBits) };
    m.typeDefs[i] = { ...def, fields, group: start, groupSize: size };
    m.types[i] = fixed;
    const sup = def.supertype < 0 ? '-' : def.supertype >= start ? `r${def.supertype - start}` : `${canon[def.supertype]}`;
    keys.push(`${descriptorKey(def, start)}${def.kind}${def.final ? 'f' : 'o'}${sup}(${fields.map((f) => `${mark(f.type)}${f.mutable ? 'm' : ''}`).join()}|${fixed.params.map(mark).join()}>${fixed.results.map(mark).join()})`);
  }
  const key = keys.join(';');
  const first = byKey.get(key);
  if (first === undefined) {
    byKey.set(key, start);
    for (let k = 0; k < size; k++) {
      const sup = m.typeDefs[start + k]!.supertype;
      m.superTypes.push(sup < 0 ? -1 : canon[sup]!);
    }
    return;
  }
  // An equivalent group came first: this one's types are that one's, member by member.
  const rename = (t: number) =>
    inGroup(t) ? (t & low) | ((first + refTypeIndex(t) - start + 1) << REF_INDEX_SHIFT) : t;
  for (let k = 0; k < size; k++) {
    const i = start + k;
    canon[i] = first + k;
    const def = m.typeDefs[i]!;
    const func = m.types[i]!;
    m.typeDefs[i] = { ...def, fields: def.fields.map((f) => ({ type: rename(f.type), mutable: f.mutable })) };
    if (func !== NOT_A_FUNC_TYPE) m.types[i] = { params: func.params.map(rename), results: func.results.map(rename) };
    m.superTypes.push(m.superTypes[first + k]!);
  }
}
// #endregion canonical-types

/**
 * Custom descriptors' clauses in a canonical key: part of a type's identity. They name members of
 * the type's own group (the validator rejects others), so by position; '' when there are none.
 */
export function descriptorKey(def: Pick<TypeDef, 'describes' | 'descriptor'>, start: number): string {
  const describes = def.describes ?? -1, descriptor = def.descriptor ?? -1;
  if (describes < 0 && descriptor < 0) return '';
  const at = (i: number) => (i < 0 ? '-' : i >= start ? `r${i - start}` : `o${i}`);
  return `<${at(describes)}>${at(descriptor)}`;
}
