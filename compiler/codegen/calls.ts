// Direct calls under the internal convention (compiler/abi/callingConvention.ts): every
// register value is caller-saved, so values on the stack go to their slots, register locals
// are written back to their save slots (only if stale) and read from there afterwards; the
// arguments reach their registers in one parallel move. Results: the first in rax, the rest
// land directly in the slots of their stack positions (the return area is that part of the frame).

import type { FuncType } from '../binary/types.ts';
import { type ArgLocation, type Builtin, encodingOf, type RegId, type TrapCode, VMCTX_REG } from '../abi/index.ts';
import { type External, external, GPR64, type Mem, qword, rsp } from '../x64/index.ts';
import { classOf, type FunctionCompiler, I32, layoutOf } from './functionCompiler.ts';
import { afterCall, saveLocals } from './locals.ts';
import { addressOperand, argKey, emitMove, memOperand, MoveList, parallelMove, type MoveDest, REG } from './parallelMove.ts';
import { inReg, inSlot, Loc, type Value } from './valueStack.ts';

// #region call
export function call(fc: FunctionCompiler, funcIndex: number, type: FuncType): void {
  const target = funcIndex < fc.env.module.importedFunctionCount
    ? qword(GPR64[encodingOf(VMCTX_REG)]!, fc.env.vmctx.importedFunction(funcIndex))
    : external(funcIndex); // a rel32 the module compiler resolves
  emitCall(fc, type, target);
}

/**
 * A call to a runtime builtin (compiler/abi: Builtin) under the internal convention, its
 * arguments the top `type.params.length` values. A builtin that may trap gets a trap site at its
 * return address, so the runtime reports the trap at this operator's wasm offset.
 */
export function callBuiltin(fc: FunctionCompiler, builtin: Builtin, type: FuncType, mayTrap?: TrapCode): void {
  emitCall(fc, type, qword(GPR64[encodingOf(VMCTX_REG)]!, fc.env.vmctx.builtin(builtin)), mayTrap);
}

/**
 * What an indirect call (call_indirect, ops/table.ts) adds to a call: one more value above the
 * arguments, the table index, moved into `indexReg` in the arguments' parallel move (unless it is
 * a constant); then `target` emits the checks and returns what `call` jumps through, and `after`
 * runs right after the call. In between only registers that are neither arguments nor pinned are
 * free: rax, r10, r11, and the local homes rbx/r12/r13 (locals were saved).
 */
export interface IndirectCall {
  readonly indexReg: RegId;
  /** `index` is the table index (in indexReg, or a constant); `base` the stack position of the first argument. */
  target(fc: FunctionCompiler, index: Value, base: number): Mem;
  after(fc: FunctionCompiler, base: number): void;
}

/**
 * A call under the internal convention, its arguments the top of the stack. `target` is what
 * `call` jumps through. `mayTrap`: record a trap site at the return address (builtins).
 */
export function emitCall(fc: FunctionCompiler, type: FuncType, target: Mem | External | IndirectCall, mayTrap?: TrapCode): void {
  const sig = layoutOf(type);
  const asm = fc.asm;
  const nargs = type.params.length;
  const indirect = 'indexReg' in target ? target : null;
  const base = fc.stack.height - nargs - (indirect ? 1 : 0);
  fc.frame.hasCalls = true;
  fc.materializeFlags();
  // Values below the arguments survive the call only in memory (none below lowestReg is in a register).
  for (let p = Math.max(fc.frozen, fc.stack.lowestReg); p < base; p++) {
    const v = fc.stack.at(p);
    if (v.loc === Loc.Reg) fc.spillAt(p);
  }
  saveLocals(fc);
  if (sig.stackBytes > 0) {
    asm.sub(rsp, sig.stackBytes);
    fc.frame.spDelta += sig.stackBytes;
  }
  const moves = argumentMoves.clear();
  for (let j = 0; j < sig.params.length; j++) {
    const v = fc.stack.at(base + j);
    moves.add(argDest(sig.params[j]!), fc.sourceOf(v), v.type === I32);
  }
  const m = type.results.length;
  if (sig.returnAreaPointer) {
    // Results 1.. land in the slots of stack positions base+1 .. base+m-1.
    fc.frame.slotAddr(base + m - 1);
    moves.add(argDest(sig.returnAreaPointer), addressOperand(fc.frame.slotAddr(base + 1)), false);
  }
  const index = indirect ? fc.stack.at(base + nargs) : null;
  if (indirect && index!.loc !== Loc.Const) moves.add(REG[indirect.indexReg]!, fc.sourceOf(index!), true);
  parallelMove(asm, moves, fc.flagsFree());
  while (fc.stack.height > base) fc.stack.pop();
  if (fc.frozen > base) fc.frozen = base;
  fc.regs.held = 0;
  if (indirect) {
    asm.call(indirect.target(fc, index!, base));
    indirect.after(fc, base);
  } else asm.call(target as Mem | External);
  if (mayTrap !== undefined) fc.frame.trapSiteHere(mayTrap, fc.opOffset);
  if (sig.stackBytes > 0) {
    asm.add(rsp, sig.stackBytes);
    fc.frame.spDelta -= sig.stackBytes;
  }
  afterCall(fc);
  for (let k = 0; k < m; k++) {
    const first = sig.results[0]!;
    if (k > 0 || first.kind === 'returnArea') {
      fc.push(inSlot(type.results[k]!, base + k));
      continue;
    }
    let r = first.reg;
    // xmm0 may be the home of a float parameter that arrived there (saved before the call, so
    // the result may overwrite it, but a merge would reload the local over the result).
    if (fc.regs.isHome(r)) {
      const to = fc.regs.alloc(classOf(type.results[0]!));
      emitMove(asm, REG[to]!, REG[r]!);
      r = to;
    }
    fc.push(inReg(type.results[0]!, r));
  }
}

/** The moves of a call's arguments, one list for every call (see MoveList). */
const argumentMoves = new MoveList();

function argDest(loc: ArgLocation): MoveDest {
  if (loc.kind === 'stack') return (STACK_ARGS[loc.offset >> 3] ??= memOperand(qword(rsp, loc.offset), argKey(loc.offset)));
  return REG[loc.reg]!;
}
/** Stack argument destinations by offset / 8, made once (operands are immutable). */
const STACK_ARGS: MoveDest[] = [];
// #endregion call
