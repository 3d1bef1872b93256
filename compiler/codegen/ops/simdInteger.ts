// Integer lanes of v128 (i8x16, i16x8, i32x4, i64x2) on SSE2/SSSE3/SSE4.1. Most operators are
// one instruction (paddd, pminub, pcmpeqw, ...); the rest are short sequences where x86 has no
// instruction for the shape: byte shifts (word shifts and masks), i64x2 multiply, arithmetic
// right shift and signed comparison (SSE4.2's pcmpgtq is past the baseline), unsigned and
// non-strict comparisons (a min or max compared with an operand), popcnt (a nibble table).

import { GPR32 } from '../../x64/index.ts';
import type { FunctionCompiler } from '../functionCompiler.ts';
import { SCRATCH } from '../registerAllocator.ts';
import { Loc } from '../valueStack.ts';
import {
  binaryInto, newVector, pushVector, SCRATCH_X, splatConstant, vectorConstant, vectorRegister, vectorSource, vectorTemp,
} from './simd.ts';

type Lowering = (fc: FunctionCompiler) => void;
type Shape = 'i8x16' | 'i16x8' | 'i32x4' | 'i64x2';

const SUFFIX: Record<Shape, string> = { i8x16: 'b', i16x8: 'w', i32x4: 'd', i64x2: 'q' };
const LANE_BITS: Record<Shape, number> = { i8x16: 8, i16x8: 16, i32x4: 32, i64x2: 64 };
/** pmovsx/pmovzx's suffix that widens to each shape: bw to i16x8, ... */
const WIDENED_FROM: Partial<Record<Shape, string>> = { i16x8: 'bw', i32x4: 'wd', i64x2: 'dq' };

// #region lane-arithmetic
/** Operators that are one SSE instruction `op dst, src`, by wasm name. */
const ONE_INSTRUCTION: Record<string, string> = {
  'i8x16.add': 'paddb', 'i16x8.add': 'paddw', 'i32x4.add': 'paddd', 'i64x2.add': 'paddq',
  'i8x16.sub': 'psubb', 'i16x8.sub': 'psubw', 'i32x4.sub': 'psubd', 'i64x2.sub': 'psubq',
  'i16x8.mul': 'pmullw', 'i32x4.mul': 'pmulld',
  'i8x16.add_sat_s': 'paddsb', 'i8x16.add_sat_u': 'paddusb', 'i16x8.add_sat_s': 'paddsw', 'i16x8.add_sat_u': 'paddusw',
  'i8x16.sub_sat_s': 'psubsb', 'i8x16.sub_sat_u': 'psubusb', 'i16x8.sub_sat_s': 'psubsw', 'i16x8.sub_sat_u': 'psubusw',
  'i8x16.min_s': 'pminsb', 'i8x16.min_u': 'pminub', 'i8x16.max_s': 'pmaxsb', 'i8x16.max_u': 'pmaxub',
  'i16x8.min_s': 'pminsw', 'i16x8.min_u': 'pminuw', 'i16x8.max_s': 'pmaxsw', 'i16x8.max_u': 'pmaxuw',
  'i32x4.min_s': 'pminsd', 'i32x4.min_u': 'pminud', 'i32x4.max_s': 'pmaxsd', 'i32x4.max_u': 'pmaxud',
  'i8x16.avgr_u': 'pavgb', 'i16x8.avgr_u': 'pavgw',
  'i8x16.narrow_i16x8_s': 'packsswb', 'i8x16.narrow_i16x8_u': 'packuswb',
  'i16x8.narrow_i32x4_s': 'packssdw', 'i16x8.narrow_i32x4_u': 'packusdw',
  'i32x4.dot_i16x8_s': 'pmaddwd',
};

/** neg: 0 - x. */
function neg(fc: FunctionCompiler, shape: Shape): void {
  const v = fc.pop();
  const dst = newVector(fc);
  fc.asm.emit('pxor', dst, dst);
  fc.asm.emit(`psub${SUFFIX[shape]}`, dst, vectorSource(fc, v));
  pushVector(fc, dst);
}

/** abs: pabs for 8-32 bits; for 64, x ^ s - s with s the sign of each lane spread over it. */
function abs(fc: FunctionCompiler, shape: Shape): void {
  const v = fc.pop();
  if (shape !== 'i64x2') {
    const dst = newVector(fc);
    fc.asm.emit(`pabs${SUFFIX[shape]}`, dst, vectorSource(fc, v));
    return pushVector(fc, dst);
  }
  const dst = vectorTemp(fc, v);
  signOfQwords(fc, SCRATCH_X, dst);
  fc.asm.emit('pxor', dst, SCRATCH_X);
  fc.asm.emit('psubq', dst, SCRATCH_X);
  pushVector(fc, dst);
}

/** `to` = each 64-bit lane of `from` all ones if negative, else zero. */
function signOfQwords(fc: FunctionCompiler, to: typeof SCRATCH_X, from: typeof SCRATCH_X): void {
  fc.asm.emit('pshufd', to, from, 0xf5); // each lane's high dword, twice
  fc.asm.emit('psrad', to, 31);
}

/** i64x2.mul: from 32x32->64 products, al*bl + ((ah*bl + al*bh) << 32). */
function mulI64(fc: FunctionCompiler): void {
  const b = fc.pop();
  const a = fc.pop();
  const asm = fc.asm;
  const dst = vectorTemp(fc, a);
  const bx = vectorRegister(fc, b);
  const t = newVector(fc);
  asm.movaps(t, dst);
  asm.emit('psrlq', t, 32);
  asm.emit('pmuludq', t, bx); // ah * bl
  asm.movaps(SCRATCH_X, bx);
  asm.emit('psrlq', SCRATCH_X, 32);
  asm.emit('pmuludq', SCRATCH_X, dst); // bh * al
  asm.emit('paddq', t, SCRATCH_X);
  asm.emit('psllq', t, 32);
  asm.emit('pmuludq', dst, bx); // al * bl
  asm.emit('paddq', dst, t);
  pushVector(fc, dst);
}

/** i16x8.q15mulr_sat_s: pmulhrsw, but 0x8000 * 0x8000 saturates to 0x7fff where pmulhrsw gives 0x8000. */
function q15mulr(fc: FunctionCompiler): void {
  binaryInto(fc, 'pmulhrsw');
  const dst = vectorRegister(fc, fc.stack.peek());
  fc.asm.movdqa(SCRATCH_X, splatConstant(fc, 2, 0x8000n));
  fc.asm.emit('pcmpeqw', SCRATCH_X, dst);
  fc.asm.emit('pxor', dst, SCRATCH_X);
}

/** i8x16.popcnt: each byte's two nibbles looked up in a table of their bit counts (pshufb) and added. */
function popcnt(fc: FunctionCompiler): void {
  const v = fc.pop();
  const asm = fc.asm;
  const x = vectorRegister(fc, v);
  const table = vectorConstant(fc, NIBBLE_COUNTS);
  const lowNibbles = splatConstant(fc, 1, 0x0fn);
  const dst = newVector(fc);
  const t = newVector(fc);
  asm.movaps(SCRATCH_X, x);
  asm.emit('pand', SCRATCH_X, lowNibbles);
  asm.movdqa(dst, table);
  asm.emit('pshufb', dst, SCRATCH_X);
  asm.movaps(SCRATCH_X, x);
  asm.emit('psrlw', SCRATCH_X, 4);
  asm.emit('pand', SCRATCH_X, lowNibbles);
  asm.movdqa(t, table);
  asm.emit('pshufb', t, SCRATCH_X);
  asm.emit('paddb', dst, t);
  pushVector(fc, dst);
}
const NIBBLE_COUNTS = Uint8Array.of(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
// #endregion lane-arithmetic

// #region widening
/** extend_low/high: the low (or high) half's lanes sign- or zero-extended to twice the width. */
function extend(fc: FunctionCompiler, shape: Shape, high: boolean, signed: boolean): void {
  const v = fc.pop();
  const dst = newVector(fc);
  const from = WIDENED_FROM[shape]!;
  if (high) {
    fc.asm.emit('pshufd', dst, vectorSource(fc, v), 0xee); // the high 64 bits to the low
    fc.asm.emit(`pmov${signed ? 's' : 'z'}x${from}`, dst, dst);
  } else fc.asm.emit(`pmov${signed ? 's' : 'z'}x${from}`, dst, vectorRegister(fc, v));
  pushVector(fc, dst);
}

/** extmul_low/high: both operands' halves extended, then multiplied at the wider width. */
function extmul(fc: FunctionCompiler, shape: Shape, high: boolean, signed: boolean): void {
  extend(fc, shape, high, signed);
  const product = fc.pop();
  extend(fc, shape, high, signed);
  fc.push(product);
  // (For i64x2, pmuldq/pmuludq multiply the low 32 bits of each lane, which hold the value.)
  const op = shape === 'i16x8' ? 'pmullw' : shape === 'i32x4' ? 'pmulld' : signed ? 'pmuldq' : 'pmuludq';
  binaryInto(fc, op);
}

/** extadd_pairwise: adjacent lanes added at twice the width (pmaddubsw, pmaddwd with ones). */
function extaddPairwise(fc: FunctionCompiler, shape: Shape, signed: boolean): void {
  const v = fc.pop();
  const asm = fc.asm;
  if (shape === 'i16x8') {
    // pmaddubsw multiplies its destination's bytes as unsigned by its source's as signed.
    const ones = splatConstant(fc, 1, 1n);
    let dst;
    if (signed) {
      dst = newVector(fc);
      asm.movdqa(dst, ones);
      asm.emit('pmaddubsw', dst, vectorSource(fc, v));
    } else {
      dst = vectorTemp(fc, v);
      asm.emit('pmaddubsw', dst, ones);
    }
    return pushVector(fc, dst);
  }
  const dst = vectorTemp(fc, v);
  if (!signed) asm.emit('pxor', dst, splatConstant(fc, 2, 0x8000n)); // as signed: x - 0x8000
  asm.emit('pmaddwd', dst, splatConstant(fc, 2, 1n));
  if (!signed) asm.emit('paddd', dst, splatConstant(fc, 4, 0x10000n)); // the two 0x8000s back
  pushVector(fc, dst);
}
// #endregion widening

// #region comparisons
/** eq, ne, lt, gt, le, ge (signed and unsigned) to lanes of all ones or zero. */
function compare(fc: FunctionCompiler, shape: Shape, op: string): void {
  const s = SUFFIX[shape];
  const cmp = op.slice(0, 2);
  const unsigned = op.endsWith('_u');
  if (cmp === 'eq' || cmp === 'ne') {
    binaryInto(fc, `pcmpeq${s}`);
    if (cmp === 'ne') invertTop(fc);
    return;
  }
  if (shape === 'i64x2') return compareI64(fc, cmp);
  if (!unsigned && (cmp === 'gt' || cmp === 'lt')) return binaryInto(fc, `pcmpgt${s}`, cmp === 'lt');
  // a >= b is max(a, b) == a, a <= b is min(a, b) == a; gt and lt are their negations.
  const b = fc.pop();
  const a = fc.pop();
  const ax = vectorRegister(fc, a);
  const dst = newVector(fc);
  fc.asm.movaps(dst, ax);
  const useMax = cmp === 'ge' || cmp === 'lt';
  fc.asm.emit(`p${useMax ? 'max' : 'min'}${unsigned ? 'u' : 's'}${s}`, dst, vectorSource(fc, b));
  fc.asm.emit(`pcmpeq${s}`, dst, ax);
  pushVector(fc, dst);
  if (cmp === 'gt' || cmp === 'lt') invertTop(fc);
}

/**
 * i64x2 signed comparisons without pcmpgtq: the sign of (b & ~a) | (~(a ^ b) & (b - a)) is
 * a > b (when the signs differ, b is the negative one; when they agree, b - a cannot overflow),
 * spread over each lane.
 */
function compareI64(fc: FunctionCompiler, cmp: string): void {
  const b0 = fc.pop();
  const a0 = fc.pop();
  // gt and le look at a > b, lt and ge at b > a.
  const [a, b] = cmp === 'gt' || cmp === 'le' ? [a0, b0] : [b0, a0];
  const asm = fc.asm;
  const ax = vectorRegister(fc, a);
  const bx = vectorRegister(fc, b);
  const dst = newVector(fc);
  asm.movaps(dst, bx);
  asm.emit('psubq', dst, ax); // b - a
  asm.movaps(SCRATCH_X, ax);
  asm.emit('pxor', SCRATCH_X, bx);
  asm.emit('pandn', SCRATCH_X, dst); // ~(a ^ b) & (b - a)
  asm.movaps(dst, ax);
  asm.emit('pandn', dst, bx); // ~a & b
  asm.emit('por', dst, SCRATCH_X);
  signOfQwords(fc, dst, dst);
  pushVector(fc, dst);
  if (cmp === 'le' || cmp === 'ge') invertTop(fc);
}

/** The vector on top, every bit flipped (it is in a register this operator made). */
function invertTop(fc: FunctionCompiler): void {
  const dst = vectorRegister(fc, fc.stack.peek());
  fc.asm.emit('pcmpeqd', SCRATCH_X, SCRATCH_X);
  fc.asm.emit('pxor', dst, SCRATCH_X);
}
// #endregion comparisons

// #region shifts
/**
 * shl, shr_s, shr_u by an i32 count taken modulo the lane width. 16- to 64-bit lanes have
 * instructions (with the count as an immediate or in an xmm register), but for shr_s of 64-bit
 * lanes; bytes are shifted as words and masked, or (shr_s) widened to words.
 */
function shift(fc: FunctionCompiler, shape: Shape, op: string): void {
  const count = fc.pop();
  const v = fc.pop();
  const asm = fc.asm;
  const bits = LANE_BITS[shape];
  const constant = count.loc === Loc.Const ? count.imm & (bits - 1) : -1;
  const dst = vectorTemp(fc, v);
  // The count (mod the lane width) in SCRATCH_X, for the forms that take it in a register.
  const countIn = (plus: number): void => {
    const r = fc.readReg(count);
    asm.mov(GPR32[SCRATCH]!, GPR32[r]!);
    asm.and(GPR32[SCRATCH]!, bits - 1);
    if (plus) asm.add(GPR32[SCRATCH]!, plus);
    asm.movd(SCRATCH_X, GPR32[SCRATCH]!);
  };
  if (shape === 'i8x16') return shiftBytes(fc, op, dst, constant, countIn);
  const s = SUFFIX[shape];
  if (op === 'shr_s' && shape === 'i64x2') {
    // ((x >>> c) ^ m) - m, m = the sign bit >>> c.
    const m = newVector(fc);
    asm.movdqa(m, splatConstant(fc, 8, 1n << 63n));
    if (constant >= 0) {
      asm.emit('psrlq', dst, constant);
      asm.emit('psrlq', m, constant);
    } else {
      countIn(0);
      asm.emit('psrlq', dst, SCRATCH_X);
      asm.emit('psrlq', m, SCRATCH_X);
    }
    asm.emit('pxor', dst, m);
    asm.emit('psubq', dst, m);
    return pushVector(fc, dst);
  }
  const mnemonic = op === 'shl' ? `psll${s}` : op === 'shr_u' ? `psrl${s}` : `psra${s}`;
  if (constant >= 0) asm.emit(mnemonic, dst, constant);
  else {
    countIn(0);
    asm.emit(mnemonic, dst, SCRATCH_X);
  }
  pushVector(fc, dst);
}

function shiftBytes(fc: FunctionCompiler, op: string, dst: typeof SCRATCH_X, constant: number, countIn: (plus: number) => void): void {
  const asm = fc.asm;
  if (op === 'shr_s') {
    // Each byte into the high half of a word (punpck with itself), psraw by c + 8, packed back.
    const t = newVector(fc);
    asm.movaps(t, dst);
    asm.emit('punpcklbw', dst, dst);
    asm.emit('punpckhbw', t, t);
    if (constant >= 0) {
      asm.emit('psraw', dst, constant + 8);
      asm.emit('psraw', t, constant + 8);
    } else {
      countIn(8);
      asm.emit('psraw', dst, SCRATCH_X);
      asm.emit('psraw', t, SCRATCH_X);
    }
    asm.emit('packsswb', dst, t);
    return pushVector(fc, dst);
  }
  // Word shifts carry bits across a byte boundary: mask them off (before shl, after shr_u).
  const left = op === 'shl';
  if (constant >= 0) {
    const keep = 0xff >> constant; // the bits of each byte that survive the shift
    if (left) asm.emit('pand', dst, splatConstant(fc, 1, BigInt(keep)));
    asm.emit(left ? 'psllw' : 'psrlw', dst, constant);
    if (!left) asm.emit('pand', dst, splatConstant(fc, 1, BigInt(keep)));
    return pushVector(fc, dst);
  }
  // The mask 0xff >> c in every byte: all-ones words shifted right by c + 8, packed to bytes.
  const mask = newVector(fc);
  countIn(8);
  asm.emit('pcmpeqw', mask, mask);
  asm.emit('psrlw', mask, SCRATCH_X);
  asm.emit('packuswb', mask, mask);
  countIn(0);
  if (left) asm.emit('pand', dst, mask);
  asm.emit(left ? 'psllw' : 'psrlw', dst, SCRATCH_X);
  if (!left) asm.emit('pand', dst, mask);
  pushVector(fc, dst);
}
// #endregion shifts

/** The lowering of an integer-lane operator, by shape and operator name, or undefined. */
export function integerVectorLowering(shape: string, op: string): Lowering | undefined {
  const sh = shape as Shape;
  const one = ONE_INSTRUCTION[`${shape}.${op}`];
  if (one) return (fc) => binaryInto(fc, one);
  if (op === 'neg') return (fc) => neg(fc, sh);
  if (op === 'abs') return (fc) => abs(fc, sh);
  if (op === 'mul' && sh === 'i64x2') return mulI64;
  if (op === 'q15mulr_sat_s') return q15mulr;
  if (op === 'popcnt') return popcnt;
  if (op === 'shl' || op === 'shr_s' || op === 'shr_u') return (fc) => shift(fc, sh, op);
  if (/^(eq|ne|lt|gt|le|ge)(_[su])?$/.test(op)) return (fc) => compare(fc, sh, op);
  let m = /^extend_(low|high)_i\d+x\d+_([su])$/.exec(op);
  if (m) return (fc) => extend(fc, sh, m![1] === 'high', m![2] === 's');
  m = /^extmul_(low|high)_i\d+x\d+_([su])$/.exec(op);
  if (m) return (fc) => extmul(fc, sh, m![1] === 'high', m![2] === 's');
  m = /^extadd_pairwise_i\d+x\d+_([su])$/.exec(op);
  if (m) return (fc) => extaddPairwise(fc, sh, m![1] === 's');
  return undefined;
}
