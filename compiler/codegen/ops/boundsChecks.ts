// Explicit bounds checks on linear memory (no signal handlers: we share the process with V8),
// and the facts that let most of them go. An access of `size` bytes at the i32 address `a`
// with the memarg offset `o` is in bounds iff zx(a) + o + size <= the current memory size, in
// 64-bit arithmetic (no 32-bit wrap-around). Memories never shrink, so a fact, once checked,
// stays true until the value it is about changes:
// - every check that passed proves "memory size >= its end" (the address is >= 0), and so does
//   the module's minimum memory size from the start: constant addresses ending at or below the
//   largest such end need no check;
// - a check on a local's value proves "zx(local) + end <= memory size" until that local is
//   written: later accesses through the same local ending no further need no check. The
//   same holds for a local plus a constant, the i32 sum W = (local + c) mod 2^32: a later
//   access at local + c' with 0 <= c' - c needs no check if it ends within the checked end,
//   since W + (c' - c) then stays below 2^32 and is the address (no wrap).
// - an address with a known upper bound (a range fact: `x & 63`, a byte just loaded; see
//   valueBounds.ts) needs no check if that bound plus the access's end is within the memory known;
//   the range facts of locals are kept here, beside the locals' other facts;
// - and one fact that is not about memory: a null check (or cast) that passed on a local's
//   reference proves it non-null until that local is written, so a later struct.get, array.len,
//   call_ref... through the same local needs no null check (knownNonNull). These facts exist in
//   every module, with a memory or not.
// Facts hold on one straight-line stretch: they are dropped at every label where paths merge
// (loop heads, else arms, ends that are branch targets). Calls keep them (memory may grow, not
// shrink). Each access costs O(1): one array lookup per local, an epoch number to forget all.

import type { ModuleInfo } from '../../binary/types.ts';
import { MEMORY_BASE_REG, SHARED_MEMORY_AREA, TrapCode, VMCTX, VMCTX_REG } from '../../abi/index.ts';
import { encodingOf } from '../../abi/registers.ts';
import { type Assembler, condCode, GPR64, type Gpr, type Label, qword, rax } from '../../x64/index.ts';
import { FrameKind } from '../../validate/codegenInterface.ts';
import type { FunctionCompiler } from '../functionCompiler.ts';
import { imm64 } from '../parallelMove.ts';
import { NO_BOUND } from '../valueStack.ts';
import { SCRATCH } from '../registerAllocator.ts';

/** How many bounds checks were emitted and how many were proven unneeded (for reports and tests). */
export interface BoundsCheckCounts {
  kept: number;
  removed: number;
}

export const VMCTX_GPR: Gpr = GPR64[encodingOf(VMCTX_REG)]!;
/** r14, memory 0's base, by register number (the accesses' entries take numbers). */
export const MEMORY_BASE: number = encodingOf(MEMORY_BASE_REG);
/** The largest displacement an addressing mode takes (sign-extended 32 bits). */
export const MAX_DISP = 0x7fffffff;

/**
 * Memory m's minimum size in bytes (an imported memory's declared minimum); 0 without it. Capped
 * at 2^53 (a minimum that large fails instantiation: no code runs under it).
 */
export function minimumMemoryBytes(module: ModuleInfo, m = 0): number {
  const memory = module.memories[m];
  return memory ? Math.min(memory.limits.min * 2 ** (memory.pageSizeLog2 ?? 16), 2 ** 53) : 0;
}

// #region bounds-facts
/**
 * What the checks that passed on this straight line say about one memory's addresses. Each memory
 * has its own: a check against memory 1 says nothing of memory 0. The addresses are the memory's
 * own type: for a 32-bit memory a local's value is zx(low 32 bits) and sums wrap at 2^32; for a
 * memory64 memory, all 64 bits and sums wrap at 2^64. The reasoning is the same (a checked base
 * W has W + end <= memory size < 2^64, so W + d with d <= end cannot wrap), as long as the
 * constants are exact: a local plus a constant is kept only with an int32 constant.
 */
export class AddressFacts {
  /** Accesses ending at or below this are in bounds (the memory is at least this large). */
  constEnd: number;
  /**
   * Two facts per local, valid when their epoch is the current one: local i + ownEnd[i] <=
   * memory size, and (local i + localBase[i]) + localEnd[i] <= memory size, the sum wrapped at
   * the address width (the latest other base checked).
   */
  private ownEnd!: Float64Array;
  private ownEpoch!: Uint32Array;
  private localEnd!: Float64Array;
  private localBase!: Int32Array;
  private localEpoch!: Uint32Array;

  constructor(private readonly owner: BoundsFacts, readonly minBytes: number) {
    this.constEnd = minBytes;
  }

  /** Take the shared arrays, grown to `localCount` locals (see FactArrays). */
  attach(a: AddressArrays): void {
    this.ownEnd = a.ownEnd;
    this.ownEpoch = a.ownEpoch;
    this.localEnd = a.localEnd;
    this.localBase = a.localBase;
    this.localEpoch = a.localEpoch;
  }

  /**
   * Is an access at the address (local i + c), wrapped at the address width, ending `end` bytes
   * above it in bounds? Returns the constant b of the checked base (local i + b) with 0 <= c - b,
   * so the access is at that base + (c - b); or NaN when nothing says so.
   */
  knownBase(i: number, c: number, end: number): number {
    const epoch = this.owner.epoch;
    if (this.ownEpoch[i] === epoch && c >= 0 && c + end <= this.ownEnd[i]!) return 0;
    if (this.localEpoch[i] !== epoch) return NaN;
    const b = this.localBase[i]!;
    const delta = c - b;
    return delta >= 0 && delta + end <= this.localEnd[i]! ? b : NaN;
  }

  /** A check of `end` above some address passed: the memory is at least `end` bytes. */
  learn(end: number): void {
    if (end > this.constEnd) this.constEnd = end;
  }

  /** A check passed for (local i + base) + end: the latest nonzero base is kept. */
  learnLocal(i: number, base: number, end: number): void {
    this.learn(end);
    const epoch = this.owner.epoch;
    if (base === 0) {
      if (this.ownEpoch[i] === epoch && this.ownEnd[i]! >= end) return;
      this.ownEnd[i] = end;
      this.ownEpoch[i] = epoch;
      return;
    }
    if (this.localEpoch[i] === epoch && this.localBase[i] === base && this.localEnd[i]! >= end) return;
    this.localBase[i] = base;
    this.localEnd[i] = end;
    this.localEpoch[i] = epoch;
  }

  /** Local i was written. */
  forgetLocal(i: number): void {
    this.localEpoch[i] = 0;
    this.ownEpoch[i] = 0;
  }
}

export class BoundsFacts {
  /** Each memory's address facts, made when a function first accesses it (by memory index). */
  private readonly memories: (AddressFacts | undefined)[] = [];
  /** The same, dense, for reset and forgetLocal. */
  private readonly made: AddressFacts[] = [];
  private localCount = 0;
  /** When zxEpoch[i] === epoch: local i's home register has its upper half cleared. */
  private zxEpoch!: Uint32Array;
  /** When nonNullEpoch[i] === epoch: local i, a reference, is not null. */
  private nonNullEpoch!: Uint32Array;
  /** When boundEpoch[i] === epoch: local i <= localBound[i], unsigned (a range fact, valueBounds.ts). */
  private localBound!: Int32Array;
  private boundEpoch!: Uint32Array;
  /** The epoch of the latest local's bound learned: when it is not current, no local has one. */
  private boundsLearned = 0;
  /** Facts stored with another epoch are forgotten (read by AddressFacts). */
  epoch = 0;

  /**
   * The facts of one function compiler, in a module whose memories are at least `minBytes`
   * (by index): made once, and started over for each function it compiles (startFunction).
   */
  constructor(
    private readonly minBytes: readonly number[],
    readonly counts: BoundsCheckCounts,
  ) {
    this.startFunction(0);
  }

  /** Memory 0's facts' known size (tests compare it). */
  get constEnd(): number {
    return this.memories[0]?.constEnd ?? this.minBytes[0] ?? 0;
  }

  /** Memory m's address facts on this stretch. */
  memory(m: number): AddressFacts {
    let f = this.memories[m];
    if (f === undefined) {
      f = new AddressFacts(this, this.minBytes[m] ?? 0);
      f.attach(addressArrays(m, this.localCount));
      this.memories[m] = f;
      this.made.push(f);
    }
    return f;
  }

  /** Another function, of `localCount` locals, starts: nothing is known but the minimum sizes. */
  startFunction(localCount: number): void {
    // The arrays are shared with every other function compiler's facts (see FactArrays).
    const a = factArrays(localCount);
    this.localCount = localCount;
    this.zxEpoch = a.zxEpoch;
    this.nonNullEpoch = a.nonNullEpoch;
    this.localBound = a.localBound;
    this.boundEpoch = a.boundEpoch;
    for (let m = 0; m < this.memories.length; m++) this.memories[m]?.attach(addressArrays(m, localCount));
    this.reset();
  }

  /** A label where paths merge: only what holds everywhere (the minimum sizes) is left. */
  reset(): void {
    this.epoch = nextEpoch();
    for (const f of this.made) f.constEnd = f.minBytes;
  }

  /** Local i was written. */
  forgetLocal(i: number): void {
    for (const f of this.made) f.forgetLocal(i);
    this.zxEpoch[i] = 0;
    this.nonNullEpoch[i] = 0;
    this.boundEpoch[i] = 0;
  }

  /** Is local i's reference known not null (a null check on it passed since its last write, on this stretch)? */
  knownNonNull(i: number): boolean {
    return this.nonNullEpoch[i] === this.epoch;
  }

  markNonNull(i: number): void {
    this.nonNullEpoch[i] = this.epoch;
  }

  /** An upper bound (unsigned) of local i's value, or NO_BOUND. */
  valueBound(i: number): number {
    return this.boundsLearned === this.epoch && this.boundEpoch[i] === this.epoch ? this.localBound[i]! : NO_BOUND;
  }

  /** Local i was just written a value at most `bound`. */
  learnValueBound(i: number, bound: number): void {
    this.localBound[i] = bound;
    this.boundEpoch[i] = this.epoch;
    this.boundsLearned = this.epoch;
  }

  /** Is local i's home register known zero-extended (since its last write, on this stretch)? */
  zeroExtended(i: number): boolean {
    return this.zxEpoch[i] === this.epoch;
  }

  markZeroExtended(i: number): void {
    this.zxEpoch[i] = this.epoch;
  }
}
// #endregion bounds-facts

/**
 * The per-local arrays of BoundsFacts, shared by every function compiler's facts and grown to the
 * most locals seen: allocating them per function cost more than a small function's checks
 * (typed arrays over 64 bytes live outside V8's heap). Epochs are never reused, so what another
 * function's facts left in them is never current; at worst two live BoundsFacts overwrite each
 * other's facts (a value is always written with its epoch), which only loses facts. The address
 * facts have one set per memory index (AddressArrays), so memories do not overwrite each other's.
 */
interface FactArrays {
  zxEpoch: Uint32Array;
  nonNullEpoch: Uint32Array;
  localBound: Int32Array;
  boundEpoch: Uint32Array;
}
interface AddressArrays {
  ownEnd: Float64Array;
  ownEpoch: Uint32Array;
  localEnd: Float64Array;
  localBase: Int32Array;
  localEpoch: Uint32Array;
}
let shared: FactArrays | null = null;
const sharedAddress: AddressArrays[] = [];
let lastEpoch = 0;

function factArrays(localCount: number): FactArrays {
  if (shared === null || shared.zxEpoch.length < localCount) {
    const n = Math.max(64, 2 * localCount);
    shared = { zxEpoch: new Uint32Array(n), nonNullEpoch: new Uint32Array(n), localBound: new Int32Array(n), boundEpoch: new Uint32Array(n) };
  }
  return shared;
}

function addressArrays(m: number, localCount: number): AddressArrays {
  let a = sharedAddress[m];
  if (a === undefined || a.ownEnd.length < localCount) {
    const n = Math.max(64, 2 * localCount);
    a = { ownEnd: new Float64Array(n), ownEpoch: new Uint32Array(n), localEnd: new Float64Array(n), localBase: new Int32Array(n), localEpoch: new Uint32Array(n) };
    sharedAddress[m] = a;
  }
  return a;
}

/** A fresh epoch, never used before (past 2^32 - 1, every epoch stored is cleared and they start over). */
function nextEpoch(): number {
  if (lastEpoch === 0xffffffff) {
    if (shared) for (const a of [shared.zxEpoch, shared.nonNullEpoch, shared.boundEpoch]) a.fill(0);
    for (const a of sharedAddress) if (a) { a.ownEpoch.fill(0); a.localEpoch.fill(0); }
    lastEpoch = 0;
  }
  return ++lastEpoch;
}

/** The function's bounds facts: there are some wherever a memory is accessed (a module with a memory). */
export function boundsFacts(fc: FunctionCompiler): BoundsFacts {
  return fc.bounds!;
}

/**
 * Before `end` closes the innermost frame: drop the facts if the end is a merge (a block some
 * branch targets, an if's two arms). A block only fallen into, or a loop's end, continues the
 * same straight line.
 */
export function factsAtEnd(fc: FunctionCompiler): void {
  if (!fc.bounds) return;
  const f = fc.control.top();
  if (f.kind === FrameKind.loop || (f.kind === FrameKind.block && !f.targeted)) return;
  fc.bounds.reset();
}

/**
 * `cmp r64, qword [r15 + field]`: general register r (by number) against a VMContext field (the
 * memory's size or a bound beside it). Every check that is kept compares this way, so its four
 * bytes are written at once (REX.W with R and B, 3B /r, ModRM [r15 + disp8], the field's offset,
 * which is below 128), as emitTrapCallIf writes the trap call that follows.
 */
function compareWithVmctx(asm: Assembler, r: number, field: number): void {
  const buf = asm.buf;
  buf.reserve(4);
  const bytes = buf.bytes;
  const p = buf.length;
  bytes[p] = CMP_REX | ((r >> 3) << 2);
  bytes[p + 1] = 0x3b;
  bytes[p + 2] = CMP_MODRM | ((r & 7) << 3);
  bytes[p + 3] = field;
  buf.length = p + 4;
}
const CMP_REX = 0x48 | (encodingOf(VMCTX_REG) >> 3);
const CMP_MODRM = 0x40 | (encodingOf(VMCTX_REG) & 7);
/** The conditions a check traps on, as their encodings (ae: unsigned >=, g: signed >, a: unsigned >). */
const CC_AE = condCode('ae');
const CC_G = condCode('g');
const CC_A = condCode('a');
/** The memory's size as an operand, for a constant address's check (made once: operands are immutable). */
const MEMORY_SIZE = qword(VMCTX_GPR, VMCTX.MEMORY_SIZE);

// #region shared-memory-retry
/**
 * The start of a bounds check. In a module with a shared memory, another thread's grow may have
 * left the sizes in this VMContext behind: the check's out-of-bounds branch goes to
 * retryOrTrapIf's refresh, which comes back here (compiler/abi: SHARED_MEMORY_AREA).
 */
export function beginCheck(fc: FunctionCompiler): void {
  if (fc.env.vmctx.counts.sharedMemory === true) fc.boundsRetry = fc.asm.here();
}

/** The end of a bounds check: later traps are not its own. */
export function endCheck(fc: FunctionCompiler): void {
  fc.boundsRetry = undefined;
}

/**
 * When `cc` holds: `push rax`, `lea rax, [r15 + area]`, `call [r15 + area + REFRESH]` (the
 * trap site: the routine jumps to the trap handler when no size grew), `pop rax`, `jmp retry`.
 * Inline, jumped over: the path is taken once per grow another thread makes, or to trap.
 */
export function retryOrTrapIf(fc: FunctionCompiler, cc: number, retry: Label): void {
  const asm = fc.asm;
  const area = fc.env.vmctx.sharedMemoryArea();
  const over = asm.newLabel();
  asm.jccCode(cc ^ 1, over);
  asm.push(rax);
  asm.lea(rax, qword(VMCTX_GPR, area));
  asm.call(qword(VMCTX_GPR, area + SHARED_MEMORY_AREA.REFRESH));
  fc.frame.trapSiteHere(TrapCode.outOfBoundsMemoryAccess, fc.opOffset);
  asm.pop(rax);
  asm.jmp(retry);
  asm.bind(over);
}
// #endregion shared-memory-retry

// #region bounds-check
/** Trap unless zx(index) + end <= memory size; register `index` holds a zero-extended address. */
export function checkIndex(fc: FunctionCompiler, index: number, end: number): void {
  beginCheck(fc);
  checkIndexHere(fc, index, end);
  endCheck(fc);
}

function checkIndexHere(fc: FunctionCompiler, index: number, end: number): void {
  const asm = fc.asm;
  // The common ends compare the index itself: with the size (index < size) or a bound kept beside it.
  if (end === 1 || end === 4 || end === 8) {
    compareWithVmctx(asm, index, end === 1 ? VMCTX.MEMORY_SIZE : end === 4 ? VMCTX.MEMORY_BOUND_4 : VMCTX.MEMORY_BOUND_8);
    fc.trapIfCode(end === 1 ? CC_AE : CC_G, TrapCode.outOfBoundsMemoryAccess);
    fc.env.boundsChecks.kept++;
    return;
  }
  if (end <= MAX_DISP) asm.leaRegisters(SCRATCH, index, end, true);
  else {
    asm.mov(GPR64[SCRATCH]!, imm64(end, Math.floor(end / 0x100000000)));
    asm.add(GPR64[SCRATCH]!, GPR64[index]!);
  }
  compareWithVmctx(asm, SCRATCH, VMCTX.MEMORY_SIZE);
  fc.trapIfCode(CC_A, TrapCode.outOfBoundsMemoryAccess);
  fc.env.boundsChecks.kept++;
}

/** Trap unless `end` (a constant address's end) <= memory size. */
export function checkConstant(fc: FunctionCompiler, end: number): void {
  beginCheck(fc);
  const asm = fc.asm;
  const size = MEMORY_SIZE;
  if (end <= MAX_DISP) {
    asm.cmp(size, end);
    fc.trapIf('b', TrapCode.outOfBoundsMemoryAccess);
  } else {
    const r11 = GPR64[SCRATCH]!;
    asm.mov(r11, imm64(end, Math.floor(end / 0x100000000)));
    asm.cmp(r11, size);
    fc.trapIf('a', TrapCode.outOfBoundsMemoryAccess);
  }
  endCheck(fc);
  fc.env.boundsChecks.kept++;
}
// #endregion bounds-check

// #region bounds-check-64
/**
 * memory64: trap unless index + end <= memory size, where register `index` holds a full 64-bit
 * address. The sum may pass 2^64, so it is made in a register and its carry traps too; only
 * `index < size` (an end of 1) is one compare, and so is an end of 4 or 8 when the memory's
 * minimum size is at least that: its bound beside the size (size - end) is then never negative,
 * so `index <= bound`, compared unsigned, is exactly index + end <= size, 2^63 and up included.
 * (Below that minimum the bound may be negative, a signed compare for zero-extended 32-bit
 * addresses that says nothing of an address of 2^63 or more.)
 */
export function checkIndex64(fc: FunctionCompiler, index: number, end: number): void {
  const asm = fc.asm;
  fc.env.boundsChecks.kept++;
  beginCheck(fc);
  if (end === 1) {
    compareWithVmctx(asm, index, VMCTX.MEMORY_SIZE);
    fc.trapIfCode(CC_AE, TrapCode.outOfBoundsMemoryAccess);
  } else if ((end === 4 || end === 8) && fc.bounds.memory(0).minBytes >= end) {
    compareWithVmctx(asm, index, end === 4 ? VMCTX.MEMORY_BOUND_4 : VMCTX.MEMORY_BOUND_8);
    fc.trapIfCode(CC_A, TrapCode.outOfBoundsMemoryAccess);
  } else {
    addEnd(asm, index, end);
    fc.trapIf('b', TrapCode.outOfBoundsMemoryAccess); // the carry: past 2^64
    compareWithVmctx(asm, SCRATCH, VMCTX.MEMORY_SIZE);
    fc.trapIfCode(CC_A, TrapCode.outOfBoundsMemoryAccess);
  }
  endCheck(fc);
}
// #endregion bounds-check-64

// #region other-memory-checks
/**
 * A memory other than 0 (multi-memory): trap unless index + end <= its size, kept in the
 * VMContext beside its base. The end is added in a register: for an i32 address (zero-extended,
 * below 2^32) it cannot carry; for an i64 one the carry traps too.
 */
export function checkOtherMemory(fc: FunctionCompiler, m: number, index: number, end: number, address64: boolean): void {
  const asm = fc.asm;
  fc.env.boundsChecks.kept++;
  beginCheck(fc);
  addEnd(asm, index, end);
  if (address64) fc.trapIf('b', TrapCode.outOfBoundsMemoryAccess); // the carry: past 2^64
  asm.cmp(GPR64[SCRATCH]!, qword(VMCTX_GPR, fc.env.vmctx.memorySize(m)));
  fc.trapIf('a', TrapCode.outOfBoundsMemoryAccess);
  endCheck(fc);
}

/** Trap unless `end` (a constant address's end) <= memory m's size (any memory, 0 too). */
export function checkConstantAt(fc: FunctionCompiler, m: number, end: number): void {
  if (m === 0) return checkConstant(fc, end);
  const asm = fc.asm;
  const scratch = GPR64[SCRATCH]!;
  fc.env.boundsChecks.kept++;
  beginCheck(fc);
  asm.mov(scratch, imm64(end, Math.floor(end / 0x100000000)));
  asm.cmp(scratch, qword(VMCTX_GPR, fc.env.vmctx.memorySize(m)));
  fc.trapIf('a', TrapCode.outOfBoundsMemoryAccess);
  endCheck(fc);
}
// #endregion other-memory-checks

/** r11 = register `index` + `end` in 64 bits, the flags set by the add (its carry: past 2^64). */
export function addEnd(asm: Assembler, index: number, end: number): void {
  const scratch = GPR64[SCRATCH]!;
  if (end <= MAX_DISP) {
    asm.mov(scratch, GPR64[index]!);
    asm.add(scratch, end);
  } else {
    asm.mov(scratch, imm64(end, Math.floor(end / 0x100000000)));
    asm.add(scratch, GPR64[index]!);
  }
}
