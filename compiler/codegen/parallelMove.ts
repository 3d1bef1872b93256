// Moving several values at once into several places, where a destination may be another
// move's source (a merge into a block's layout, the arguments of a call). Moves whose
// destination nobody still reads go first; what is left are cycles, broken by parking one
// value in a scratch register. Linear in the number of moves.

import { isXmm, type RegId } from '../abi/registers.ts';
import { type Assembler, dword, GPR32, GPR64, type Mem, qword, rsp, XMM } from '../x64/index.ts';
import { SCRATCH, SCRATCH2, XMM_SCRATCH } from './registerAllocator.ts';

// #region move-operands
/**
 * Where a move reads. `key` names the storage a memory operand reads or writes, as a number
 * (comparing numbers is cheap, and building them allocates nothing): see the *Key functions.
 */
export type MoveSource =
  | { readonly kind: 'reg'; readonly reg: number }
  | { readonly kind: 'mem'; readonly mem: Mem; readonly key: number }
  /** A constant: its bits as two signed 32-bit halves (`hi` is ignored unless wide). */
  | { readonly kind: 'imm'; readonly lo: number; readonly hi: number; readonly wide: boolean }
  /** `lea dst, [base + disp]` (a local plus a constant, not yet added). */
  | { readonly kind: 'lea'; readonly base: number; readonly disp: number; readonly wide: boolean }
  /** Load from memory then add a constant. */
  | { readonly kind: 'memPlus'; readonly mem: Mem; readonly key: number; readonly disp: number; readonly wide: boolean }
  /** An address: `lea dst, [mem]` (reads no storage). */
  | { readonly kind: 'address'; readonly mem: Mem };

export type MoveDest =
  | { readonly kind: 'reg'; readonly reg: number }
  | { readonly kind: 'mem'; readonly mem: Mem; readonly key: number };

/** Memory no move reads (the caller's return area): it never holds up another move. */
export const NO_KEY = -1;

export interface Move {
  dst: MoveDest;
  src: MoveSource;
  /** An i32: only the low 32 bits need moving (see emitMove). */
  narrow?: boolean;
}

/**
 * A list of moves made again and again (a call's arguments, a merge's values): its Move objects
 * are kept and overwritten, and `count` of them are the current list, so building one allocates
 * nothing once the list has been that long before. Fill it, then hand it to parallelMove at once.
 */
export class MoveList {
  readonly moves: Move[] = [];
  count = 0;
  /** Empty again (its objects stay for reuse). */
  clear(): this {
    this.count = 0;
    return this;
  }
  add(dst: MoveDest, src: MoveSource, narrow: boolean): void {
    const m = this.moves[this.count++];
    if (m === undefined) this.moves.push({ dst, src, narrow });
    else (m.dst = dst), (m.src = src), (m.narrow = narrow);
  }
}

/**
 * Every move operand is made here, with the fields of every kind, so that all of them share one
 * hidden class: the sites that read them (here, and in their callers) stay monomorphic for V8,
 * where six object shapes would make them megamorphic and several times slower.
 */
class MoveOperand {
  constructor(
    readonly kind: 'reg' | 'mem' | 'imm' | 'lea' | 'memPlus' | 'address',
    readonly reg: number,
    readonly mem: Mem | null,
    readonly key: number,
    readonly lo: number,
    readonly hi: number,
    readonly wide: boolean,
    readonly base: number,
    readonly disp: number,
  ) {}
}
type Of<K extends MoveSource['kind']> = Extract<MoveSource, { kind: K }>;
export const regOperand = (reg: RegId): Of<'reg'> => new MoveOperand('reg', reg, null, NO_KEY, 0, 0, false, 0, 0) as Of<'reg'>;
export const memOperand = (mem: Mem, key: number): Of<'mem'> => new MoveOperand('mem', 0, mem, key, 0, 0, false, 0, 0) as Of<'mem'>;
export const immOperand = (lo: number, hi: number, wide: boolean): Of<'imm'> => new MoveOperand('imm', 0, null, NO_KEY, lo, hi, wide, 0, 0) as Of<'imm'>;
export const leaOperand = (base: number, disp: number, wide: boolean): Of<'lea'> => new MoveOperand('lea', 0, null, NO_KEY, 0, 0, wide, base, disp) as Of<'lea'>;
export const memPlusOperand = (mem: Mem, key: number, disp: number, wide: boolean): Of<'memPlus'> =>
  new MoveOperand('memPlus', 0, mem, key, 0, 0, wide, 0, disp) as Of<'memPlus'>;
export const addressOperand = (mem: Mem): Of<'address'> => new MoveOperand('address', 0, mem, NO_KEY, 0, 0, false, 0, 0) as Of<'address'>;

/** The register locations, made once (operands are never mutated): `REG[r]` is register id r as a source or destination. */
export const REG: readonly { readonly kind: 'reg'; readonly reg: RegId }[] = Array.from({ length: 32 }, (_, reg) => regOperand(reg));

/** Storage keys: registers are their ids 0-31, then the frame's slots interleaved (values, locals, outgoing arguments). */
export const slotKey = (pos: number): number => 32 + 3 * pos;
export const localKey = (local: number): number => 33 + 3 * local;
export const argKey = (offset: number): number => 34 + 3 * (offset >> 3);
// #endregion move-operands

const keyOfDest = (d: MoveDest): number => (d.kind === 'reg' ? d.reg : d.key);

/** The storage a source reads, or NO_KEY. */
function readKey(s: MoveSource): number {
  switch (s.kind) {
    case 'reg': return s.reg;
    case 'lea': return s.base;
    case 'mem': case 'memPlus': return s.key;
    default: return NO_KEY;
  }
}

export function sameLocation(d: MoveDest, s: MoveSource): boolean {
  if (d.kind === 'reg') return s.kind === 'reg' && s.reg === d.reg;
  return s.kind === 'mem' && s.key === d.key;
}

// #region emit-move
/**
 * Emit one move (no overlap concerns). Moves copy whole 64-bit registers and slots whatever the
 * value's type (an f32 in an xmm register or a slot moves with its upper bits, which nothing
 * reads), except that a `narrow` move (an i32, whose upper 32 bits nothing reads) between
 * general-purpose registers and slots copies only the low 32: `mov eax, edi` is a byte shorter
 * than `mov rax, rdi` when neither register needs a REX prefix of its own, and so are 32-bit
 * loads and stores. SCRATCH2 carries memory-to-memory copies and 64-bit constants. Never
 * touches the flags.
 */
export function emitMove(asm: Assembler, dst: MoveDest, src: MoveSource, narrow = false): void {
  if (dst.kind === 'reg') {
    if (isXmm(dst.reg)) return moveToXmm(asm, dst.reg, src);
    const r64 = GPR64[dst.reg]!;
    switch (src.kind) {
      case 'reg':
        if (isXmm(src.reg)) asm.movq(r64, XMM[src.reg & 15]!);
        else if (src.reg !== dst.reg) asm.movRegisters(dst.reg, src.reg, !narrow);
        return;
      case 'mem': return loadRegister(asm, dst.reg, src.mem, narrow);
      case 'imm':
        // A constant below 2^32 is a 32-bit mov, which clears the upper half.
        if (src.wide && src.hi !== 0) asm.mov(r64, imm64(src.lo, src.hi));
        else asm.movImmediate32(dst.reg, src.lo >>> 0);
        return;
      case 'lea': asm.leaRegisters(dst.reg, src.base, src.disp, src.wide); return;
      case 'memPlus':
        asm.movLoad(dst.reg, src.mem, src.wide);
        asm.leaRegisters(dst.reg, dst.reg, src.disp, src.wide);
        return;
      case 'address': asm.lea(r64, src.mem); return;
    }
  }
  if (src.kind === 'reg') return storeRegister(asm, dst.mem, src.reg, narrow);
  if (dst.mem.size === 128) return moveVectorToMemory(asm, dst.mem, src);
  // A 32-bit value, or a 64-bit one whose high half only extends the sign: one store.
  if (src.kind === 'imm' && (narrow || !src.wide || src.hi === src.lo >> 31)) return asm.movStoreImmediate(dst.mem, src.lo, !narrow);
  // Anything else (memory, an address, a full 64-bit constant) goes through SCRATCH2.
  emitMove(asm, REG[SCRATCH2]!, src, narrow);
  asm.movStore(dst.mem, SCRATCH2, !narrow);
}

/**
 * A v128 into a 16-byte slot from anything but a register: another slot (two 8-byte copies
 * through SCRATCH2, so no xmm register is needed: XMM_SCRATCH may be parking a cycle's value),
 * or zero (a local never written: the only v128 constant a move sees).
 */
function moveVectorToMemory(asm: Assembler, m: Mem, src: MoveSource): void {
  if (src.kind === 'imm') {
    if (src.lo !== 0 || src.hi !== 0) throw new Error('codegen: a v128 constant other than zero as a move source');
    asm.movStoreImmediate(m, 0, true);
    asm.movStoreImmediate(qword(m.base, m.disp + 8, m.index, m.scale), 0, true);
    return;
  }
  if (src.kind !== 'mem' || src.mem.size !== 128) throw new Error(`codegen: cannot move a ${src.kind} into a v128 slot`);
  for (let half = 0; half < 16; half += 8) {
    asm.movLoad(SCRATCH2, qword(src.mem.base, src.mem.disp + half, src.mem.index, src.mem.scale), true);
    asm.movStore(qword(m.base, m.disp + half, m.index, m.scale), SCRATCH2, true);
  }
}

/** emitMove from memory into register r, for callers that know the kinds (saving and reloading locals). */
export function loadRegister(asm: Assembler, r: RegId, m: Mem, narrow: boolean): void {
  if (isXmm(r)) {
    if (m.size === 128) asm.movups(XMM[r & 15]!, m); // a v128 slot
    else asm.movsd(XMM[r & 15]!, m);
  } else asm.movLoad(r, m, !narrow);
}

/** emitMove from register r into memory (a 16-byte slot takes all of an xmm register: a v128). */
export function storeRegister(asm: Assembler, m: Mem, r: RegId, narrow: boolean): void {
  if (isXmm(r)) {
    if (m.size === 128) asm.movups(m, XMM[r & 15]!);
    else asm.movsd(m.size === 64 ? m : qword(m.base, m.disp, m.index, m.scale), XMM[r & 15]!);
  } else asm.movStore(m, r, !narrow);
}
// #endregion emit-move

/**
 * The same address as a 32-bit operand. Most are frame slots, [rsp + 8k] (an i32 local or spilled
 * value, moved or read as an operand): those are made once and shared (operands are immutable).
 */
export function dwordOf(m: Mem): Mem {
  if (m.size === 32) return m;
  const k = m.disp >> 3;
  if (m.base !== rsp || m.index !== null || m.disp !== k << 3 || k < 0 || k >= RSP_DWORDS.length) return dword(m.base, m.disp, m.index, m.scale);
  return (RSP_DWORDS[k] ??= dword(rsp, m.disp));
}
const RSP_DWORDS = new Array<Mem | undefined>(512);

function moveToXmm(asm: Assembler, dst: RegId, src: MoveSource): void {
  const x = XMM[dst & 15]!;
  switch (src.kind) {
    case 'reg':
      if (isXmm(src.reg)) {
        if (src.reg !== dst) asm.movaps(x, XMM[src.reg & 15]!);
      } else asm.movq(x, GPR64[src.reg]!);
      return;
    case 'mem':
      if (src.mem.size === 128) asm.movups(x, src.mem); // a v128 slot
      else asm.movsd(x, src.mem);
      return;
    case 'imm':
      if (src.lo === 0 && (src.hi === 0 || !src.wide)) asm.xorps(x, x);
      else {
        asm.mov(GPR64[SCRATCH2]!, src.wide ? imm64(src.lo, src.hi) : src.lo >>> 0);
        asm.movq(x, GPR64[SCRATCH2]!);
      }
      return;
    default:
      emitMove(asm, REG[SCRATCH2]!, src);
      asm.movq(x, GPR64[SCRATCH2]!);
  }
}

/** A 64-bit constant from its halves: a number when it is one exactly (no BigInt), else a BigInt. */
export function imm64(lo: number, hi: number): number | bigint {
  // |value| < 2^53: hi * 2^32 + (lo as unsigned) is exact and a safe integer (-2^53 is not).
  if (hi > -0x200000 && hi < 0x200000) return hi * 0x100000000 + (lo >>> 0);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
}

// #region parallel-move
/**
 * Perform all `moves` as if at once. Destinations must be distinct. SCRATCH (r11) breaks
 * cycles (XMM_SCRATCH when the parked value is in an xmm register); SCRATCH2 (r10) carries
 * memory-to-memory copies. Flags are preserved unless `flagsFree` (then a register gets its zero
 * from a 2-byte `xor` instead of a 5-byte `mov`).
 */
export function parallelMove(asm: Assembler, list: readonly Move[] | MoveList, flagsFree = false): void {
  const moves = list instanceof MoveList ? list.moves : list;
  const length = list instanceof MoveList ? list.count : list.length;
  // Most merges and calls move nothing or one value: no bookkeeping for those.
  let count = 0;
  let last = -1;
  let regDests = 0; // bit mask of the destinations, if all are registers
  let allRegs = true;
  for (let i = 0; i < length; i++) {
    const d = moves[i]!.dst;
    if (sameLocation(d, moves[i]!.src)) continue;
    count++;
    last = i;
    if (d.kind === 'reg') regDests |= 1 << d.reg;
    else allRegs = false;
  }
  if (count === 0) return;
  if (count === 1) return moveOne(asm, moves[last]!.dst, moves[last]!.src, moves[last]!.narrow === true, flagsFree);
  // Nor for moves into registers that no other move reads (a call's arguments, mostly): all
  // are ready at once, and go in the order the general case below would take, the last first.
  if (allRegs && !readsDestination(moves, length, regDests)) {
    for (let i = length - 1; i >= 0; i--) {
      const m = moves[i]!;
      if (!sameLocation(m.dst, m.src)) moveOne(asm, m.dst, m.src, m.narrow === true, flagsFree);
    }
    return;
  }
  // The pending moves as destination and source lists (a source may be retargeted below), and
  // how many pending moves still read each storage location, and which move writes it.
  const s = scratchFor(moves, length, count);
  const { dst, src, narrow, readers, writer, done, ready } = s;
  let n = 0;
  for (let i = 0; i < length; i++) {
    const m = moves[i]!;
    if (!sameLocation(m.dst, m.src)) (dst[n] = m.dst), (narrow[n] = m.narrow ? 1 : 0), (src[n++] = m.src);
  }
  for (let i = 0; i < n; i++) {
    const k = waitsOn(dst[i]!, src[i]!);
    if (k !== NO_KEY) readers[k] = readers[k]! + 1;
  }
  let remaining = n;
  let top = 0; // `ready` is a stack of move indices
  for (let i = 0; i < n; i++) {
    const k = keyOfDest(dst[i]!);
    if (k !== NO_KEY) writer[k] = i + 1;
    if (k === NO_KEY || readers[k] === 0) ready[top++] = i;
  }

  for (;;) {
    while (top > 0) {
      const i = ready[--top]!;
      if (done[i]) continue;
      moveOne(asm, dst[i]!, src[i]!, narrow[i] === 1, flagsFree);
      done[i] = 1;
      remaining--;
      const k = waitsOn(dst[i]!, src[i]!);
      if (k !== NO_KEY && readers[k]! > 0 && --readers[k]! === 0) {
        const j = writer[k]! - 1;
        if (j >= 0 && !done[j]) ready[top++] = j;
      }
    }
    if (remaining === 0) break;
    // Only cycles are left: park the destination of one pending move in SCRATCH and let its
    // readers read SCRATCH instead; the cycle then unwinds.
    let i = 0;
    while (done[i]) i++;
    const victim = dst[i]!;
    const key = keyOfDest(victim);
    // (A v128 slot's value parks in XMM_SCRATCH too: it is 16 bytes.)
    const park = victim.kind === 'reg' ? (isXmm(victim.reg) ? XMM_SCRATCH : SCRATCH) : victim.mem.size === 128 ? XMM_SCRATCH : SCRATCH;
    emitMove(asm, REG[park]!, victim.kind === 'reg' ? REG[victim.reg]! : memOperand(victim.mem, key));
    for (let j = 0; j < n; j++) {
      if (done[j] || j === i || readKey(src[j]!) !== key) continue;
      src[j] = retarget(src[j]!, park);
    }
    readers[key] = 0;
    ready[top++] = i;
  }
  // Leave the counters and marks all zero for the next call.
  for (let i = 0; i < n; i++) {
    const k = keyOfDest(dst[i]!);
    if (k !== NO_KEY) writer[k] = 0;
    const r = readKey(src[i]!);
    if (r !== NO_KEY) readers[r] = 0;
    done[i] = 0;
  }
}

/** emitMove, or `xor r, r` for a zero into a general register when the flags may change. */
export function moveOne(asm: Assembler, dst: MoveDest, src: MoveSource, narrow: boolean, flagsFree: boolean): void {
  if (flagsFree && dst.kind === 'reg' && !isXmm(dst.reg) && src.kind === 'imm' && src.lo === 0 && (src.hi === 0 || !src.wide)) asm.xor(GPR32[dst.reg]!, GPR32[dst.reg]!);
  else emitMove(asm, dst, src, narrow);
}

/** Does a move read a register in `regDests` that is another move's destination? */
function readsDestination(moves: readonly Move[], length: number, regDests: number): boolean {
  for (let i = 0; i < length; i++) {
    const k = waitsOn(moves[i]!.dst, moves[i]!.src);
    if (k !== NO_KEY && k < 32 && (regDests >>> k) & 1) return true;
  }
  return false;
}

/** The location a move must wait for (read by it, written by another); its own destination does not count (lea rdi, [rdi-1]). */
function waitsOn(dst: MoveDest, src: MoveSource): number {
  const k = readKey(src);
  return k !== keyOfDest(dst) ? k : NO_KEY;
}
// #endregion parallel-move

// Scratch state shared by every call, so a parallel move allocates nothing: the pending moves,
// counters indexed by storage key (all zero between calls, so a parallel move costs time in its
// own size only, grown to the largest key seen), done marks and the ready stack.
const scratch = {
  dst: [] as MoveDest[],
  src: [] as MoveSource[],
  readers: new Int32Array(1024),
  writer: new Int32Array(1024),
  done: new Uint8Array(64),
  narrow: new Uint8Array(64),
  /** Each move is pushed at most twice: once when it becomes ready, once as a cycle's victim. */
  ready: new Int32Array(128),
};
function scratchFor(moves: readonly Move[], length: number, count: number): typeof scratch {
  let max = 0;
  for (let i = 0; i < length; i++) max = Math.max(max, keyOfDest(moves[i]!.dst), readKey(moves[i]!.src));
  if (max >= scratch.readers.length) {
    scratch.readers = new Int32Array(2 * max + 2);
    scratch.writer = new Int32Array(2 * max + 2);
  }
  if (count > scratch.done.length) {
    scratch.done = new Uint8Array(2 * count);
    scratch.narrow = new Uint8Array(2 * count);
    scratch.ready = new Int32Array(4 * count);
  }
  return scratch;
}

/** The same source, reading the parking register `park` instead of the location it named. */
function retarget(s: MoveSource, park: RegId): MoveSource {
  switch (s.kind) {
    case 'reg': case 'mem': return REG[park]!;
    case 'lea': case 'memPlus': return leaOperand(park, s.disp, s.wide);
    default: return s;
  }
}
