// Locals: where each lives (a home register with a save slot, or a frame slot), the state of a
// register local (value in the register, in the save slot, both, or still the initial zero), and
// the operations on them: writes that settle deferred copies first, saving around calls, and
// bringing every register local home at a merge. Float locals live in xmm registers under the
// same rules as integer locals in general-purpose ones.

import type { SignatureLayout } from '../abi/index.ts';
import { isXmm, Reg, RegClass, type RegId, regBit } from '../abi/registers.ts';
import { GPR32, type Gpr, type Mem, XMM, type Xmm } from '../x64/index.ts';
import { classOf, type FunctionCompiler, I32, isWide, V128 } from './functionCompiler.ts';
import { emitMove, loadRegister, REG, storeRegister } from './parallelMove.ts';
import { GPR_LOCAL_HOMES, MAX_REGISTER_LOCALS, SCRATCH, XMM_LOCAL_HOMES } from './registerAllocator.ts';
import { chooseRegisterLocals, localWeights, readBeforeWritten } from './localWeights.ts';
import type { ExpressionBytes } from '../validate/codegenInterface.ts';
import { filledArray, truncate } from './perFunctionArrays.ts';
import { inReg, Loc, ofLocal, type Value } from './valueStack.ts';

// #region local-state
export class LocalState {
  /** Home register of each local, or -1 (lives in its slot). */
  readonly home: number[];
  /** For a register local: its register holds the value / its save slot does. 0/0 means "still zero". */
  readonly regValid: number[];
  readonly slotValid: number[];
  /** The locals that have a home register. */
  readonly regLocals: number[] = [];
  /** Each local's deferred `local.get` (ofLocal(types[i], i)), looked up once per function. */
  readonly values: Value[] = [];
  /** false: every register local is in its register (each regValid is 1); true: some may not be. */
  someAway = false;
  /**
   * false: no register local's save slot is valid (each slotValid is 0); true: some may be. A merge
   * finding both false has nothing to do, and does not look at each register local.
   */
  someSaved = false;

  constructor(
    /** Types of all locals: parameters, declared locals, then the hidden return-area pointer if any. */
    public types: readonly number[],
    /** Index of the hidden local holding the return-area pointer, or -1. */
    public returnAreaLocal: number,
  ) {
    const n = types.length;
    // Plain arrays, not typed arrays: see perFunctionArrays.ts.
    this.home = filledArray(n, -1);
    this.regValid = filledArray(n, 0);
    this.slotValid = filledArray(n, 0);
    for (let i = 0; i < n; i++) this.values.push(ofLocal(types[i]!, i));
  }

  /** The state of another function's locals, as a new LocalState(types, returnAreaLocal), reusing the arrays. */
  reset(types: readonly number[], returnAreaLocal: number): this {
    const n = types.length;
    this.types = types;
    this.returnAreaLocal = returnAreaLocal;
    // The per-local arrays have one length (they only grow, together): one pass refills them all.
    const { home, regValid, slotValid, values } = this;
    const reused = Math.min(n, home.length);
    for (let i = 0; i < reused; i++) {
      home[i] = -1;
      regValid[i] = slotValid[i] = 0;
      // The last function's local i, kept when it has the same type (values[i] is ofLocal(its type, i)).
      if (values[i]!.type !== types[i]) values[i] = ofLocal(types[i]!, i);
    }
    for (let i = reused; i < n; i++) {
      home.push(-1);
      regValid.push(0);
      slotValid.push(0);
      values.push(ofLocal(types[i]!, i));
    }
    truncate(this.regLocals, 0);
    this.someAway = this.someSaved = false;
    return this;
  }

  /** The register holding local i's value right now, or -1. */
  liveRegister(i: number): RegId {
    const h = this.home[i]!;
    return h >= 0 && this.regValid[i] ? h : -1;
  }
}
// #endregion local-state

// #region locals
/** Zero a register local's home without touching the flags. */
function zeroHome(fc: FunctionCompiler, h: RegId, flagsFree: boolean): void {
  if (isXmm(h)) fc.asm.xorps(XMM[h & 15]!, XMM[h & 15]!);
  else if (flagsFree) fc.asm.xor(GPR32[h]!, GPR32[h]!);
  else fc.asm.mov(GPR32[h]!, 0);
}

/** Bring a register local into its register (from its save slot, or its initial zero). */
export function ensureLocalInReg(fc: FunctionCompiler, i: number): void {
  const l = fc.locals;
  const h = l.home[i]!;
  if (h < 0 || l.regValid[i]) return;
  if (l.slotValid[i]) loadRegister(fc.asm, h, fc.frame.localAddr(i), l.types[i] === I32);
  else zeroHome(fc, h, fc.flagsFree());
  l.regValid[i] = 1;
}

/** At a merge every register local must be in its register (touches the flags only when no value lives in them). */
export function normalizeLocals(fc: FunctionCompiler): void {
  const l = fc.locals;
  if (!l.someAway) return;
  l.someAway = false;
  for (const i of l.regLocals) {
    if (l.regValid[i]) continue;
    const h = l.home[i]!;
    if (l.slotValid[i]) loadRegister(fc.asm, h, fc.frame.localAddr(i), l.types[i] === I32);
    else zeroHome(fc, h, fc.flagsFree());
    l.regValid[i] = 1;
  }
}

/** The local state at a merge label: in registers, save slots unknown. */
export function enterMergeState(fc: FunctionCompiler): void {
  const l = fc.locals;
  if (!l.someAway && !l.someSaved) return;
  l.someAway = l.someSaved = false;
  for (const i of l.regLocals) {
    l.regValid[i] = 1;
    l.slotValid[i] = 0;
  }
}

// #region settle-local
/** Before writing local i, give every deferred copy of it on the stack its own place. */
export function settleLocal(fc: FunctionCompiler, i: number): void {
  for (let pos = fc.stack.lastRefOf(i); pos >= 0; pos = fc.stack.lastRefOf(i)) {
    const v = fc.stack.at(pos);
    const free = fc.regs.free(classOf(v.type));
    if (free >= 0) {
      fc.loadInto(free, v);
      fc.stack.replace(pos, inReg(v.type, free));
    } else fc.spillAt(pos);
  }
}
// #endregion settle-local

/**
 * An arithmetic operator about to compute `x op src` (x in its home register xHome) asks where to put
 * the result, having looked at the next operator: when it is a `local.set` or `local.tee` of local
 * i (a local of the result's type), the home register of i if the operation can be done there
 * (`op x, src` when i is x, `mov i, x; op i, src` otherwise), or -1 for a temporary. It is what
 * writeLocal would redo the instruction into (below): the operator records the result with
 * pushInHome, and writeLocal finds it done.
 */
export function resultHome(fc: FunctionCompiler, i: number, type: number, xHome: RegId, src: Gpr | Xmm | Mem | number): RegId {
  const l = fc.locals;
  if (i < 0 || i >= l.types.length || l.types[i] !== type || fc.stack.lastRefOf(i) >= 0) return -1;
  const h = l.home[i]!;
  // Homes are distinct, so h === xHome is x's own (`x = x op y`); another home must not be src.
  return h === xHome || (h >= 0 && !usesRegister(src, h)) ? h : -1;
}

/**
 * The result of the instruction from `start` (`op home, src`), computed straight into `home`
 * (resultHome): pushed there for the local.set that follows, which finds it done (writeLocal).
 */
export function pushInHome(fc: FunctionCompiler, home: RegId, start: number, type: number): void {
  // What the instruction before was is not known (fusions and zero extension look at it): as it
  // was when this was a rewind and a redo.
  fc.forgetLastInstruction();
  fc.recordLastOp(home, start, type);
  fc.push(inReg(type, home));
}

/** local.set: v has been popped. */
export function writeLocal(fc: FunctionCompiler, i: number, v: Value): void {
  const l = fc.locals;
  fc.bounds.forgetLocal(i);
  const last = fc.lastOp;
  fc.lastOp = null;
  // Already computed into i's home (resultHome). The notes of the operators since the instruction's
  // start point at it, as when this was a rewind and a redo of the instruction in the home.
  if (last && v.loc === Loc.Reg && v.n === last.home && l.home[i] === last.home && fc.asm.offset === last.end) {
    fc.rewindNotes(last.start);
    l.regValid[i] = 1;
    l.slotValid[i] = 0;
    if (last.type === I32) noteZeroExtended(fc, i);
    return;
  }
  settleLocal(fc, i);
  const h = l.home[i]!;
  const type = l.types[i]!;
  if (h >= 0) {
    // A 32-bit write clears the upper half: an address in h needs no zero extension (ops/memory.ts).
    let zeroExtends = type === I32;
    if (v.loc === Loc.LocalPlus && v.n === i) {
      ensureLocalInReg(fc, i);
      fc.asm.leaRegisters(h, h, v.imm, type !== I32);
    } else {
      const start = fc.asm.offset;
      fc.loadInto(h, v);
      // Nothing emitted: h already held the value (local.set x (local.get x)), upper half as it was.
      if (fc.asm.offset === start) zeroExtends = false;
    }
    l.regValid[i] = 1;
    l.slotValid[i] = 0;
    if (zeroExtends) noteZeroExtended(fc, i);
  } else storeInSlot(fc, i, v, type === I32);
}

/** Write v to the frame slot of local i: a value in a register, the commonest, is one store (no move operands). */
function storeInSlot(fc: FunctionCompiler, i: number, v: Value, narrow: boolean): void {
  if (v.loc === Loc.Reg) return storeRegister(fc.asm, fc.frame.localAddr(i), v.n, narrow);
  // So is a constant one store's immediate holds (an i32, or a 64-bit value its low half sign-extends to).
  if (v.loc === Loc.Const && (narrow || !isWide(v.type) || v.hi === v.imm >> 31)) {
    return fc.asm.movStoreImmediate(fc.frame.localAddr(i), v.imm, !narrow);
  }
  const s = v.loc === Loc.Flags ? (fc.loadInto(SCRATCH, v), REG[SCRATCH]!) : fc.sourceOf(v);
  emitMove(fc.asm, fc.frame.localLocation(i), s, narrow);
}

/**
 * Local i's home register was just written by a 32-bit instruction, which clears the upper half:
 * an access through it needs no `mov r, r` first (ops/memory.ts), until the next write or merge.
 */
function noteZeroExtended(fc: FunctionCompiler, i: number): void {
  fc.bounds.markZeroExtended(i);
}

/** Does the operand read register r (as itself, or in an address)? */
function usesRegister(src: Gpr | Xmm | Mem | number, r: RegId): boolean {
  if (typeof src === 'number') return false;
  if (src.kind === 'mem') return (src.base !== null && src.base.num === r) || (src.index !== null && src.index.num === r);
  return (src.kind === 'xmm' ? src.num + 16 : src.num) === r;
}

// #region save-around-calls
/**
 * Before a call: write back register locals whose save slot is stale. A local still at its
 * initial zero needs nothing: with neither register nor slot valid it still reads as 0.
 */
export function saveLocals(fc: FunctionCompiler): void {
  const l = fc.locals;
  const { regLocals, regValid, slotValid } = l;
  for (let k = 0; k < regLocals.length; k++) {
    const i = regLocals[k]!;
    if (regValid[i] && !slotValid[i]) {
      storeRegister(fc.asm, fc.frame.localAddr(i), l.home[i]!, l.types[i] === I32);
      slotValid[i] = 1;
      l.someSaved = true;
    }
  }
}

export function afterCall(fc: FunctionCompiler): void {
  const l = fc.locals;
  const { regLocals, regValid } = l;
  for (let k = 0; k < regLocals.length; k++) regValid[regLocals[k]!] = 0;
  l.someAway = regLocals.length > 0;
}
// #endregion save-around-calls

/** A parameter that cannot stay in the register it arrived in: the prologue moves it. */
export interface ParamMove {
  /** Its home register, or -1 for its frame slot. */
  home: RegId;
  from: RegId;
  local: number;
}

/**
 * The prologue's work, as assignLocals decides it: the parameters to move (the first moveCount
 * of moves) and the locals whose frame slots to zero (the first zeroSlotCount of zeroSlots, in
 * slot order). One record, rewritten for each function: nothing is allocated or emptied per
 * function once the arrays have grown.
 */
export interface PrologueWork {
  readonly moves: ParamMove[];
  moveCount: number;
  readonly zeroSlots: number[];
  zeroSlotCount: number;
}
const prologueWork: PrologueWork = { moves: [], moveCount: 0, zeroSlots: [], zeroSlotCount: 0 };

/** Add a parameter move to the prologue's work, reusing a record of an earlier function's. */
function addParamMove(work: PrologueWork, from: RegId, local: number): void {
  const m = work.moves[work.moveCount++];
  if (m === undefined) work.moves.push({ home: -1, from, local });
  else (m.home = -1), (m.from = from), (m.local = local);
}

/**
 * Decide where each local lives. The locals used most (weighted by loop depth in `code`:
 * localWeights.ts) get registers, up to a budget per class; a chosen parameter stays in the
 * register it arrives in (except rdx and rcx, wanted by division and shifts), other chosen locals
 * take free homes of their class, the rest live in frame slots. Returns the prologue's work
 * (shared: read it before the next function).
 */
export function assignLocals(
  fc: FunctionCompiler, sig: SignatureLayout, params: number, declared: number, code: ExpressionBytes | null,
): PrologueWork {
  const l = fc.locals;
  const home = l.home;
  const frame = fc.frame;
  const arrivalCount = sig.returnAreaPointer ? params + 1 : params;
  // Candidates for a register, with their classes: first the parameters that arrive in one
  // (the return-area pointer among them), each with its arrival register, then the declared
  // locals; and the registers parameters arrive in (a bit mask). A parameter passed on the stack
  // is read where it is.
  const candidates = candidatesScratch;
  const candidateClasses = candidateClassesScratch;
  const arrivalRegs = arrivalRegsScratch;
  let xmmCandidates = 0;
  let candidateCount = 0;
  let arriving = 0;
  for (let i = 0; i < arrivalCount; i++) {
    const loc = i < params ? sig.params[i]! : sig.returnAreaPointer!;
    const local = i < params ? i : l.returnAreaLocal;
    if (loc.kind === 'stack') {
      frame.addIncomingSlot(local, loc.offset, l.types[local] === V128);
      continue;
    }
    arriving |= regBit(loc.reg);
    const c = classOf(l.types[local]!);
    if (c === RegClass.xmm) xmmCandidates++;
    arrivalRegs[candidateCount] = loc.reg;
    candidates[candidateCount] = local;
    candidateClasses[candidateCount++] = c;
  }
  const registerArrivals = candidateCount;
  // Mark the chosen ones in `home` (CHOSEN until they get a register). When every candidate fits
  // the budget, the chosen are the used ones: nothing to rank, and the scan stops once all the
  // body's locals are seen used. (Without parameters or declared locals there is nothing to weigh
  // either: the return-area pointer, after them, is read at returns only.) With more locals than
  // that, the whole scan comes first, and a declared local the body never names is no candidate.
  const weigh = code !== null && declared > 0;
  const mayAllFit = registerArrivals + declared - params <= MAX_REGISTER_LOCALS[RegClass.gpr]! + MAX_REGISTER_LOCALS[RegClass.xmm]!;
  let weights = weigh && !mayAllFit ? localWeights(code.code, code.start, code.end, l.types.length, 0) : null;
  for (let i = params; i < declared; i++) {
    if (weights !== null && weights[i] === 0) continue;
    const c = classOf(l.types[i]!);
    if (c === RegClass.xmm) xmmCandidates++;
    candidates[candidateCount] = i;
    candidateClasses[candidateCount++] = c;
  }
  const allFit = candidateCount - xmmCandidates <= MAX_REGISTER_LOCALS[RegClass.gpr]! && xmmCandidates <= MAX_REGISTER_LOCALS[RegClass.xmm]!;
  if (weigh && mayAllFit) weights = localWeights(code.code, code.start, code.end, l.types.length, allFit ? declared : 0);
  if (weights && l.returnAreaLocal >= 0) weights[l.returnAreaLocal] = 1;
  if (allFit) {
    for (let k = 0; k < candidateCount; k++) {
      const i = candidates[k]!;
      if (weights === null || weights[i]! > 0) home[i] = CHOSEN;
    }
  } else chooseRegisterLocals(candidates, candidateClasses, candidateCount, weights, MAX_REGISTER_LOCALS, home, CHOSEN);
  // Registers given to locals (a bit mask).
  let taken = 0;
  const work = prologueWork;
  work.moveCount = 0;
  for (let k = 0; k < registerArrivals; k++) {
    const local = candidates[k]!;
    const r = arrivalRegs[k]!;
    frame.addLocalSlot(local, l.types[local] === V128);
    if (r !== Reg.rdx && r !== Reg.rcx && home[local] === CHOSEN) {
      home[local] = r;
      taken |= regBit(r);
      l.regValid[local] = 1;
    } else addParamMove(work, r, local);
  }
  for (let k = 0; k < work.moveCount; k++) {
    const m = work.moves[k]!;
    const h = home[m.local] === CHOSEN ? freeHome(classOf(l.types[m.local]!), taken | arriving) : -1;
    home[m.local] = h;
    if (h >= 0) {
      taken |= regBit(h);
      l.regValid[m.local] = 1;
    } else l.slotValid[m.local] = 1;
    m.home = h;
  }
  // The register locals in index order: parameters, declared locals, the return-area pointer.
  for (let i = 0; i < params; i++) if (home[i]! >= 0) l.regLocals.push(i);
  const zeroSlots = work.zeroSlots;
  let zeroSlotCount = 0;
  // Declared locals are first written after the prologue's moves: a parameter's arrival register is
  // free for them unless the parameter stays there.
  for (let i = params; i < declared; i++) {
    const h = home[i] === CHOSEN ? freeHome(classOf(l.types[i]!), taken) : -1;
    home[i] = h;
    if (h >= 0) {
      taken |= regBit(h);
      frame.addLocalSlot(i, l.types[i] === V128);
      l.regLocals.push(i);
      l.someAway = true; // still zero: in neither its register nor its slot
    } else if (weights === null || weights[i]! > 0) {
      l.slotValid[i] = 1;
      zeroSlots[zeroSlotCount++] = i;
    } // (a local the body never names needs no slot: a module may declare 50,000 of them)
  }
  if (l.returnAreaLocal >= 0 && home[l.returnAreaLocal]! >= 0) l.regLocals.push(l.returnAreaLocal);
  fc.regs.homes |= taken;
  // Then the slots of those living in the frame, the most used first, where a 1-byte
  // displacement reaches them (an access beyond [rsp+0x7f] is 3 bytes longer).
  if (weights) heaviestFirst(zeroSlots, zeroSlotCount, weights);
  for (let k = 0; k < zeroSlotCount; k++) frame.addLocalSlot(zeroSlots[k]!, l.types[zeroSlots[k]!] === V128);
  // Of those, the prologue zeroes the ones the body may read before it writes them (writtenFirst).
  work.zeroSlotCount = zeroSlotCount > 0 && code !== null ? readBeforeWritten(zeroSlots, zeroSlotCount, code, l.types.length) : zeroSlotCount;
  return work;
}
// #endregion locals

/** In `home` while assigning: a local chosen for a register, not yet given one. */
const CHOSEN = -2;

// Shared by every call (assignLocals is not reentrant), grown to the most locals seen: the
// candidates for a register, their classes and, for parameters, their arrival registers (the
// first of each hold this function's).
const candidatesScratch: number[] = [];
const candidateClassesScratch: RegClass[] = [];
const arrivalRegsScratch: RegId[] = [];

/**
 * Sort the first n locals (in increasing index order) by weight, heaviest first, ties in index
 * order. A function's frame locals are usually a handful, which insertion sorts faster than
 * Array.prototype.sort's calls of a comparator.
 */
function heaviestFirst(locals: number[], n: number, weights: Float64Array): void {
  if (n > 16) {
    const sorted = locals.slice(0, n).sort((a, b) => weights[b]! - weights[a]! || a - b);
    for (let k = 0; k < n; k++) locals[k] = sorted[k]!;
    return;
  }
  for (let k = 1; k < n; k++) {
    const i = locals[k]!;
    const w = weights[i]!;
    let at = k;
    // Only past lighter ones: an equal weight with a lower index stays in front.
    for (; at > 0 && weights[locals[at - 1]!]! < w; at--) locals[at] = locals[at - 1]!;
    locals[at] = i;
  }
}

/** A home register of class `cls` not in `busy`, or -1. */
function freeHome(cls: RegClass, busy: number): RegId {
  const homes = cls === RegClass.xmm ? XMM_LOCAL_HOMES : GPR_LOCAL_HOMES;
  for (let k = 0; k < homes.length; k++) if (!(busy & regBit(homes[k]!))) return homes[k]!;
  return -1;
}
