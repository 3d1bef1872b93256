// The abstract value stack: for each WebAssembly operand, where its value is right now.
// Nothing is computed into a register before an instruction needs it there; a constant stays
// a number, `local.get` stays a reference to the local, a comparison stays in the CPU flags.

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
  loc: Loc;
  /** The wasm value type (binary encoding byte, see compiler/binary/types.ts). */
  type: number;
  /** Register id, local index, stack position (Slot) or condition code, depending on loc. */
  n: number;
  /**
   * Constant bits as signed 32-bit numbers, never a BigInt: i32 and f32 in `imm` (with `hi` its
   * sign extension for i32, 0 for f32); i64 and f64 as two halves, low in `imm`, high in `hi`.
   * For LocalPlus, the addend (it fits 32 bits) and its sign extension.
   */
  imm: number;
  hi: number;
}
// #endregion value-locations

/** A 32-bit constant (i32 value or f32 bits). */
export const constant = (type: number, imm: number): Value => ({ loc: Loc.Const, type, n: 0, imm: imm | 0, hi: type === 0x7d ? 0 : imm >> 31 });
/** A 64-bit constant (i64 value or f64 bits) from its halves. */
export const constant64 = (type: number, lo: number, hi: number): Value => ({ loc: Loc.Const, type, n: 0, imm: lo | 0, hi: hi | 0 });
export const inReg = (type: number, reg: number): Value => ({ loc: Loc.Reg, type, n: reg, imm: 0, hi: 0 });
/** `pos` is the stack position whose slot holds it. */
export const inSlot = (type: number, pos: number): Value => ({ loc: Loc.Slot, type, n: pos, imm: 0, hi: 0 });
export const localPlus = (type: number, local: number, add: number): Value => ({ loc: Loc.LocalPlus, type, n: local, imm: add | 0, hi: add >> 31 });
export const ofLocal = (type: number, local: number): Value => ({ loc: Loc.Local, type, n: local, imm: 0, hi: 0 });
export const inFlags = (type: number, cc: number): Value => ({ loc: Loc.Flags, type, n: cc, imm: 0, hi: 0 });

/**
 * The stack itself, with the indexes that keep every operation O(1) amortized:
 * which stack position owns each register, which positions still refer to each local
 * (so `local.set` settles exactly those), and where the one flags value is.
 */
const NO_OWNERS: readonly number[] = new Array<number>(32).fill(-1);

// #region value-stack
export class ValueStack {
  readonly entries: Value[] = [];
  /**
   * regOwner[r] = the stack position whose value is in register r, or -1. A copy of a plain
   * array: made once per function, it costs less than a new typed array.
   */
  readonly regOwner: number[] = NO_OWNERS.slice();
  /** For each local, the stack positions holding a deferred `local.get` of it, in push order. */
  private readonly localRefs: number[][];
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

  constructor(localCount: number) {
    this.localRefs = new Array<number[]>(localCount);
  }

  get height(): number {
    return this.entries.length;
  }

  at(pos: number): Value {
    const v = this.entries[pos];
    if (v === undefined) throw new Error(`value stack: no entry at ${pos}`);
    return v;
  }

  peek(depth = 0): Value {
    return this.at(this.entries.length - 1 - depth);
  }

  push(v: Value): void {
    const pos = this.entries.length;
    this.entries.push(v);
    this.track(v, pos);
  }

  pop(): Value {
    const v = this.entries.pop();
    if (v === undefined) throw new Error('value stack underflow');
    this.untrack(v, this.entries.length);
    if (this.lowestReg > this.entries.length) this.lowestReg = this.entries.length;
    if (this.floor > this.entries.length) this.floor = this.entries.length;
    return v;
  }

  /** Change where the value at `pos` lives (keeping the indexes right). */
  replace(pos: number, v: Value): void {
    this.untrack(this.at(pos), pos);
    this.entries[pos] = v;
    this.track(v, pos);
  }

  /** Positions that still hold a deferred copy of `local` (callers settle them, then clear). */
  refsOf(local: number): readonly number[] {
    return this.localRefs[local] ?? [];
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
        (this.localRefs[v.n] ??= []).push(pos);
        break;
      case Loc.Flags:
        if (this.flagsPos !== -1) throw new Error('two values in the flags');
        this.flagsPos = pos;
        break;
    }
  }

  private untrack(v: Value, pos: number): void {
    switch (v.loc) {
      case Loc.Reg:
        this.regOwner[v.n] = -1;
        this.ownedMask &= ~(1 << v.n);
        break;
      case Loc.Local:
      case Loc.LocalPlus: {
        const refs = this.localRefs[v.n]!;
        // Pops come from the top, so the position is almost always the last one.
        if (refs[refs.length - 1] === pos) refs.pop();
        else refs.splice(refs.lastIndexOf(pos), 1);
        break;
      }
      case Loc.Flags:
        this.flagsPos = -1;
        break;
    }
  }
}
// #endregion value-stack
