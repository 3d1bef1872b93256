// Register allocation in one pass, for both register classes at once: general-purpose
// registers (integers, references, addresses) and xmm registers (f32, f64). A register is a
// register id (compiler/abi/registers.ts: 0-15 general-purpose, 16-31 xmm), so every set of
// registers, whatever its classes, is one 32-bit mask. When a class has no free register, the
// value deepest in the stack that holds one of that class is spilled to its slot.

import { Reg, RegClass, type RegId, regBit, GPR_MASK, XMM_MASK } from '../abi/registers.ts';
import { Loc, type ValueStack } from './valueStack.ts';

// #region register-policy
/** General-purpose registers the allocator hands out to values, in order of preference. */
export const ALLOCATABLE_GPRS: readonly RegId[] = [
  Reg.rax, Reg.rcx, Reg.rdx, Reg.rsi, Reg.rdi, Reg.r8, Reg.r9, Reg.rbx, Reg.r12, Reg.r13,
];
/** xmm registers for values: all but xmm15, which breaks cycles in parallel moves. */
export const ALLOCATABLE_XMMS: readonly RegId[] = [
  Reg.xmm0, Reg.xmm1, Reg.xmm2, Reg.xmm3, Reg.xmm4, Reg.xmm5, Reg.xmm6, Reg.xmm7,
  Reg.xmm8, Reg.xmm9, Reg.xmm10, Reg.xmm11, Reg.xmm12, Reg.xmm13, Reg.xmm14,
];
/** Never allocated: r11 breaks cycles in parallel moves and serves one-instruction temporaries; r10 carries memory-to-memory copies. */
export const SCRATCH = Reg.r11;
export const SCRATCH2 = Reg.r10;
/** The xmm counterpart of SCRATCH: cycles of float moves, and masks/constants inside one lowering. */
export const XMM_SCRATCH = Reg.xmm15;
/**
 * Registers a non-parameter local may live in. rax, rcx and rdx are left to values because
 * results, shift counts and division need them; a local there would have to move out of the way.
 */
export const GPR_LOCAL_HOMES: readonly RegId[] = [Reg.rbx, Reg.r12, Reg.r13, Reg.r9, Reg.r8, Reg.rsi, Reg.rdi];
/** Float locals take xmm registers from the top, leaving the low ones (arguments, xmm0 results) to values. */
export const XMM_LOCAL_HOMES: readonly RegId[] = [Reg.xmm14, Reg.xmm13, Reg.xmm12, Reg.xmm11, Reg.xmm10, Reg.xmm9, Reg.xmm8];
/**
 * At most this many locals of each class (general-purpose, xmm) take registers, so expressions
 * keep enough for their values: 5 of the 10 general-purpose ones (6 locals ran out of registers
 * in the differential tests: blocks freeze their values in registers) and 7 of the 15 xmm ones.
 */
export const MAX_REGISTER_LOCALS: readonly number[] = [5, 7];
// #endregion register-policy

const CLASS_MASK = [GPR_MASK, XMM_MASK];

/**
 * Each class's allocation order as masks of registers in runs of increasing ids (rax rcx rdx
 * rsi rdi r8 r9, then rbx r12 r13; xmm0-xmm14 in one): the first free register of a run is the
 * lowest bit of its free mask, so finding one takes a run at a time, not a register at a time.
 */
const ORDER_RUNS: readonly (readonly number[])[] = [ALLOCATABLE_GPRS, ALLOCATABLE_XMMS].map((order) => {
  const runs: number[] = [];
  for (let k = 0; k < order.length; k++) {
    if (k === 0 || order[k]! < order[k - 1]!) runs.push(regBit(order[k]!));
    else runs[runs.length - 1]! |= regBit(order[k]!);
  }
  return runs;
});

/** Moves a stack value to its slot: what the allocator calls when it must spill. */
export interface Spiller {
  spillAt(pos: number): void;
  /** Positions below this hold no registers (frozen at block entry). */
  readonly frozen: number;
}

// #region register-allocator
export class RegisterAllocator {
  /** Registers held by operands the current operator popped (released when it ends). */
  held = 0;
  /** Registers that are homes of locals (never handed to values). */
  homes = 0;

  constructor(
    private readonly stack: ValueStack,
    private readonly spiller: Spiller,
  ) {}

  /** Registers nobody may be given now: locals' homes, stack values', the current operator's. */
  busy(): number {
    return this.homes | this.stack.ownedMask | this.held;
  }

  /** A free register of class `cls` not in `avoid`, or -1; nothing is spilled. */
  free(cls: RegClass, avoid = 0): RegId {
    const busy = this.busy() | avoid;
    // The first in the class's order of preference: its runs of increasing ids, a run at a time.
    const runs = ORDER_RUNS[cls]!;
    for (let k = 0; k < runs.length; k++) {
      const free = runs[k]! & ~busy;
      if (free !== 0) return 31 - Math.clz32(free & -free);
    }
    return -1;
  }

  /** A free register of class `cls`, spilling the deepest value of that class if none is; held by the current operator. */
  alloc(cls: RegClass, avoid = 0): RegId {
    for (;;) {
      const r = this.free(cls, avoid);
      if (r >= 0) {
        this.held |= regBit(r);
        return r;
      }
      if (!this.spillDeepest(CLASS_MASK[cls]! & ~avoid)) throw new Error('codegen: out of registers');
    }
  }

  /**
   * Spill the deepest stack value whose register is in `among`. Positions below the lowest
   * register value are never looked at again, which keeps this amortized O(1) per spill.
   */
  spillDeepest(among: number): boolean {
    const e = this.stack.entries;
    const height = this.stack.height;
    let p = Math.max(this.spiller.frozen, this.stack.lowestReg);
    while (p < height && e[p]!.loc !== Loc.Reg) p++;
    this.stack.lowestReg = p;
    for (; p < height; p++) {
      const v = e[p]!;
      if (v.loc === Loc.Reg && among & regBit(v.n)) {
        this.spiller.spillAt(p);
        return true;
      }
    }
    return false;
  }

  hold(r: RegId): void {
    this.held |= regBit(r);
  }

  release(r: RegId): void {
    this.held &= ~regBit(r);
  }

  isHeld(r: RegId): boolean {
    return (this.held & regBit(r)) !== 0;
  }

  isHome(r: RegId): boolean {
    return (this.homes & regBit(r)) !== 0;
  }
}
// #endregion register-allocator

