// The VMContext: the block of native memory an instance's code reaches through r15.
// A fixed header, then areas whose size depends on the module (how many imports, functions,
// types, tables, globals), at offsets computed by vmContextLayout. The code generator reads
// offsets from here; the runtime fills the block. Runs in the browser: plain numbers.

import type { ModuleInfo } from '../binary/types.ts';

// #region vmcontext-header
/** Fixed fields at the start of every VMContext (byte offsets from r15). */
export const VMCTX = {
  /** u64: address of linear memory 0 (also kept in r14); 0 when the module has no memory. */
  MEMORY_BASE: 0,
  /**
   * u64: current size of memory 0 in bytes. The runtime updates it on every grow, from wasm or JS
   * (a shared memory's lags another thread's grow until a failed check refreshes it: SHARED_MEMORY_AREA).
   */
  MEMORY_SIZE: 8,
  /**
   * u64: the lowest rsp wasm code may run at. Each prologue does
   * `cmp rsp, [r15 + STACK_LIMIT]` + `jb <trap stub for callStackExhausted>`.
   * A function whose frame is larger than MAX_UNCHECKED_FRAME must compare `rsp - frameSize` instead.
   */
  STACK_LIMIT: 16,
  /**
   * u64: address of the runtime's trap handler. A trap stub does
   * `mov edi, <TrapCode>` / `mov esi, <wasm byte offset>` / `mov edx, <function index>` /
   * `jmp qword [r15 + TRAP_HANDLER]`. rsp may be anything (the handler resets it); r15 must
   * be a valid VMContext.
   */
  TRAP_HANDLER: 24,
  /** u64: the runtime's private per-thread state (entry frame chain, trap record). Not for codegen. */
  RUNTIME_STATE: 32,
  /**
   * u64: address of the runtime's trap handler for trap sites. Generated code traps with
   * `call qword [r15 + TRAP_SITE_HANDLER]` (4 bytes, nothing else): the return address names the
   * trap site, and the runtime finds its trap code, function and wasm offset in the module's
   * trapSites (compiler/abi/compiledModule.ts). r15 must be the instance's VMContext.
   */
  TRAP_SITE_HANDLER: 40,
  /**
   * i64: MEMORY_SIZE - 4 and MEMORY_SIZE - 8 (negative for a smaller memory), kept with it: a
   * 4- or 8-byte access at the zero-extended address a is in bounds iff a <= the bound (a signed
   * compare), one `cmp` + `jg` where a computed end would take an `lea` more.
   */
  MEMORY_BOUND_4: 48,
  MEMORY_BOUND_8: 56,
  /**
   * u64: address of the thread's interrupt flag (a u32; non-zero asks running code to stop).
   * Code compiled interruptible checks it at function entries and loop heads:
   * `mov r11, [r15 + INTERRUPT_FLAG]` / `cmp dword [r11], 0` / `jne <trap stub for interrupted>`.
   */
  INTERRUPT_FLAG: 64,
  /** Size of the fixed header; the builtin table follows. */
  HEADER_SIZE: 72,
} as const;

/** Stack a function may use below the checked rsp without checking its frame size itself. */
export const MAX_UNCHECKED_FRAME = 16 * 1024;
/**
 * A leaf function (no call of any kind) with a frame up to this size has no stack check: the
 * frame of its caller, which passed its own check, and its own fit in the red zone together.
 */
export const MAX_UNCHECKED_LEAF_FRAME = 4 * 1024;
// #endregion vmcontext-header

// #region builtins
/**
 * Runtime routines generated code calls with `call qword [r15 + builtinOffset(b)]`, under the
 * internal convention (integer arguments in rdi, rsi, rdx, rcx, r8, r9; result in rax/eax;
 * all caller-saved registers clobbered; r14/r15 preserved). They may trap: then they do not
 * return (the trap unwinds to the entry trampoline). The trap is reported in the calling function;
 * with its wasm offset too if the code generator recorded a TrapSite whose codeOffset is the
 * offset right after the `call` instruction (the return address).
 * Table and segment arguments are indices in the calling instance's index spaces.
 */
export const Builtin = {
  /** (deltaPages: i32) -> i32 old size in pages, or -1. Updates MEMORY_SIZE of every instance sharing the memory. */
  memoryGrow: 0,
  /** (dst: i32, value: i32, len: i32) -> void; traps out of bounds. */
  memoryFill: 1,
  /** (dst: i32, src: i32, len: i32) -> void; traps out of bounds. */
  memoryCopy: 2,
  /** (dataSegment: i32, dst: i32, src: i32, len: i32) -> void. */
  memoryInit: 3,
  /** (dataSegment: i32) -> void. */
  dataDrop: 4,
  /** (table: i32, init: ref (u64), delta: i32) -> i32 old length or -1. */
  tableGrow: 5,
  /** (table: i32, index: i32, value: ref (u64), len: i32) -> void. */
  tableFill: 6,
  /** (dstTable: i32, srcTable: i32, dst: i32, src: i32, len: i32) -> void. */
  tableCopy: 7,
  /** (table: i32, elemSegment: i32, dst: i32, src: i32, len: i32) -> void. */
  tableInit: 8,
  /** (elemSegment: i32) -> void. */
  elemDrop: 9,
} as const;
export type Builtin = (typeof Builtin)[keyof typeof Builtin];
export const BUILTIN_COUNT = 10;

/**
 * The builtins of memories other than memory 0 (multi-memory), taking the memory's index first;
 * integer arguments as above, addresses and sizes 64 bits wide (a memory64 memory's are i64; a
 * 32-bit memory's are read from the low half). Their table exists only in the VMContext of a
 * module with more than one memory (VMContextLayout.memoryBuiltin), so the layout of every other
 * module is as it was.
 */
export const MemoryBuiltin = {
  /** (memory: i32, deltaPages) -> old size in pages, or -1. */
  grow: 0,
  /** (memory: i32, dst, value: i32, len) -> void; traps out of bounds. */
  fill: 1,
  /** (dstMemory: i32, srcMemory: i32, dst, src, len) -> void; traps out of bounds. */
  copy: 2,
  /** (memory: i32, dataSegment: i32, dst, src: i32, len: i32) -> void; traps out of bounds. */
  init: 3,
} as const;
export type MemoryBuiltin = (typeof MemoryBuiltin)[keyof typeof MemoryBuiltin];
export const MEMORY_BUILTIN_COUNT = 4;

/**
 * threads: waiting and waking on a shared memory. Their table exists only in the VMContext of a
 * module that has a shared memory (VMContextLayout.atomicBuiltin): on an unshared memory, notify
 * wakes no one and wait traps, and the code generator says so without a call. Integer arguments
 * are 64-bit slots: the memory index, the memarg offset (up to 2^64 - 1 with memory64), the
 * address operand (i32 or i64 by the memory), then the operator's own. They check the access
 * (bounds, then alignment) and trap as an atomic access would.
 */
export const AtomicBuiltin = {
  /** (memory: i32, memOffset: i64, address, count: i32) -> i32 waiters woken. */
  notify: 0,
  /** (memory: i32, memOffset: i64, address, expected: i32, timeoutNs: i64) -> i32 0 ok, 1 not-equal, 2 timed-out. */
  wait32: 1,
  /** (memory: i32, memOffset: i64, address, expected: i64, timeoutNs: i64) -> i32, as wait32. */
  wait64: 2,
} as const;
export type AtomicBuiltin = (typeof AtomicBuiltin)[keyof typeof AtomicBuiltin];
export const ATOMIC_BUILTIN_COUNT = 3;

// #region shared-memory-area
/**
 * threads: another thread's memory.grow on a shared memory leaves this instance's copy of the
 * size (MEMORY_SIZE, the bounds beside it, a MEMORY_ENTRY's SIZE) smaller than the memory; a
 * memory only grows, so a stale copy never lets an access through that should trap. The area
 * (only in the VMContext of a module with a shared memory, after the atomic builtins) names each
 * shared memory's size word (compiler/runtime/linearMemory.ts: SharedBacking), which every grow
 * in any thread raises:
 *
 * - memory.size of a shared memory reads the word: `mov r, [r15 + WORD(m)]`, `mov r, [r]`.
 * - a bounds check that fails, in such a module, calls REFRESH (`push rax`, `lea rax, [r15 +
 *   area]`, `call [r15 + area + REFRESH]`, `pop rax`) and retries: the routine raises every
 *   copy of a size below its word, restores every register but the flags, and returns when one
 *   grew; when none did it jumps to TRAP_SITE_HANDLER, whose return address (the `pop rax`) is
 *   the check's trap site.
 */
export const SHARED_MEMORY_AREA = {
  /** u64: address of the runtime's refresh routine. */
  REFRESH: 0,
  /** u64: the number of entries (the module's memories). */
  COUNT: 8,
  /** The entries, one per memory: its size word's address (0: not shared), and the VMContext offset of its size. */
  ENTRIES: 16,
  ENTRY_BYTES: 16,
  WORD: 0,
  SIZE_FIELD: 8,
} as const;
// #endregion shared-memory-area

/**
 * GC: making structs and arrays, and arrays' bulk operations. Their table exists only in the
 * VMContext of a module that declares a struct or array type (VMContextLayout.gcBuiltin), so every
 * other module's layout is as it was. Integer arguments are 64-bit slots; an object is its
 * address (a reference word, runtime/values.ts). Type and segment indices are the calling
 * module's. Those taking an array trap on null ("null array reference") and out of bounds ("out
 * of bounds array access"), and every allocation may trap "out of memory"; the others check
 * nothing (the generated code did). A `value` is an element's bits in the low bytes of the slot
 * (a float's too), a v128 in the 16-byte slot of the Vector variants.
 */
export const GcBuiltin = {
  /** (typeIndex) -> address of a new struct, zeroed. */
  structNew: 0,
  /** (typeIndex, length: i32) -> address of a new array, zeroed. */
  arrayNew: 1,
  /** (typeIndex, value, length: i32) -> address: array.new. */
  arrayNewFilled: 2,
  /** (typeIndex, value: v128, length: i32) -> address: array.new of a v128 array. */
  arrayNewFilledVector: 3,
  /** (typeIndex, dataSegment, offset: i32, length: i32) -> address: array.new_data. */
  arrayNewData: 4,
  /** (typeIndex, elemSegment, offset: i32, length: i32) -> address: array.new_elem. */
  arrayNewElem: 5,
  /** (array, index: i32, value, length: i32) -> void: array.fill. */
  arrayFill: 6,
  /** (array, index: i32, value: v128, length: i32) -> void: array.fill of a v128 array. */
  arrayFillVector: 7,
  /** (dst array, dstIndex: i32, src array, srcIndex: i32, length: i32) -> void: array.copy. */
  arrayCopy: 8,
  /** (dataSegment, array, dstIndex: i32, offset: i32, length: i32) -> void: array.init_data. */
  arrayInitData: 9,
  /** (elemSegment, array, dstIndex: i32, offset: i32, length: i32) -> void: array.init_elem. */
  arrayInitElem: 10,
} as const;
export type GcBuiltin = (typeof GcBuiltin)[keyof typeof GcBuiltin];
export const GC_BUILTIN_COUNT = 11;

/**
 * A memory other than memory 0 in the VMContext (memory 0 has its fields in the header): its
 * base address and its size in bytes, which the runtime updates on every grow.
 */
export const MEMORY_ENTRY = {
  BASE: 0,
  SIZE: 8,
  BYTES: 16,
} as const;

/**
 * GC: a passive segment as array.new_data and array.new_elem read it inline, in the VMContext
 * of a module that declares a struct or array type (VMContextLayout.gcSegment): a data segment's
 * bytes, or an element segment's reference words (8 bytes each), in native memory the instance
 * owns. BYTES is 0 for a segment that is dropped (active and declarative ones from the start),
 * which then traps as the empty segment the spec makes it.
 */
export const SEGMENT_ENTRY = {
  /** u64: the address of the segment's first byte. */
  BASE: 0,
  /** u64: its length in bytes (an element segment's: 8 per item). */
  BYTES: 8,
  SIZE: 16,
} as const;
// #endregion builtins

// #region funcref-record
/**
 * A function reference (funcref value, table element, `ref.func` result) is the address of
 * one of these records, or 0 for null. One record per function, so equal functions have
 * equal references across instances.
 * To call one: check the type; if VMCTX is the caller's r15, `call [ref + CODE]` under the
 * internal convention; else save r15, `mov r15, [ref + VMCTX]`, `mov r14, [r15 + MEMORY_BASE]`,
 * call, then restore r15 and r14.
 */
export const FUNCREF = {
  /** u64: entry of the function's code, expecting r15/r14 of VMCTX below. */
  CODE: 0,
  /** u64: the VMContext the code expects in r15. */
  VMCTX: 8,
  /** u32: canonical type id; compare with the caller's TYPE_IDS entry for call_indirect. */
  TYPE_ID: 16,
  SIZE: 24,
} as const;
// #endregion funcref-record

// #region table-descriptor
/**
 * A table's entry in every VMContext that uses it (the instance that defines it and every one
 * that imports it): a copy of where its elements are and how many there are. Elements are 8
 * bytes: a FuncRef record address for funcref, an externref handle (0 = null) for externref.
 * BASE moves when the table grows beyond its capacity and LENGTH changes when it grows: the
 * runtime rewrites the copies in every instance using the table then, as it rewrites memory
 * sizes, so code reads them straight from r15 and loads them again after any call.
 */
export const TABLE = {
  /** u64: address of element 0. */
  BASE: 0,
  /** u32 (upper 4 bytes zero): current number of elements. */
  LENGTH: 8,
  /** Bytes of one VMContext entry. */
  SIZE: 16,
  ELEMENT_SIZE: 8,
} as const;

/**
 * A table's length if it can never change, else -1: its maximum is its minimum (below 2^31, a
 * compare's immediate). A table never shrinks, so it has at least its minimum; an imported one
 * must have a maximum no larger than the import's, so it has the same length as one defined here
 * would. Its element array never moves either (it has room for the whole length from the start):
 * its code checks indices against the length as an immediate, and table.size is a constant.
 */
export function fixedTableLength(limits: { readonly min: number; readonly max?: number }): number {
  return limits.max === limits.min && limits.min < 0x80000000 ? limits.min : -1;
}
// #endregion table-descriptor

/**
 * A global lives in a 16-byte cell (room for v128); VMContext holds a pointer to it, so
 * imported and exported globals are shared by reference. i32/f32 use the low 4 bytes.
 */
export const GLOBAL_CELL_SIZE = 16;

// #region vmcontext-layout
/** What the layout depends on: counts from the module. */
export interface VMContextCounts {
  readonly importedFunctions: number;
  /** All functions, imported ones included (the function index space). */
  readonly functions: number;
  readonly types: number;
  /** All tables, imported ones included. */
  readonly tables: number;
  /** All globals, imported ones included. */
  readonly globals: number;
  /** All memories, imported ones included (absent: at most one). */
  readonly memories?: number;
  /** threads: is any memory of the module (imported or not) shared? (absent: no). */
  readonly sharedMemory?: boolean;
  /** GC: does the module declare a struct or array type (absent: no)? */
  readonly gcHeap?: boolean;
  /** Data segments code may name (its data count; absent: none): with gcHeap, each has a SEGMENT_ENTRY. */
  readonly dataSegments?: number;
  /** Element segments (absent: none): with gcHeap, each has a SEGMENT_ENTRY after the data segments'. */
  readonly elemSegments?: number;
}

export interface VMContextLayout {
  readonly counts: VMContextCounts;
  /** Offset of builtin b's entry address: `call qword [r15 + builtin(b)]`. */
  builtin(b: Builtin): number;
  /**
   * Offset of imported function i's entry (i < importedFunctions): `call qword [r15 + importedFunction(i)]`
   * with the caller's r15; the runtime's stub switches r15/r14 to the callee's instance and back,
   * or calls out to JS. Internal convention.
   */
  importedFunction(i: number): number;
  /** Offset of the FuncRef record address of function i (any function): `ref.func i` loads it. */
  funcRef(i: number): number;
  /** Offset of the u32 canonical type id of type index t. */
  typeId(t: number): number;
  /** Offset of table t's entry (see TABLE): its BASE, then its LENGTH. */
  table(t: number): number;
  /** Offset of the pointer to global g's cell. */
  global(g: number): number;
  /** Offset of memory m's base address (memory 0's is the header's MEMORY_BASE, also in r14). */
  memoryBase(m: number): number;
  /** Offset of memory m's size in bytes (memory 0's is the header's MEMORY_SIZE). */
  memorySize(m: number): number;
  /** Offset of a memory builtin's entry, in a module of more than one memory. */
  memoryBuiltin(b: MemoryBuiltin): number;
  /** Offset of an atomic builtin's entry (wait, notify), in a module with a shared memory. */
  atomicBuiltin(b: AtomicBuiltin): number;
  /** Offset of the shared-memory area (SHARED_MEMORY_AREA), in a module with a shared memory. */
  sharedMemoryArea(): number;
  /** Offset of a GC builtin's entry, in a module that declares a struct or array type. */
  gcBuiltin(b: GcBuiltin): number;
  /** Offset of data or element segment i's SEGMENT_ENTRY, in a module that declares a struct or array type. */
  gcSegment(kind: 'data' | 'elem', i: number): number;
  /** Offset of the u64 address of the thread's return thunks (compiler/abi/returnThunks.ts), last in every layout. */
  readonly returnThunks: number;
  /** Total size in bytes. */
  readonly size: number;
}

export function vmContextLayout(counts: VMContextCounts): VMContextLayout {
  const builtins = VMCTX.HEADER_SIZE;
  const imports = builtins + BUILTIN_COUNT * 8;
  const funcRefs = imports + counts.importedFunctions * 8;
  const typeIds = funcRefs + counts.functions * 8;
  const tables = typeIds + Math.ceil((counts.types * 4) / 8) * 8;
  const globals = tables + counts.tables * TABLE.SIZE;
  const memoryCount = counts.memories ?? 1;
  // Memories after the first, then their builtins: nothing at all in a module of one memory.
  const memories = globals + counts.globals * 8;
  const memoryBuiltins = memories + Math.max(0, memoryCount - 1) * MEMORY_ENTRY.BYTES;
  // The atomic builtins last, and only with a shared memory: every other module's layout is as it was.
  const atomicBuiltins = memoryBuiltins + (memoryCount > 1 ? MEMORY_BUILTIN_COUNT * 8 : 0);
  const shared = counts.sharedMemory === true;
  const sharedArea = atomicBuiltins + ATOMIC_BUILTIN_COUNT * 8;
  // GC's builtins after them, only in a module with struct or array types.
  const gcBuiltins = atomicBuiltins + (shared ? ATOMIC_BUILTIN_COUNT * 8 + SHARED_MEMORY_AREA.ENTRIES + memoryCount * SHARED_MEMORY_AREA.ENTRY_BYTES : 0);
  const gcHeap = counts.gcHeap === true;
  // Then the segments array.new_data/new_elem read, data segments first.
  const gcSegments = gcBuiltins + (gcHeap ? GC_BUILTIN_COUNT * 8 : 0);
  const [dataSegments, elemSegments] = gcHeap ? [counts.dataSegments ?? 0, counts.elemSegments ?? 0] : [0, 0];
  // The return thunks' address last: no other offset moves.
  const returnThunks = gcSegments + (dataSegments + elemSegments) * SEGMENT_ENTRY.SIZE;
  const size = returnThunks + 8;
  const check = (i: number, n: number, what: string) => {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`VMContext has no ${what} ${i}`);
  };
  return {
    counts,
    builtin: (b) => (check(b, BUILTIN_COUNT, 'builtin'), builtins + b * 8),
    importedFunction: (i) => (check(i, counts.importedFunctions, 'imported function'), imports + i * 8),
    funcRef: (i) => (check(i, counts.functions, 'function'), funcRefs + i * 8),
    typeId: (t) => (check(t, counts.types, 'type'), typeIds + t * 4),
    table: (t) => (check(t, counts.tables, 'table'), tables + t * TABLE.SIZE),
    global: (g) => (check(g, counts.globals, 'global'), globals + g * 8),
    memoryBase: (m) => (m === 0 ? VMCTX.MEMORY_BASE : (check(m, memoryCount, 'memory'), memories + (m - 1) * MEMORY_ENTRY.BYTES + MEMORY_ENTRY.BASE)),
    memorySize: (m) => (m === 0 ? VMCTX.MEMORY_SIZE : (check(m, memoryCount, 'memory'), memories + (m - 1) * MEMORY_ENTRY.BYTES + MEMORY_ENTRY.SIZE)),
    memoryBuiltin: (b) => (check(memoryCount > 1 ? b : -1, MEMORY_BUILTIN_COUNT, 'memory builtin'), memoryBuiltins + b * 8),
    atomicBuiltin: (b) => (check(shared ? b : -1, ATOMIC_BUILTIN_COUNT, 'atomic builtin'), atomicBuiltins + b * 8),
    sharedMemoryArea: () => (check(shared ? 0 : -1, 1, 'shared-memory area'), sharedArea),
    gcBuiltin: (b) => (check(gcHeap ? b : -1, GC_BUILTIN_COUNT, 'GC builtin'), gcBuiltins + b * 8),
    gcSegment: (kind, i) => kind === 'data'
      ? (check(i, dataSegments, 'GC data segment'), gcSegments + i * SEGMENT_ENTRY.SIZE)
      : (check(i, elemSegments, 'GC element segment'), gcSegments + (dataSegments + i) * SEGMENT_ENTRY.SIZE),
    returnThunks,
    size,
  };
}

/** The layout for a decoded module. */
export function vmContextLayoutOf(module: ModuleInfo): VMContextLayout {
  return vmContextLayout({
    importedFunctions: module.importedFunctionCount,
    functions: module.functions.length,
    types: module.types.length,
    tables: module.tables.length,
    globals: module.globals.length,
    memories: module.memories.length,
    sharedMemory: module.memories.some((m) => m.shared),
    gcHeap: declaresGcHeapTypes(module),
    // The data count section's (code may name a data segment only with one), known before the code.
    dataSegments: module.dataCount ?? 0,
    elemSegments: module.elements.length,
  });
}

/** Whether a module declares a struct or array type (then its objects live on the GC heap). */
export function declaresGcHeapTypes(module: ModuleInfo): boolean {
  return module.typeDefs.some((d) => d !== undefined && d.kind !== 'func');
}
// #endregion vmcontext-layout
