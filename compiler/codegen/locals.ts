// Locals: where each lives (a home register with a save slot, or a frame slot), the state of a
// register local (value in the register, in the save slot, both, or still the initial zero), and
// the operations on them: writes that settle deferred copies first, saving around calls, and
// bringing every register local home at a merge.

import { GPR32, GPR64, qword } from '../x64/index.ts';
import type { SignatureLayout } from '../abi/index.ts';
import { type FunctionCompiler, notImplemented, reg } from './functionCompiler.ts';
import { emitMove, REG } from './parallelMove.ts';
import { ALLOCATABLE, bit, Gpr as R, LOCAL_HOMES, MAX_REGISTER_LOCALS, SCRATCH } from './registers.ts';
import { inReg, Loc, type Value } from './valueStack.ts';

// #region locals

/** Bring a register local into its register (from its save slot, or its initial zero). */
export function ensureLocalInReg(fc: FunctionCompiler, i: number): void {
  const h = fc.localHome[i]!;
  if (h < 0 || fc.regValid[i]) return;
  if (fc.slotValid[i]) fc.asm.mov(GPR64[h]!, fc.localAddr(i));
  else if (fc.flagsFree()) fc.asm.xor(GPR32[h]!, GPR32[h]!);
  else fc.asm.mov(GPR32[h]!, 0);
  fc.regValid[i] = 1;
}

/** At a merge every register local must be in its register (never touches the flags). */
export function normalizeLocals(fc: FunctionCompiler): void {
  for (const i of fc.regLocals) {
    const h = fc.localHome[i]!;
    if (fc.regValid[i]) continue;
    if (fc.slotValid[i]) fc.asm.mov(GPR64[h]!, fc.localAddr(i));
    else fc.asm.mov(GPR32[h]!, 0);
    fc.regValid[i] = 1;
  }
}

/** The local state at a merge label: in registers, save slots unknown. */
export function enterMergeState(fc: FunctionCompiler): void {
  for (const i of fc.regLocals) {
    fc.regValid[i] = 1;
    fc.slotValid[i] = 0;
  }
}

/** Before writing local i, give every deferred copy of it on the stack its own place. */
export function settleLocal(fc: FunctionCompiler, i: number): void {
  const refs = fc.stack.refsOf(i);
  while (refs.length > 0) {
    const pos = refs[refs.length - 1]!;
    const v = fc.stack.at(pos);
    const busy = fc.homesMask | fc.stack.ownedMask | fc.held;
    const free = ALLOCATABLE.find((r) => !(busy & bit(r)));
    if (free !== undefined) {
      fc.loadInto(free, v);
      fc.stack.replace(pos, inReg(v.type, free));
    } else fc.spillAt(pos);
  }
}

/** local.set: v has been popped. */
export function writeLocal(fc: FunctionCompiler, i: number, v: Value): void {
  // `x = x op y` just computed into a temporary: redo the instruction on x's own register.
  const last = fc.lastOp;
  fc.lastOp = null;
  if (
    last && v.loc === Loc.Reg && v.n === last.result && fc.asm.offset === last.end &&
    fc.localHome[i] === last.home && fc.regValid[i] && fc.stack.refsOf(i).length === 0
  ) {
    fc.rewindTo(last.start);
    fc.emitTwoAddress(last.op, last.type, last.home, last.src);
    fc.slotValid[i] = 0;
    return;
  }
  settleLocal(fc, i);
  const h = fc.localHome[i]!;
  const type = fc.localTypes[i]!;
  if (h >= 0) {
    if (v.loc === Loc.LocalPlus && v.n === i) {
      ensureLocalInReg(fc, i);
      fc.asm.lea(reg(type, h), qword(GPR64[h]!, Number(v.imm)));
    } else fc.loadInto(h, v);
    fc.regValid[i] = 1;
    fc.slotValid[i] = 0;
  } else {
    const s = v.loc === Loc.Flags ? (fc.loadInto(SCRATCH, v), REG[SCRATCH]!) : fc.sourceOf(v);
    emitMove(fc.asm, fc.localLocation(i), s);
  }
}

/**
 * Before a call: write back register locals whose save slot is stale. A local still at its
 * initial zero needs nothing: with neither register nor slot valid it still reads as 0.
 */
export function saveLocals(fc: FunctionCompiler): void {
  for (const i of fc.regLocals) {
    if (fc.regValid[i] && !fc.slotValid[i]) {
      fc.asm.mov(fc.localAddr(i), GPR64[fc.localHome[i]!]!);
      fc.slotValid[i] = 1;
    }
  }
}

export function afterCall(fc: FunctionCompiler): void {
  for (const i of fc.regLocals) fc.regValid[i] = 0;
}

/**
 * Decide where each local lives. Parameters stay in the registers they arrive in (except rdx
 * and rcx, wanted by division and shifts) while the register budget lasts; other locals take
 * free homes, then frame slots. Returns the prologue's work: parameters to move, slots to zero.
 */
export function assignLocals(
  fc: FunctionCompiler, sig: SignatureLayout, params: number, declared: number,
): { moves: { home: number; from: number; local: number }[]; zeroSlots: number[] } {
  // Where each parameter arrives.
  const arrivals = [...sig.params, ...(sig.returnAreaPointer ? [sig.returnAreaPointer] : [])];
  const paramIndex = (i: number): number => (i < params ? i : fc.returnAreaLocal);
  // Registers given to locals, and registers parameters arrive in (bit masks).
  let taken = 0;
  let arriving = 0;
  for (const a of arrivals) if (a.kind === 'gpr') arriving |= bit(regNumber(a.reg));
  const moves: { home: number; from: number; local: number }[] = [];
  let registerLocals = 0;
  arrivals.forEach((loc, i) => {
    const local = paramIndex(i);
    if (loc.kind === 'stack') {
      fc.usesFramePointer = true;
      fc.localIncoming[local] = 1;
      fc.localDisp[local] = 16 + loc.offset;
      return;
    }
    if (loc.kind !== 'gpr') throw notImplemented('floats', fc.opOffset, fc.funcIndex);
    const reg = regNumber(loc.reg);
    fc.localDisp[local] = 8 * fc.localSlots++;
    if (reg !== R.rdx && reg !== R.rcx && registerLocals < MAX_REGISTER_LOCALS) {
      fc.localHome[local] = reg;
      taken |= bit(reg);
      registerLocals++;
      fc.regValid[local] = 1;
    } else moves.push({ home: -1, from: reg, local });
  });
  const freeHome = (): number => {
    if (registerLocals >= MAX_REGISTER_LOCALS) return -1;
    for (const r of LOCAL_HOMES) if (!((taken | arriving) & bit(r))) return r;
    return -1;
  };
  for (const m of moves) {
    const h = freeHome();
    if (h >= 0) {
      taken |= bit(h);
      registerLocals++;
      fc.localHome[m.local] = h;
      fc.regValid[m.local] = 1;
    } else fc.slotValid[m.local] = 1;
    m.home = h;
  }
  const zeroSlots: number[] = [];
  for (let i = params; i < declared; i++) {
    fc.localDisp[i] = 8 * fc.localSlots++;
    const h = freeHome();
    if (h >= 0) {
      taken |= bit(h);
      registerLocals++;
      fc.localHome[i] = h;
    } else {
      fc.slotValid[i] = 1;
      zeroSlots.push(i);
    }
  }
  for (let i = 0; i < fc.localTypes.length; i++) {
    const h = fc.localHome[i]!;
    if (h >= 0) {
      fc.regLocals.push(i);
      fc.homesMask |= bit(h);
    }
  }
  return { moves, zeroSlots };
}
// #endregion locals

const REG_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const regNumber = (name: string): number => REG_NAMES.indexOf(name);
