// Types across modules. Every type gets a process-wide id, equal for equal types of any module
// (GC's recursion groups: equal groups, iso-recursively): call_indirect compares these ids, and
// imports are matched by them.
//
// Inside a module, a typed reference names its type by the module's canonical index
// (binary/refTypes.ts). Across modules those numbers mean nothing, so the runtime keeps its typed
// references in a global form: the same bits with the process-wide type id in place of the index
// (`globalRefType`). Equal global types are equal numbers, and refTypes' subtyping holds for them
// as it does inside a module: the JS boundary checks a `(ref $t)` value against the id it names,
// and imports of globals and tables compare global types.

import { isTypedRef, REF_INDEX_SHIFT, refTypeIndex } from '../binary/refTypes.ts';
import { descriptorKey } from '../binary/typeSection.ts';
import type { FuncType, ModuleInfo, ValType } from '../binary/types.ts';
import { signatureKey } from './runtime.ts';
import { superIds } from './supertypeIds.ts';

const typeIds = new Map<string, number>();

function intern(key: string): number {
  let id = typeIds.get(key);
  if (id === undefined) typeIds.set(key, (id = typeIds.size + 1));
  return id;
}

// #region canonical-type-ids
/** The process-wide id of a function type without typed references (equal types, equal ids). */
export function typeIdOf(type: FuncType): number {
  return intern(signatureKey(type));
}

/** A module's types as the runtime sees them: ids, and typed references in their global form. */
export interface ModuleTypes {
  /** The process-wide id of each type index. */
  readonly ids: Uint32Array;
  /** A value type of the module in its global form (numbers and abstract references: itself). */
  global(t: ValType): ValType;
  /** Type index i with its value types in global form (the module's own FuncType when it has no typed reference). */
  funcType(i: number): FuncType;
}

const byModule = new WeakMap<ModuleInfo, ModuleTypes>();

/**
 * Ids are given in type-index order, a recursion group at a time: a group names only its own
 * members and earlier types, whose ids are known. A function type alone in its group, final and
 * without supertype (every type of a module without GC) has the key it always had: its value
 * types, a reference to itself marked, as the decoder's canonicalization marks it (typeSection.ts).
 * Any other group has a key of all its members (kind, finality, supertype, fields or signature),
 * references into the group by position; each member's id is that key and its position.
 */
export function moduleTypes(info: ModuleInfo): ModuleTypes {
  let mt = byModule.get(info);
  if (mt) return mt;
  const ids = new Uint32Array(info.types.length);
  const global = (t: ValType): ValType => {
    const index = refTypeIndex(t);
    if (index < 0) return t;
    // The id must fit above the flag bits of a 31-bit number (2^17 distinct types in one process).
    if (ids[index]! >= 1 << (31 - REF_INDEX_SHIFT)) throw new RangeError('too many distinct types in this process');
    return (t & ((1 << REF_INDEX_SHIFT) - 1)) | (ids[index]! << REF_INDEX_SHIFT);
  };
  const globalTypes: (FuncType | undefined)[] = [];
  for (let i = 0; i < info.types.length; ) {
    const def = info.typeDefs[i];
    const size = def?.groupSize ?? 1;
    if (size === 1 && (def === undefined || (def.kind === 'func' && def.final && def.supertype < 0))) {
      idOfPlainFuncType(info, i, ids, global);
      i++;
      continue;
    }
    idsOfGroup(info, i, size, ids, global);
    i += size;
  }
  mt = {
    ids,
    global,
    funcType(i: number): FuncType {
      const type = info.types[i]!;
      if (!type.params.some(isTypedRef) && !type.results.some(isTypedRef)) return type;
      return (globalTypes[i] ??= { params: type.params.map(global), results: type.results.map(global) });
    },
  };
  byModule.set(info, mt);
  return mt;
}

function idOfPlainFuncType(info: ModuleInfo, i: number, ids: Uint32Array, global: (t: ValType) => ValType): void {
  const type = info.types[i]!;
  const canon = info.canonicalTypes[i] ?? i;
  if (canon !== i) ids[i] = ids[canon]!;
  else if (!type.params.some(isTypedRef) && !type.results.some(isTypedRef)) ids[i] = typeIdOf(type);
  else {
    const mark = (t: ValType) => (refTypeIndex(t) === i ? `s${t & 0x100}` : `${global(t)}`);
    ids[i] = intern(`ref ${type.params.map(mark).join()}>${type.results.map(mark).join()}`);
  }
}

/** The ids of a recursion group (GC): its key and each member's position; their supertypes recorded. */
function idsOfGroup(info: ModuleInfo, start: number, size: number, ids: Uint32Array, global: (t: ValType) => ValType): void {
  if ((info.canonicalTypes[start] ?? start) !== start) {
    for (let k = 0; k < size; k++) ids[start + k] = ids[info.canonicalTypes[start + k]!]!;
    return;
  }
  const low = (1 << REF_INDEX_SHIFT) - 1;
  const mark = (t: number) => {
    const index = refTypeIndex(t);
    return index >= start ? `r${index - start}:${t & low}` : `${global(t)}`;
  };
  const members: string[] = [];
  for (let k = 0; k < size; k++) {
    const def = info.typeDefs[start + k]!;
    const type = info.types[start + k]!;
    const sup = def.supertype < 0 ? '-' : def.supertype >= start ? `r${def.supertype - start}` : `${ids[def.supertype]}`;
    const fields = def.fields.map((f) => `${mark(f.type)}${f.mutable ? 'm' : ''}`).join();
    members.push(`${descriptorKey(def, start)}${def.kind}${def.final ? 'f' : 'o'}${sup}(${fields}|${type.params.map(mark).join()}>${type.results.map(mark).join()})`);
  }
  const key = `rec ${members.join(';')}`;
  for (let k = 0; k < size; k++) ids[start + k] = intern(`${key}#${k}`);
  for (let k = 0; k < size; k++) {
    const sup = info.typeDefs[start + k]!.supertype;
    superIds[ids[start + k]! - 1] = sup < 0 ? -1 : ids[sup]! - 1;
  }
}

// #endregion canonical-type-ids
