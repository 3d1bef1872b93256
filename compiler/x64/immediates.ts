// Immediates: which encodings a value fits, and writing it little-endian.

import type { Imm } from './operands.ts';

const TWO32 = 4294967296;

// #region immediates
/**
 * The value an instruction of `bits` operand size would see, as a signed number (or a bigint
 * beyond 2^53), or undefined if `v` is not representable in `bits` bits signed or unsigned.
 * So for 32-bit operations 0xFFFFFFFF and -1 are the same immediate.
 */
export function normalizeImm(v: Imm, bits: number): number | bigint | undefined {
  if (typeof v === 'bigint') {
    if (bits === 64) {
      if (v < -(1n << 63n) || v >= 1n << 64n) return undefined;
      const s = BigInt.asIntN(64, v);
      return s >= -0x1fffffffffffffn && s <= 0x1fffffffffffffn ? Number(s) : s;
    }
    if (v < -(1n << BigInt(bits - 1)) || v >= 1n << BigInt(bits)) return undefined;
    v = Number(v);
  }
  if (!Number.isInteger(v)) return undefined;
  switch (bits) {
    case 8: return v >= -0x80 && v <= 0xff ? (v << 24) >> 24 : undefined;
    case 16: return v >= -0x8000 && v <= 0xffff ? (v << 16) >> 16 : undefined;
    case 32: return v >= -0x80000000 && v <= 0xffffffff ? v | 0 : undefined;
    default: return Number.isSafeInteger(v) ? v : undefined;
  }
}

/** Does a normalized immediate fit a field of `bits` bits that the CPU sign-extends? */
export function fitsSigned(v: number | bigint, bits: number): boolean {
  if (typeof v === 'bigint') return bits === 64;
  switch (bits) {
    case 8: return v >= -0x80 && v <= 0x7f;
    case 16: return v >= -0x8000 && v <= 0x7fff;
    case 32: return v >= -0x80000000 && v <= 0x7fffffff;
    default: return true;
  }
}

/** The low 32 bits and the high 32 bits of an integer immediate. */
export function splitImm64(v: number | bigint): [lo: number, hi: number] {
  if (typeof v === 'bigint') return [Number(BigInt.asUintN(32, v)), Number(BigInt.asUintN(32, v >> 32n))];
  return [v >>> 0, Math.floor(v / TWO32) >>> 0];
}
// #endregion immediates
