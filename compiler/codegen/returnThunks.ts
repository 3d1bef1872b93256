// Tail calls through a return thunk (compiler/abi/returnThunks.ts): the two kinds of tail call our
// caller's frame cannot take as it is, in constant stack all the same.
//
// 1. The callee needs more stack-argument space than our caller reserved for us (S_c > S_f). The
//    return address moves down below the callee's arguments, and the thunk, not our caller,
//    removes them on the way back.
// 2. The callee belongs to another instance (an import, or a table or funcref record naming
//    another VMContext). It runs with its own r15/r14; our caller gets its own back from the
//    thunk, which restores the VMContext saved in the thunk frame.
//
// The arguments are first staged below our frame as for a call (registers in place, stack
// arguments at [rsp + offset]), since their new place may overlap our frame and our incoming
// area, which they are read from. Then, with our frame torn down: if our return address is a
// thunk already (we were reached by such a tail call, or jumped to by one reached so), its frame
// stays (its saved VMContext is our caller's) and the new one takes its place; else our caller's
// return address stays where it is and our VMContext goes below it. The staged arguments are
// copied up under the thunk frame, the thunk for their size becomes the callee's return address,
// and we jump. A chain of such tail calls, however long, keeps one thunk frame.

import { FUNCREF, MEMORY_BASE_REG, Reg, RETURN_THUNK, VMCTX, VMCTX_REG, encodingOf } from '../abi/index.ts';
import { GPR64, qword, rsp } from '../x64/index.ts';
import type { CallSignature } from './calls.ts';
import { type FunctionCompiler, I32, I64 } from './functionCompiler.ts';
import { MoveList, parallelMove, REG } from './parallelMove.ts';
import { Loc, type Value } from './valueStack.ts';

const vmctxReg = GPR64[encodingOf(VMCTX_REG)]!;
const memoryBaseReg = GPR64[encodingOf(MEMORY_BASE_REG)]!;
const rax = GPR64[Reg.rax]!;
/** Where loadCheckedFuncRef and loadNonNullFuncRef leave the callee's record. */
export const funcRefReg = GPR64[Reg.r11]!;
/** Where the table index (or the function reference) goes in the arguments' move. */
export const indexRegister = Reg.rax;
/** Our return address's place, then the thunk frame's (A): free once the arguments are placed. */
const entryReg = GPR64[Reg.r10]!;
/** The counter of a long copy of staged arguments (no argument or record is in it). */
const counterReg = GPR64[Reg.rbx]!;

/**
 * Bytes left free between the staged arguments and our frame: the arguments then never have to
 * move down when they are copied into place (their place is at most 8 bytes below our return
 * address's), so a copy from the top down never overwrites one it has yet to read.
 */
const STAGING_GAP = 16;

/** Bytes staged below the frame by stageArguments/stageIncomingArguments for a callee of `sig`. */
const stagedBytes = (sig: CallSignature): number => (sig.stackBytes > 0 ? sig.stackBytes + STAGING_GAP : 0);

/** Our return area's address (our own incoming argument), passed on to a callee with one. */
export function returnAreaPointer(fc: FunctionCompiler): Value {
  return { loc: Loc.Local, type: I64, n: fc.locals.returnAreaLocal, imm: 0, hi: 0 };
}

// #region thunk-staging
/**
 * The arguments (the top of the stack from `base`, then our return area's address if the callee
 * has one) where a call would put them, stack arguments below our frame, and the table index or
 * function reference (if any) in rax, in one parallel move; the stack is popped to `base`.
 */
export function stageArguments(fc: FunctionCompiler, sig: CallSignature, base: number, index: Value | null): void {
  const asm = fc.asm;
  // The staged arguments are below the frame, as a call's are: the entry's stack check covers them.
  fc.frame.hasCalls = true;
  fc.materializeFlags();
  const bytes = stagedBytes(sig);
  if (bytes > 0) {
    asm.sub(rsp, bytes);
    fc.frame.spDelta += bytes;
  }
  const moves = stagingMoves.clear();
  const n = sig.argCount;
  for (let j = 0; j < sig.regs.length; j++) {
    const v = j < n ? fc.stack.at(base + j) : returnAreaPointer(fc);
    moves.add(sig.dests[j]!, fc.sourceOf(v), v.type === I32);
  }
  if (index !== null && index.loc !== Loc.Const) moves.add(REG[indexRegister]!, fc.sourceOf(index), index.type === I32); // table64: i64
  parallelMove(asm, moves, fc.flagsFree());
  while (fc.stack.height > base) fc.stack.pop();
  if (fc.frozen > base) fc.frozen = base;
}

/** The stack arguments, already placed in our incoming area (a tail call's jump wanted them there), staged below the frame instead. */
export function stageIncomingArguments(fc: FunctionCompiler, sig: CallSignature): void {
  const bytes = stagedBytes(sig);
  if (bytes === 0) return;
  fc.frame.hasCalls = true;
  fc.asm.sub(rsp, bytes);
  fc.frame.spDelta += bytes;
  for (let off = 0; off < sig.stackBytes; off += 8) {
    fc.asm.mov(rax, qword(GPR64[Reg.rbp]!, 16 + off));
    fc.asm.mov(qword(rsp, off), rax);
  }
}
// #endregion thunk-staging

// #region thunk-tail-call
/**
 * With the arguments staged: leave our frame, lay the thunk frame (or keep the one there), move
 * the stack arguments under it and jump to function `target` of this module (same instance), or
 * (null) to the record in r11 with its VMContext and memory base.
 */
export function tailCallThroughThunk(fc: FunctionCompiler, sig: CallSignature, target: number | null): void {
  const asm = fc.asm;
  const bytes = sig.stackBytes;
  const thunks = qword(vmctxReg, fc.env.vmctx.returnThunks);
  fc.frame.returnAddressInto(entryReg);
  fc.frame.restoreCallerFramePointer(entryReg);
  const fresh = asm.newLabel();
  const placed = asm.newLabel();
  asm.mov(rax, qword(entryReg, 0));
  asm.sub(rax, thunks);
  asm.cmp(rax, RETURN_THUNK.TABLE_BYTES);
  asm.jcc('ae', fresh);
  // Our return address is the thunk for rax bytes of stack arguments (the table's stride is 16
  // bytes a thunk, one per 16 bytes of arguments): its frame is 16 bytes above them.
  asm.lea(entryReg, qword(entryReg, RETURN_THUNK.FRAME_BYTES, rax));
  asm.jmp(placed);
  asm.bind(fresh);
  asm.mov(qword(entryReg, -8), vmctxReg);
  asm.bind(placed);
  copyStagedArguments(fc, bytes);
  asm.lea(rsp, qword(entryReg, -RETURN_THUNK.FRAME_BYTES - bytes));
  asm.mov(rax, thunks);
  if (bytes > 0) asm.add(rax, bytes);
  asm.mov(qword(rsp, 0), rax);
  fc.frame.spDelta -= stagedBytes(sig);
  if (target !== null) return asm.jmpFunction(target);
  asm.mov(vmctxReg, qword(funcRefReg, FUNCREF.VMCTX));
  asm.mov(memoryBaseReg, qword(vmctxReg, VMCTX.MEMORY_BASE));
  asm.jmp(qword(funcRefReg, FUNCREF.CODE));
}

/**
 * The staged stack arguments, [rsp, rsp + bytes), to [A - 8 - bytes, A - 8) (A in r10), from the
 * top down: their place is never below where they were staged (see STAGING_GAP).
 */
function copyStagedArguments(fc: FunctionCompiler, bytes: number): void {
  const asm = fc.asm;
  const to = -RETURN_THUNK.FRAME_BYTES / 2 - bytes;
  if (bytes <= 16 * 8) {
    for (let off = bytes - 8; off >= 0; off -= 8) {
      asm.mov(rax, qword(rsp, off));
      asm.mov(qword(entryReg, to + off), rax);
    }
    return;
  }
  const loop = asm.newLabel();
  asm.mov(counterReg, bytes - 8);
  asm.bind(loop);
  asm.mov(rax, qword(rsp, 0, counterReg));
  asm.mov(qword(entryReg, to, counterReg), rax);
  asm.sub(counterReg, 8);
  asm.jcc('ns', loop);
}
// #endregion thunk-tail-call

/** The moves of a staged tail call's arguments, one list for every one (see MoveList). */
const stagingMoves = new MoveList();
