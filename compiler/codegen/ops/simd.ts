// The 128-bit vector operators (WebAssembly's fixed-width SIMD) on SSE2, SSSE3 and SSE4.1.
// A v128 value lives in an xmm register, or in a 16-byte slot of the frame (Frame.vectorSlotAddr);
// it is never a constant on the value stack but zero, which v128.const of all zero bytes is
// (a register gets it from `pxor`). Other constants come from the constant pool, 16-byte aligned.
//
// SSE instructions are two-operand (`op dst, src`: dst = dst op src), so a lowering copies its
// first operand to a register it may overwrite (toReg) and reads the second where it is: a
// register, or a v128 slot, the only memory SSE may read as an operand, since its memory operands
// must be 16-byte aligned (a slot is: see Frame.vectorSlotAddr; a local's slot or linear memory
// need not be).
//
// This file: operands, constants, splats, lanes, shuffles, bitwise and boolean operators, and the
// lowering table's picker for the vector rows. Lane arithmetic is in simdInteger.ts and
// simdFloat.ts, memory accesses in simdMemory.ts.

import type { OperatorInfo } from '../../binary/operators.ts';
import { condCode, GPR16, GPR32, GPR64, GPR8, type Mem, type Xmm, XMM } from '../../x64/index.ts';
import { type FunctionCompiler, GPR, I32, I64, reg, V128, xmm, XMM_CLASS } from '../functionCompiler.ts';
import { XMM_SCRATCH } from '../registerAllocator.ts';
import { pushInHome, resultHome } from '../locals.ts';
import { constant, inFlags, inReg, Loc, type Value } from '../valueStack.ts';
import { integerVectorLowering } from './simdInteger.ts';
import { floatVectorLowering } from './simdFloat.ts';

type Lowering = (fc: FunctionCompiler) => void;

// #region vector-operands
/** XMM_SCRATCH as an operand: free inside any one lowering. */
export const SCRATCH_X: Xmm = XMM[XMM_SCRATCH & 15]!;

/**
 * A vector instruction's source operand: a register, or the value's v128 slot (aligned); anything
 * else is loaded into a register first.
 */
export function vectorSource(fc: FunctionCompiler, v: Value): Xmm | Mem {
  if (v.loc === Loc.Slot) return fc.frame.vectorSlotAddr(v.n);
  return xmm(fc.readReg(v));
}

/** The source as a register (an instruction that takes no memory operand, or one read twice). */
export function vectorRegister(fc: FunctionCompiler, v: Value): Xmm {
  return xmm(fc.readReg(v));
}

/** A register holding v that this operator may overwrite. */
export function vectorTemp(fc: FunctionCompiler, v: Value): Xmm {
  return xmm(fc.toReg(v));
}

/** A free xmm register for a result or a temporary (held until the operator ends). */
export function newVector(fc: FunctionCompiler): Xmm {
  return xmm(fc.regs.alloc(XMM_CLASS));
}

/** Push the v128 in register x. */
export function pushVector(fc: FunctionCompiler, x: Xmm): void {
  fc.push(inReg(V128, x.num + 16));
}

/** 16 constant bytes from the pool (16-byte aligned, so SSE may read them as an operand). */
export function vectorConstant(fc: FunctionCompiler, bytes: Uint8Array): Mem {
  return fc.asm.constant(bytes, 16, 128);
}

/**
 * A constant of four equal 32-bit lanes, or of sixteen equal bytes, ... (`bits` of `laneBytes`
 * each). The masks are a handful, each worked out from its BigInt once.
 */
export function splatConstant(fc: FunctionCompiler, laneBytes: 1 | 2 | 4 | 8, bits: bigint): Mem {
  const key = `${laneBytes}:${bits}`;
  let b = splats.get(key);
  if (b === undefined) {
    b = new Uint8Array(16);
    for (let i = 0; i < 16; i++) b[i] = Number((BigInt.asUintN(64, bits) >> BigInt(8 * (i % laneBytes))) & 0xffn);
    splats.set(key, b);
  }
  return vectorConstant(fc, b);
}
const splats = new Map<string, Uint8Array>();

/**
 * `dst = op(dst, src)`: the two-operand shape of nearly every lowering. As for scalars (resultHome
 * in locals.ts), when the next operator is a `local.set` of a local in a register, the result is
 * computed straight into it: `acc = acc + x` is one `paddd`.
 */
export function binaryInto(fc: FunctionCompiler, op: string, swap = false): void {
  const b = fc.pop();
  const a = fc.pop();
  const [first, second] = swap ? [b, a] : [a, b];
  const firstHome = first.loc === Loc.Local ? fc.locals.liveRegister(first.n) : -1;
  let src: Xmm | Mem | null = null;
  if (firstHome >= 0) {
    const size = fc.prefixedSize();
    src = vectorSource(fc, second);
    const home = size > 0 ? resultHome(fc, fc.localSetNext(size), V128, firstHome, src) : -1;
    if (home >= 0) {
      const start = fc.asm.offset;
      if (home !== firstHome) fc.asm.movaps(xmm(home), xmm(firstHome));
      fc.asm.emit(op, xmm(home), src);
      return pushInHome(fc, home, start, V128);
    }
  }
  const dst = vectorTemp(fc, first);
  fc.asm.emit(op, dst, src ?? vectorSource(fc, second));
  pushVector(fc, dst);
}
// #endregion vector-operands

// #region vector-constants
/** v128.const: zero and all-ones from an instruction, anything else from the pool. */
export function v128Const(fc: FunctionCompiler, bytes: Uint8Array): void {
  let zero = true, ones = true;
  for (let i = 0; i < 16; i++) {
    if (bytes[i] !== 0) zero = false;
    if (bytes[i] !== 0xff) ones = false;
  }
  if (zero) return fc.push(constant(V128, 0)); // made when read: `xorps x, x` (see loadInto)
  const dst = newVector(fc);
  if (ones) fc.asm.emit('pcmpeqd', dst, dst);
  else fc.asm.movdqa(dst, vectorConstant(fc, bytes));
  pushVector(fc, dst);
}
// #endregion vector-constants

// #region splat-and-lanes
const LANES: Record<string, number> = { i8x16: 16, i16x8: 8, i32x4: 4, i64x2: 2, f32x4: 4, f64x2: 2 };
const INSERT_LANE: Record<string, string> = { i8x16: 'pinsrb', i16x8: 'pinsrw', i32x4: 'pinsrd', i64x2: 'pinsrq' };
const EQUAL_LANES: Record<string, string> = { i8x16: 'pcmpeqb', i16x8: 'pcmpeqw', i32x4: 'pcmpeqd', i64x2: 'pcmpeqq' };
const SHUFFLE_A = new Uint8Array(16), SHUFFLE_B = new Uint8Array(16);

/** x.splat: the scalar on top into every lane. */
function splat(fc: FunctionCompiler, shape: string): void {
  const v = fc.pop();
  const asm = fc.asm;
  if (shape === 'f32x4' || shape === 'f64x2') {
    const dst = vectorTemp(fc, v);
    if (shape === 'f32x4') asm.emit('shufps', dst, dst, 0);
    else asm.emit('movlhps', dst, dst);
    return pushVector(fc, dst);
  }
  const r = fc.readReg(v);
  const dst = newVector(fc);
  if (shape === 'i64x2') {
    asm.movq(dst, GPR64[r]!);
    asm.emit('punpcklqdq', dst, dst);
    return pushVector(fc, dst);
  }
  asm.movd(dst, GPR32[r]!);
  if (shape === 'i8x16') {
    asm.emit('pxor', SCRATCH_X, SCRATCH_X);
    asm.emit('pshufb', dst, SCRATCH_X); // every byte from byte 0
  } else {
    if (shape === 'i16x8') asm.emit('pshuflw', dst, dst, 0);
    asm.emit('pshufd', dst, dst, 0);
  }
  pushVector(fc, dst);
}

/** x.extract_lane(_s/_u) n: one lane as a scalar. */
export function extractLane(fc: FunctionCompiler, name: string, lane: number): void {
  const v = fc.pop();
  const asm = fc.asm;
  const shape = name.slice(0, 5);
  if (shape === 'f32x4' || shape === 'f64x2') {
    const type = shape === 'f32x4' ? 0x7d : 0x7c;
    if (lane === 0) {
      // The low lane is the scalar: the same register will do (a float's upper lanes are never read).
      const dst = fc.toReg(v);
      return fc.push(inReg(type, dst));
    }
    const src = vectorRegister(fc, v);
    const dst = newVector(fc);
    if (shape === 'f32x4') asm.emit('pshufd', dst, src, lane);
    else asm.emit('movhlps', dst, src);
    return fc.push(inReg(type, dst.num + 16));
  }
  const src = vectorRegister(fc, v);
  const r = fc.regs.alloc(GPR);
  const wide = shape === 'i64x2';
  if (shape === 'i8x16') {
    asm.emit('pextrb', GPR32[r]!, src, lane);
    if (name.endsWith('_s')) asm.movsx(GPR32[r]!, GPR8[r]!);
  } else if (shape === 'i16x8') {
    asm.emit('pextrw', GPR32[r]!, src, lane);
    if (name.endsWith('_s')) asm.movsx(GPR32[r]!, GPR16[r]!);
  } else if (lane === 0) {
    if (wide) asm.movq(GPR64[r]!, src);
    else asm.movd(GPR32[r]!, src);
  } else asm.emit(wide ? 'pextrq' : 'pextrd', reg(wide ? I64 : I32, r), src, lane);
  if (!wide) fc.markZeroExtended(r);
  fc.push(inReg(wide ? I64 : I32, r));
}

/** x.replace_lane n: the vector with lane n replaced by the scalar on top. */
export function replaceLane(fc: FunctionCompiler, name: string, lane: number): void {
  const s = fc.pop();
  const v = fc.pop();
  const asm = fc.asm;
  const shape = name.slice(0, 5);
  const dst = vectorTemp(fc, v);
  if (shape === 'f32x4') asm.emit('insertps', dst, xmm(fc.readReg(s)), lane << 4);
  else if (shape === 'f64x2') {
    const x = xmm(fc.readReg(s));
    if (lane === 0) asm.movsd(dst, x);
    else asm.emit('movlhps', dst, x);
  } else {
    const r = fc.readReg(s);
    asm.emit(INSERT_LANE[shape]!, dst, shape === 'i64x2' ? GPR64[r]! : GPR32[r]!, lane);
  }
  pushVector(fc, dst);
}

// #endregion splat-and-lanes

// #region shuffles
/** i8x16.shuffle: each result byte from either operand's 32 bytes, by index. */
export function shuffle(fc: FunctionCompiler, lanes: Uint8Array): void {
  const b = fc.pop();
  const a = fc.pop();
  const asm = fc.asm;
  // pshufb takes a byte from its own register where the index is below 16 and writes zero where
  // the index has its top bit set: one pshufb per operand, each masking the other's bytes out.
  const fromA = SHUFFLE_A, fromB = SHUFFLE_B; // (the pool keeps copies)
  let usesA = false, usesB = false;
  for (let i = 0; i < 16; i++) {
    const k = lanes[i]!;
    fromA[i] = k < 16 ? k : 0x80;
    fromB[i] = k >= 16 ? k - 16 : 0x80;
    if (k < 16) usesA = true;
    else usesB = true;
  }
  const dst = vectorTemp(fc, usesA ? a : b);
  asm.emit('pshufb', dst, vectorConstant(fc, usesA ? fromA : fromB));
  if (usesA && usesB) {
    asm.movaps(SCRATCH_X, vectorRegister(fc, b));
    asm.emit('pshufb', SCRATCH_X, vectorConstant(fc, fromB));
    asm.emit('por', dst, SCRATCH_X);
  }
  pushVector(fc, dst);
}

/** i8x16.swizzle: result byte i is a's byte b[i], or 0 where b[i] is 16 or more. */
function swizzle(fc: FunctionCompiler): void {
  const b = fc.pop();
  const a = fc.pop();
  const dst = vectorTemp(fc, a);
  // pshufb zeroes a byte whose index has its top bit set, and uses the low 4 bits otherwise:
  // saturating-adding 0x70 sets the top bit exactly for the indexes from 16 up.
  fc.asm.movaps(SCRATCH_X, vectorRegister(fc, b));
  fc.asm.emit('paddusb', SCRATCH_X, splatConstant(fc, 1, 0x70n));
  fc.asm.emit('pshufb', dst, SCRATCH_X);
  pushVector(fc, dst);
}
// #endregion shuffles

// #region bitwise
/** v128.not: xor with all ones. */
function not(fc: FunctionCompiler): void {
  const dst = vectorTemp(fc, fc.pop());
  fc.asm.emit('pcmpeqd', SCRATCH_X, SCRATCH_X);
  fc.asm.emit('pxor', dst, SCRATCH_X);
  pushVector(fc, dst);
}

/** v128.bitselect: bits of v1 where c is 1, of v2 where it is 0: ((v1 ^ v2) & c) ^ v2. */
export function bitselect(fc: FunctionCompiler): void {
  const c = fc.pop();
  const v2 = fc.pop();
  const v1 = fc.pop();
  const dst = vectorTemp(fc, v1);
  const other = vectorRegister(fc, v2);
  fc.asm.emit('pxor', dst, other);
  fc.asm.emit('pand', dst, vectorSource(fc, c));
  fc.asm.emit('pxor', dst, other);
  pushVector(fc, dst);
}

/** v128.any_true: some bit set (ptest sets ZF when all are clear). */
function anyTrue(fc: FunctionCompiler): void {
  const x = vectorRegister(fc, fc.pop());
  fc.protectFlags(0);
  fc.asm.emit('ptest', x, x);
  fc.push(inFlags(I32, condCode('ne')));
}

/** x.all_true: no lane is zero: compare each lane with zero, then no lane may have matched. */
function allTrue(fc: FunctionCompiler, shape: string): void {
  const x = vectorRegister(fc, fc.pop());
  fc.protectFlags(0);
  fc.asm.emit('pxor', SCRATCH_X, SCRATCH_X);
  fc.asm.emit(EQUAL_LANES[shape]!, SCRATCH_X, x);
  fc.asm.emit('ptest', SCRATCH_X, SCRATCH_X);
  // A condition stays in the flags (ZF: no lane matched), for a branch to test.
  fc.push(inFlags(I32, condCode('e')));
}

/** x.bitmask: the top bit of each lane, lane i in bit i. */
function bitmask(fc: FunctionCompiler, shape: string): void {
  const x = vectorRegister(fc, fc.pop());
  const r = fc.regs.alloc(GPR);
  const asm = fc.asm;
  if (shape === 'i8x16') asm.emit('pmovmskb', GPR32[r]!, x);
  else if (shape === 'i16x8') {
    // Each 16-bit lane to a byte with its sign (saturating), then the bytes' top bits.
    asm.movaps(SCRATCH_X, x);
    asm.emit('packsswb', SCRATCH_X, SCRATCH_X);
    asm.emit('pmovmskb', GPR32[r]!, SCRATCH_X);
    asm.movzx(GPR32[r]!, GPR8[r]!);
  } else if (shape === 'i32x4') asm.movmskps(GPR32[r]!, x);
  else asm.movmskpd(GPR32[r]!, x);
  fc.markZeroExtended(r);
  fc.push(inReg(I32, r));
}
// #endregion bitwise

// #region vector-lowerings
/** The lowering of a vector row of the unary, binary or ternary family, or undefined. */
export function vectorLowering(info: OperatorInfo): Lowering | undefined {
  if (info.proposal !== 'simd') return undefined;
  const name = info.name;
  const [shape, op] = name.split('.') as [string, string];
  if (op === 'splat') return (fc) => splat(fc, shape);
  switch (name) {
    case 'v128.not': return not;
    case 'v128.and': return (fc) => binaryInto(fc, 'pand');
    case 'v128.or': return (fc) => binaryInto(fc, 'por');
    case 'v128.xor': return (fc) => binaryInto(fc, 'pxor');
    // pandn dst, src is ~dst & src: a & ~b with b as dst.
    case 'v128.andnot': return (fc) => binaryInto(fc, 'pandn', true);
    case 'v128.bitselect': return bitselect;
    case 'v128.any_true': return anyTrue;
    case 'i8x16.swizzle': return swizzle;
  }
  if (op === 'all_true') return (fc) => allTrue(fc, shape);
  if (op === 'bitmask') return (fc) => bitmask(fc, shape);
  if (!(shape in LANES)) return undefined;
  // (Conversions between lanes are the float file's, whichever shape names them.)
  return floatVectorLowering(shape, op) ?? integerVectorLowering(shape, op);
}
// #endregion vector-lowerings
