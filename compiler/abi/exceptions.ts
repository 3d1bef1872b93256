// Exception handling's part of the contract (WebAssembly 3.0, exnref): where generated code finds
// the handler chain, the throw routines and an exception's payload, and the handler record a
// try_table keeps in its frame. Runs in the browser: plain numbers.
//
// None of it is in the VMContext (whose layout every module's code depends on): it lives in the
// runtime's per-thread state block, which code reaches through `[r15 + VMCTX.RUNTIME_STATE]`.

// #region exception-state
/** Byte offsets in the runtime's state block (VMCTX.RUNTIME_STATE) that generated code uses. */
export const EXCEPTION_STATE = {
  /** u64: the innermost live handler record (HANDLER_RECORD), 0 when none. */
  HANDLERS: 104,
  /**
   * u64: the routine `throw` calls, under the internal convention with edi = the tag index, the
   * payload already written at EXCEPTION_AREA.PAYLOAD. It does not return.
   */
  THROW: 112,
  /** u64: the routine `throw_ref` calls with rdi = the exnref (null traps). It does not return. */
  THROW_REF: 120,
  /** The exception area (EXCEPTION_AREA): the payload thrown, or the one a landing pad receives. */
  AREA: 128 + 2 * 8 * 1024,
} as const;

/** Offsets in the exception area. */
export const EXCEPTION_AREA = {
  /** u64: the caught exception as an exnref (for catch_ref and catch_all_ref). */
  EXNREF: 0,
  /** u64 x 4: where the trap handler resumes a catch: the landing pad, and the rsp, rbp, r15 of its frame. */
  PC: 8,
  RSP: 16,
  RBP: 24,
  VMCTX: 32,
  /** The payload: one 8-byte slot a value, 16 bytes a v128, in order (as bufferOffsets lays them out). */
  PAYLOAD: 48,
  /** The area's size: the JS API's limit of 1,000 parameters, each a v128, fits. */
  SIZE: 48 + 16 * 1024,
} as const;
// #endregion exception-state

// #region handler-record
/**
 * A live try_table's handler record, in its function's frame: entering the try_table links it at
 * the head of the chain (EXCEPTION_STATE.HANDLERS), every way out of it unlinks it (the code
 * generator knows statically how many records a branch leaves).
 */
export const HANDLER_RECORD = {
  /** u64: the record that was the head before this one. */
  PREV: 0,
  /** u64 x 3: the frame's rsp, rbp and r15, which a landing pad runs with. */
  RSP: 8,
  RBP: 16,
  VMCTX: 24,
  /**
   * u64: address of the catch clauses: a u32 count, then per clause its kind (CatchKind: 0 catch,
   * 1 catch_ref, 2 catch_all, 3 catch_all_ref) and its tag index (u32 each).
   */
  CLAUSES: 32,
  /** u64: address of the landing pads' table: per clause an i32, the pad's offset from the table. */
  LANDINGS: 40,
  SIZE: 48,
} as const;
// #endregion handler-record
