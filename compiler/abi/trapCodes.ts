// Trap codes: the number a trap stub puts in edi before jumping to the runtime's trap
// handler, and the message the spec (and its test suite) gives each trap.
// Runs in the browser: plain data.

// #region trap-codes
export const TrapCode = {
  /** Not a trap: the entry trampoline returns 0 when the call returned normally. */
  none: 0,
  unreachable: 1,
  integerDivideByZero: 2,
  integerOverflow: 3,
  invalidConversionToInteger: 4,
  outOfBoundsMemoryAccess: 5,
  outOfBoundsTableAccess: 6,
  undefinedElement: 7,
  uninitializedElement: 8,
  indirectCallTypeMismatch: 9,
  callStackExhausted: 10,
  nullReference: 11,
  nullFunctionReference: 12,
  unalignedAtomic: 13,
  castFailure: 14,
  outOfBoundsArrayAccess: 15,
  nullArrayReference: 16,
  nullStructureReference: 17,
  nullI31Reference: 18,
  /** throw_ref of a null exnref. */
  nullExceptionReference: 19,
  /** threads: memory.atomic.wait32/64 on a memory that is not shared. */
  expectedSharedMemory: 20,
  /** GC: an object too big for the heap, or the heap exhausted. */
  outOfMemory: 21,
  /** Custom descriptors: struct.new_desc or a descriptor cast given a null descriptor. */
  nullDescriptorReference: 22,
  /** Custom descriptors: ref.cast_desc_eq of a value whose descriptor is not the one given. */
  descriptorCastFailure: 23,
  /**
   * Not a wasm trap: a JS function called from wasm threw. The runtime unwinds the wasm
   * frames like a trap, then rethrows the JS exception, unchanged, to the caller of the export.
   */
  jsException: 0xfe,
  /**
   * Not a wasm trap: the function uses something the code generator cannot compile yet, so its
   * body was replaced by a stub that raises this (the spec runner skips such commands).
   */
  notImplemented: 0xfd,
  /**
   * Not a wasm trap: code compiled interruptible found its thread's interrupt flag set (a timeout,
   * an interrupt() from another thread, a worker being terminated). Unwinds like a trap.
   */
  interrupted: 0xfc,
  /**
   * Not a trap: the status with which the runtime resumes a call-out (a throw, or an import that
   * threw) when a handler of the running activation catches the exception. The call-out stub
   * takes its trap path, and the trap handler jumps to the handler's landing pad instead
   * (compiler/abi/exceptions.ts).
   */
  caught: 0xfb,
} as const;
export type TrapCode = (typeof TrapCode)[keyof typeof TrapCode];

/** The message of each trap, worded as in the spec test suite's `assert_trap` commands. */
export const TRAP_MESSAGES: Readonly<Record<number, string>> = {
  [TrapCode.unreachable]: 'unreachable',
  [TrapCode.integerDivideByZero]: 'integer divide by zero',
  [TrapCode.integerOverflow]: 'integer overflow',
  [TrapCode.invalidConversionToInteger]: 'invalid conversion to integer',
  [TrapCode.outOfBoundsMemoryAccess]: 'out of bounds memory access',
  [TrapCode.outOfBoundsTableAccess]: 'out of bounds table access',
  [TrapCode.undefinedElement]: 'undefined element',
  [TrapCode.uninitializedElement]: 'uninitialized element',
  [TrapCode.indirectCallTypeMismatch]: 'indirect call type mismatch',
  [TrapCode.callStackExhausted]: 'call stack exhausted',
  [TrapCode.nullReference]: 'null reference',
  [TrapCode.nullFunctionReference]: 'null function reference',
  [TrapCode.unalignedAtomic]: 'unaligned atomic',
  [TrapCode.nullExceptionReference]: 'null exception reference',
  [TrapCode.castFailure]: 'cast failure',
  [TrapCode.outOfBoundsArrayAccess]: 'out of bounds array access',
  [TrapCode.nullArrayReference]: 'null array reference',
  [TrapCode.nullStructureReference]: 'null structure reference',
  [TrapCode.nullI31Reference]: 'null i31 reference',
  [TrapCode.expectedSharedMemory]: 'expected shared memory',
  [TrapCode.outOfMemory]: 'out of memory',
  [TrapCode.nullDescriptorReference]: 'null descriptor reference',
  [TrapCode.descriptorCastFailure]: 'descriptor cast failure',
  [TrapCode.notImplemented]: 'not implemented yet',
  [TrapCode.interrupted]: 'interrupted',
};
// #endregion trap-codes

export function trapMessage(code: number): string {
  return TRAP_MESSAGES[code] ?? `unknown trap ${code}`;
}

/**
 * Function index and byte offset a trap stub passes when it does not know them
 * (a trap raised inside a runtime builtin, for instance). 0xffffffff in the 32-bit register.
 */
export const UNKNOWN_POSITION = 0xffffffff;
