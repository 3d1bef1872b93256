// Exception handling (WebAssembly 3.0, exnref): try_table, throw, throw_ref.
//
// The design, simple first (the runtime's half is in compiler/runtime/exceptions.ts):
// - A try_table links a handler record (compiler/abi/exceptions.ts: HANDLER_RECORD) into a
//   per-thread chain: the head before it, the frame's rsp, rbp and r15, its catch clauses and the
//   table of its landing pads. Every way out of the try_table unlinks it: falling out of its end,
//   a branch to a label around it, return, a tail call (controlFlow.ts: unlinkHandlers). The code
//   generator knows statically how many records a branch leaves: each control frame counts the
//   try_tables open in it.
// - `throw` writes the payload into the exception area and calls the runtime; `throw_ref` calls it
//   with the exnref. The runtime finds the innermost record of the running activation whose
//   clauses match, makes the chain's head that record's PREV, and resumes at the clause's landing
//   pad with the record's rsp, rbp and r15 (r14 from the VMContext).
// - A landing pad is code emitted at the try_table's start, jumped over: there the compiler's
//   state is the try_table's own (values below it are frozen: constants or slots, which nothing in
//   the body changes), so the pad pushes the payload (and the exnref) as values in the slots of
//   their stack positions and branches to the clause's label like a `br`.
// - Registers: every throw is a call (a call to the runtime, or to a function that throws), and a
//   call leaves every register local in its save slot. On entry the try_table saves the ones whose
//   slot is stale, zeros included, so at a pad each register local is read from its slot.
// Code without try_tables, throws or exnrefs is exactly what it was.

import { storageFuncType } from '../binary/refTypes.ts';
import { bufferOffsets, encodingOf, EXCEPTION_AREA, EXCEPTION_STATE, HANDLER_RECORD, Reg, TrapCode, VMCTX, VMCTX_REG } from '../abi/index.ts';
import type { FuncType } from '../binary/types.ts';
import { CatchKind, type CatchClauses, type ControlFrame } from '../validate/codegenInterface.ts';
import { GPR32, GPR64, type Label, type Mem, qword, rbp, rsp, ripLabel, XMM, xmmword } from '../x64/index.ts';
import { branchTo, type CFrame, newFrame, restoreLocals, snapshotLocals } from './controlFlow.ts';
import { type FunctionCompiler, I32, V128 } from './functionCompiler.ts';
import { afterCall, ensureLocalInReg, saveLocals } from './locals.ts';
import { emitMove, memOperand, NO_KEY, REG } from './parallelMove.ts';
import { SCRATCH, SCRATCH2, XMM_SCRATCH } from './registerAllocator.ts';
import { inSlot, type Value } from './valueStack.ts';

const vmctxReg = GPR64[encodingOf(VMCTX_REG)]!;
const EXNREF = 0x69;
const NONE: readonly number[] = [];

/** SCRATCH = the runtime's state block (where the chain, the throw routines and the exception area are). */
export function loadState(fc: FunctionCompiler): void {
  fc.asm.mov(GPR64[SCRATCH]!, qword(vmctxReg, VMCTX.RUNTIME_STATE));
}

// #region try-table
export function tryTable(fc: FunctionCompiler, vf: ControlFrame, catches: CatchClauses): void {
  const asm = fc.asm;
  const control = fc.control;
  const k = control.top().tries; // this try_table's record: one per nesting level
  const locals = enterTry(fc, vf);
  const params: Value[] = [];
  for (let i = 0; i < vf.type.params.length; i++) params.push(fc.stack.at(vf.height + i));

  // The landing pads, jumped over; each leaves the compiler's state as the try_table found it.
  const body = asm.newLabel();
  asm.jmp(body);
  const pads: Label[] = [];
  for (let c = 0; c < catches.count; c++) {
    pads.push(asm.here());
    landingPad(fc, vf.height, catches.kinds[c]!, catches.tags[c]!, control.target(catches.labels[c]!));
    while (fc.stack.height > vf.height) fc.stack.pop();
    for (const v of params) fc.stack.push(v);
    fc.regs.held = 0;
    restoreLocals(fc, locals);
  }
  const landings = pads.length > 0 ? asm.jumpTable(pads, 'rel32') : null;
  asm.bind(body);
  fc.forgetLastInstruction();

  // The clauses, as the runtime reads them: a count, then each one's kind and tag.
  const clauses = new Uint8Array(4 + 8 * catches.count);
  const view = new DataView(clauses.buffer);
  view.setUint32(0, catches.count, true);
  for (let c = 0; c < catches.count; c++) {
    view.setUint32(4 + 8 * c, catches.kinds[c]!, true);
    view.setUint32(8 + 8 * c, catches.tags[c]!, true);
  }
  linkRecord(fc, k, asm.constant(clauses, 4), landings);
  control.frames.push(newFrame(fc, vf, asm.newLabel()));
}
// #endregion try-table

/**
 * Entering a try_table (or a legacy try): everything on the stack to memory or constants (the
 * parameters too: a pad drops them), and every register local into its save slot. Returns the
 * locals' state, which the code after the pads starts from again.
 */
export function enterTry(fc: FunctionCompiler, vf: ControlFrame): Uint8Array {
  if (fc.frame.spDelta !== 0) throw new Error('codegen: try while stack arguments are pushed');
  fc.materializeFlags();
  fc.freezeBelow(vf.height + vf.type.params.length);
  const l = fc.locals;
  for (const i of l.regLocals) if (!l.regValid[i] && !l.slotValid[i]) ensureLocalInReg(fc, i);
  saveLocals(fc);
  return snapshotLocals(fc, null);
}

// #region link-record
/** Fill record k and make it the chain's head. */
export function linkRecord(fc: FunctionCompiler, k: number, clauses: Mem, landings: Label | null): void {
  const asm = fc.asm;
  const frame = fc.frame;
  const state = GPR64[SCRATCH]!, t = GPR64[SCRATCH2]!;
  loadState(fc);
  asm.mov(t, qword(state, EXCEPTION_STATE.HANDLERS));
  frame.storeRecord(k, HANDLER_RECORD.PREV, t);
  frame.storeRecord(k, HANDLER_RECORD.RSP, rsp);
  frame.storeRecord(k, HANDLER_RECORD.RBP, rbp);
  frame.storeRecord(k, HANDLER_RECORD.VMCTX, vmctxReg);
  asm.lea(t, clauses);
  frame.storeRecord(k, HANDLER_RECORD.CLAUSES, t);
  if (landings) {
    asm.lea(t, ripLabel(landings));
    frame.storeRecord(k, HANDLER_RECORD.LANDINGS, t);
  }
  frame.recordAddress(t, k);
  asm.mov(qword(state, EXCEPTION_STATE.HANDLERS), t);
}
// #endregion link-record

// #region landing-pad
/**
 * A clause's landing pad: the runtime comes here with the try_table's rsp, rbp, r15 and r14, the
 * chain's head already the record's PREV, the payload (and the exnref) in the exception area.
 */
function landingPad(fc: FunctionCompiler, height: number, kind: number, tag: number, target: CFrame): void {
  enterPad(fc, height);
  const types = kind === CatchKind.catch || kind === CatchKind.catchRef ? tagType(fc, tag).params : NONE;
  receivePayload(fc, height, types, kind === CatchKind.catchRef || kind === CatchKind.catchAllRef);
  branchTo(fc, target);
}

/** At a landing pad: the stack as the try found it, nothing held, every register local in its save slot. */
export function enterPad(fc: FunctionCompiler, height: number): void {
  while (fc.stack.height > height) fc.stack.pop();
  fc.regs.held = 0;
  fc.lastOp = null;
  fc.forgetLastInstruction();
  fc.bounds.reset();
  // Each register local is in its save slot (see the top of this file).
  const l = fc.locals;
  for (const i of l.regLocals) {
    l.regValid[i] = 0;
    l.slotValid[i] = 1;
  }
  l.someAway = l.someSaved = l.regLocals.length > 0;
}

/**
 * The payload of `types` (and the exnref, `withRef`) from the exception area into the slots of
 * the stack positions from `height`, pushed. Leaves SCRATCH the state block's address.
 */
export function receivePayload(fc: FunctionCompiler, height: number, types: readonly number[], withRef: boolean): void {
  const asm = fc.asm;
  const offsets = bufferOffsets(types as FuncType['params']);
  loadState(fc);
  const state = GPR64[SCRATCH]!;
  for (let i = 0; i <= types.length; i++) {
    if (i === types.length && !withRef) break;
    const type = i < types.length ? types[i]! : EXNREF;
    const from = EXCEPTION_STATE.AREA + (i < types.length ? EXCEPTION_AREA.PAYLOAD + offsets[i]! : EXCEPTION_AREA.EXNREF);
    const pos = height + i;
    if (type === V128) {
      asm.movups(XMM[XMM_SCRATCH & 15]!, xmmword(state, from));
      asm.movups(fc.frame.vectorSlotAddr(pos), XMM[XMM_SCRATCH & 15]!);
    } else {
      asm.mov(GPR64[SCRATCH2]!, qword(state, from));
      asm.mov(fc.frame.slotAddr(pos), GPR64[SCRATCH2]!);
    }
    fc.stack.push(inSlot(type, pos));
  }
}

/** A tag's type with storage types (a typed reference is passed as the 2.0 reference it is stored as). */
export function tagType(fc: FunctionCompiler, tag: number): FuncType {
  const m = fc.env.module;
  return storageFuncType(m.types[m.tags[tag]!]!);
}
// #endregion landing-pad

// #region throw
/** throw: the payload (the top values) into the exception area, then the runtime's THROW with edi = the tag. */
export function throwTag(fc: FunctionCompiler, tag: number, type: FuncType): void {
  const asm = fc.asm;
  fc.frame.hasCalls = true;
  fc.materializeFlags();
  saveLocals(fc);
  const n = type.params.length;
  const base = fc.stack.height - n;
  const offsets = bufferOffsets(storageFuncType(type).params);
  loadState(fc);
  const state = GPR64[SCRATCH]!;
  // (Moves into memory use SCRATCH2 at most: SCRATCH keeps the state block's address.)
  for (let j = 0; j < n; j++) {
    const v = fc.stack.at(base + j);
    const at = EXCEPTION_STATE.AREA + EXCEPTION_AREA.PAYLOAD + offsets[j]!;
    const to = memOperand(v.type === V128 ? xmmword(state, at) : qword(state, at), NO_KEY);
    emitMove(asm, to, fc.sourceOf(v), v.type === I32);
  }
  while (fc.stack.height > base) fc.stack.pop();
  fc.regs.held = 0;
  asm.mov(GPR32[encodingOf(Reg.rdi)]!, tag);
  asm.call(qword(state, EXCEPTION_STATE.THROW));
  afterCall(fc);
}

/** throw_ref: the runtime's THROW_REF with rdi = the exnref (a null one traps there, reported here). */
export function throwRef(fc: FunctionCompiler): void {
  const asm = fc.asm;
  fc.frame.hasCalls = true;
  const v = fc.pop();
  fc.materializeFlags();
  saveLocals(fc);
  emitMove(asm, REG[Reg.rdi]!, fc.sourceOf(v), false);
  fc.regs.held = 0;
  callThrowRef(fc);
}

/** The runtime's THROW_REF, rdi the exnref (set by the caller, the locals saved; SCRATCH the state block if `stateLoaded`). */
export function callThrowRef(fc: FunctionCompiler, stateLoaded = false): void {
  if (!stateLoaded) loadState(fc);
  fc.asm.call(qword(GPR64[SCRATCH]!, EXCEPTION_STATE.THROW_REF));
  fc.frame.trapSiteHere(TrapCode.nullExceptionReference, fc.opOffset);
  afterCall(fc);
}
// #endregion throw
