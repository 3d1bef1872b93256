// Direct calls under the internal convention (compiler/abi/callingConvention.ts): every
// register value is caller-saved, so values on the stack go to their slots, register locals
// are written back to their save slots (only if stale) and read from there afterwards; the
// arguments reach their registers in one parallel move. Results: the first in rax, the rest
// land directly in the slots of their stack positions (the return area is that part of the frame).

import type { FuncType } from '../binary/types.ts';
import { external, GPR64, qword, rsp } from '../x64/index.ts';
import { type FunctionCompiler, layoutOf, notImplemented } from './functionCompiler.ts';
import { afterCall, saveLocals } from './locals.ts';
import { argKey, parallelMove, type Move, REG } from './parallelMove.ts';
import { Gpr as R } from './registers.ts';
import { inReg, inSlot, Loc } from './valueStack.ts';

const REG_NUMBER: Record<string, number> = { rdi: R.rdi, rsi: R.rsi, rdx: R.rdx, rcx: R.rcx, r8: R.r8, r9: R.r9, rax: R.rax };

// #region call
export function call(fc: FunctionCompiler, funcIndex: number, type: FuncType): void {
  const sig = layoutOf(type);
  for (const p of sig.params) if (p.kind === 'xmm') throw notImplemented('floats', fc.opOffset, fc.funcIndex);
  for (const r of sig.results) if (r.kind === 'xmm') throw notImplemented('floats', fc.opOffset, fc.funcIndex);
  const asm = fc.asm;
  const nargs = type.params.length;
  const base = fc.stack.height - nargs;
  fc.hasCalls = true;
  fc.materializeFlags();
  // Values below the arguments survive the call only in memory (none below lowestReg is in a register).
  for (let p = Math.max(fc.frozen, fc.stack.lowestReg); p < base; p++) {
    const v = fc.stack.at(p);
    if (v.loc === Loc.Reg) fc.spillAt(p);
  }
  saveLocals(fc);
  if (sig.stackBytes > 0) {
    asm.sub(rsp, sig.stackBytes);
    fc.spDelta += sig.stackBytes;
  }
  const moves: Move[] = [];
  for (let j = 0; j < sig.params.length; j++) {
    const loc = sig.params[j]!;
    const src = fc.sourceOf(fc.stack.at(base + j));
    if (loc.kind === 'gpr') moves.push({ dst: REG[REG_NUMBER[loc.reg]!]!, src });
    else if (loc.kind === 'stack') moves.push({ dst: { kind: 'mem', mem: qword(rsp, loc.offset), key: argKey(loc.offset) }, src });
  }
  const m = type.results.length;
  if (sig.returnAreaPointer) {
    // Results 1.. land in the slots of stack positions base+1 .. base+m-1.
    fc.slotAddr(base + m - 1);
    const src = { kind: 'address' as const, mem: fc.slotAddr(base + 1) };
    const loc = sig.returnAreaPointer;
    if (loc.kind === 'gpr') moves.push({ dst: REG[REG_NUMBER[loc.reg]!]!, src });
    else if (loc.kind === 'stack') moves.push({ dst: { kind: 'mem', mem: qword(rsp, loc.offset), key: argKey(loc.offset) }, src });
  }
  parallelMove(asm, moves);
  while (fc.stack.height > base) fc.stack.pop();
  if (fc.frozen > base) fc.frozen = base;
  fc.held = 0;
  if (funcIndex < fc.env.module.importedFunctionCount) {
    asm.call(qword(GPR64[15]!, fc.env.vmctx.importedFunction(funcIndex)));
  } else asm.call(external(funcIndex)); // a rel32 the module compiler resolves
  if (sig.stackBytes > 0) {
    asm.add(rsp, sig.stackBytes);
    fc.spDelta -= sig.stackBytes;
  }
  afterCall(fc);
  for (let k = 0; k < m; k++) fc.push(k === 0 ? inReg(type.results[0]!, R.rax) : inSlot(type.results[k]!, base + k));
}
// #endregion call
