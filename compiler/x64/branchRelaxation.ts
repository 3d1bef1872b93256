// Branch relaxation: a one-pass assembler must emit a forward jump before it knows how far the
// target is, so it emits the near form (rel32). At the end, every such jump whose target turned
// out to be close can shrink to the short form (rel8). Shrinking one jump moves the code after it
// closer, which can only help others, so we start by assuming every jump is short and lengthen
// the ones that do not fit until nothing changes: each pass only ever turns short into long.

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
  readonly saved: number;
}

/** Passes before giving up and leaving every jump near (keeps the worst case linear). */
const MAX_PASSES = 16;

/** Candidates must be sorted by `start`. */
export function relaxBranches(candidates: readonly RelaxCandidate[]): Relaxation {
  const n = candidates.length;
  const short = new Array<boolean>(n).fill(true);
  // savedBefore[k]: bytes saved by the short candidates among the first k.
  const savedBefore = new Float64Array(n + 1);
  const recount = (): void => {
    for (let i = 0; i < n; i++) savedBefore[i + 1] = savedBefore[i]! + (short[i] ? candidates[i]!.saving : 0);
  };
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

  let stable = false;
  for (let pass = 0; pass < MAX_PASSES && !stable; pass++) {
    recount();
    stable = true;
    for (let i = 0; i < n; i++) {
      if (!short[i]) continue;
      const c = candidates[i]!;
      if (c.omit) continue;
      const end = map(c.start) + 2;
      const d = map(c.target) - end;
      if (d < -128 || d > 127) {
        short[i] = false;
        stable = false;
      }
    }
  }
  if (!stable) for (let i = 0; i < n; i++) short[i] = candidates[i]!.omit === true;
  recount();
  return { short, map, saved: savedBefore[n]! };
}
// #endregion relaxation
