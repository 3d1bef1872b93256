import { describe, expect, test } from 'vitest';
import { F32, LiteralError, parseF32Bits, parseF64Bits, parseI32, parseI64, roundRational } from './numbers.ts';

const f32 = (s: string) => parseF32Bits(s).toString(16).padStart(8, '0');
const f64 = (s: string) => parseF64Bits(s).toString(16).padStart(16, '0');

describe('f32 literals round once, to nearest even', () => {
  test('decimal exactly halfway between 1 and the next float goes to even (1)', () => {
    // 1 + 2^-24 = 1.000000059604644775390625
    expect(f32('1.000000059604644775390625')).toBe('3f800000');
  });
  test('decimal just above halfway rounds up, even where a detour through f64 would not', () => {
    // As an f64 this is exactly 1 + 2^-24 (the tail is lost), which would then round to 1.
    expect(f32('1.00000005960464477539062500001')).toBe('3f800001');
    expect(Math.fround(Number('1.00000005960464477539062500001'))).toBe(1); // the double rounding we avoid
  });
  test('decimal just below halfway rounds down', () => {
    expect(f32('1.00000005960464477539062499999')).toBe('3f800000');
  });
  test('hex: halfway goes to even, above halfway goes up', () => {
    expect(f32('0x1.000001p0')).toBe('3f800000');
    expect(f32('0x1.000003p0')).toBe('3f800002');
    expect(f32('0x1.00000100000000001p0')).toBe('3f800001');
  });
  test('hex with many digits and exponents', () => {
    expect(f32('0x1p127')).toBe('7f000000');
    expect(f32('0x1.fffffep127')).toBe('7f7fffff');
    expect(f32('0x1.fffffefffffffffffp127')).toBe('7f7fffff');
    expect(f32('0x0.8p1')).toBe('3f800000');
    expect(() => parseF32Bits('0x.8p1')).toThrow(LiteralError); // a hex float needs a digit before the point
  });
  test('subnormals, and halfway to the smallest one', () => {
    expect(f32('0x1p-149')).toBe('00000001');
    expect(f32('0x1p-150')).toBe('00000000');
    expect(f32('0x1.000001p-150')).toBe('00000001');
    expect(f32('0x1.8p-149')).toBe('00000002');
    expect(f32('0x1.fffffcp-127')).toBe('007fffff');
    expect(f32('1e-50')).toBe('00000000');
  });
  test('rounding up out of the subnormals gives the smallest normal', () => {
    expect(f32('0x1.fffffffp-127')).toBe('00800000');
  });
  test('overflow after rounding is out of range', () => {
    expect(() => parseF32Bits('0x1.ffffffp127')).toThrow(LiteralError);
    expect(() => parseF32Bits('1e39')).toThrow('constant out of range');
    expect(f32('3.4028234663852886e38')).toBe('7f7fffff');
  });
  test('signs, zeros, infinities, integers as floats', () => {
    expect(f32('-0.0')).toBe('80000000');
    expect(f32('+0x0p0')).toBe('00000000');
    expect(f32('-inf')).toBe('ff800000');
    expect(f32('inf')).toBe('7f800000');
    expect(f32('1')).toBe('3f800000');
    expect(f32('0x10')).toBe('41800000');
    expect(f32('1_000.0_5e0_1')).toBe(f32('10000.5'));
  });
  test('NaN: default quiet NaN, payloads, signs, bad payloads', () => {
    expect(f32('nan')).toBe('7fc00000');
    expect(f32('-nan')).toBe('ffc00000');
    expect(f32('nan:0x200000')).toBe('7fa00000');
    expect(f32('-nan:0x7fffff')).toBe('ffffffff');
    expect(f32('nan:0x1')).toBe('7f800001');
    expect(() => parseF32Bits('nan:0x0')).toThrow(LiteralError);
    expect(() => parseF32Bits('nan:0x800000')).toThrow(LiteralError);
  });
});

describe('f64 literals', () => {
  test('decimal', () => {
    expect(f64('0.1')).toBe('3fb999999999999a');
    expect(f64('1e308')).toBe('7fe1ccf385ebc8a0');
    expect(f64('-1.5')).toBe('bff8000000000000');
  });
  test('subnormals at and around half the smallest', () => {
    expect(f64('4.9406564584124654e-324')).toBe('0000000000000001');
    expect(f64('2.4703282292062328e-324')).toBe('0000000000000001');
    expect(f64('2.4703282292062327e-324')).toBe('0000000000000000');
    expect(f64('0x1p-1075')).toBe('0000000000000000');
    expect(f64('0x1.8p-1074')).toBe('0000000000000002');
  });
  test('hex halfway cases go to even', () => {
    expect(f64('0x1.00000000000008p0')).toBe('3ff0000000000000');
    expect(f64('0x1.00000000000018p0')).toBe('3ff0000000000002');
    expect(f64('0x1.000000000000080000001p0')).toBe('3ff0000000000001');
  });
  test('largest, overflow, infinities, zeros, NaN payloads', () => {
    expect(f64('0x1.fffffffffffffp1023')).toBe('7fefffffffffffff');
    expect(() => parseF64Bits('0x1.fffffffffffff8p1023')).toThrow('constant out of range');
    expect(() => parseF64Bits('1e309')).toThrow(LiteralError);
    expect(f64('-inf')).toBe('fff0000000000000');
    expect(f64('-0x0p0')).toBe('8000000000000000');
    expect(f64('nan')).toBe('7ff8000000000000');
    expect(f64('nan:0x4000000000000')).toBe('7ff4000000000000');
    expect(f64('-nan:0xfffffffffffff')).toBe('ffffffffffffffff');
    expect(() => parseF64Bits('nan:0x10000000000000')).toThrow(LiteralError);
  });
  test('malformed literals are rejected', () => {
    for (const bad of ['1.0.0', '0x', 'e5', '1e', '_1', '1_', '1__0', '0x_1', 'nan:canonical', 'infinity']) {
      expect(() => parseF64Bits(bad), bad).toThrow(LiteralError);
    }
  });
});

describe('integer literals', () => {
  test('i32 accepts the signed and unsigned ranges, as a signed value', () => {
    expect(parseI32('0xffffffff')).toBe(-1);
    expect(parseI32('4294967295')).toBe(-1);
    expect(parseI32('-2147483648')).toBe(-2147483648);
    expect(parseI32('2147483648')).toBe(-2147483648);
    expect(parseI32('-0x8000_0000')).toBe(-2147483648);
    expect(parseI32('+7')).toBe(7);
    expect(() => parseI32('4294967296')).toThrow('constant out of range');
    expect(() => parseI32('-2147483649')).toThrow(LiteralError);
  });
  test('i64 limits as BigInt', () => {
    expect(parseI64('0xffffffffffffffff')).toBe(-1n);
    expect(parseI64('-9223372036854775808')).toBe(-(2n ** 63n));
    expect(parseI64('9223372036854775807')).toBe(2n ** 63n - 1n);
    expect(parseI64('9223372036854775808')).toBe(-(2n ** 63n));
    expect(parseI64('18_446_744_073_709_551_615')).toBe(-1n);
    expect(() => parseI64('18446744073709551616')).toThrow(LiteralError);
    expect(() => parseI64('-9223372036854775809')).toThrow(LiteralError);
  });
  test('malformed integers', () => {
    for (const bad of ['', '-', '0x', '1.0', '1e3', '_1', '1_', '0x_f', 'abc']) expect(() => parseI32(bad), bad).toThrow(LiteralError);
  });
});

describe('roundRational', () => {
  test('thirds round to nearest', () => {
    // 1/3 in f32 is 0x3eaaaaab (the discarded tail 0xaaa... is more than half).
    expect(roundRational(1n, 3n, F32).toString(16)).toBe('3eaaaaab');
    // 2/3 -> 0x3f2aaaab
    expect(roundRational(2n, 3n, F32).toString(16)).toBe('3f2aaaab');
  });
});
