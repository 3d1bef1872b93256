// The runtime's per-thread native state: one block of memory the entry trampoline, the trap
// handler and the call-out stubs address absolutely (its address is baked into them).

import { EXCEPTION_STATE, SUPERTYPE_TABLE } from '../abi/index.ts';
import { GC_REGION } from '../abi/gcObjects.ts';

/** Byte offsets in the state block. */
// #region runtime-state
export const STATE = {
  /** u64: rsp of the innermost activation's record on the wasm stack; the trap handler resets rsp to it. */
  ENTRY_RSP: 0,
  /** u32 x 3: the last trap's code, wasm byte offset and function index. */
  TRAP_CODE: 8,
  TRAP_OFFSET: 12,
  TRAP_FUNC: 16,
  /** u32: which call-out handler a suspended activation asks for. */
  CALLOUT_ID: 20,
  /** u64: the stack limit every VMContext gets. */
  STACK_LIMIT: 24,
  /** u64: r15 of the wasm code that called out to JS or a builtin (which instance is calling). */
  CALLOUT_VMCTX: 32,
  /** u64 x 3: what the next entry calls: r15, the adapter, the function (JS writes them just before). */
  CALL_VMCTX: 40,
  CALL_ADAPTER: 48,
  CALL_FUNC: 56,
  /** u64: the return address of the wasm call that is calling out (to locate a builtin's trap). */
  CALLOUT_RETURN: 64,
  /** u64: rsp on koffi's stack of the running entry() or resume() call, to return to JS. */
  KOFFI_RSP: 72,
  /** u64: where the wasm stack is free: its top, or the rsp of the innermost suspended activation. */
  WASM_SP: 80,
  /** u64 x 2: the return address and r15 of the last trap-site call (see VMCTX.TRAP_SITE_HANDLER). */
  TRAP_RETURN: 88,
  TRAP_VMCTX: 96,
  /** u64 x 3 at 104, 112, 120: exception handling's (compiler/abi/exceptions.ts, EXCEPTION_STATE). */
  /** Arguments in, results out, of a call from JS into wasm: 8-byte slots. */
  ENTRY_BUFFER: 128,
  /** Arguments in, results out, of a call from wasm out to JS or a builtin. */
  CALLOUT_BUFFER: 128 + 8 * 1024,
  /**
   * The exception area (EXCEPTION_STATE.AREA), the supertype table's address
   * (SUPERTYPE_TABLE.STATE_OFFSET), GC's allocation region (GC_REGION), then the end.
   */
  SIZE: GC_REGION.TOP + GC_REGION.SIZE,
} as const;
/** Slots in each buffer: the JS API allows 1000 params and 1000 results. */
export const BUFFER_SLOTS = 1024;
// #endregion runtime-state

/** Typed views over one 8-byte-slot buffer, for writing arguments and reading results. */
export class SlotViews {
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  readonly i64: BigInt64Array;
  constructor(buffer: ArrayBuffer, byteOffset: number, slots = BUFFER_SLOTS) {
    this.i32 = new Int32Array(buffer, byteOffset, slots * 2);
    this.u32 = new Uint32Array(buffer, byteOffset, slots * 2);
    this.f32 = new Float32Array(buffer, byteOffset, slots * 2);
    this.f64 = new Float64Array(buffer, byteOffset, slots);
    this.i64 = new BigInt64Array(buffer, byteOffset, slots);
  }
  /** A 64-bit address or handle (below 2^53) as a number. */
  getAddress(slot: number): number {
    return this.u32[slot * 2]! + this.u32[slot * 2 + 1]! * 0x100000000;
  }
  setAddress(slot: number, value: number): void {
    this.u32[slot * 2] = value >>> 0;
    this.u32[slot * 2 + 1] = Math.floor(value / 0x100000000);
  }
}
