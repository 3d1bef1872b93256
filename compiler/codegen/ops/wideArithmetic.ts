// Wide arithmetic: 128-bit sums and differences, and the full 128-bit product of two i64s, each
// 128-bit number as two i64 halves on the value stack (the low half below the high one). x86 has
// had these since the 8086: add then adc carries the low halves' overflow into the high ones
// (sub and sbb borrow it), and the one-operand mul and imul leave the product in rdx:rax.

import { Reg } from '../../abi/index.ts';
import { type Gpr, GPR64, type Mem } from '../../x64/index.ts';
import { type FunctionCompiler, I64 } from '../functionCompiler.ts';
import { constant64, inReg, Loc, type Value } from '../valueStack.ts';
import { big, moveOutOfRaxRdx } from './integer.ts';

/** x86's ALU group by /digit: the low halves' instruction, then the high halves' (with the carry). */
const ADD = 0, ADC = 2, SBB = 3, SUB = 5;

// #region add128
/** i64.add128 and i64.sub128: [a_lo a_hi b_lo b_hi] -> [lo hi], one add/adc (sub/sbb) pair. */
export function addSub128(fc: FunctionCompiler, subtract: boolean): void {
  fc.protectFlags(4);
  const bHi = fc.pop(), bLo = fc.pop(), aHi = fc.pop(), aLo = fc.pop();
  if (aLo.loc === Loc.Const && aHi.loc === Loc.Const && bLo.loc === Loc.Const && bHi.loc === Loc.Const) {
    const a = wide(aLo, aHi), b = wide(bLo, bHi);
    return pushWide(fc, subtract ? a - b : a + b);
  }
  // Every operand in place before the first instruction: materializing one between the two
  // (a zeroing xor) would clobber the carry.
  const lo = fc.toReg(aLo), hi = fc.toReg(aHi);
  const srcLo = fc.operand(bLo, true), srcHi = fc.operand(bHi, true);
  fc.asm.alu(subtract ? SUB : ADD, GPR64[lo]!, srcLo);
  fc.asm.alu(subtract ? SBB : ADC, GPR64[hi]!, srcHi);
  fc.push(inReg(I64, lo));
  fc.push(inReg(I64, hi));
}
// #endregion add128

// #region mul-wide
/** i64.mul_wide_s and _u: [a b] -> [lo hi], rax times the other operand into rdx:rax. */
export function mulWide(fc: FunctionCompiler, signed: boolean): void {
  fc.protectFlags(2);
  let b = fc.pop(), a = fc.pop();
  if (a.loc === Loc.Const && b.loc === Loc.Const) {
    const product = signed ? big(a) * big(b) : BigInt.asUintN(64, big(a)) * BigInt.asUintN(64, big(b));
    return pushWide(fc, product);
  }
  // The product commutes: take whichever operand is in rax already as the one that stays there.
  if (b.loc === Loc.Reg && b.n === Reg.rax) [a, b] = [b, a];
  const aIsRax = a.loc === Loc.Reg && a.n === Reg.rax;
  b = moveOutOfRaxRdx(fc, b);
  if (!aIsRax) {
    a = moveOutOfRaxRdx(fc, a);
    fc.take(Reg.rax);
  }
  fc.take(Reg.rdx);
  // A register (not rax or rdx, both held now) or memory: no immediate form.
  const factor = fc.operand(b, false) as Gpr | Mem;
  if (!aIsRax) fc.loadInto(Reg.rax, a);
  if (signed) fc.asm.imul(factor);
  else fc.asm.mul(factor);
  fc.push(inReg(I64, Reg.rax));
  fc.push(inReg(I64, Reg.rdx));
}
// #endregion mul-wide

/** A 128-bit number from its two i64 halves (constants). */
function wide(lo: Value, hi: Value): bigint {
  return (big(hi) << 64n) | BigInt.asUintN(64, big(lo));
}

/** Push a 128-bit result as its low and high i64 halves (constants). */
function pushWide(fc: FunctionCompiler, v: bigint): void {
  for (const half of [BigInt.asIntN(64, v), BigInt.asIntN(64, v >> 64n)]) {
    fc.push(constant64(I64, Number(BigInt.asIntN(32, half)), Number(BigInt.asIntN(32, half >> 32n))));
  }
}
