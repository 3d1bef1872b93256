// Exact parsing of the text format's numeric literals, as .wast scripts write arguments and
// expected results: integers of any width, and floats as their IEEE bit patterns (so NaN
// payloads and -0 survive), rounded once, to nearest-even, straight from the literal.
// Browser-safe.

export class LiteralError extends Error {
  override name = 'LiteralError';
}

// #region float-format
export interface FloatFormat {
  /** Explicit mantissa bits: 23 for f32, 52 for f64. */
  mantBits: number;
  /** Exponent bits: 8 for f32, 11 for f64. */
  expBits: number;
}
export const F32: FloatFormat = { mantBits: 23, expBits: 8 };
export const F64: FloatFormat = { mantBits: 52, expBits: 11 };
// #endregion float-format

/** Removes the `_` separators, checking each sits between two digits. */
function stripUnderscores(digits: string, hex: boolean, literal: string): string {
  const digit = hex ? /[0-9a-fA-F]/ : /[0-9]/;
  for (let i = 0; i < digits.length; i++) {
    if (digits[i] !== '_') continue;
    if (!digit.test(digits[i - 1] ?? '') || !digit.test(digits[i + 1] ?? '')) {
      throw new LiteralError(`malformed number: ${literal}`);
    }
  }
  return digits.replaceAll('_', '');
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

// #region round-rational
/**
 * The bit pattern (without sign) of the float nearest to num/den, ties to even: one correct
 * rounding, whatever the literal's base. Throws when the result overflows to infinity.
 */
export function roundRational(num: bigint, den: bigint, fmt: FloatFormat): bigint {
  if (num === 0n) return 0n;
  const p = fmt.mantBits + 1; // precision, with the implicit bit
  const bias = (1 << (fmt.expBits - 1)) - 1;
  const emin = 1 - bias;
  const emax = bias;
  // e = floor(log2(num/den))
  let e = bitLength(num) - bitLength(den);
  if (e >= 0 ? num < den << BigInt(e) : num << BigInt(-e) < den) e--;
  if (e < emin) e = emin; // subnormal: fixed scale
  const shift = p - 1 - e;
  const n2 = shift >= 0 ? num << BigInt(shift) : num;
  const d2 = shift >= 0 ? den : den << BigInt(-shift);
  let q = n2 / d2;
  const r2 = (n2 % d2) * 2n;
  if (r2 > d2 || (r2 === d2 && (q & 1n) === 1n)) q++;
  if (q === 1n << BigInt(p)) {
    q >>= 1n;
    e++;
  }
  if (e > emax) throw new LiteralError('constant out of range');
  const implicit = 1n << BigInt(p - 1);
  if (q < implicit) return q; // subnormal (biased exponent 0)
  return (BigInt(e + bias) << BigInt(fmt.mantBits)) | (q - implicit);
}
// #endregion round-rational

/**
 * A float literal as its bit pattern: decimal or hex, with optional sign, `inf`, `nan`,
 * `nan:0x...`, underscores. Integers (`1`, `0x10`) are floats too.
 */
export function parseFloatBits(literal: string, fmt: FloatFormat): bigint {
  let text = literal;
  let negative = false;
  if (text.startsWith('-') || text.startsWith('+')) {
    negative = text.startsWith('-');
    text = text.slice(1);
  }
  const signBit = negative ? 1n << BigInt(fmt.mantBits + fmt.expBits) : 0n;
  const expAllOnes = ((1n << BigInt(fmt.expBits)) - 1n) << BigInt(fmt.mantBits);
  if (text === 'inf') return signBit | expAllOnes;
  if (text === 'nan') return signBit | expAllOnes | (1n << BigInt(fmt.mantBits - 1));
  if (text.startsWith('nan:0x')) {
    const payload = BigInt('0x' + stripUnderscores(text.slice(6), true, literal));
    if (payload === 0n || payload >= 1n << BigInt(fmt.mantBits)) throw new LiteralError(`NaN payload out of range: ${literal}`);
    return signBit | expAllOnes | payload;
  }
  let num: bigint;
  let den = 1n;
  const hex = /^0x([0-9a-fA-F_]+)(?:\.([0-9a-fA-F_]*))?(?:[pP]([+-]?[0-9_]+))?$/.exec(text);
  if (hex) {
    const int = stripUnderscores(hex[1]!, true, literal);
    const frac = hex[2] ? stripUnderscores(hex[2], true, literal) : '';
    const exp = Number(stripUnderscores(hex[3] ?? '0', false, literal)) - 4 * frac.length;
    num = BigInt('0x' + int + frac);
    if (num !== 0n) {
      // Beyond these exponents the value is surely 0 or infinity; keep BigInts small.
      if (exp > 20000) throw new LiteralError('constant out of range');
      if (exp < -20000) return signBit;
      if (exp >= 0) num <<= BigInt(exp);
      else den = 1n << BigInt(-exp);
    }
  } else {
    const dec = /^([0-9_]+)(?:\.([0-9_]*))?(?:[eE]([+-]?[0-9_]+))?$/.exec(text);
    if (!dec) throw new LiteralError(`malformed float literal: ${literal}`);
    const int = stripUnderscores(dec[1]!, false, literal);
    const frac = dec[2] ? stripUnderscores(dec[2], false, literal) : '';
    const exp = Number(stripUnderscores(dec[3] ?? '0', false, literal)) - frac.length;
    num = BigInt(int + frac);
    if (num !== 0n) {
      if (exp > 10000) throw new LiteralError('constant out of range');
      if (exp < -10000) return signBit;
      if (exp >= 0) num *= 10n ** BigInt(exp);
      else den = 10n ** BigInt(-exp);
    }
  }
  return signBit | roundRational(num, den, fmt);
}

/** f32 literal -> its 32 bits, as an unsigned number. */
export function parseF32Bits(literal: string): number {
  return Number(parseFloatBits(literal, F32));
}

/** f64 literal -> its 64 bits, as an unsigned bigint. */
export function parseF64Bits(literal: string): bigint {
  return parseFloatBits(literal, F64);
}

/**
 * An integer literal of `bits` width, accepted in signed or unsigned range, returned as the
 * two's-complement bit pattern (unsigned bigint).
 */
export function parseIntBits(literal: string, bits: number): bigint {
  const m = /^([+-]?)(0x[0-9a-fA-F_]+|[0-9_]+)$/.exec(literal);
  if (!m) throw new LiteralError(`malformed integer literal: ${literal}`);
  const isHex = m[2]!.startsWith('0x');
  const digits = stripUnderscores(isHex ? m[2]!.slice(2) : m[2]!, isHex, literal);
  if (digits === '') throw new LiteralError(`malformed integer literal: ${literal}`);
  const magnitude = BigInt(isHex ? '0x' + digits : digits);
  const limit = 1n << BigInt(bits);
  if (m[1] === '-') {
    if (magnitude > limit / 2n) throw new LiteralError(`constant out of range: ${literal}`);
    return (limit - magnitude) % limit;
  }
  if (magnitude >= limit) throw new LiteralError(`constant out of range: ${literal}`);
  return magnitude;
}

/** i32 literal -> the value as a signed 32-bit number. */
export function parseI32(literal: string): number {
  return Number(BigInt.asIntN(32, parseIntBits(literal, 32)));
}

/** i64 literal -> the value as a signed bigint. */
export function parseI64(literal: string): bigint {
  return BigInt.asIntN(64, parseIntBits(literal, 64));
}
