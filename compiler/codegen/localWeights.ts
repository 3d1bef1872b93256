// Which locals matter: a look ahead over a body's bytes, before its code is generated, that
// counts each local's local.get/set/tee, weighting a use inside n loops by 8^n (n at most 4).
// assignLocals gives registers to the heaviest locals of each class, so a hot accumulator
// declared last gets a register and a parameter read once before the loop does not.
//
// It is not a second pass over the body: it decodes opcodes and skips immediates (the operator
// table's immediate column says how), validates nothing, and gives up (null: declaration order)
// on anything it does not know, such as prefixes of later proposals. Linear in the body's size.
//
// writtenFirst, a shorter look at the body's start, finds the locals the prologue need not zero.

import { allOperators, ATOMIC_DISPATCH, ATOMIC_SUB_LIMIT, DISPATCH_SIZE, dispatchIndex, SIMD_DISPATCH, SIMD_SUB_LIMIT } from '../binary/operators.ts';
import type { ExpressionBytes } from '../validate/codegenInterface.ts';

const enum Skip {
  /** Unknown opcode: give up. */
  unknown = 0, none, oneLeb, twoLeb, memarg, f32, f64, brTable, selectTypes, blockType,
  /** SIMD's: a lane index byte, 16 bytes (v128.const, i8x16.shuffle), a memarg and a lane. */
  lane, sixteen, memargLane,
  /** try_table: a block type, then a vector of catch clauses. */
  tryTable,
}

/**
 * How to skip each operator's immediates, by its index in the operator table's dispatch arrays:
 * the byte itself, 256 + sub for a 0xfc sub-opcode, 320 + sub for a 0xfd (SIMD) one, ATOMIC_DISPATCH
 * + sub for a 0xfe (threads) one.
 */
const SKIP = new Uint8Array(DISPATCH_SIZE);
for (const info of allOperators()) {
  if (info.family === 'unsupported') continue;
  const index = dispatchIndex(info.opcode);
  if (index < 0) continue;
  const imm: string = info.immediate;
  SKIP[index] =
    imm === '-' ? Skip.none
    : imm === 'blocktype' ? Skip.blockType
    : imm === 'catches' ? Skip.tryTable
    : imm === 'labels' ? Skip.brTable
    : imm === 'valtypes' ? Skip.selectTypes
    : imm === 'f32' ? Skip.f32
    : imm === 'f64' ? Skip.f64
    : imm === 'lane' || imm === 'zero' ? Skip.lane // one byte: a lane index, atomic.fence's reserved 0
    : imm === 'v128' || imm === 'shuffle' ? Skip.sixteen
    : imm.startsWith('memarg_lane') ? Skip.memargLane
    : imm.startsWith('memarg') ? Skip.memarg
    : imm.includes(' ') || imm === 'type_table' ? Skip.twoLeb
    : Skip.oneLeb; // label, func, local, global, table, elem, data, mem, i32, i64, reftype
}

const LOOP = 0x03, END = 0x0b;
const LOCAL_GET = 0x20, LOCAL_TEE = 0x22;
/** The weight of a use inside n loops: 8^n, n at most 4. */
const WEIGHT_AT_DEPTH = [1, 8, 64, 512, 4096];
const MAX_DEPTH_WEIGHTED = WEIGHT_AT_DEPTH.length - 1;

/** The unsigned LEB128 at `pos` (low 32 bits), or -1 if it runs past `end`. */
function lebAt(code: Uint8Array, pos: number, end: number): number {
  let result = 0, shift = 0, b: number;
  do {
    if (pos >= end) return -1;
    b = code[pos++]!;
    if (shift < 28) result |= (b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  return result >>> 0;
}

/** The position after the LEB128 at `pos` (`end` if it runs past it). */
function skipLeb(code: Uint8Array, pos: number, end: number): number {
  while (pos < end && code[pos++]! & 0x80);
  return pos;
}

// Shared by every call (the scan is not reentrant): the weights, and per open block 1 if it
// is a loop, grown to the largest function seen.
let weightsScratch: Float64Array = new Float64Array(256);
let isLoop: Uint8Array = new Uint8Array(64);

/**
 * Weight of each local's uses (uses inside loops count 8 times per loop level), or null when the
 * body holds something this scan does not decode. The array is reused by the next call: its
 * first `localCount` entries are this body's weights.
 *
 * `stopOnceUsed`: when the caller needs only which locals are used (weight > 0), as when every
 * one gets a register anyway, the number of the body's locals: the scan stops as soon as locals 0
 * to stopOnceUsed - 1 have all been used, and the weights are then partial. (Where the whole scan
 * would have given up further on, the answer is the same: all used.) 0: scan the whole body.
 */
export function localWeights(code: Uint8Array, start: number, end: number, localCount: number, stopOnceUsed = 0): Float64Array | null {
  if (weightsScratch.length < localCount) weightsScratch = new Float64Array(2 * localCount);
  const weights = weightsScratch;
  for (let i = 0; i < localCount; i++) weights[i] = 0; // (a loop: fill's call costs more for a few locals)
  let unused = stopOnceUsed; // of the locals below stopOnceUsed
  let open = 0; // blocks open; the loop depth is the number of 1s in isLoop[0, open)
  let depth = 0;
  let weight = 1;
  let pos = start;
  // LEB128 immediates are nearly always short: read inline, longer ones by lebAt/skipLeb.
  // #region weigh-uses
  while (pos < end) {
    const op = code[pos++]!;
    if (op >= LOCAL_GET && op <= LOCAL_TEE) {
      let i = code[pos]!;
      if (i < 0x80 && pos < end) pos++;
      else (i = lebAt(code, pos, end)), (pos = skipLeb(code, pos, end));
      if (i < 0 || i >= localCount) return null;
      const w = weights[i]!;
      weights[i] = w + weight;
      if (w === 0 && i < stopOnceUsed && --unused === 0) return weights;
      continue;
    }
    let kind: number = SKIP[op]!;
    if (op === 0xfc || op === 0xfd || op === 0xfe) (kind = prefixedKind(op, code, pos, end)), (pos = skipLeb(code, pos, end));
    switch (kind) {
      case Skip.unknown: return null;
      case Skip.none:
        if (op === END && open > 0 && isLoop[--open] === 1) weight = WEIGHT_AT_DEPTH[Math.min(--depth, MAX_DEPTH_WEIGHTED)]!;
        break;
      case Skip.blockType:
      case Skip.tryTable:
        // A value type byte, 0x40, or an s33 type index: skipping a LEB covers all three; a typed
        // reference (0x63/0x64) is followed by its heap type, one more. A try_table's catch clauses follow.
        if (pos < end && (code[pos] === 0x63 || code[pos] === 0x64)) pos++;
        pos = skipLeb(code, pos, end);
        if (kind === Skip.tryTable && pos >= 0) pos = skipCatches(code, pos, end);
        if (pos < 0) return null;
        if (open === isLoop.length) isLoop = grow(isLoop);
        if (op === LOOP) {
          isLoop[open++] = 1;
          weight = WEIGHT_AT_DEPTH[Math.min(++depth, MAX_DEPTH_WEIGHTED)]!;
        } else isLoop[open++] = 0; // block, if
        break;
      // #endregion weigh-uses
      case Skip.oneLeb: // one or two bytes inline (constants up to 8191 take two)
        pos = code[pos]! < 0x80 ? pos + 1 : code[pos + 1]! < 0x80 ? pos + 2 : skipLeb(code, pos, end);
        break;
      case Skip.memarg: // (inline, as one-LEB immediates: loads and stores are common)
        pos = skipMemarg(code, pos, end);
        break;
      default:
        pos = skipImmediates(kind, code, pos, end);
        if (pos < 0) return null;
    }
  }
  return weights;
}

/**
 * Does the body hold a vector (0xfd-prefixed) operator? A decode like localWeights', answering
 * true too when it meets something it does not decode: the caller then only prepares for v128
 * values that may not come (see Frame.mayUseVectors).
 */
export function holdsVectorOperator(code: Uint8Array, start: number, end: number): boolean {
  let pos = start;
  while (pos < end) {
    const op = code[pos++]!;
    if (op === 0xfd) return true;
    let kind: number = SKIP[op]!;
    if (op === 0xfc || op === 0xfe) (kind = prefixedKind(op, code, pos, end)), (pos = skipLeb(code, pos, end));
    if (kind === Skip.unknown) return true;
    pos = skipImmediates(kind, code, pos, end);
    if (pos < 0) return true;
  }
  return false;
}

/** How to skip the immediates of the 0xfc-, 0xfd- or 0xfe-prefixed operator whose sub-opcode (a LEB128) starts at `pos`. */
function prefixedKind(prefix: number, code: Uint8Array, pos: number, end: number): Skip {
  const sub = lebAt(code, pos, end);
  if (prefix === 0xfc) return sub < 0 || sub >= 64 ? Skip.unknown : (SKIP[256 + sub]! as Skip);
  if (prefix === 0xfe) return sub < 0 || sub >= ATOMIC_SUB_LIMIT ? Skip.unknown : (SKIP[ATOMIC_DISPATCH + sub]! as Skip);
  return sub < 0 || sub >= SIMD_SUB_LIMIT ? Skip.unknown : (SKIP[SIMD_DISPATCH + sub]! as Skip);
}

/** The position after the memarg at `pos`. */
function skipMemarg(code: Uint8Array, pos: number, end: number): number {
  // Bit 6 of the alignment (in its first byte): a memory index follows.
  const flags = code[pos]!;
  if (flags < 0x40) pos++; // the usual one-byte alignment, no memory index
  else {
    pos = skipLeb(code, pos, end);
    if (flags & 0x40) pos = skipLeb(code, pos, end);
  }
  return code[pos]! < 0x80 ? pos + 1 : skipLeb(code, pos, end);
}

/** The position after the immediates of an operator of kind `kind` that start at `pos`, or -1 when they do not decode. */
function skipImmediates(kind: Skip, code: Uint8Array, pos: number, end: number): number {
  switch (kind) {
    case Skip.none: return pos;
    case Skip.oneLeb: return skipLeb(code, pos, end);
    case Skip.blockType: // a value type byte, 0x40, or an s33 type index; a typed reference's heap type after 0x63/0x64
      return skipLeb(code, pos < end && (code[pos] === 0x63 || code[pos] === 0x64) ? pos + 1 : pos, end);
    case Skip.twoLeb: return skipLeb(code, skipLeb(code, pos, end), end);
    case Skip.memarg: return skipMemarg(code, pos, end);
    case Skip.f32: return pos + 4;
    case Skip.f64: return pos + 8;
    case Skip.lane: return pos + 1;
    case Skip.sixteen: return pos + 16;
    case Skip.memargLane: return skipMemarg(code, pos, end) + 1;
    case Skip.tryTable: return skipCatches(code, skipLeb(code, pos < end && (code[pos] === 0x63 || code[pos] === 0x64) ? pos + 1 : pos, end), end);
    case Skip.brTable: {
      const n = lebAt(code, pos, end);
      pos = skipLeb(code, pos, end);
      for (let k = n; k >= 0; k--) pos = skipLeb(code, pos, end);
      return pos;
    }
    case Skip.selectTypes: {
      const n = lebAt(code, pos, end);
      pos = skipLeb(code, pos, end);
      for (let k = n; k > 0; k--) if (code[pos++]! >= 0x80 || code[pos - 1]! < 0x6f) return -1;
      return pos;
    }
    default: return -1;
  }
}

/**
 * The position after a try_table's catch clauses at `pos` (a count, then each clause: its kind,
 * a tag index for catch and catch_ref, a label), or -1 when they do not decode.
 */
function skipCatches(code: Uint8Array, pos: number, end: number): number {
  const n = lebAt(code, pos, end);
  if (n < 0) return -1;
  pos = skipLeb(code, pos, end);
  for (let k = 0; k < n; k++) {
    if (pos >= end) return -1;
    const kind = code[pos++]!;
    if (kind > 3) return -1;
    if (kind < 2) pos = skipLeb(code, pos, end);
    pos = skipLeb(code, pos, end);
  }
  return pos;
}

// #region written-first
/**
 * The operators that may leave code unrun: unreachable, if, else, br, br_if, br_table, return,
 * the tail calls; and, should the operator table ever know them, exceptions' and references'
 * branches (today the scan gives up on those). Before the first of them, a body runs every
 * operator in order on every call.
 */
const MAY_SKIP = new Uint8Array(256);
for (const op of [0x00, 0x04, 0x05, 0x0c, 0x0d, 0x0e, 0x0f, 0x06, 0x08, 0x09, 0x0a, 0x12, 0x13, 0x15, 0x18, 0x1f, 0xd5, 0xd6]) MAY_SKIP[op] = 1;
/** writtenFirst's answer for a local: not seen before the first branch, read first, written first. */
export const UNSEEN = 0, READ_FIRST = 1, WRITTEN_FIRST = 2;
let firstScratch = new Uint8Array(64);

/**
 * For each local, how the body's first stretch uses it first: up to the first operator that may
 * leave code unrun (MAY_SKIP), every operator runs in order on every call (a loop's back edge is a
 * branch, so none has been taken yet either), and a local whose first use there is a local.set or
 * local.tee (WRITTEN_FIRST) is written before anything can read it: its initial zero is never
 * seen. Code after that point is reached only through the stretch, and code before the write in it
 * does not read the local. null when the stretch holds something this scan does not decode. The
 * array is reused by the next call: its first `localCount` entries are this body's.
 */
export function writtenFirst(code: Uint8Array, start: number, end: number, localCount: number): Uint8Array | null {
  if (firstScratch.length < localCount) firstScratch = new Uint8Array(2 * localCount);
  const first = firstScratch;
  first.fill(UNSEEN, 0, localCount);
  let pos = start;
  while (pos < end) {
    const op = code[pos++]!;
    if (op >= LOCAL_GET && op <= LOCAL_TEE) {
      const i = lebAt(code, pos, end);
      pos = skipLeb(code, pos, end);
      if (i < 0 || i >= localCount) return null;
      if (first[i] === UNSEEN) first[i] = op === LOCAL_GET ? READ_FIRST : WRITTEN_FIRST;
      continue;
    }
    if (MAY_SKIP[op] === 1) break;
    let kind: Skip = SKIP[op]!;
    if (op === 0xfc || op === 0xfd || op === 0xfe) (kind = prefixedKind(op, code, pos, end)), (pos = skipLeb(code, pos, end));
    pos = skipImmediates(kind, code, pos, end);
    if (pos < 0) return null;
  }
  return first;
}

/** Keep, of the first `count` locals of `locals` (in order), those the body may read before it writes them (writtenFirst); returns how many. */
export function readBeforeWritten(locals: number[], count: number, body: ExpressionBytes, localCount: number): number {
  const first = writtenFirst(body.code, body.start, body.end, localCount);
  if (first === null) return count;
  let kept = 0;
  for (let k = 0; k < count; k++) if (first[locals[k]!] !== WRITTEN_FIRST) locals[kept++] = locals[k]!;
  return kept;
}
// #endregion written-first

function grow(stack: Uint8Array): Uint8Array {
  const bigger = new Uint8Array(2 * stack.length);
  bigger.set(stack);
  return bigger;
}

// Shared by every call too: per class, the locals chosen so far (heaviest first) and how many.
const best: number[][] = [[], []];
const bestCount = [0, 0];

/**
 * Which locals get a home register: per class c, the budget[c] heaviest of the candidates (local
 * candidates[k] is of class candidateClasses[k]; ties: the lower index), and only locals that are
 * used at all. Without weights, the first of each class, in order. Writes `mark` at into[i] for
 * each chosen local i and leaves the other entries alone.
 */
export function chooseRegisterLocals(
  candidates: ArrayLike<number>, candidateClasses: ArrayLike<number>, candidateCount: number,
  weights: Float64Array | null, budget: readonly number[], into: number[], mark: number,
): void {
  bestCount[0] = bestCount[1] = 0;
  // Per class, the heaviest so far in order, kept by insertion: the budget is a handful, so
  // this is linear in the candidates, where sorting them all was not.
  for (let k = 0; k < candidateCount; k++) {
    const i = candidates[k]!;
    if (weights !== null && !(weights[i]! > 0)) continue;
    const c = candidateClasses[k]!;
    const list = best[c]!;
    const count = bestCount[c]!;
    const room = budget[c]!;
    if (weights === null) {
      if (count < room) {
        list[count] = i;
        bestCount[c] = count + 1;
      }
      continue;
    }
    // Its place: after every local at least as heavy (an equal weight with a lower index wins).
    const w = weights[i]!;
    let at = count;
    while (at > 0 && heavier(w, i, weights[list[at - 1]!]!, list[at - 1]!)) at--;
    if (at >= room) continue;
    // Shift the lighter ones down (the last falls off a full list) and put it in its place.
    let j = room - 1;
    if (count < room) {
      j = count;
      bestCount[c] = count + 1;
    }
    for (; j > at; j--) list[j] = list[j - 1]!;
    list[at] = i;
  }
  for (let c = 0; c < 2; c++) for (let k = 0; k < bestCount[c]!; k++) into[best[c]![k]!] = mark;
}

/** Does local a (weight wa) rank before local b (weight wb)? */
const heavier = (wa: number, a: number, wb: number, b: number): boolean => wa > wb || (wa === wb && a < b);
