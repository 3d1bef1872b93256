// f32 and f64 arithmetic, comparisons and bit operations on SSE2/SSE4.1 scalar instructions.
// Float values live in xmm registers (register ids 16-31). Constants stay constants until an
// instruction reads them, then come from the function's constant pool as a memory operand
// (`addss xmm0, [rip + c]`), so a NaN's payload survives exactly.
//
// What x86 gives for free and what it does not:
// - add/sub/mul/div/sqrt: IEEE-754, and a NaN result is a quiet NaN (canonical when the inputs
//   are canonical), which is what WebAssembly asks of arithmetic NaNs. SSE never touches the flags.
// - min/max: minss returns its second operand when either is NaN or both are zero, where
//   WebAssembly wants NaN, and min(-0, +0) = -0: those two cases take a branch of their own.
// - abs/neg/copysign are bit operations on the sign bit (masks from the constant pool), so they
//   never change a NaN's payload.
// - comparisons: ucomiss sets ZF, PF and CF, with all three set when either operand is NaN, and
//   every WebAssembly comparison but `ne` is false then. gt/ge (and lt/le with the operands
//   swapped) are "above"/"above or equal", false on unordered: they stay in the flags. eq and ne
//   need two flags (ZF and PF): they stay in the flags too, as two-flag conditions (FP_EQUAL,
//   FP_UNEQUAL) that a branch tests with two jumps and setFromFlags with two setcc.

import type { OperatorInfo } from '../../binary/operators.ts';
import { type Mem, type Xmm, XMM } from '../../x64/index.ts';
import { emitScalar, emitScalar3 } from './scalar.ts';
import { F32, F64, type FunctionCompiler, I32, poolConstant, xmm, XMM_CLASS } from '../functionCompiler.ts';
import { pushInHome, resultHome } from '../locals.ts';
import { emitMove, REG } from '../parallelMove.ts';
import { XMM_SCRATCH } from '../registerAllocator.ts';
import { FP_EQUAL, FP_UNEQUAL, inFlags, inReg, Loc, type Value } from '../valueStack.ts';
import { CC } from './integer.ts';
import { conversionLowering } from './conversions.ts';

// #region float-operands
/** A float instruction's source: a register, a slot, or a constant from the pool. */
export function floatSource(fc: FunctionCompiler, v: Value): Xmm | Mem {
  if (v.loc === Loc.Const) return poolConstant(fc.asm, v.type, v.imm, v.hi);
  return fc.xmmOperand(v);
}

/** A register holding v that may be read but not written (a float local's own register will do). */
function floatRegister(fc: FunctionCompiler, v: Value): Xmm {
  return xmm(fc.readReg(v));
}

/** Load a mask (sign bit, or all but it) into XMM_SCRATCH. */
function loadMask(fc: FunctionCompiler, type: number, sign: boolean): Xmm {
  const x = XMM[XMM_SCRATCH & 15]!;
  const mem = type === F32
    ? poolConstant(fc.asm, F32, sign ? 0x80000000 : 0x7fffffff, 0)
    : poolConstant(fc.asm, F64, sign ? 0 : -1, sign ? 0x80000000 : 0x7fffffff);
  if (type === F32) fc.asm.movss(x, mem);
  else fc.asm.movsd(x, mem);
  return x;
}
// #endregion float-operands

// #region float-arithmetic
// #region float-add
type Arith = 'add' | 'sub' | 'mul' | 'div';

/** dst = a; dst op= b (a commutative operator reuses whichever operand is a temporary). */
export function arithmetic(fc: FunctionCompiler, type: number, op: Arith): void {
  let b = fc.pop();
  let a = fc.pop();
  const commutative = op === 'add' || op === 'mul';
  if (commutative && a.loc !== Loc.Reg && b.loc === Loc.Reg) [a, b] = [b, a];
  const start = fc.asm.offset;
  const aHome = a.loc === Loc.Local ? fc.locals.liveRegister(a.n) : -1;
  const bHome = commutative && b.loc === Loc.Local ? fc.locals.liveRegister(b.n) : -1;
  const aWasTemp = a.loc === Loc.Reg;
  // As for integers (ops/integer.ts, twoAddress): a local.set right after may take the result in
  // its home (resultHome), computed there: `op x, b` for `x = x op b`, `op x, t` for `x = t op x`.
  if (aHome >= 0 && sourceNeedsNoCode(fc, b)) {
    // A constant's pool operand reads no register: 0 stands for it until the pool has it.
    const src = b.loc === Loc.Const ? null : fc.xmmOperand(b);
    const home = resultHome(fc, fc.localSetNext(1), type, aHome, src ?? 0);
    if (home >= 0) {
      if (home !== aHome) emitMove(fc.asm, REG[home]!, REG[aHome]!);
      emitScalar(fc.asm, op, type, xmm(home), src ?? floatSource(fc, b));
      return pushInHome(fc, home, start, type);
    }
  } else if (bHome >= 0 && aWasTemp && resultHome(fc, fc.localSetNext(1), type, bHome, 0) === bHome) {
    emitScalar(fc.asm, op, type, xmm(bHome), xmm(a.n));
    return pushInHome(fc, bHome, start, type);
  }
  if (fc.env.features.avx && !aWasTemp) {
    // AVX: `vaddsd dst, a, b` leaves a where it is, so a local's register needs no copy first.
    const ax = xmm(fc.readReg(a));
    const dst = fc.regs.alloc(XMM_CLASS);
    const src = floatSource(fc, b);
    emitScalar3(fc.asm, op, type, xmm(dst), ax, src);
    return fc.push(inReg(type, dst));
  }
  const dst = fc.toReg(a);
  emitScalar(fc.asm, op, type, xmm(dst), floatSource(fc, b));
  fc.push(inReg(type, dst));
}
// #endregion float-add

/** Is v a float source that floatSource reads without code of its own? */
function sourceNeedsNoCode(fc: FunctionCompiler, v: Value): boolean {
  if (v.loc === Loc.Const || v.loc === Loc.Reg || v.loc === Loc.Slot) return true;
  return v.loc === Loc.Local && (fc.locals.liveRegister(v.n) >= 0 || fc.localInSlot(v.n));
}

export function sqrt(fc: FunctionCompiler, type: number): void {
  const v = fc.pop();
  const dst = v.loc === Loc.Reg ? v.n : fc.regs.alloc(XMM_CLASS);
  emitScalar(fc.asm, 'sqrt', type, xmm(dst), floatSource(fc, v));
  fc.push(inReg(type, dst));
}

// #region float-round
/** ceil, floor, trunc, nearest: SSE4.1 round with the mode in the immediate (8: no precision exception). */
export function round(fc: FunctionCompiler, type: number, mode: 0 | 1 | 2 | 3): void {
  const v = fc.pop();
  const dst = v.loc === Loc.Reg ? v.n : fc.regs.alloc(XMM_CLASS);
  const src = floatSource(fc, v);
  if (type === F32) fc.asm.roundss(xmm(dst), src, 8 | mode);
  else fc.asm.roundsd(xmm(dst), src, 8 | mode);
  fc.push(inReg(type, dst));
}
// #endregion float-round

// #region float-sign-bits
/** abs clears the sign bit, neg flips it: payloads of NaNs are kept. */
export function signBit(fc: FunctionCompiler, type: number, op: 'abs' | 'neg'): void {
  const v = fc.pop();
  const dst = fc.toReg(v);
  const mask = loadMask(fc, type, op === 'neg');
  if (op === 'abs') fc.asm.andps(xmm(dst), mask);
  else fc.asm.xorps(xmm(dst), mask);
  fc.push(inReg(type, dst));
}

/** |a| with the sign of b: (a & ~sign) | (b & sign). */
export function copysign(fc: FunctionCompiler, type: number): void {
  const b = fc.pop();
  const a = fc.pop();
  const bx = floatRegister(fc, b);
  const dst = fc.toReg(a);
  const mask = loadMask(fc, type, false);
  fc.asm.andps(xmm(dst), mask);
  fc.asm.andnps(mask, bx); // mask = ~mask & b: b's sign bit
  fc.asm.orps(xmm(dst), mask);
  fc.push(inReg(type, dst));
}
// #endregion float-sign-bits

// #region float-min-max
/** min/max with WebAssembly's rules: NaN if either is NaN; min(-0, +0) = -0 and max(-0, +0) = +0. */
export function minMax(fc: FunctionCompiler, type: number, op: 'min' | 'max'): void {
  fc.protectFlags(2);
  const b = fc.pop();
  const a = fc.pop();
  const bx = floatRegister(fc, b);
  const dst = fc.toReg(a);
  const d = xmm(dst);
  const asm = fc.asm;
  const normal = asm.newLabel(), nan = asm.newLabel(), done = asm.newLabel();
  if (type === F32) asm.ucomiss(d, bx);
  else asm.ucomisd(d, bx);
  asm.jcc('ne', normal); // ordered and different: minss/maxss are right
  asm.jcc('p', nan);
  // Equal: only ±0 can differ, and or/and of the bits picks -0 for min, +0 for max.
  if (op === 'min') asm.orps(d, bx);
  else asm.andps(d, bx);
  asm.jmp(done);
  asm.bind(nan);
  emitScalar(asm, 'add', type, d, bx); // a NaN in, a quiet NaN out
  asm.jmp(done);
  asm.bind(normal);
  emitScalar(asm, op, type, d, bx);
  asm.bind(done);
  fc.push(inReg(type, dst));
}
// #endregion float-min-max
// #endregion float-arithmetic

// #region float-compare
type Relation = 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge';

export function compare(fc: FunctionCompiler, type: number, rel: Relation): void {
  fc.protectFlags(2);
  let b = fc.pop();
  let a = fc.pop();
  // a < b is b > a: only "above" conditions are false on unordered operands.
  if (rel === 'lt' || rel === 'le') [a, b] = [b, a];
  const ax = floatRegister(fc, a);
  const src = floatSource(fc, b);
  if (type === F32) fc.asm.ucomiss(ax, src);
  else fc.asm.ucomisd(ax, src);
  if (rel === 'eq' || rel === 'ne') return fc.push(inFlags(I32, rel === 'eq' ? FP_EQUAL : FP_UNEQUAL));
  fc.push(inFlags(I32, rel === 'gt' || rel === 'lt' ? CC.a : CC.ae));
}
// #endregion float-compare

// #region float-lowerings
/** The lowering of a float operator of the operator table (by its name), or undefined. */
export function floatLowering(info: OperatorInfo): ((fc: FunctionCompiler) => void) | undefined {
  const conversion = conversionLowering(info);
  if (conversion) return conversion;
  const [prefix, op] = info.name.split('.') as [string, string];
  if (prefix !== 'f32' && prefix !== 'f64') return undefined;
  const type = prefix === 'f32' ? F32 : F64;
  switch (op) {
    case 'add': case 'sub': case 'mul': case 'div': return (fc) => arithmetic(fc, type, op);
    case 'min': case 'max': return (fc) => minMax(fc, type, op);
    case 'sqrt': return (fc) => sqrt(fc, type);
    case 'nearest': return (fc) => round(fc, type, 0);
    case 'floor': return (fc) => round(fc, type, 1);
    case 'ceil': return (fc) => round(fc, type, 2);
    case 'trunc': return (fc) => round(fc, type, 3);
    case 'abs': case 'neg': return (fc) => signBit(fc, type, op);
    case 'copysign': return (fc) => copysign(fc, type);
    case 'eq': case 'ne': case 'lt': case 'gt': case 'le': case 'ge': return (fc) => compare(fc, type, op);
  }
  return undefined;
}
// #endregion float-lowerings
