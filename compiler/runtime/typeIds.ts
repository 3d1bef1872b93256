// Function types across modules. Every function type gets a process-wide id, equal for equal
// types of any module: call_indirect compares these ids, and imports are matched by them.
//
// Inside a module, a typed reference names its type by the module's canonical index
// (binary/refTypes.ts). Across modules those numbers mean nothing, so the runtime keeps its typed
// references in a global form: the same bits with the process-wide type id in place of the index
// (`globalRefType`). Equal global types are equal numbers, and refTypes' subtyping holds for them
// as it does inside a module: the JS boundary checks a `(ref $t)` value against the id it names,
// and imports of globals and tables compare global types.

import { isTypedRef, REF_INDEX_SHIFT, refTypeIndex } from '../binary/refTypes.ts';
import type { FuncType, ModuleInfo, ValType } from '../binary/types.ts';
import { signatureKey } from './runtime.ts';

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
 * Ids are given in type-index order: a type names only itself and earlier types (3.0's recursion
 * groups of one), so their ids are known; a reference to itself is marked in its key, as the
 * decoder's canonicalization marks it (sections.ts).
 */
export function moduleTypes(info: ModuleInfo): ModuleTypes {
  let mt = byModule.get(info);
  if (mt) return mt;
  const ids = new Uint32Array(info.types.length);
  const global = (t: ValType): ValType => {
    const index = refTypeIndex(t);
    if (index < 0) return t;
    // The id must fit above the flag bits of a 31-bit number (2^21 distinct types in one process).
    if (ids[index]! >= 1 << (31 - REF_INDEX_SHIFT)) throw new RangeError('too many distinct function types in this process');
    return (t & ((1 << REF_INDEX_SHIFT) - 1)) | (ids[index]! << REF_INDEX_SHIFT);
  };
  const globalTypes: (FuncType | undefined)[] = [];
  info.types.forEach((type, i) => {
    const canon = info.canonicalTypes[i] ?? i;
    if (canon !== i) {
      ids[i] = ids[canon]!;
      return;
    }
    if (!type.params.some(isTypedRef) && !type.results.some(isTypedRef)) {
      ids[i] = typeIdOf(type);
      return;
    }
    const mark = (t: ValType) => (refTypeIndex(t) === i ? `s${t & 0x100}` : `${global(t)}`);
    ids[i] = intern(`ref ${type.params.map(mark).join()}>${type.results.map(mark).join()}`);
  });
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
// #endregion canonical-type-ids
