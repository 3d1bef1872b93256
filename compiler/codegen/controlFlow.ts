// Blocks, loops, ifs and branches. Each branch target has a merge layout: where each value
// the branch carries must be (a register, or the slot of its stack position). The first edge
// that reaches a label fixes it (a loop fixes it on entry); later edges move their values
// into it with a parallel move. Two invariants keep merges cheap and the pass linear:
// - values below a block's parameters are frozen on entry (spilled, or constants), so no
//   edge can disagree about them;
// - at every merge label each register local is in its register (its save slot is stale).

import { FrameKind, type ControlFrame } from '../validate/codegenInterface.ts';
import { EXCEPTION_STATE, encodingOf, FLOAT_RESULT_REG, HANDLER_RECORD, INT_RESULT_REG, VMCTX, VMCTX_REG } from '../abi/index.ts';
import { regBit } from '../abi/registers.ts';
import { dword, GPR32, GPR64, type Label, qword, ripLabel, xmmword } from '../x64/index.ts';
import { classOf, type FunctionCompiler, I32, I64, isFloat, isWide, operandIsMem, V128, XMM_CLASS } from './functionCompiler.ts';
import { enterMergeState, normalizeLocals } from './locals.ts';
import { parallelMove, MoveList, emitMove, memOperand, NO_KEY, REG } from './parallelMove.ts';
import { SCRATCH, SCRATCH2 } from './registerAllocator.ts';
import { emitInterruptCheck } from './interruptCheck.ts';
import { fuseTest } from './ops/fusion.ts';
import type { LegacyTry } from './legacyExceptions.ts';
import { constant, constant64, FP_EQUAL, FP_UNEQUAL, inReg, inSlot, Loc, type Value } from './valueStack.ts';

// #region control-frame
export interface CFrame {
  readonly kind: FrameKind;
  readonly height: number;
  readonly params: readonly number[];
  readonly results: readonly number[];
  /** Block/if: the end; loop: the start. */
  readonly label: Label;
  readonly elseLabel: Label | null;
  /** Where branch values go: a register number, or -1 for the slot of position height + i. */
  layout: readonly number[] | null;
  /** If: where the parameters are when either arm starts. */
  paramLayout: readonly number[] | null;
  /** If: the register locals' state when either arm starts. */
  localState: Uint8Array | null;
  /** Some edge has jumped to `label`. */
  targeted: boolean;
  /** Exception handling: try_tables open (handler records linked) while code of this frame runs, its own included. */
  tries: number;
  /** Legacy exception handling: catch bodies open (each keeps its exception in a slot) while code of this frame runs, its own included. */
  caught: number;
}
// #endregion control-frame

export class ControlState {
  readonly frames: CFrame[] = [];
  /** Loops open around the current operator (their code runs repeatedly). */
  loops = 0;
  /** Frames closed before, reused by newFrame (one object per block opened cost more than its code). */
  readonly spare: CFrame[] = [];
  /** Legacy exception handling: the open trys, innermost last, and the closed ones whose tables are still to be written (legacyExceptions.ts). */
  readonly legacyTries: LegacyTry[] = [];
  readonly legacyTables: LegacyTry[] = [];
  /** Empty again, for the next function (its frames become spares). */
  reset(): this {
    while (this.frames.length > 0) this.spare.push(this.frames.pop()!);
    this.loops = 0;
    // (Setting a length is a call into V8's runtime: most functions have no legacy try.)
    if (this.legacyTries.length !== 0) this.legacyTries.length = 0;
    if (this.legacyTables.length !== 0) this.legacyTables.length = 0;
    return this;
  }
  /** Close the innermost frame: it stays as it is until the next newFrame reuses it. */
  pop(): CFrame {
    const f = this.frames.pop()!;
    this.spare.push(f);
    return f;
  }
  top(): CFrame {
    return this.frames[this.frames.length - 1]!;
  }
  /** The frame a relative label index names. */
  target(depth: number): CFrame {
    return this.frames[this.frames.length - 1 - depth]!;
  }
}

const arity = (f: CFrame): number => (f.kind === FrameKind.loop ? f.params.length : f.results.length);

export function newFrame(fc: FunctionCompiler, vf: ControlFrame, label: Label, elseLabel: Label | null = null): CFrame {
  const f = fc.control.spare.pop() as { -readonly [K in keyof CFrame]: CFrame[K] } | undefined;
  // FuncTypes are stable (the validator's contract), so the frame keeps them rather than copies.
  // (The view's type is read once: each read looks it up in the validator's table.)
  const type = vf.type;
  const around = fc.control.frames.length === 0 ? null : fc.control.top();
  const outer = around === null ? 0 : around.tries;
  const tries = vf.kind === FrameKind.tryTable || vf.kind === FrameKind.try ? outer + 1 : outer;
  const caught = around === null ? 0 : around.caught;
  if (f === undefined) {
    return {
      kind: vf.kind, height: vf.height, params: type.params, results: type.results,
      label, elseLabel, layout: null, paramLayout: null, localState: null, targeted: false, tries, caught,
    };
  }
  // A closed frame, made new (its localState buffer is kept for snapshotLocals to reuse).
  f.kind = vf.kind, f.height = vf.height, f.params = type.params, f.results = type.results;
  f.label = label, f.elseLabel = elseLabel, f.layout = null, f.paramLayout = null, f.targeted = false, f.tries = tries;
  f.caught = caught;
  return f;
}

export function beginFunctionFrame(fc: FunctionCompiler, vf: ControlFrame): void {
  fc.control.frames.push(newFrame(fc, vf, fc.asm.newLabel()));
  if (fc.env.interruptible) emitInterruptCheck(fc);
}

// #region layouts
// #region decide-layout
/** Choose places for the top n values: keep registers they already have, else a free one, else a slot. */
export function decideLayout(fc: FunctionCompiler, n: number): readonly number[] {
  if (n === 0) return NO_VALUES;
  const places: number[] = [];
  let chosen = 0;
  const base = fc.stack.height - n;
  for (let i = 0; i < n; i++) {
    const v = fc.stack.at(base + i);
    let place = -1;
    // Below the frozen line a value stays where it is (a constant or its slot): loading it into a
    // register there would hide it from spilling (ValueStack.floor).
    if (base + i < fc.frozen) place = -1;
    else if (v.loc === Loc.Reg && !(chosen & regBit(v.n))) place = v.n;
    else place = fc.regs.free(classOf(v.type), chosen);
    if (place >= 0) chosen |= regBit(place);
    places.push(place);
  }
  return places;
}
// #endregion decide-layout

/** The layout of a merge carrying no values (most blocks and loops): one, shared. */
const NO_VALUES: readonly number[] = [];

/** The moves that put the top values in a layout (one list for every merge, see MoveList: hand it to parallelMove at once). */
function layoutMoves(fc: FunctionCompiler, places: readonly number[], targetHeight: number): MoveList {
  const n = places.length;
  const base = fc.stack.height - n;
  const moves = mergeMoves.clear();
  for (let i = 0; i < n; i++) {
    const v = fc.stack.at(base + i);
    const p = places[i]!;
    moves.add(p >= 0 ? REG[p]! : fc.frame.slotLocation(targetHeight + i, v.type), fc.sourceOf(v), v.type === I32);
  }
  return moves;
}
const mergeMoves = new MoveList();

/** Move the top values into a label's layout (a label carrying no values, as most do, needs nothing). */
function moveToLayout(fc: FunctionCompiler, places: readonly number[], targetHeight: number): void {
  if (places.length !== 0) parallelMove(fc.asm, layoutMoves(fc, places, targetHeight), fc.flagsFree());
}

function inPlace(fc: FunctionCompiler, places: readonly number[], targetHeight: number): boolean {
  const base = fc.stack.height - places.length;
  for (let i = 0; i < places.length; i++) {
    const v = fc.stack.at(base + i);
    const p = places[i]!;
    if (p >= 0) {
      if (!(v.loc === Loc.Reg && v.n === p) && !localInRegister(fc, v, p)) return false;
    } else {
      fc.frame.slotAddrOf(v.type, targetHeight + i); // the slot belongs to the frame, as layoutMoves would note
      if (!(v.loc === Loc.Slot && v.n === targetHeight + i)) return false;
    }
  }
  return true;
}

/** Is v a deferred local whose value is in register p right now? */
function localInRegister(fc: FunctionCompiler, v: Value, p: number): boolean {
  return v.loc === Loc.Local && fc.locals.liveRegister(v.n) === p;
}

/** Load values whose place is a free register into it now (safe on every path: the register was free). */
function placeInRegisters(fc: FunctionCompiler, places: readonly number[]): void {
  const base = fc.stack.height - places.length;
  for (let i = 0; i < places.length; i++) {
    const p = places[i]!;
    const v = fc.stack.at(base + i);
    if (p < 0 || (v.loc === Loc.Reg && v.n === p)) continue;
    fc.loadInto(p, v);
    fc.stack.replace(base + i, inReg(v.type, p));
  }
}

/** The stack at a label: everything above `height` dropped, then the label's values in their places. */
function resetTo(fc: FunctionCompiler, height: number, places: readonly number[], types: readonly number[]): void {
  while (fc.stack.height > height) fc.stack.pop();
  if (fc.frozen > height) fc.frozen = height;
  for (let i = 0; i < places.length; i++) {
    const p = places[i]!;
    fc.stack.push(p >= 0 ? inReg(types[i]!, p) : inSlot(types[i]!, height + i));
  }
  for (let i = 0; i < places.length; i++) if (places[i]! < 0) fc.frame.slotAddrOf(types[i]!, height + i);
  fc.regs.held = 0;
  if (fc.frozen > height) fc.frozen = height;
}

// #region reset-dead
/** Code nobody reaches follows: placeholder constants keep the stack the right shape. */
function resetDead(fc: FunctionCompiler, height: number, types: readonly number[]): void {
  while (fc.stack.height > height) fc.stack.pop();
  for (const t of types) fc.stack.push(isWide(t) ? constant64(t, 0, 0) : constant(t, 0));
  fc.regs.held = 0;
  if (fc.frozen > height) fc.frozen = height;
}
// #endregion reset-dead
// #endregion layouts

// #region blocks
export function block(fc: FunctionCompiler, vf: ControlFrame): void {
  fc.freezeBelow(vf.height);
  fc.control.frames.push(newFrame(fc, vf, fc.asm.newLabel()));
}

export function loop(fc: FunctionCompiler, vf: ControlFrame): void {
  fc.freezeBelow(vf.height);
  fc.materializeFlags();
  normalizeLocals(fc);
  const f = newFrame(fc, vf, fc.asm.newLabel());
  const places = decideLayout(fc, f.params.length);
  moveToLayout(fc, places, f.height);
  resetTo(fc, f.height, places, f.params);
  f.layout = places;
  enterMergeState(fc);
  fc.frame.alignLoopHead(f.label);
  fc.control.loops++;
  if (fc.env.interruptible) emitInterruptCheck(fc);
  fc.control.frames.push(f);
}

/** The condition has been popped into `cond`. */
export function ifBlock(fc: FunctionCompiler, vf: ControlFrame, cond: Value): void {
  const f = newFrame(fc, vf, fc.asm.newLabel(), fc.asm.newLabel());
  // The condition is tested first, while every value is where it was: testing it may need a
  // register, and taking one later could spill a value the layout just placed.
  if (cond.loc !== Loc.Flags) fc.materializeFlags();
  const cc = conditionOf(fc, cond);
  fc.pinFlags = true;
  fc.freezeBelow(vf.height);
  const places = decideLayout(fc, f.params.length);
  moveToLayout(fc, places, f.height);
  resetTo(fc, f.height, places, f.params);
  f.paramLayout = places;
  f.localState = snapshotLocals(fc, f.localState);
  if (cc === 'always') {
    // then-arm always runs
  } else if (cc === 'never') fc.asm.jmp(f.elseLabel!);
  else jumpIf(fc, cc ^ 1, f.elseLabel!);
  fc.pinFlags = false;
  fc.control.frames.push(f);
}

/** `live`: the then-arm falls through to here. */
export function elseArm(fc: FunctionCompiler, live: boolean): void {
  const f = fc.control.top();
  if (live) branchTo(fc, f);
  fc.asm.bind(f.elseLabel!);
  resetTo(fc, f.height, f.paramLayout!, f.params);
  restoreLocals(fc, f.localState!);
  (f as { kind: FrameKind }).kind = FrameKind.else;
}

/** Close the innermost frame; `live`: code falls through into the `end`. */
export function end(fc: FunctionCompiler, live: boolean): void {
  let f = fc.control.top();
  if (f.kind === FrameKind.function) {
    if (live) emitReturn(fc);
    fc.control.pop();
    return;
  }
  if (f.kind === FrameKind.if) {
    // No else: the false edge runs an empty else-arm.
    elseArm(fc, live);
    live = true;
    f = fc.control.top();
  }
  fc.control.pop();
  if (f.kind === FrameKind.loop) {
    fc.control.loops--;
    fc.frame.endLoop(f.label);
    if (!live) resetDead(fc, f.height, f.results);
    return;
  }
  if ((f.kind === FrameKind.tryTable || f.kind === FrameKind.try) && live) {
    // Falling out of a try_table unlinks its handler record (branches out unlink their own).
    if (!f.targeted) f.layout = decideLayout(fc, f.results.length);
    fc.materializeFlags();
    normalizeLocals(fc);
    moveToLayout(fc, f.layout!, f.height);
    unlinkHandlers(fc, f.tries - 1, f.tries); // (f is popped already)
    fc.asm.bind(f.label);
    resetTo(fc, f.height, f.layout!, f.results);
    enterMergeState(fc);
  } else if (f.targeted) {
    if (live) {
      fc.materializeFlags();
      normalizeLocals(fc);
      moveToLayout(fc, f.layout!, f.height);
    }
    fc.asm.bind(f.label);
    resetTo(fc, f.height, f.layout!, f.results);
    enterMergeState(fc);
  } else if (!live) resetDead(fc, f.height, f.results);
}
// #endregion blocks

// #region branches
// #region branch-to
/** An unconditional branch to frame f (the stack is left as it was; code after it is dead). */
export function branchTo(fc: FunctionCompiler, f: CFrame): void {
  if (f.kind === FrameKind.function) return emitReturn(fc);
  fc.materializeFlags();
  normalizeLocals(fc);
  f.layout ??= decideLayout(fc, arity(f));
  moveToLayout(fc, f.layout, f.height);
  unlinkHandlers(fc, triesAt(f));
  fc.asm.jmp(f.label);
  f.targeted = true;
}

// #region unlink-handlers
/** Try_tables open where a branch to frame f lands (a try_table's label is its end, outside it). */
export function triesAt(f: CFrame): number {
  return f.kind === FrameKind.tryTable || f.kind === FrameKind.try ? f.tries - 1 : f.tries;
}

/**
 * Leaving try_tables: make the handler chain's head what it was when only `count` of this
 * function's try_tables were open, the PREV of record `count` (the outermost one left). Moves
 * only, through the scratch registers: no value or flag is disturbed. Nothing when none is left.
 */
export function unlinkHandlers(fc: FunctionCompiler, count: number, open = fc.control.frames.length === 0 ? 0 : fc.control.top().tries): void {
  if (open <= count) return;
  const asm = fc.asm;
  asm.mov(GPR64[SCRATCH]!, qword(GPR64[encodingOf(VMCTX_REG)]!, VMCTX.RUNTIME_STATE));
  fc.frame.loadRecord(GPR64[SCRATCH2]!, count, HANDLER_RECORD.PREV);
  asm.mov(qword(GPR64[SCRATCH]!, EXCEPTION_STATE.HANDLERS), GPR64[SCRATCH2]!);
}
// #endregion unlink-handlers
// #endregion branch-to

// #region br-if
export function brIf(fc: FunctionCompiler, f: CFrame, cond: Value): void {
  if (cond.loc === Loc.Const) {
    if (cond.imm !== 0) branchTo(fc, f);
    return;
  }
  // Test the condition first: deciding whether the values are in place and then taking a
  // register for the test could spill one of them (the jump would carry the condition instead).
  if (cond.loc !== Loc.Flags) fc.materializeFlags();
  const cc = conditionOf(fc, cond) as number;
  fc.pinFlags = true;
  normalizeLocals(fc);
  let direct = false;
  if (f.kind !== FrameKind.function) {
    if (!f.layout) {
      f.layout = decideLayout(fc, arity(f));
      placeInRegisters(fc, f.layout);
    }
    // Leaving a try_table unlinks its record on the taken edge only: not a direct jump.
    direct = inPlace(fc, f.layout, f.height) && triesAt(f) >= fc.control.top().tries;
  }
  fc.pinFlags = false;
  if (direct) jumpIf(fc, cc, f.label);
  else {
    const skip = fc.asm.newLabel();
    jumpIf(fc, cc ^ 1, skip);
    if (f.kind === FrameKind.function) emitReturn(fc);
    else {
      moveToLayout(fc, f.layout!, f.height);
      unlinkHandlers(fc, triesAt(f));
      fc.asm.jmp(f.label);
    }
    fc.asm.bind(skip);
  }
  f.targeted = true;
}
// #endregion br-if

// #region br-table
export function brTable(fc: FunctionCompiler, depths: ArrayLike<number>, count: number, defaultDepth: number, index: Value): void {
  const control = fc.control;
  if (index.loc === Loc.Const) {
    const i = index.imm >>> 0;
    return branchTo(fc, control.target(i < count ? depths[i]! : defaultDepth));
  }
  fc.materializeFlags();
  for (let k = control.frames.length - 1; k >= 0; k--) {
    const f = control.frames[k]!;
    if (f.kind !== FrameKind.loop) continue;
    fc.frame.dispatchLoop(f.label);
    break;
  }
  // The index, zero-extended to 64 bits for the table lookup (a 32-bit mov does both at once).
  let r: number;
  if (index.loc === Loc.Reg) {
    r = index.n;
    fc.asm.mov(GPR32[r]!, GPR32[r]!);
  } else {
    r = fc.regs.alloc(0);
    const src = fc.operand(index, false);
    if (typeof src === 'number') fc.asm.mov(GPR32[r]!, src);
    else fc.asm.mov(GPR32[r]!, src.kind === 'mem' ? dword(src.base, src.disp, src.index, src.scale) : GPR32[src.num]!);
  }
  normalizeLocals(fc);
  // The distinct targets in order of first appearance, the default last, as absolute depths.
  const frames = control.frames;
  const top = frames.length - 1;
  const { marks, entries, targets } = tableScratchFor(frames.length);
  const mark = ++tableScratch.number;
  let n = 0;
  for (let i = 0; i <= count; i++) {
    const d = top - (i < count ? depths[i]! : defaultDepth);
    if (marks[d] === mark) continue;
    marks[d] = mark;
    targets[n++] = d;
  }
  // Targets without a layout get one, shared.
  let shared: readonly number[] | null = null;
  for (let k = 0; k < n; k++) {
    const f = frames[targets[k]!]!;
    if (f.kind === FrameKind.function || f.layout) continue;
    if (!shared) placeInRegisters(fc, (shared = decideLayout(fc, arity(frames[top - defaultDepth]!))));
    f.layout = shared;
  }
  // Each target's entry: its label when no move is needed, else a stub of its own.
  const asm = fc.asm;
  for (let k = 0; k < n; k++) {
    const f = frames[targets[k]!]!;
    f.targeted = true;
    const direct = f.kind !== FrameKind.function && inPlace(fc, f.layout!, f.height) && triesAt(f) >= control.top().tries;
    entries[targets[k]!] = direct ? f.label : asm.newLabel();
  }
  asm.cmp(GPR32[r]!, count);
  asm.jcc('ae', entries[top - defaultDepth]!);
  const table = asm.newLabel();
  asm.lea(GPR64[SCRATCH]!, ripLabel(table));
  asm.movsxd(GPR64[SCRATCH2]!, dword(GPR64[SCRATCH]!, 0, GPR64[r]!, 4));
  asm.add(GPR64[SCRATCH2]!, GPR64[SCRATCH]!);
  asm.jmp(GPR64[SCRATCH2]!);
  for (let k = 0; k < n; k++) {
    const f = frames[targets[k]!]!;
    const entry = entries[targets[k]!]!;
    if (entry === f.label) continue;
    asm.bind(entry);
    if (f.kind === FrameKind.function) emitReturn(fc);
    else {
      moveToLayout(fc, f.layout!, f.height);
      unlinkHandlers(fc, triesAt(f));
      asm.jmp(f.label);
    }
  }
  asm.align(4, 'int3');
  asm.bind(table);
  const labels: Label[] = [];
  for (let i = 0; i < count; i++) labels.push(entries[top - depths[i]!]!);
  asm.jumpTable(labels, 'rel32');
}

// Scratch state of br_table, shared by every call (nothing per table but its list of labels):
// by absolute frame depth, the number of the last table that listed the frame, and its entry.
const tableScratch = { number: 0, marks: new Int32Array(64), entries: [] as (Label | null)[], targets: [] as number[] };
function tableScratchFor(depths: number): typeof tableScratch {
  const s = tableScratch;
  if (s.number === 0x7fffffff) (s.number = 0), s.marks.fill(0);
  if (s.marks.length < depths) {
    const bigger = new Int32Array(2 * depths);
    bigger.set(s.marks);
    s.marks = bigger;
  }
  while (s.entries.length < depths) s.entries.push(null);
  return s;
}
// #endregion br-table
// #endregion branches

// #region return
/** Put the function's results where the convention wants them and leave. Changes no state. */
export function emitReturn(fc: FunctionCompiler): void {
  unlinkHandlers(fc, 0);
  const results = fc.type.results;
  const m = results.length;
  const asm = fc.asm;
  const base = fc.stack.height - m;
  if (m > 1) {
    const ra = fc.locals.returnAreaLocal;
    const src = fc.sourceOf({ loc: Loc.Local, type: I64, n: ra, imm: 0, hi: 0 });
    // A result in the flags first: turning it into 0/1 may need SCRATCH (a float eq/ne), and
    // SCRATCH2 carries the other results' memory-to-memory copies.
    const flags = fc.stack.flagsPos;
    if (flags > base) fc.loadInto(SCRATCH2, fc.stack.at(flags));
    emitMove(asm, REG[SCRATCH]!, src);
    // Where each result goes in the return area (8 bytes each, 16 for a v128).
    const area = fc.env.signatures.of(fc.env.module.functions[fc.funcIndex]!).layout.results;
    const offsetOf = (k: number): number => (area[k] as { offset: number }).offset;
    if (flags > base) emitMove(asm, memOperand(qword(GPR64[SCRATCH]!, offsetOf(flags - base)), NO_KEY), REG[SCRATCH2]!);
    for (let k = 1; k < m; k++) {
      if (base + k === flags) continue;
      const at = offsetOf(k);
      const dst = memOperand(results[k] === V128 ? xmmword(GPR64[SCRATCH]!, at) : qword(GPR64[SCRATCH]!, at), NO_KEY);
      emitMove(asm, dst, fc.sourceOf(fc.stack.at(base + k)));
    }
  }
  if (m > 0) {
    const v = fc.stack.at(base);
    const to = classOf(v.type) === XMM_CLASS ? FLOAT_RESULT_REG : INT_RESULT_REG;
    if (!(v.loc === Loc.Reg && v.n === to)) fc.loadInto(to, v);
  }
  fc.frame.emitEpilogue();
}
// #endregion return

// #region jump-if
/** Jump to `target` if condition cc holds (a float eq/ne takes two jumps: ZF and PF). */
export function jumpIf(fc: FunctionCompiler, cc: number, target: Label): void {
  const asm = fc.asm;
  if (cc === FP_EQUAL) {
    // Equal and ordered: not when unordered (PF), then on ZF.
    const skip = asm.newLabel();
    asm.jcc('p', skip, true);
    asm.jcc('e', target);
    asm.bind(skip);
  } else if (cc === FP_UNEQUAL) {
    asm.jcc('ne', target);
    asm.jcc('p', target);
  } else asm.jccCode(cc, target);
}
// #endregion jump-if

/** Test a condition value; returns the x86 condition code meaning "true", or always/never. */
export function conditionOf(fc: FunctionCompiler, v: Value): number | 'always' | 'never' {
  switch (v.loc) {
    case Loc.Flags: return v.n;
    case Loc.Const: return v.imm !== 0 ? 'always' : 'never';
    default: {
      if (fuseTest(fc, v)) return 5; // ne
      const op = fc.operand(v, false);
      if (operandIsMem(op)) fc.asm.cmp(op, 0);
      else if (typeof op !== 'number') fc.asm.test(op, op);
      return 5; // ne
    }
  }
}

/**
 * The register locals' state: LocalState's someAway and someSaved, then (unless both are false,
 * which says everything: each local in its register only) each register local's two flags. In
 * `into` if it is large enough (a frame reused keeps its buffer).
 */
export function snapshotLocals(fc: FunctionCompiler, into: Uint8Array | null): Uint8Array {
  const l = fc.locals;
  const n = l.regLocals.length;
  const s = into !== null && into.length >= n * 2 + 2 ? into : new Uint8Array(Math.max(16, n * 2 + 2));
  s[0] = l.someAway ? 1 : 0;
  s[1] = l.someSaved ? 1 : 0;
  if (!l.someAway && !l.someSaved) return s;
  for (let k = 0; k < n; k++) {
    const i = l.regLocals[k]!;
    s[2 * k + 2] = l.regValid[i]!;
    s[2 * k + 3] = l.slotValid[i]!;
  }
  return s;
}

export function restoreLocals(fc: FunctionCompiler, s: Uint8Array): void {
  // Each local in its register only: the state a merge label starts in.
  if (s[0] === 0 && s[1] === 0) return enterMergeState(fc);
  const l = fc.locals;
  const n = l.regLocals.length;
  for (let k = 0; k < n; k++) {
    const i = l.regLocals[k]!;
    l.regValid[i] = s[2 * k + 2]!;
    l.slotValid[i] = s[2 * k + 3]!;
  }
  l.someAway = s[0] === 1;
  l.someSaved = s[1] === 1;
}
