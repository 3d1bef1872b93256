// Return thunks: how a tail call runs in constant stack when our caller's frame cannot take the
// callee as it is (it needs more stack-argument space than our caller reserved for us, or it
// belongs to another instance, whose VMContext our caller must not see when control comes back).
// The code generator (compiler/codegen/returnThunks.ts) lays a thunk frame over ours and jumps;
// the runtime (compiler/runtime/stubs.ts) writes the thunks, one table per thread, whose address
// every VMContext holds (VMContextLayout.returnThunks).
//
//   [A]                 our caller's return address (where it was, or where an earlier thunk
//                       frame kept it): A is 8 below a multiple of 16
//   [A - 8]             the VMContext our caller runs with
//   [A - 8 - S, A - 8)  the callee's S bytes of stack arguments
//   [A - 16 - S]        the callee's return address: the thunk for S, at table + S
//
// The thunk for S runs `add rsp, S; pop r15; mov r14, [r15 + MEMORY_BASE]; ret`: it drops the
// arguments, restores our caller's VMContext and memory base, and returns to it with rsp where
// our caller's call left it (our caller then removes the stack arguments it reserved, as always).
// A tail call whose return address is a thunk (its address minus the table's is below
// TABLE_BYTES) reuses that thunk frame, A and all, instead of laying another: however long the
// chain, there is at most one thunk frame for it.

export const RETURN_THUNK = {
  /** The thunk for S bytes of stack arguments (a multiple of 16) is S bytes into the table. */
  STRIDE: 16,
  /** The most stack-argument bytes a signature takes (1,000 v128 parameters, the JS API's limit, take 15,872). */
  MAX_STACK_BYTES: 16384,
  /** Bytes of the table: a thunk for every S from 0 to MAX_STACK_BYTES. */
  TABLE_BYTES: 16384 + 16,
  /** The thunk frame: the saved VMContext below the caller's return address. */
  FRAME_BYTES: 16,
} as const;
