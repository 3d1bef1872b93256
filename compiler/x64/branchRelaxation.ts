// Branch relaxation: a one-pass assembler must emit a forward jump before it knows how far the
// target is, so it emits the near form (rel32). At the end, every such jump whose target turned
// out to be close can shrink to the short form (rel8). The jumps are forward, so shrinking one
// only brings targets closer for the others: a jump that fits with the others as they are still
// fits whatever else shrinks. So no pass ever has to undo one: the first measures each jump as
// emitted (its rel32 displacement is what its rel8 one would be), the second measures the rest
// again with the first pass's savings, and what fits then is short too. (Starting from all short
// and lengthening until nothing changes finds a few more, at the price of passes without bound.)

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
}

export interface Relaxation {
  /** Which candidates become short. */
  readonly short: readonly boolean[];
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
  // Pass 1: the displacement as emitted, every other jump still long.
  for (let i = 0; i < n; i++) {
    const c = candidates[i]!;
    short[i] = c.omit === true || c.target - c.start - c.saving - 2 <= 127;
    savedBefore[i + 1] = savedBefore[i]! + (short[i] ? c.saving : 0);
  }
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
  const map = (offset: number): number => offset - savedBefore[countBefore(offset)]!;
  // Pass 2: the rest, with what pass 1 saved between them and their targets (i candidates start
  // before this one; its own saving is not counted in map(target) yet).
  let more = false;
  for (let i = 0; i < n; i++) {
    if (short[i]) continue;
    const c = candidates[i]!;
    if (map(c.target) - c.saving - (c.start - savedBefore[i]!) - 2 <= 127) short[i] = more = true;
  }
  if (more) for (let i = 0; i < n; i++) savedBefore[i + 1] = savedBefore[i]! + (short[i] ? candidates[i]!.saving : 0);
  const sweep = (): ((offset: number) => number) => {
    let k = 0;
    return (offset) => {
      while (k < n && candidates[k]!.start < offset) k++;
      return offset - savedBefore[k]!;
    };
  };
  return { short, map, sweep, saved: savedBefore[n]! };
}
// #endregion relaxation
