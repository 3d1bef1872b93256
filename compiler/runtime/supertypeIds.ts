// GC's declared supertypes of the process's types (this thread's view), by type id: written by
// typeIds.ts as modules' types get their ids, read wherever a type id must be matched against
// another that may be its supertype (imports of functions, typed references from JS, and the
// runtime's table that call_indirect walks, SUPERTYPE_TABLE). No imports: values.ts reads it.

/** At id - 1 (a global reference's "canonical index", see refTypes.ts), the id - 1 of its supertype; -1 or absent: none. */
export const superIds: number[] = [];

/**
 * The declared supertypes for isRefSubtype on references in their global form (typeIds.ts's
 * `global`): indexed as those references' canonical indices are.
 */
export const globalSuperTypes: ArrayLike<number> = superIds;

/** The id of type id `id`'s declared supertype, 0 for none (SUPERTYPE_TABLE's entries). */
export const supertypeIdOf = (id: number): number => (superIds[id - 1] ?? -1) + 1;

/** Whether type id `sub` is `sup` or declares it, up its chain of supertypes. */
export function isSubtypeId(sub: number, sup: number): boolean {
  for (let id = sub; id > 0; id = supertypeIdOf(id)) if (id === sup) return true;
  return false;
}
