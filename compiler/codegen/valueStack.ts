// The abstract value stack: for each WebAssembly operand, where its value is right now.
// Nothing is computed into a register before an instruction needs it there; a constant stays
// a number, `local.get` stays a reference to the local, a comparison stays in the CPU flags.

import { filledArray, refill } from './perFunctionArrays.ts';

// #region value-locations
export const Loc = {
  /** A constant known at compile time: its bits in `imm` (and `hi` for 64-bit types). */
  Const: 0,
  /** In a register owned by this stack entry alone: a general-purpose one, or xmm for floats. */
  Reg: 1,
  /** Spilled to the frame slot that belongs to this stack position (its "canonical" slot). */
  Slot: 2,
  /** Not copied yet: the current value of a local (valid until the local is written). */
  Local: 3,
  /**
   * A comparison whose result is still in the flags: `n` is the x86 condition code meaning true,
   * or FP_EQUAL / FP_UNEQUAL for a float eq / ne (two flags: ZF and PF).
   */
  Flags: 4,
  /** A local plus a constant (`local.get x; i32.const c; i32.add`), not added yet: `imm` is c. */
  LocalPlus: 5,
} as const;
export type Loc = (typeof Loc)[keyof typeof Loc];
/** Flags conditions beyond x86's 16: ordered and equal (ZF=1, PF=0), and its negation (ZF=0 or PF=1). n ^ 1 negates, as for x86's. */
export const FP_EQUAL = 16;
export const FP_UNEQUAL = 17;

export interface Value {
  readonly loc: Loc;
  /** The wasm value type (binary encoding byte, see compiler/binary/types.ts). */
  readonly type: number;
  /** Register id, local index, stack position (Slot) or condition code, depending on loc. */
  readonly n: number;
  /**
   * Constant bits as signed 32-bit numbers, never a BigInt: i32 and f32 in `imm` (with `hi` its
   * sign extension for i32, 0 for f32); i64 and f64 as two halves, low in `imm`, high in `hi`.
   * For LocalPlus, the addend (it fits 32 bits) and its sign extension.
   */
  readonly imm: number;
  readonly hi: number;
}
// #endregion value-locations

/** A 32-bit constant (i32 value or f32 bits). */
export const constant = (type: number, imm: number): Value =>
  type === 0x7f ? smallConstant(0, imm | 0, imm >> 31) : { loc: Loc.Const, type, n: 0, imm: imm | 0, hi: type === 0x7d ? 0 : imm >> 31 };
/** A 64-bit constant (i64 value or f64 bits) from its halves. */
export const constant64 = (type: number, lo: number, hi: number): Value =>
  type === 0x7e && hi === lo >> 31 ? smallConstant(1, lo | 0, hi | 0) : { loc: Loc.Const, type, n: 0, imm: lo | 0, hi: hi | 0 };
export const localPlus = (type: number, local: number, add: number): Value => ({ loc: Loc.LocalPlus, type, n: local, imm: add | 0, hi: add >> 31 });
// Values are immutable, so the plain ones (a register, a slot, a local, a condition) are made
// once and shared: `inReg(t, r)` is `{ loc: Loc.Reg, type: t, n: r, imm: 0, hi: 0 }`, from a cache.
export const inReg = (type: number, reg: number): Value => made(regValues, Loc.Reg, type, reg);
/** `pos` is the stack position whose slot holds it. */
export const inSlot = (type: number, pos: number): Value => shared(slotValues, Loc.Slot, type, pos);
export const ofLocal = (type: number, local: number): Value => shared(localValues, Loc.Local, type, local);
export const inFlags = (type: number, cc: number): Value => made(flagValues, Loc.Flags, type, cc);

/** Small integer constants are shared too (most constants are small): i32 at [0, SMALL), i64 at [SMALL, 2 * SMALL), by value + SMALL_MIN. */
const SMALL_MIN = -64;
const SMALL = 1024;
const smallValues = new Array<Value | undefined>(2 * SMALL);
function smallConstant(wide: number, imm: number, hi: number): Value {
  const k = imm - SMALL_MIN;
  if (k < 0 || k >= SMALL) return { loc: Loc.Const, type: wide ? 0x7e : 0x7f, n: 0, imm, hi };
  return (smallValues[wide * SMALL + k] ??= { loc: Loc.Const, type: wide ? 0x7e : 0x7f, n: 0, imm, hi });
}

/** Shared values for n below this (registers and conditions are below 32). */
const SHARED = 1024;
/** A small number for each value type, the cache's second key (-1: not cached). */
const TYPE_KEY = new Int8Array(128).fill(-1);
const VALUE_TYPES = [0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f, 0x69];
VALUE_TYPES.forEach((t, k) => (TYPE_KEY[t] = k));
/**
 * Every register's value and every condition's, of every type, made up front (32 of each, at
 * n * 8 + TYPE_KEY[type]): the commonest values made need no
 * check for a missing one.
 */
const regValues = madeUpFront(Loc.Reg);
const flagValues = madeUpFront(Loc.Flags);
function madeUpFront(loc: Loc): Value[] {
  const values: Value[] = [];
  for (let n = 0; n < 32; n++) for (let t = 0; t < 8; t++) values.push({ loc, type: VALUE_TYPES[t] ?? 0, n, imm: 0, hi: 0 });
  return values;
}
/** A value from a table madeUpFront (n below 32). */
function made(values: Value[], loc: Loc, type: number, n: number): Value {
  const t = TYPE_KEY[type & 127]!;
  return t >= 0 && type <= 127 ? values[n * 8 + t]! : { loc, type, n, imm: 0, hi: 0 };
}
// Slots and locals, of which there may be up to SHARED, are made when first asked for.
const slotValues = new Array<Value | undefined>(SHARED * 8);
const localValues = new Array<Value | undefined>(SHARED * 8);
function shared(cache: (Value | undefined)[], loc: Loc, type: number, n: number): Value {
  const t = TYPE_KEY[type & 127]!;
  if (t < 0 || n >= SHARED || type > 127) return { loc, type, n, imm: 0, hi: 0 };
  return (cache[n * 8 + t] ??= { loc, type, n, imm: 0, hi: 0 });
}

/**
 * Range facts (ops/valueBounds.ts) are small integers: a value's known upper bound, unsigned, up
 * to MAX_BOUND (larger ones are not worth knowing, and would not be small integers in V8), or
 * NO_BOUND when nothing is known.
 */
export const NO_BOUND = -1;
export const MAX_BOUND = 0x3fffffff;

/**
 * The stack itself, with the indexes that keep every operation O(1) amortized:
 * which stack position owns each register, which positions still refer to each local
 * (so `local.set` settles exactly those), and where the one flags value is.
 */
const NO_OWNERS: readonly number[] = new Array<number>(32).fill(-1);

// #region value-stack
export class ValueStack {
  /**
   * The values, bottom first: entries[0 .. height). The array never shrinks (a pop lowers
   * `height` only, a push past the end grows it): writing an array's length, or popping, costs
   * more than leaving stale entries above the top, which nothing reads.
   */
  readonly entries: Value[] = [];
  /** How many values the stack holds (written only here). */
  height = 0;
  /**
   * regOwner[r] = the stack position whose value is in register r, or -1. A copy of a plain
   * array: made once per function, it costs less than a new typed array.
   */
  readonly regOwner: number[] = NO_OWNERS.slice();
  /**
   * For each local, the stack positions holding a deferred `local.get` of it, in push order: a
   * list threaded through two arrays (no array per local), the latest in refTop[local] (-1:
   * none), each one's predecessor in refBelow[pos]. refBelow[pos] is written when such a value
   * is pushed and read only while it is there: a reset leaves the array as it is.
   */
  private readonly refTop: number[];
  private readonly refBelow: number[] = [];
  /** Bit mask of the registers (of both classes) owned by stack entries. */
  ownedMask = 0;
  /** No position below this holds a register (a hint that keeps "spill the deepest" amortized O(1)). */
  lowestReg = 0;
  /** Position of the value kept in the flags, or -1 (at most one: the next flag write kills it). */
  flagsPos = -1;
  /**
   * The frozen line: positions below it hold only constants and spilled values (a block's entry
   * freezes what lies below its parameters, so no edge into its labels can disagree about them).
   * Putting a register value below it is a code-generator bug, caught here, not a miscompilation
   * found later: spilling and calls never look below the line. Popping lowers it.
   */
  floor = 0;
  /**
   * boundAt[pos]: an upper bound (unsigned) of the i32 value at pos, from the operator that
   * computed it (`x & 63` is at most 63; ops/valueBounds.ts). Beside the values, not in them: a
   * Value is shared by every position that holds it. Replace keeps it (the value moved, it did
   * not change). Only positions below boundedTop count: the rest are NO_BOUND whatever the array
   * holds, so a push (which forgets its position's bound) only lowers the watermark, and most
   * functions never write the array at all.
   */
  private boundAt = new Int32Array(64);
  /** No position at or above this has a bound. */
  private boundedTop = 0;

  constructor(localCount: number) {
    this.refTop = filledArray(localCount, -1);
  }

  /** Empty again, for a function with `localCount` locals: as a new ValueStack(localCount), without allocating. */
  reset(localCount: number): this {
    this.height = 0;
    // Only the registers in ownedMask have an owner to forget.
    for (let mask = this.ownedMask; mask !== 0; mask &= mask - 1) this.regOwner[31 - Math.clz32(mask & -mask)] = -1;
    refill(this.refTop, localCount, -1);
    this.ownedMask = 0;
    this.lowestReg = 0;
    this.flagsPos = -1;
    this.floor = 0;
    this.boundedTop = 0;
    return this;
  }

  at(pos: number): Value {
    if (!(pos >= 0 && pos < this.height)) throw new Error(`value stack: no entry at ${pos}`);
    return this.entries[pos]!;
  }

  peek(depth = 0): Value {
    return this.at(this.height - 1 - depth);
  }

  push(v: Value): void {
    this.track(v, this.place(v));
  }

  /** Put v on top (nothing tracked yet); returns its position. */
  private place(v: Value): number {
    const pos = this.height++;
    if (pos < this.entries.length) this.entries[pos] = v;
    else this.entries.push(v);
    if (pos < this.boundedTop) this.boundedTop = pos; // its bound, and those above it, are gone
    return pos;
  }

  /** push(v) for a deferred `local.get` (v.loc is Loc.Local): only the local's references to keep. */
  pushLocal(v: Value): void {
    this.addRef(v.n, this.place(v));
  }

  /** The bound recorded for the value at pos (NO_BOUND unless its operator set one). */
  bound(pos: number): number {
    return pos < this.boundedTop ? this.boundAt[pos]! : NO_BOUND;
  }

  /** The value at the top is at most `bound` (unsigned). */
  setTopBound(bound: number): void {
    const pos = this.height - 1;
    if (pos >= this.boundAt.length) this.growBounds();
    // The positions between the watermark and the top have no bound: the array may say otherwise.
    for (let p = this.boundedTop; p < pos; p++) this.boundAt[p] = NO_BOUND;
    this.boundAt[pos] = bound;
    if (pos >= this.boundedTop) this.boundedTop = pos + 1;
  }

  private growBounds(): void {
    const a = new Int32Array(Math.max(2 * this.boundAt.length, this.height));
    a.set(this.boundAt);
    this.boundAt = a;
  }

  pop(): Value {
    if (this.height === 0) throw new Error('value stack underflow');
    const pos = --this.height;
    const v = this.entries[pos]!;
    this.untrack(v, pos);
    if (this.lowestReg > pos) this.lowestReg = pos;
    if (this.floor > pos) this.floor = pos;
    return v;
  }

  /** Change where the value at `pos` lives (keeping the indexes right). */
  replace(pos: number, v: Value): void {
    this.untrack(this.at(pos), pos);
    this.entries[pos] = v;
    this.track(v, pos);
  }

  /** The latest position that still holds a deferred copy of `local`, or -1 (callers settle them one by one). */
  lastRefOf(local: number): number {
    return this.refTop[local]!;
  }

  /** Positions that still hold a deferred copy of `local`, in push order. */
  refsOf(local: number): number[] {
    const refs: number[] = [];
    for (let p = this.refTop[local]!; p >= 0; p = this.refBelow[p]!) refs.unshift(p);
    return refs;
  }

  private track(v: Value, pos: number): void {
    switch (v.loc) {
      case Loc.Reg:
        if (this.regOwner[v.n] !== -1) throw new Error(`register ${v.n} owned twice`);
        if (pos < this.floor) throw new Error(`codegen: a register value below the frozen line (position ${pos})`);
        this.regOwner[v.n] = pos;
        this.ownedMask |= 1 << v.n;
        if (pos < this.lowestReg) this.lowestReg = pos;
        break;
      case Loc.Local:
      case Loc.LocalPlus:
        this.addRef(v.n, pos);
        break;
      case Loc.Flags:
        if (this.flagsPos !== -1) throw new Error('two values in the flags');
        this.flagsPos = pos;
        break;
    }
  }

  /** Position pos holds a deferred copy of `local`: the latest of its references. */
  private addRef(local: number, pos: number): void {
    while (this.refBelow.length <= pos) this.refBelow.push(-1); // dense: no holes
    this.refBelow[pos] = this.refTop[local]!;
    this.refTop[local] = pos;
  }

  private untrack(v: Value, pos: number): void {
    switch (v.loc) {
      case Loc.Reg:
        this.regOwner[v.n] = -1;
        this.ownedMask &= ~(1 << v.n);
        break;
      case Loc.Local:
      case Loc.LocalPlus: {
        // Pops come from the top, so the position is almost always the latest one.
        const below = this.refBelow[pos]!;
        let p = this.refTop[v.n]!;
        if (p === pos) this.refTop[v.n] = below;
        else {
          while (this.refBelow[p] !== pos) p = this.refBelow[p]!;
          this.refBelow[p] = below;
        }
        break;
      }
      case Loc.Flags:
        this.flagsPos = -1;
        break;
    }
  }
}
// #endregion value-stack
