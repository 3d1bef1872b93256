// Branch relaxation: a one-pass assembler must emit a forward jump before it knows how far the
// target is, so it emits the near form (rel32). At the end, every such jump whose target turned
// out to be close can shrink to the short form (rel8). The jumps are forward, so shrinking one
// only brings targets closer for the others: a jump that fits with the others as they are still
// fits whatever else shrinks. So no pass ever has to undo one: the first measures each jump as
// emitted (its rel32 displacement is what its rel8 one would be), the second measures the rest
// again with the first pass's savings, and what fits then is short too. (Starting from all short
// and lengthening until nothing changes finds a few more, at the price of passes without bound.)
// Alignment pads (nops that put a loop head on a 16-byte boundary) keep their end where it was
// modulo 16: each shrinks or grows by what the code before it saved, modulo 16, so it may grow by
// up to 15 minus its length. A jump is judged as if every pad between it and its target grew that
// much, so whatever the pads become, it still fits.

// #region relaxation
export interface RelaxCandidate {
  /** Offset of the jump instruction in the code as emitted. */
  readonly start: number;
  /** Bytes saved if it becomes short: 3 for jmp (E9 -> EB), 4 for jcc (0F 8x -> 7x). */
  readonly saving: number;
  /** Offset of the target, in the code as emitted (after `start`). */
  readonly target: number;
  /** Not a jump: bytes that are always dropped (`saving` of them, from `start`). */
  readonly omit?: boolean;
  /** Not a jump: an alignment pad of `saving` bytes, whose end keeps its position modulo 16. */
  readonly pad?: boolean;
}

export interface Relaxation {
  /** Which candidates become short (for a pad: true, and its new length is in padLengths). */
  readonly short: readonly boolean[];
  /** The new length of each pad (by candidate index; undefined for the others). */
  readonly padLengths: readonly number[];
  /** Where a byte offset of the code as emitted lands after shrinking. */
  readonly map: (offset: number) => number;
  /** The same, for offsets asked in nondecreasing order (a moving pointer instead of a search). */
  readonly sweep: () => (offset: number) => number;
  readonly saved: number;
}

/** Candidates must be sorted by `start` (distinct), and jump forward (`target` after `start`). */
export function relaxBranches(candidates: readonly RelaxCandidate[]): Relaxation {
  const n = candidates.length;
  const short = new Array<boolean>(n);
  // savedBefore[k]: bytes saved by the short candidates among the first k. (A plain array: a
  // typed array of more than 64 bytes costs microseconds to allocate, once per function.)
  const savedBefore: number[] = new Array<number>(n + 1);
  savedBefore[0] = 0;
  // How many candidates start before `offset` (binary search).
  const countBefore = (offset: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (candidates[mid]!.start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // growthBefore[k]: how much the pads among the first k could grow at most (none: no array).
  let growthBefore: number[] | null = null;
  for (let i = 0; i < n; i++) {
    if (candidates[i]!.pad !== true) continue;
    growthBefore = new Array<number>(n + 1);
    growthBefore[0] = 0;
    for (let k = 0; k < n; k++) {
      const c = candidates[k]!;
      growthBefore[k + 1] = growthBefore[k]! + (c.pad === true ? 15 - c.saving : 0);
    }
    break;
  }
  // How much the pads between candidate i and `target` could grow.
  const growth = (i: number, target: number): number =>
    growthBefore === null ? 0 : growthBefore[countBefore(target)]! - growthBefore[i + 1]!;
  // Pass 1: the displacement as emitted, every other jump still long.
  for (let i = 0; i < n; i++) {
    const c = candidates[i]!;
    short[i] = c.omit === true || (c.pad !== true && c.target - c.start - c.saving - 2 + growth(i, c.target) <= 127);
    savedBefore[i + 1] = savedBefore[i]! + (short[i] ? c.saving : 0);
  }
  const map = (offset: number): number => offset - savedBefore[countBefore(offset)]!;
  // Pass 2: the rest, with what pass 1 saved between them and their targets (i candidates start
  // before this one; its own saving is not counted in map(target) yet).
  let more = false;
  for (let i = 0; i < n; i++) {
    if (short[i]) continue;
    const c = candidates[i]!;
    if (c.pad !== true && map(c.target) - c.saving - (c.start - savedBefore[i]!) - 2 + growth(i, c.target) <= 127) short[i] = more = true;
  }
  const padLengths: number[] = [];
  if (growthBefore !== null) {
    // Each pad becomes (its length + what came before it saved) mod 16: its end keeps its phase.
    // What came before saved at least as much as the pad grows, so the code never moves up.
    for (let i = 0; i < n; i++) {
      const c = candidates[i]!;
      if (c.pad === true) {
        padLengths[i] = (c.saving + savedBefore[i]!) % 16;
        short[i] = true;
        savedBefore[i + 1] = savedBefore[i]! + c.saving - padLengths[i]!;
      } else savedBefore[i + 1] = savedBefore[i]! + (short[i] ? c.saving : 0);
    }
  } else if (more) for (let i = 0; i < n; i++) savedBefore[i + 1] = savedBefore[i]! + (short[i] ? candidates[i]!.saving : 0);
  const sweep = (): ((offset: number) => number) => {
    let k = 0;
    return (offset) => {
      while (k < n && candidates[k]!.start < offset) k++;
      return offset - savedBefore[k]!;
    };
  };
  return { short, padLengths, map, sweep, saved: savedBefore[n]! };
}
// #endregion relaxation
