// Conversions between integers and floats, and between the two float widths:
// - int -> float: cvtsi2ss/sd take a signed 32- or 64-bit source; an unsigned i32 is
//   zero-extended to 64 bits first; an unsigned i64 with its top bit set is halved (keeping
//   the lowest bit, so rounding is unchanged), converted and doubled.
// - float -> int, trapping: NaN traps "invalid conversion to integer"; a value whose truncation
//   is out of range traps "integer overflow". Both checks come first, against the exact bounds
//   (constants in the pool), then cvttss2si/cvttsd2si converts. Unsigned i32 goes through a
//   64-bit conversion; unsigned i64 of 2^63 or more subtracts 2^63 first and sets the top bit after.
// - float -> int, saturating: the same checks, branching to 0 (NaN), the minimum or the maximum.
// - promote/demote: cvtss2sd/cvtsd2ss (a NaN stays a NaN, quieted: an arithmetic NaN).
// - reinterpret: a move between register classes (or nothing at all for a constant).

import { TrapCode } from '../../abi/index.ts';
import type { OperatorInfo } from '../../binary/operators.ts';
import { type Gpr, GPR32, GPR64, type Label, type Mem, type Xmm, XMM } from '../../x64/index.ts';
import { F32, F64, type FunctionCompiler, GPR, I32, I64, poolConstant, reg, xmm, XMM_CLASS } from '../functionCompiler.ts';
import { emitMove, imm64, REG } from '../parallelMove.ts';
import { SCRATCH, SCRATCH2, XMM_SCRATCH } from '../registerAllocator.ts';
import { constant, constant64, inReg, Loc, type Value } from '../valueStack.ts';
import { floatSource } from './float.ts';

/** A float's bits are read through this one view (poolConstant copies them). */
const FLOAT_BITS = new DataView(new ArrayBuffer(8));
const floatConst = (fc: FunctionCompiler, type: number, value: number): Mem => {
  const view = FLOAT_BITS;
  if (type === F32) {
    view.setFloat32(0, value, true);
    return poolConstant(fc.asm, F32, view.getInt32(0, true), 0);
  }
  view.setFloat64(0, value, true);
  return poolConstant(fc.asm, F64, view.getInt32(0, true), view.getInt32(4, true));
};

// #region int-to-float
export function convert(fc: FunctionCompiler, to: number, from: number, signed: boolean): void {
  fc.protectFlags(1);
  const v = fc.pop();
  const dst = fc.regs.alloc(XMM_CLASS);
  const d = xmm(dst);
  const asm = fc.asm;
  const cvt = (src: Gpr | Mem): void => (to === F32 ? asm.cvtsi2ss(d, src) : asm.cvtsi2sd(d, src));
  // cvtsi2ss writes only the low lane: clearing the register first breaks the dependency on its old value.
  asm.xorps(d, d);
  if (from === I32) {
    if (signed) cvt(fc.operand(v, false) as Gpr | Mem);
    else {
      const s = fc.operand(v, false) as Gpr | Mem;
      asm.mov(GPR32[SCRATCH]!, s.kind === 'gpr' ? GPR32[s.num]! : s); // zero-extends to 64 bits
      cvt(GPR64[SCRATCH]!);
    }
  } else if (signed) cvt(fc.operand(v, false) as Gpr | Mem);
  else {
    const r = GPR64[fc.readReg(v)]!;
    const big = asm.newLabel(), done = asm.newLabel();
    asm.test(r, r);
    asm.jcc('s', big);
    cvt(r);
    asm.jmp(done);
    asm.bind(big);
    // Halve with the lowest bit kept (so the final rounding is the same), convert, double.
    asm.mov(GPR64[SCRATCH]!, r);
    asm.shr(GPR64[SCRATCH]!, 1);
    asm.mov(GPR32[SCRATCH2]!, GPR32[r.num]!);
    asm.and(GPR32[SCRATCH2]!, 1);
    asm.or(GPR64[SCRATCH]!, GPR64[SCRATCH2]!);
    cvt(GPR64[SCRATCH]!);
    if (to === F32) asm.addss(d, d);
    else asm.addsd(d, d);
    asm.bind(done);
  }
  fc.push(inReg(to, dst));
}
// #endregion int-to-float

// #region float-to-int
// #region truncation-bounds
/**
 * Exact bounds of the values whose truncation fits: trap (or saturate) when `x <= low`
 * (`lowInclusive`: when `x < low`) or `x >= high`.
 */
function bounds(from: number, to: number, signed: boolean): { low: number; lowInclusive: boolean; high: number } {
  const bits = to === I32 ? 32 : 64;
  if (!signed) return { low: -1, lowInclusive: false, high: 2 ** bits };
  // -2^31 - 1 is an f64 but not an f32 (whose next value below -2^31 truncates out of range anyway).
  if (bits === 32 && from === F64) return { low: -2147483649, lowInclusive: false, high: 2 ** 31 };
  return { low: -(2 ** (bits - 1)), lowInclusive: true, high: 2 ** (bits - 1) };
}
// #endregion truncation-bounds

// #region truncate-in-range
/** Truncate x (already checked to be in range) into register r. */
function truncateInRange(fc: FunctionCompiler, from: number, to: number, signed: boolean, x: Xmm, r: number): void {
  const asm = fc.asm;
  const cvtt = (dst: Gpr, src: Xmm | Mem): void => (from === F32 ? asm.cvttss2si(dst, src) : asm.cvttsd2si(dst, src));
  if (to === I32) {
    // Unsigned i32 values up to 2^32 - 1 fit a signed 64-bit conversion.
    cvtt(signed ? GPR32[r]! : GPR64[r]!, x);
    return;
  }
  if (signed) return cvtt(GPR64[r]!, x);
  // Unsigned i64: below 2^63 as signed; from 2^63 up, subtract 2^63 and set the top bit.
  const big = asm.newLabel(), done = asm.newLabel();
  const twoTo63 = floatConst(fc, from, 2 ** 63);
  if (from === F32) asm.ucomiss(x, twoTo63);
  else asm.ucomisd(x, twoTo63);
  asm.jcc('ae', big);
  cvtt(GPR64[r]!, x);
  asm.jmp(done);
  asm.bind(big);
  const t = XMM[XMM_SCRATCH & 15]!;
  asm.movaps(t, x);
  if (from === F32) asm.subss(t, twoTo63);
  else asm.subsd(t, twoTo63);
  cvtt(GPR64[r]!, t);
  asm.mov(GPR64[SCRATCH]!, imm64(0, 0x80000000 | 0));
  asm.or(GPR64[r]!, GPR64[SCRATCH]!);
  asm.bind(done);
}
// #endregion truncate-in-range

// #region check-range
/** The range checks: jumps to `nan`, `below` or `above` (labels may coincide). */
function checkRange(fc: FunctionCompiler, from: number, to: number, signed: boolean, x: Xmm, nan: Label, below: Label, above: Label): void {
  const asm = fc.asm;
  const { low, lowInclusive, high } = bounds(from, to, signed);
  const ucomis = (m: Xmm | Mem): void => (from === F32 ? asm.ucomiss(x, m) : asm.ucomisd(x, m));
  ucomis(x);
  asm.jcc('p', nan);
  ucomis(floatConst(fc, from, low));
  asm.jcc(lowInclusive ? 'b' : 'be', below);
  ucomis(floatConst(fc, from, high));
  asm.jcc('ae', above);
}
// #endregion check-range

// #region truncate
/** i32/i64.trunc_f32/f64_s/u: traps on NaN and on values out of range. */
export function truncate(fc: FunctionCompiler, to: number, from: number, signed: boolean): void {
  fc.protectFlags(1);
  const v = fc.pop();
  const x = xmm(fc.readReg(v));
  const r = fc.regs.alloc(GPR);
  const overflow = fc.trap(TrapCode.integerOverflow);
  checkRange(fc, from, to, signed, x, fc.trap(TrapCode.invalidConversionToInteger), overflow, overflow);
  truncateInRange(fc, from, to, signed, x, r);
  fc.push(inReg(to, r));
}
// #endregion truncate

// #region truncate-saturating
/** i32/i64.trunc_sat_f32/f64_s/u: NaN gives 0, out of range the nearest bound. */
export function truncateSaturating(fc: FunctionCompiler, to: number, from: number, signed: boolean): void {
  fc.protectFlags(1);
  const v = fc.pop();
  const x = xmm(fc.readReg(v));
  const r = fc.regs.alloc(GPR);
  const asm = fc.asm;
  const zero = asm.newLabel(), below = signed ? asm.newLabel() : zero, above = asm.newLabel(), done = asm.newLabel();
  checkRange(fc, from, to, signed, x, zero, below, above);
  truncateInRange(fc, from, to, signed, x, r);
  asm.jmp(done);
  asm.bind(zero);
  asm.xor(GPR32[r]!, GPR32[r]!);
  asm.jmp(done);
  if (signed) {
    asm.bind(below);
    asm.mov(reg(to, r), to === I32 ? -0x80000000 : imm64(0, 0x80000000 | 0));
    asm.jmp(done);
  }
  asm.bind(above);
  if (to === I32) asm.mov(GPR32[r]!, signed ? 0x7fffffff : 0xffffffff);
  else asm.mov(GPR64[r]!, signed ? imm64(-1, 0x7fffffff) : -1);
  asm.bind(done);
  fc.push(inReg(to, r));
}
// #endregion truncate-saturating
// #endregion float-to-int

// #region float-width-and-reinterpret
/** f32.demote_f64 and f64.promote_f32. */
export function changeWidth(fc: FunctionCompiler, to: number): void {
  const v = fc.pop();
  const dst = v.loc === Loc.Reg ? v.n : fc.regs.alloc(XMM_CLASS);
  const src = floatSource(fc, v);
  if (to === F32) fc.asm.cvtsd2ss(xmm(dst), src);
  else fc.asm.cvtss2sd(xmm(dst), src);
  fc.push(inReg(to, dst));
}

/** The same bits as another type: constants are retyped, other values move across register classes. */
export function reinterpret(fc: FunctionCompiler, to: number): void {
  const v = fc.pop();
  if (v.loc === Loc.Const) return fc.push(to === I64 || to === F64 ? constant64(to, v.imm, v.hi) : constant(to, v.imm));
  const dst = fc.regs.alloc(to === F32 || to === F64 ? XMM_CLASS : GPR);
  emitMove(fc.asm, REG[dst]!, fc.sourceOf(v));
  fc.push(inReg(to, dst));
}
// #endregion float-width-and-reinterpret

/** The lowering of a conversion of the operator table (by its name and signature), or undefined. */
export function conversionLowering(info: OperatorInfo): ((fc: FunctionCompiler) => void) | undefined {
  if (info.family !== 'unary' || info.params.length !== 1) return undefined;
  const from = info.params[0]!, to = info.results[0]!;
  const op = info.name.split('.')[1]!;
  const signed = op.endsWith('_s');
  if (op.startsWith('trunc_sat_')) return (fc) => truncateSaturating(fc, to, from, signed);
  if (op.startsWith('trunc_f')) return (fc) => truncate(fc, to, from, signed);
  if (op.startsWith('convert_')) return (fc) => convert(fc, to, from, signed);
  if (op === 'demote_f64' || op === 'promote_f32') return (fc) => changeWidth(fc, to);
  if (op.startsWith('reinterpret_')) return (fc) => reinterpret(fc, to);
  return undefined;
}
