// Branch relaxation: a one-pass assembler must emit a forward jump before it knows how far the
// target is, so it emits the near form (rel32). At the end, every such jump whose target turned
// out to be close can shrink to the short form (rel8). The jumps are forward, so shrinking one
// only brings targets closer for the others: a jump that fits with the others as they are still
// fits whatever else shrinks. So no pass ever has to undo one: the first measures each jump as
// emitted (its rel32 displacement is what its rel8 one would be), the second measures the rest
// again with the first pass's savings, and what fits then is short too. (Starting from all short
// and lengthening until nothing changes finds a few more, at the price of passes without bound.)
// A jump to the very next instruction (its target right after it, or after nothing but bytes
// that are dropped) is dropped whole: it only ever saves more.
// Alignment pads (nops that put a loop head on a 16-byte boundary) keep their end where it was
// modulo 16: each shrinks or grows by what the code before it saved, modulo 16, so it may grow by
// up to 15 minus its length. A jump is judged as if every pad between it and its target grew that
// much, so whatever the pads become, it still fits.
// A function has thousands of candidates: they are columns of typed arrays, reused from one
// function to the next, not an object each.

// #region relaxation
// What a candidate is, and after `relax()` what it became (its `state`):
/** A near jmp/jcc (5 or 6 bytes) that stays near. */
export const LONG = 0;
/** A near jmp/jcc that becomes short (2 bytes). */
export const SHORTENED = 1;
/** Bytes dropped whole: a range to omit, or a jump to the next instruction. */
export const DROPPED = 2;
/** An alignment pad: its new length is in `padLength`. */
export const PAD = 3;

/** Candidates, filled in order of `start` (distinct but for an empty pad), then relaxed. */
export class BranchRelaxation {
  /** How many candidates. */
  length = 0;
  /** Offset of each in the code as emitted. */
  start = new Int32Array(256);
  /** Bytes saved if it becomes short (3 for jmp E9 -> EB, 4 for jcc 0F 8x -> 7x), or dropped (after relax: the bytes dropped), or a pad's length. */
  saving = new Int32Array(256);
  /** A jump's target, in the code as emitted (after `start`); unused for the others. */
  target = new Int32Array(256);
  /** What the caller knows the candidate by (a label reference's row, say). */
  tag = new Int32Array(256);
  /** LONG, SHORTENED, DROPPED or PAD: what it is (LONG for a jump, DROPPED for a range to omit, PAD), then what it became. */
  state = new Uint8Array(256);
  /** After relax(): a pad's new length. */
  padLength = new Int32Array(256);
  /** After relax(): savedBefore[k] is what the first k candidates saved. */
  savedBefore = new Int32Array(257);
  /** growthBefore[k]: how much the pads among the first k could grow at most (kept by add). */
  private growthBefore = new Int32Array(257);
  private pads = 0;
  /** After relax(): did any pad grow? (If none did, no distance in the code grew.) */
  padsGrew = false;

  /** Start over (keeping the arrays). */
  clear(): void {
    this.length = 0;
    this.pads = 0;
    this.growthBefore[0] = 0;
  }

  /** A near jmp (`saving` 3) or jcc (4) at `start` to `target`, or a range (DROPPED) or pad (PAD) of `saving` bytes. */
  add(state: number, start: number, saving: number, target: number, tag: number): void {
    const n = this.length;
    if (n === this.start.length) this.grow();
    this.start[n] = start;
    this.saving[n] = saving;
    this.target[n] = target;
    this.tag[n] = tag;
    this.state[n] = state;
    const pad = state === PAD;
    if (pad) this.pads++;
    this.growthBefore[n + 1] = this.growthBefore[n]! + (pad ? 15 - saving : 0);
    this.length = n + 1;
  }

  private grow(): void {
    const n = this.start.length * 2;
    const int32 = (a: Int32Array, size: number): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.start = int32(this.start, n);
    this.saving = int32(this.saving, n);
    this.target = int32(this.target, n);
    this.tag = int32(this.tag, n);
    this.padLength = int32(this.padLength, n);
    this.savedBefore = new Int32Array(n + 1);
    this.growthBefore = int32(this.growthBefore, n + 1);
    const state = new Uint8Array(n);
    state.set(this.state);
    this.state = state;
  }

  /** How many candidates start before `offset` (binary search). */
  countBefore(offset: number): number {
    const start = this.start;
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (start[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Where a byte offset of the code as emitted lands after relax(). */
  map(offset: number): number {
    return offset - this.savedBefore[this.countBefore(offset)]!;
  }

  /**
   * map() of `count` offsets, every `stride`-th number of `data` from the first, in place. In
   * nondecreasing order (as trap sites are recorded) one pointer moves over the candidates
   * instead of a search for each; the first offset, and one below the one before, search.
   */
  mapInPlace(data: Int32Array, count: number, stride: number): void {
    const { start, savedBefore } = this;
    const n = this.length;
    let c = 0;
    let previous = -1;
    for (let k = 0, i = 0; k < count; k++, i += stride) {
      const offset = data[i]!;
      // The pointer starts where a search puts it (trap stubs come after every candidate).
      if (offset < previous || previous < 0) c = this.countBefore(offset);
      else while (c < n && start[c]! < offset) c++;
      previous = offset;
      data[i] = offset - savedBefore[c]!;
    }
  }

  /** map() frozen as it is now (a copy of what it reads: this object serves the next function). */
  snapshot(): (offset: number) => number {
    const n = this.length;
    const start = this.start.slice(0, n), savedBefore = this.savedBefore.slice(0, n + 1);
    return (offset) => {
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (start[mid]! < offset) lo = mid + 1;
        else hi = mid;
      }
      return offset - savedBefore[lo]!;
    };
  }

  /** Decide every candidate's state; returns the bytes saved. */
  relax(): number {
    const n = this.length;
    const { start, saving, target, state, savedBefore, growthBefore } = this;
    this.dropJumpsToNext();
    const pads = this.pads > 0;
    this.padsGrew = false;
    // Pass 1: the displacement as emitted, every other jump still long. (With pads, a jump is
    // judged as if those between it and its target grew as much as they can; `nextPad` is the
    // first pad after the jump at hand, and when that is past the target there is nothing to add.)
    savedBefore[0] = 0;
    let nextPad = 0;
    for (let i = 0; i < n; i++) {
      let s = state[i]!;
      if (s === LONG) {
        const t = target[i]!;
        let reach = t - start[i]! - saving[i]! - 2;
        if (pads && reach <= 127) {
          if (nextPad <= i) for (nextPad = i + 1; nextPad < n && state[nextPad] !== PAD; nextPad++);
          if (nextPad < n && start[nextPad]! < t) reach += growthBefore[this.countBefore(t)]! - growthBefore[i + 1]!;
        }
        if (reach <= 127) state[i] = s = SHORTENED;
      }
      savedBefore[i + 1] = savedBefore[i]! + (s === SHORTENED || s === DROPPED ? saving[i]! : 0);
    }
    // Pass 2: the rest, with what pass 1 saved between them and their targets. Walking from the
    // jump to its target, the code up to candidate k is start[k] - savedBefore[k] long after pass
    // 1, and what lies between k and the target (never inside a candidate) saves no more than its
    // length: once that is past reach, so is the target. (i candidates start before this one; its
    // own saving is not counted in savedBefore[k] yet.) The same walk sizes the pads and leaves
    // in savedBefore what the candidates before each save in the end: entry i is overwritten once
    // read, and the jumps after it read only the entries past it, still pass 1's.
    // Each pad becomes (its length + what came before it saved) mod 16: its end keeps its phase.
    // What came before saved at least as much as the pad grows, so the code never moves up.
    const total = savedBefore[n]!;
    const padLength = this.padLength;
    let before = 0; // what the candidates before i save in the end
    for (let i = 0; i < n; i++) {
      const passOne = savedBefore[i]!;
      savedBefore[i] = before;
      let s = state[i]!;
      if (s === LONG) {
        const t = target[i]!;
        const end = start[i]! - passOne + saving[i]! + 2;
        if (t - total - end <= 127) {
          let k = i + 1;
          while (k < n && start[k]! < t && start[k]! - savedBefore[k]! - end <= 127) k++;
          if (!(k < n && start[k]! < t)) {
            const reach = t - savedBefore[k]! - end + (pads ? growthBefore[k]! - growthBefore[i + 1]! : 0);
            if (reach <= 127) state[i] = s = SHORTENED;
          }
        }
      }
      if (s === PAD) {
        const length = (padLength[i] = (saving[i]! + before) % 16);
        if (length > saving[i]!) this.padsGrew = true;
        before += saving[i]! - length;
      } else if (s === SHORTENED || s === DROPPED) before += saving[i]!;
    }
    savedBefore[n] = before;
    return savedBefore[n]!;
  }

  /**
   * A jump whose target is where it ends, or the end of dropped bytes right after it, is dropped
   * (all its bytes: `saving` + 2). From the last candidate back: [runStart, runEnd) is the run of
   * dropped bytes nearest after the candidate at hand. A pad in between may grow: no drop across one.
   */
  private dropJumpsToNext(): void {
    const { start, saving, target, state } = this;
    let runStart = -1;
    let runEnd = -1;
    let nextPad = 0x7fffffff;
    for (let i = this.length - 1; i >= 0; i--) {
      const s = state[i]!;
      const from = start[i]!;
      if (s === PAD) {
        nextPad = from;
        runStart = -1;
        continue;
      }
      const size = s === DROPPED ? saving[i]! : saving[i]! + 2;
      const end = from + size;
      if (s === LONG) {
        const t = target[i]!;
        if (t >= nextPad || !(t === end || (end === runStart && t <= runEnd))) continue;
        state[i] = DROPPED;
        saving[i] = size;
      }
      if (end === runStart) runStart = from;
      else (runStart = from), (runEnd = end);
    }
  }
}
// #endregion relaxation
