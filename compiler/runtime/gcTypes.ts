// GC's struct and array types as the heap sees them: for each type id, where its objects hold
// references (for marking) and how big they are. Registered when an instance of a module that
// declares such types is made (instance.ts), before its first object is allocated.

import { fieldSize, headerWord, structLayoutOf, type StructLayout } from '../abi/gcObjects.ts';
import { isRefTypeCode } from '../binary/refTypes.ts';
import type { ModuleInfo, TypeDef } from '../binary/types.ts';
import { getGcHeap, type ObjectShape } from './gcHeap.ts';
import { moduleTypes } from './typeIds.ts';

// #region gc-type-shapes
/** The heap's shape of a struct or array type (undefined for a function type). */
export function shapeOfType(def: TypeDef): ObjectShape | undefined {
  if (def.kind === 'struct') {
    const layout = structLayoutOf(def);
    const refOffsets = layout.offsets.filter((_, k) => isRefTypeCode(def.fields[k]!.type));
    // A described struct's descriptor is a reference too (custom descriptors).
    if (layout.descriptor >= 0) refOffsets.push(layout.descriptor);
    return { kind: 'struct', size: layout.size, refOffsets: refOffsets.sort((a, b) => a - b) };
  }
  if (def.kind === 'array') {
    const elem = def.fields[0]!.type;
    return { kind: 'array', elementSize: fieldSize(elem), elementIsRef: isRefTypeCode(elem) };
  }
  return undefined;
}

/** Register every struct and array type of a module with this thread's heap (once per type id). */
export function registerGcTypes(info: ModuleInfo): void {
  const heap = getGcHeap();
  const ids = moduleTypes(info).ids;
  info.typeDefs.forEach((def, i) => {
    if (def === undefined || def.kind === 'func' || heap.shapeOf(ids[i]!) !== undefined) return;
    heap.registerType(ids[i]!, shapeOfType(def)!);
  });
}
// #endregion gc-type-shapes

/** What the runtime needs to make objects of one module's type index (layouts made once per module). */
export interface GcTypeInfo {
  /** The header dword of the type's objects. */
  readonly header: number;
  readonly def: TypeDef;
  /** A struct's layout; an array's element size. */
  readonly layout?: StructLayout;
  readonly elementSize: number;
}

const infoByModule = new WeakMap<ModuleInfo, (GcTypeInfo | undefined)[]>();

/** Type index t of a module as the builtins and constant expressions make its objects. */
export function gcTypeInfo(info: ModuleInfo, t: number): GcTypeInfo {
  let all = infoByModule.get(info);
  if (!all) infoByModule.set(info, (all = []));
  let ti = all[t];
  if (!ti) {
    const def = info.typeDefs[t]!;
    const id = moduleTypes(info).ids[t]!;
    if (def.kind === 'struct') ti = { header: headerWord(id, 'struct'), def, layout: structLayoutOf(def), elementSize: 0 };
    else if (def.kind === 'array') ti = { header: headerWord(id, 'array'), def, elementSize: fieldSize(def.fields[0]!.type) };
    else throw new TypeError(`type ${t} is not a struct or array type`);
    all[t] = ti;
  }
  return ti;
}
