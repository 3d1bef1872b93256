// Tail calls (return_call, return_call_indirect, return_call_ref): the callee's frame replaces the caller's, so
// a chain of tail calls, however long, runs in the stack of one frame.
//
// The convention stays the internal one (compiler/abi/callingConvention.ts), in which the
// caller reserves the stack arguments and removes them after the call. Our caller reserved
// S_f bytes for ours and will remove exactly that many when control comes back to it, through
// whatever chain of tail calls: so a callee of our instance whose stack arguments take
// S_c <= S_f bytes gets them in our incoming area (the caller's frame still holds it, above our
// return address) and we jump to it with our frame gone. Register-only signatures, the usual
// case, always go this way.
//
// Two kinds of callee cannot: one needing more (S_c > S_f: the return address must move down and
// someone must remove the difference on the way back), and one of another instance (an import, or
// a table or funcref record naming another VMContext, known at run time): r15/r14 are preserved by
// every call, and our caller may be a direct caller in our instance that does not reload them.
// A callee-pops convention (V8's and Wasmtime's tail-call conventions) would fix the first, but
// would change every function with stack arguments. Instead both go through a return thunk
// (returnThunks.ts): the callee returns to a thunk that removes its arguments, restores our
// caller's VMContext and returns to our caller, and the next such tail call finds the thunk as
// its return address and reuses its frame, so thunks do not pile up. The thunk path is taken
// when S_c > S_f is known at compile time; through a record, when the VMContexts differ (a host
// function's record, which names the importing instance, is jumped to as a function of ours).
//
// The first result comes back in rax/xmm0 as it would to us; further results go to the return
// area our caller gave us, whose address we pass on (the callee's results are ours, so its area
// has our layout).

import { FUNCREF, Reg, RETURN_THUNK, VMCTX_REG, encodingOf } from '../abi/index.ts';
import { type Gpr, GPR64, qword, rbp, xmmword } from '../x64/index.ts';
import { call, type CallSignature, indexArrivesZeroExtended } from './calls.ts';
import { emitReturn, unlinkHandlers } from './controlFlow.ts';
import { type FunctionCompiler, I32, V128 } from './functionCompiler.ts';
import { argKey, emitMove, localKey, memOperand, type MoveDest, MoveList, NO_KEY, parallelMove, REG } from './parallelMove.ts';
import { callIndirect, loadCheckedFuncRef } from './ops/table.ts';
import { callRef, loadNonNullFuncRef } from './ops/funcRefs.ts';
import { funcRefReg, indexRegister, returnAreaPointer, stageArguments, stageIncomingArguments, tailCallThroughThunk } from './returnThunks.ts';
import { Loc, type Value } from './valueStack.ts';

const vmctxReg = GPR64[encodingOf(VMCTX_REG)]!;
const rax = GPR64[Reg.rax]!;

// #region return-call
export function returnCall(fc: FunctionCompiler, funcIndex: number): void {
  // The callee runs outside our try_tables (exception handling): their records go first.
  unlinkHandlers(fc, 0);
  const { module, signatures, vmctx } = fc.env;
  const sig = signatures.of(module.functions[funcIndex]!);
  const imported = funcIndex < module.importedFunctionCount;
  const base = fc.stack.height - sig.argCount;
  if (beyondThunks(sig)) {
    call(fc, funcIndex);
    return emitReturn(fc);
  }
  if (sig.stackBytes > incomingStackBytes(fc)) {
    // More stack arguments than arrived: through a thunk, to an import through its record.
    stageArguments(fc, sig, base, null);
    if (imported) fc.asm.mov(funcRefReg, qword(vmctxReg, vmctx.funcRef(funcIndex)));
    return tailCallThroughThunk(fc, sig, imported ? null : funcIndex);
  }
  placeArguments(fc, sig, base, null);
  if (imported) {
    // The import's record: another instance's function, or a host's call-out stub (our VMContext's).
    fc.asm.mov(funcRefReg, qword(vmctxReg, vmctx.funcRef(funcIndex)));
    return jumpThroughRecord(fc, sig);
  }
  fc.frame.emitTearDown();
  fc.asm.jmpFunction(funcIndex);
}

export function returnCallIndirect(fc: FunctionCompiler, typeIndex: number, table: number): void {
  unlinkHandlers(fc, 0);
  const sig = fc.env.signatures.of(typeIndex);
  // A comparison's result may still be in the flags (the index of return_call_indirect, as the
  // GC fuzzer's seed 6632 had it): it is made a register value before `index` is read, since
  // making it one replaces the stack's Value (placeArguments would otherwise move a stale one).
  fc.materializeFlags();
  const base = fc.stack.height - sig.argCount - 1;
  const index = fc.stack.at(base + sig.argCount);
  // Asked before the moves (see indexArrivesZeroExtended); both put the index in rax.
  const zeroExtended = indexArrivesZeroExtended(fc, index, indexRegister);
  if (beyondThunks(sig)) {
    callIndirect(fc, typeIndex, sig.type, table);
    return emitReturn(fc);
  }
  if (sig.stackBytes > incomingStackBytes(fc)) {
    stageArguments(fc, sig, base, index);
    loadCheckedFuncRef(fc, typeIndex, table, index, zeroExtended);
    return tailCallThroughThunk(fc, sig, null);
  }
  placeArguments(fc, sig, base, index);
  loadCheckedFuncRef(fc, typeIndex, table, index, zeroExtended);
  jumpThroughRecord(fc, sig);
}

/** return_call_ref: as return_call_indirect, with a null check for all of call_indirect's checks. */
export function returnCallRef(fc: FunctionCompiler, typeIndex: number, nonNull: boolean): void {
  // As returnCall: the callee runs outside our try_tables, on every path below (the jump, the
  // thunk's). Without this the jump left our record linked in a dead frame (a later throw landed
  // there, a later trap could walk it forever: gc-seed2648).
  unlinkHandlers(fc, 0);
  const sig = fc.env.signatures.of(typeIndex);
  fc.materializeFlags();
  const base = fc.stack.height - sig.argCount - 1;
  const ref = fc.stack.at(base + sig.argCount);
  if (beyondThunks(sig)) {
    callRef(fc, typeIndex, nonNull);
    return emitReturn(fc);
  }
  if (sig.stackBytes > incomingStackBytes(fc)) {
    stageArguments(fc, sig, base, ref);
    loadNonNullFuncRef(fc, ref, nonNull);
    return tailCallThroughThunk(fc, sig, null);
  }
  placeArguments(fc, sig, base, ref);
  // The reference stays where the move put it: the jump goes through rax.
  loadNonNullFuncRef(fc, ref, nonNull, rax);
  jumpThroughRecord(fc, sig, rax);
}

/**
 * The callee's record in `record` (r11, or rax for return_call_ref), its arguments placed for a
 * jump: same instance, the jump; another, through a thunk that gives our caller its VMContext
 * back (the stack arguments staged again; the thunk's path wants the record in r11 and uses rax).
 */
function jumpThroughRecord(fc: FunctionCompiler, sig: CallSignature, record: Gpr = funcRefReg): void {
  const asm = fc.asm;
  const otherInstance = asm.newLabel();
  asm.cmp(vmctxReg, qword(record, FUNCREF.VMCTX));
  asm.jcc('ne', otherInstance);
  fc.frame.emitTearDown();
  asm.jmp(qword(record, FUNCREF.CODE));
  asm.bind(otherInstance);
  if (record !== funcRefReg) asm.mov(funcRefReg, record);
  stageIncomingArguments(fc, sig);
  tailCallThroughThunk(fc, sig, null);
}
// #endregion return-call

/**
 * More stack arguments than the thunks cover: never under the JS API's limit of 1,000 parameters
 * (RETURN_THUNK.MAX_STACK_BYTES), but were it raised, such a tail call would be a call and a
 * return (a frame deep, and correct).
 */
function beyondThunks(sig: CallSignature): boolean {
  return sig.stackBytes > RETURN_THUNK.MAX_STACK_BYTES;
}

/** Bytes of stack arguments our caller reserved for us (and removes after we return). */
function incomingStackBytes(fc: FunctionCompiler): number {
  return fc.env.signatures.of(fc.env.module.functions[fc.funcIndex]!).stackBytes;
}

// #region tail-arguments
/**
 * Put the arguments (the top of the stack from `base`, then our return area's address if the
 * callee has one) where the callee finds them on entry, and the table index (if any) in rax, in
 * one parallel move. A stack argument goes to the incoming area, [rbp + 16 + offset] (a function
 * with stack parameters has a frame pointer), where our own stack parameters are, which other
 * arguments may read: the move knows a slot that holds one of them by that parameter's key.
 * When an argument's slot only partly covers one of ours (a v128 over two i64s), the move parks
 * the stack arguments in the slots of their stack positions instead, and copies them after it.
 */
function placeArguments(fc: FunctionCompiler, sig: CallSignature, base: number, index: Value | null): void {
  const asm = fc.asm;
  // No `hasCalls`: a function whose only calls are tail calls is a leaf as far as the stack goes
  // (it leaves with rsp where it came in; the callee checks its own frame).
  fc.materializeFlags();
  const n = sig.argCount;
  const count = sig.regs.length;
  const offsets = stackOffsets(sig);
  if (sig.stackBytes > 0 && !fc.frame.usesFramePointer) throw new Error('codegen: stack arguments of a tail call without a frame pointer');
  const direct = sig.stackBytes === 0 || incomingDestinations(fc, sig, offsets);
  const moves = tailMoves.clear();
  for (let j = 0; j < count; j++) {
    const v = j < n ? fc.stack.at(base + j) : returnAreaPointer(fc);
    const to = sig.regs[j]!;
    if (to >= 0) moves.add(REG[to]!, fc.sourceOf(v), v.type === I32);
    else if (direct) moves.add(incoming[j]!, fc.sourceOf(v), v.type === I32);
    else if (v.loc !== Loc.Const) moves.add(fc.frame.slotLocation(base + j, v.type), fc.sourceOf(v), v.type === I32);
  }
  if (index !== null && index.loc !== Loc.Const) moves.add(REG[indexRegister]!, fc.sourceOf(index), index.type === I32); // table64: i64
  parallelMove(asm, moves, fc.flagsFree());
  if (!direct) {
    for (let j = 0; j < count; j++) {
      if (sig.regs[j]! >= 0) continue;
      const v = j < n ? fc.stack.at(base + j) : returnAreaPointer(fc);
      const to = memOperand(v.type === V128 ? xmmword(rbp, 16 + offsets[j]!) : qword(rbp, 16 + offsets[j]!), NO_KEY);
      emitMove(asm, to, v.loc === Loc.Const ? fc.sourceOf(v) : fc.frame.slotLocation(base + j, v.type), v.type === I32);
    }
  }
  while (fc.stack.height > base) fc.stack.pop();
  if (fc.frozen > base) fc.frozen = base;
}

/**
 * Fill `incoming` with the destination of each stack argument of `sig` in our incoming area, under
 * the key of our parameter in that slot (an argument's slot exactly one of ours), or a key of its
 * own (a slot none of ours is in). False if some argument's slot overlaps one of ours otherwise.
 */
function incomingDestinations(fc: FunctionCompiler, sig: CallSignature, offsets: Int32Array): boolean {
  const own = fc.env.signatures.of(fc.env.module.functions[fc.funcIndex]!);
  const ours = stackOffsets(own);
  // Our stack parameters by 8-byte slot: 2k + 2 for parameter k (+1 for a v128), -1 for a v128's upper half.
  const slots = slotMap(own, ours);
  for (let j = 0; j < sig.regs.length; j++) {
    if (sig.regs[j]! >= 0) continue;
    const o = offsets[j]!;
    const vector = j < sig.argCount && sig.type.params[j] === V128;
    const at = slots[o >> 3]!;
    let key: number;
    if (at === 0 && (!vector || slots[(o >> 3) + 1] === 0)) key = argKey(o);
    else if (at > 0 && (at & 1) === (vector ? 1 : 0)) {
      const k = (at >> 1) - 1;
      key = localKey(k < own.argCount ? k : fc.locals.returnAreaLocal);
    } else return false;
    incoming[j] = memOperand(vector ? xmmword(rbp, 16 + o) : qword(rbp, 16 + o), key);
  }
  return true;
}
// #endregion tail-arguments

/** The stack offset of each argument of a signature (the return area's address last), -1 in a register; made once per signature. */
const offsetsBySignature = new WeakMap<CallSignature, Int32Array>();
function stackOffsets(sig: CallSignature): Int32Array {
  let offsets = offsetsBySignature.get(sig);
  if (offsets === undefined) {
    const { params, returnAreaPointer } = sig.layout;
    const locs = returnAreaPointer ? [...params, returnAreaPointer] : params;
    offsets = Int32Array.from(locs, (loc) => (loc.kind === 'stack' ? loc.offset : -1));
    offsetsBySignature.set(sig, offsets);
  }
  return offsets;
}

/** A signature's stack parameters by 8-byte slot of its incoming area (see incomingDestinations); made once per signature. */
const slotsBySignature = new WeakMap<CallSignature, Int32Array>();
function slotMap(sig: CallSignature, offsets: Int32Array): Int32Array {
  let slots = slotsBySignature.get(sig);
  if (slots === undefined) {
    slots = new Int32Array(sig.stackBytes / 8 + 1);
    for (let k = 0; k < offsets.length; k++) {
      if (offsets[k]! < 0) continue;
      const vector = k < sig.argCount && sig.type.params[k] === V128;
      slots[offsets[k]! >> 3] = 2 * k + 2 + (vector ? 1 : 0);
      if (vector) slots[(offsets[k]! >> 3) + 1] = -1;
    }
    slotsBySignature.set(sig, slots);
  }
  return slots;
}

/** Where each stack argument of the tail call being placed goes (incomingDestinations). */
const incoming: MoveDest[] = [];

/** The moves of a tail call's arguments, one list for every tail call (see MoveList). */
const tailMoves = new MoveList();
