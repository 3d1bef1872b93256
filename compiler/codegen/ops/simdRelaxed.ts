// Relaxed SIMD (WebAssembly 3.0). Each of these operators has a set of results the spec allows,
// indexed by a parameter the implementation fixes once and for all (exec/numerics, "Relaxed
// Operations"); Lightbeam's choices are the cheapest on SSE4.1 without FMA, and the same on every
// machine (they do not depend on CPUID), so a module computes the same results wherever it runs:
//
//   relaxed_swizzle      pshufb: an index from 16 to 127 takes lane index % 16 (R_swizzle = 1)
//   relaxed_trunc _s     cvttps2dq / cvttpd2dq: NaN and out of range give INT32_MIN (R_trunc_s = 1)
//   relaxed_trunc _u     the saturating truncation, as trunc_sat (R_trunc_u = 0): x86 has no
//                        unsigned conversion whose overflow would be cheaper to keep
//   relaxed_madd/nmadd   unfused: a multiply, then an add (R_fmadd = 0)
//   relaxed_laneselect   v128.bitselect: the mask taken bit by bit (R_laneselect = 0)
//   relaxed_min/max      minps/maxps: the second operand where either is NaN or both are zeros
//                        (R_fmin = R_fmax = 2)
//   relaxed_q15mulr_s    pmulhrsw: INT16_MIN * INT16_MIN gives INT16_MIN (R_iq15mulr = 1)
//   relaxed_dot          pmaddubsw: the second operand's bytes unsigned (R_idot = 1), pairs
//                        added with signed saturation

import type { OperatorInfo } from '../../binary/operators.ts';
import type { FunctionCompiler } from '../functionCompiler.ts';
import { binaryInto, bitselect, newVector, pushVector, SCRATCH_X, splatConstant, vectorRegister, vectorSource, vectorTemp } from './simd.ts';
import { truncSatF32ToU32, truncSatF64ToU32 } from './simdFloat.ts';

type Lowering = (fc: FunctionCompiler) => void;

/** relaxed_trunc_f32x4_s, relaxed_trunc_f64x2_s_zero: the bare conversion, INT32_MIN where it fails. */
function truncSigned(fc: FunctionCompiler, op: 'cvttps2dq' | 'cvttpd2dq'): void {
  const v = fc.pop();
  const dst = newVector(fc);
  fc.asm.emit(op, dst, vectorSource(fc, v));
  pushVector(fc, dst);
}

/** relaxed_madd: a * b + c, rounded twice; relaxed_nmadd: c - a * b, the same as -(a * b) + c. */
function multiplyAdd(fc: FunctionCompiler, p: 'ps' | 'pd', negate: boolean): void {
  const c = fc.pop();
  const b = fc.pop();
  const a = fc.pop();
  const asm = fc.asm;
  if (!negate) {
    const dst = vectorTemp(fc, a);
    asm.emit(`mul${p}`, dst, vectorSource(fc, b));
    asm.emit(`add${p}`, dst, vectorSource(fc, c));
    return pushVector(fc, dst);
  }
  const ax = vectorRegister(fc, a);
  const bx = vectorSource(fc, b);
  const dst = vectorTemp(fc, c);
  asm.movaps(SCRATCH_X, ax);
  asm.emit(`mul${p}`, SCRATCH_X, bx);
  asm.emit(`sub${p}`, dst, SCRATCH_X);
  pushVector(fc, dst);
}

/**
 * i32x4.relaxed_dot_i8x16_i7x16_add_s: the i16x8 dot product (pmaddubsw), its adjacent pairs
 * added as i32 (pmaddwd with ones), plus c.
 */
function dotAdd(fc: FunctionCompiler): void {
  const c = fc.pop();
  const b = fc.pop();
  const a = fc.pop();
  const asm = fc.asm;
  const dst = vectorTemp(fc, b);
  asm.emit('pmaddubsw', dst, vectorSource(fc, a));
  asm.emit('pmaddwd', dst, splatConstant(fc, 2, 1n));
  asm.emit('paddd', dst, vectorSource(fc, c));
  pushVector(fc, dst);
}

/** The lowering of a relaxed SIMD row, or undefined. */
export function relaxedVectorLowering(info: OperatorInfo): Lowering | undefined {
  switch (info.name) {
    case 'i8x16.relaxed_swizzle': return (fc) => binaryInto(fc, 'pshufb');
    case 'i32x4.relaxed_trunc_f32x4_s': return (fc) => truncSigned(fc, 'cvttps2dq');
    case 'i32x4.relaxed_trunc_f64x2_s_zero': return (fc) => truncSigned(fc, 'cvttpd2dq');
    case 'i32x4.relaxed_trunc_f32x4_u': return truncSatF32ToU32;
    case 'i32x4.relaxed_trunc_f64x2_u_zero': return truncSatF64ToU32;
    case 'f32x4.relaxed_madd': return (fc) => multiplyAdd(fc, 'ps', false);
    case 'f32x4.relaxed_nmadd': return (fc) => multiplyAdd(fc, 'ps', true);
    case 'f64x2.relaxed_madd': return (fc) => multiplyAdd(fc, 'pd', false);
    case 'f64x2.relaxed_nmadd': return (fc) => multiplyAdd(fc, 'pd', true);
    case 'i8x16.relaxed_laneselect': case 'i16x8.relaxed_laneselect':
    case 'i32x4.relaxed_laneselect': case 'i64x2.relaxed_laneselect': return bitselect;
    case 'f32x4.relaxed_min': return (fc) => binaryInto(fc, 'minps');
    case 'f32x4.relaxed_max': return (fc) => binaryInto(fc, 'maxps');
    case 'f64x2.relaxed_min': return (fc) => binaryInto(fc, 'minpd');
    case 'f64x2.relaxed_max': return (fc) => binaryInto(fc, 'maxpd');
    case 'i16x8.relaxed_q15mulr_s': return (fc) => binaryInto(fc, 'pmulhrsw');
    // pmaddubsw multiplies its destination's bytes as unsigned by its source's as signed: b first.
    case 'i16x8.relaxed_dot_i8x16_i7x16_s': return (fc) => binaryInto(fc, 'pmaddubsw', true);
    case 'i32x4.relaxed_dot_i8x16_i7x16_add_s': return dotAdd;
  }
  return undefined;
}
