// Float lanes of v128 (f32x4, f64x2) and the conversions between lanes, on SSE2/SSE4.1.
// Arithmetic, sqrt, rounding and comparisons are one instruction each, as for scalars
// (ops/float.ts: IEEE results, quiet NaNs). What takes a sequence:
// - min/max: minps returns its second operand when either is NaN or both are zero, where wasm
//   wants NaN and min(-0, +0) = -0; so both orders are computed and merged, NaNs made canonical;
// - pmin/pmax are exactly minps/maxps with the operands swapped;
// - conversions that x86 has only signed (u32 to f32 and f64, f32 and f64 to u32) or only
//   unsaturated (cvttps2dq gives 0x80000000 for NaN and out of range) are built from the signed
//   ones with masks, as V8 and Cranelift do.

import type { FunctionCompiler } from '../functionCompiler.ts';
import { binaryInto, newVector, pushVector, SCRATCH_X, splatConstant, vectorRegister, vectorSource, vectorTemp } from './simd.ts';

type Lowering = (fc: FunctionCompiler) => void;

/** Lane suffix of the packed instructions: ps for f32x4, pd for f64x2. */
const packed = (shape: string): 'ps' | 'pd' => (shape === 'f32x4' ? 'ps' : 'pd');

// #region float-lanes
/** abs, neg: the sign bit of each lane cleared or flipped (a NaN's payload kept). */
function signOp(fc: FunctionCompiler, shape: string, negate: boolean): void {
  const dst = vectorTemp(fc, fc.pop());
  const p = packed(shape);
  const mask = p === 'ps'
    ? splatConstant(fc, 4, negate ? 0x80000000n : 0x7fffffffn)
    : splatConstant(fc, 8, negate ? 1n << 63n : (1n << 63n) - 1n);
  fc.asm.emit(negate ? `xor${p}` : `and${p}`, dst, mask);
  pushVector(fc, dst);
}

/** sqrt, ceil, floor, trunc, nearest: one instruction from any source into a new register. */
function unaryOp(fc: FunctionCompiler, op: string, shape: string, mode?: number): void {
  const v = fc.pop();
  const dst = newVector(fc);
  if (mode === undefined) fc.asm.emit(`${op}${packed(shape)}`, dst, vectorSource(fc, v));
  else fc.asm.emit(`round${packed(shape)}`, dst, vectorSource(fc, v), 8 | mode);
  pushVector(fc, dst);
}

// #region vector-min-max
/** min and max with wasm's NaN and signed-zero rules (see the top of the file). */
function minMax(fc: FunctionCompiler, shape: string, max: boolean): void {
  const b = fc.pop();
  const a = fc.pop();
  const asm = fc.asm;
  const p = packed(shape);
  const op = `${max ? 'max' : 'min'}${p}`;
  const ax = vectorRegister(fc, a);
  const bx = vectorRegister(fc, b);
  const dst = newVector(fc);
  asm.movaps(SCRATCH_X, bx);
  asm.emit(op, SCRATCH_X, ax); // b op a
  asm.movaps(dst, ax);
  asm.emit(op, dst, bx); // a op b
  if (max) {
    // Where the two differ (a NaN, or +0 against -0): the bits that differ, merged so that a NaN
    // stays a NaN and max(-0, +0) loses the sign (scratch - diff clears it).
    asm.emit(`xor${p}`, dst, SCRATCH_X);
    asm.emit(`or${p}`, SCRATCH_X, dst);
    asm.emit(`sub${p}`, SCRATCH_X, dst);
  } else {
    // -0 wins by or-ing, and so does a NaN's exponent.
    asm.emit(`or${p}`, SCRATCH_X, dst);
    asm.movaps(dst, SCRATCH_X);
  }
  // A NaN lane becomes the canonical NaN: the unordered mask shifted right by 10 (13) keeps
  // the payload's bits, which andn clears (the sign is left as it is).
  asm.emit(`cmp${p}`, dst, SCRATCH_X, 3); // unordered
  if (!max) asm.emit(`or${p}`, SCRATCH_X, dst);
  asm.emit(p === 'ps' ? 'psrld' : 'psrlq', dst, p === 'ps' ? 10 : 13);
  asm.emit(`andn${p}`, dst, SCRATCH_X);
  pushVector(fc, dst);
}
// #endregion vector-min-max

/** pmin(a, b) = b < a ? b : a, pmax(a, b) = a < b ? b : a: minps/maxps with b first. */
function pseudoMinMax(fc: FunctionCompiler, shape: string, max: boolean): void {
  binaryInto(fc, `${max ? 'max' : 'min'}${packed(shape)}`, true);
}

/** Comparison predicates of cmpps/cmppd, and whether the operands swap (gt, ge). */
const PREDICATES: Record<string, [number, boolean]> = {
  eq: [0, false], ne: [4, false], lt: [1, false], le: [2, false], gt: [1, true], ge: [2, true],
};

function compare(fc: FunctionCompiler, shape: string, op: string): void {
  const [predicate, swap] = PREDICATES[op]!;
  const b = fc.pop();
  const a = fc.pop();
  const [first, second] = swap ? [b, a] : [a, b];
  const dst = vectorTemp(fc, first);
  fc.asm.emit(`cmp${packed(shape)}`, dst, vectorSource(fc, second), predicate);
  pushVector(fc, dst);
}
// #endregion float-lanes

// #region lane-conversions
/** f32x4.convert_i32x4_u: the low 16 bits convert exactly; the high part, halved to fit, doubled back. */
function convertU32ToF32(fc: FunctionCompiler): void {
  const asm = fc.asm;
  const dst = vectorTemp(fc, fc.pop());
  asm.emit('pxor', SCRATCH_X, SCRATCH_X);
  asm.emit('pblendw', SCRATCH_X, dst, 0x55); // the low 16 bits of each lane
  asm.emit('psubd', dst, SCRATCH_X); // the high 16 bits
  asm.emit('cvtdq2ps', SCRATCH_X, SCRATCH_X);
  asm.emit('psrld', dst, 1);
  asm.emit('cvtdq2ps', dst, dst);
  asm.emit('addps', dst, dst);
  asm.emit('addps', dst, SCRATCH_X);
  pushVector(fc, dst);
}

/** f64x2.convert_low_i32x4_u: each u32 under the exponent of 2^52 is 2^52 + x as a double; minus 2^52. */
function convertU32ToF64(fc: FunctionCompiler): void {
  const asm = fc.asm;
  const dst = vectorTemp(fc, fc.pop());
  asm.emit('unpcklps', dst, splatConstant(fc, 4, 0x43300000n));
  asm.emit('subpd', dst, splatConstant(fc, 8, 0x4330000000000000n));
  pushVector(fc, dst);
}

/** i32x4.trunc_sat_f32x4_s: NaN lanes zeroed first; a positive overflow (0x80000000 from a positive lane) flipped to 0x7fffffff. */
function truncSatF32ToI32(fc: FunctionCompiler): void {
  const asm = fc.asm;
  const dst = vectorTemp(fc, fc.pop());
  asm.movaps(SCRATCH_X, dst);
  asm.emit('cmpps', SCRATCH_X, SCRATCH_X, 0); // ordered lanes
  asm.emit('andps', dst, SCRATCH_X);
  asm.emit('pxor', SCRATCH_X, dst); // sign bit: the lane was not negative
  asm.emit('cvttps2dq', dst, dst);
  asm.emit('pand', SCRATCH_X, dst);
  asm.emit('psrad', SCRATCH_X, 31);
  asm.emit('pxor', dst, SCRATCH_X);
  pushVector(fc, dst);
}

/**
 * i32x4.trunc_sat_f32x4_u: negative and NaN lanes clamped to 0; lanes from 2^31 convert as
 * x - 2^31 plus 0x80000000 (what cvttps2dq gives for them), lanes from 2^32 saturate.
 */
export function truncSatF32ToU32(fc: FunctionCompiler): void {
  const asm = fc.asm;
  const dst = vectorTemp(fc, fc.pop());
  const t = newVector(fc);
  asm.emit('pxor', SCRATCH_X, SCRATCH_X);
  asm.emit('maxps', dst, SCRATCH_X);
  asm.movdqa(SCRATCH_X, splatConstant(fc, 4, 0x4f000000n)); // 2^31
  asm.movaps(t, dst);
  asm.emit('subps', t, SCRATCH_X);
  asm.emit('cmpps', SCRATCH_X, t, 2); // 2^31 <= x - 2^31: x is 2^32 or more
  asm.emit('cvttps2dq', t, t);
  asm.emit('pxor', t, SCRATCH_X);
  asm.emit('pxor', SCRATCH_X, SCRATCH_X);
  asm.emit('pmaxsd', t, SCRATCH_X);
  asm.emit('cvttps2dq', dst, dst);
  asm.emit('paddd', dst, t);
  pushVector(fc, dst);
}

/** i32x4.trunc_sat_f64x2_s_zero: NaN lanes become 0 and large ones 2^31 - 1 (min with them), then convert. */
function truncSatF64ToI32(fc: FunctionCompiler): void {
  const asm = fc.asm;
  const dst = vectorTemp(fc, fc.pop());
  asm.movaps(SCRATCH_X, dst);
  asm.emit('cmppd', SCRATCH_X, dst, 0); // ordered lanes
  asm.emit('andps', SCRATCH_X, splatConstant(fc, 8, 0x41dfffffffc00000n)); // 2147483647.0
  asm.emit('minpd', dst, SCRATCH_X);
  asm.emit('cvttpd2dq', dst, dst);
  pushVector(fc, dst);
}

/** i32x4.trunc_sat_f64x2_u_zero: clamped to [0, 2^32 - 1], truncated, and read from the mantissa of x + 2^52. */
export function truncSatF64ToU32(fc: FunctionCompiler): void {
  const asm = fc.asm;
  const dst = vectorTemp(fc, fc.pop());
  asm.emit('xorpd', SCRATCH_X, SCRATCH_X);
  asm.emit('maxpd', dst, SCRATCH_X);
  asm.emit('minpd', dst, splatConstant(fc, 8, 0x41efffffffe00000n)); // 4294967295.0
  asm.emit('roundpd', dst, dst, 8 | 3);
  asm.emit('addpd', dst, splatConstant(fc, 8, 0x4330000000000000n));
  asm.emit('shufps', dst, SCRATCH_X, 0x88); // the low 32 bits of each lane, then zeros
  pushVector(fc, dst);
}

/** Conversions that are one instruction from any source into a new register. */
const ONE_CONVERSION: Record<string, string> = {
  'f32x4.convert_i32x4_s': 'cvtdq2ps',
  'f64x2.convert_low_i32x4_s': 'cvtdq2pd',
  'f64x2.promote_low_f32x4': 'cvtps2pd',
  'f32x4.demote_f64x2_zero': 'cvtpd2ps',
};

function oneConversion(fc: FunctionCompiler, op: string): void {
  const v = fc.pop();
  const dst = newVector(fc);
  // (cvtdq2pd and cvtps2pd read 64 bits of memory: a register is simplest for all four.)
  fc.asm.emit(op, dst, vectorRegister(fc, v));
  pushVector(fc, dst);
}
// #endregion lane-conversions

/** The lowering of a float-lane operator or a conversion between lanes, or undefined. */
export function floatVectorLowering(shape: string, op: string): Lowering | undefined {
  const one = ONE_CONVERSION[`${shape}.${op}`];
  if (one) return (fc) => oneConversion(fc, one);
  switch (`${shape}.${op}`) {
    case 'f32x4.convert_i32x4_u': return convertU32ToF32;
    case 'f64x2.convert_low_i32x4_u': return convertU32ToF64;
    case 'i32x4.trunc_sat_f32x4_s': return truncSatF32ToI32;
    case 'i32x4.trunc_sat_f32x4_u': return truncSatF32ToU32;
    case 'i32x4.trunc_sat_f64x2_s_zero': return truncSatF64ToI32;
    case 'i32x4.trunc_sat_f64x2_u_zero': return truncSatF64ToU32;
  }
  if (shape !== 'f32x4' && shape !== 'f64x2') return undefined;
  const p = packed(shape);
  switch (op) {
    case 'add': case 'sub': case 'mul': case 'div': return (fc) => binaryInto(fc, `${op}${p}`);
    case 'abs': return (fc) => signOp(fc, shape, false);
    case 'neg': return (fc) => signOp(fc, shape, true);
    case 'sqrt': return (fc) => unaryOp(fc, 'sqrt', shape);
    case 'nearest': return (fc) => unaryOp(fc, 'round', shape, 0);
    case 'floor': return (fc) => unaryOp(fc, 'round', shape, 1);
    case 'ceil': return (fc) => unaryOp(fc, 'round', shape, 2);
    case 'trunc': return (fc) => unaryOp(fc, 'round', shape, 3);
    case 'min': return (fc) => minMax(fc, shape, false);
    case 'max': return (fc) => minMax(fc, shape, true);
    case 'pmin': return (fc) => pseudoMinMax(fc, shape, false);
    case 'pmax': return (fc) => pseudoMinMax(fc, shape, true);
  }
  if (op in PREDICATES) return (fc) => compare(fc, shape, op);
  return undefined;
}
