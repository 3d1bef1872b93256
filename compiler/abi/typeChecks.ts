// GC's declared supertypes, as generated code checks them: a table of every type id's supertype
// id (0: none), one per thread, whose address the runtime's state block holds. A call_indirect
// that expects a type which may have subtypes (one not final) walks it when the ids differ.
// Runs in the browser: plain numbers.

import { EXCEPTION_AREA, EXCEPTION_STATE } from './exceptions.ts';

// #region supertype-table
export const SUPERTYPE_TABLE = {
  /** u64 in the state block (after the exception area): the table's address. */
  STATE_OFFSET: EXCEPTION_STATE.AREA + EXCEPTION_AREA.SIZE,
  /** Entries: one u32 per process-wide type id (ids fit in 17 bits: refTypes' REF_INDEX_SHIFT is 14; room to spare). */
  ENTRIES: 1 << 18,
  ENTRY_SIZE: 4,
} as const;
// #endregion supertype-table
