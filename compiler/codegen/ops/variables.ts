// Locals, globals, select and drop: the operators that move values of any type.

import { encodingOf, VMCTX_REG } from '../../abi/index.ts';
import type { GlobalType } from '../../binary/types.ts';
import { storageType } from '../../binary/refTypes.ts';
import { CONDITIONS, type Gpr, GPR64, type Mem, qword, withSize } from '../../x64/index.ts';
import { conditionOf, jumpIf } from '../controlFlow.ts';
import {
  classOf, F32, F64, fitsImm32, type FunctionCompiler, isFloat, reg, sized, V128, xmm,
} from '../functionCompiler.ts';
import { writeLocal } from '../locals.ts';
import { SCRATCH } from '../registerAllocator.ts';
import { FP_EQUAL, FP_UNEQUAL, inReg, Loc, NO_BOUND } from '../valueStack.ts';
import { boundsFacts } from './boundsChecks.ts';
import { boundOf } from './valueBounds.ts';

// #region variables
export function localGet(fc: FunctionCompiler, i: number): void {
  fc.stack.pushLocal(fc.locals.values[i]!);
}

export function localSet(fc: FunctionCompiler, i: number, tee: boolean): void {
  const v = fc.pop();
  // A constant's bound is not kept: a local set to one is rarely an address, and every function sets some.
  const bound = fc.hasMemory && v.loc !== Loc.Const ? boundOf(fc, v, fc.stack.height) : NO_BOUND;
  writeLocal(fc, i, v);
  if (bound !== NO_BOUND) boundsFacts(fc).learnValueBound(i, bound);
  if (tee) fc.stack.pushLocal(fc.locals.values[i]!);
}

/** Globals live in cells the VMContext points to. */
function globalCell(fc: FunctionCompiler, g: number): Mem {
  fc.asm.mov(GPR64[SCRATCH]!, qword(GPR64[encodingOf(VMCTX_REG)]!, fc.env.vmctx.global(g)));
  return qword(GPR64[SCRATCH]!, 0);
}

export function globalGet(fc: FunctionCompiler, g: number, type: GlobalType): void {
  const t = storageType(type.type);
  fc.protectFlags(0);
  const r = fc.regs.alloc(classOf(t));
  if (t === V128) {
    fc.asm.movups(xmm(r), withSize(globalCell(fc, g), 128));
    return fc.push(inReg(t, r));
  }
  const cell = sized(t, globalCell(fc, g));
  if (t === F32) fc.asm.movss(xmm(r), cell);
  else if (t === F64) fc.asm.movsd(xmm(r), cell);
  else fc.asm.mov(reg(t, r), cell);
  fc.push(inReg(t, r));
}

export function globalSet(fc: FunctionCompiler, g: number, type: GlobalType): void {
  const t = storageType(type.type);
  fc.protectFlags(1);
  const v = fc.pop();
  if (t === V128) {
    const r = fc.readReg(v);
    fc.asm.movups(withSize(globalCell(fc, g), 128), xmm(r));
    return;
  }
  if (v.loc === Loc.Const && fitsImm32(v)) {
    const cell = globalCell(fc, g);
    fc.asm.mov(sized(t, cell), v.imm);
    return;
  }
  const r = fc.readReg(v);
  const cell = globalCell(fc, g);
  if (t === F32) fc.asm.movss(sized(t, cell), xmm(r));
  else if (t === F64) fc.asm.movsd(sized(t, cell), xmm(r));
  else fc.asm.mov(sized(t, cell), reg(t, r));
}
// #endregion variables

// #region parametric
export function drop(fc: FunctionCompiler): void {
  fc.popCond();
}

export function select(fc: FunctionCompiler, type: number): void {
  const cond = fc.popCond();
  const b = fc.pop();
  const a = fc.pop();
  if (cond.loc === Loc.Const) {
    fc.push(cond.imm !== 0 ? a : b);
    return;
  }
  if (cond.loc !== Loc.Flags) fc.protectFlags(0);
  // The condition is tested first (an `and` just computed becomes a test), then kept in the
  // flags while the operands are loaded (moves only).
  const cc = conditionOf(fc, cond) as number;
  fc.pinFlags = true;
  const dst = fc.toReg(a);
  if (isFloat(type) || type === V128) {
    // No conditional move for xmm registers: jump over the move of b when the condition holds.
    const src = fc.xmmOperand(b);
    fc.pinFlags = false;
    const keep = fc.asm.newLabel();
    jumpIf(fc, cc, keep);
    if (typeof src === 'object' && src.kind === 'mem') {
      if (type === V128) fc.asm.movups(xmm(dst), src);
      else fc.asm.movsd(xmm(dst), qword(src.base, src.disp, src.index, src.scale));
    }
    else fc.asm.movaps(xmm(dst), src);
    fc.asm.bind(keep);
    return fc.push(inReg(type, dst));
  }
  const src = fc.operand(b, false);
  fc.pinFlags = false;
  const d = reg(type, dst);
  if (cc === FP_EQUAL) {
    // b when not (equal and ordered): when ZF is clear or PF set.
    fc.asm.cmovcc('ne', d, src as Gpr | Mem);
    fc.asm.cmovcc('p', d, src as Gpr | Mem);
  } else if (cc === FP_UNEQUAL) {
    // b when equal and ordered: two flags at once, so jump over a plain move.
    const keep = fc.asm.newLabel();
    jumpIf(fc, cc, keep);
    fc.asm.mov(d, src as Gpr | Mem);
    fc.asm.bind(keep);
  } else fc.asm.cmovcc(CONDITIONS[cc ^ 1]!, d, src as Gpr | Mem);
  fc.push(inReg(type, dst));
}
// #endregion parametric
