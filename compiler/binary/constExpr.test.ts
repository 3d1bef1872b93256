import { describe, expect, it } from 'vitest';
import { reasonOf } from '../validate/testSupport.ts';
import { readConstExpr } from './constExpr.ts';
import { Reader } from './reader.ts';

function read(bytes: number[]) {
  return readConstExpr(new Reader(new Uint8Array(bytes), 0, bytes.length, 0));
}

describe('extended constant expressions (decoding)', () => {
  it('keeps one instruction as itself, a longer expression as its instructions in order', () => {
    expect(read([0x41, 0x05, 0x0b])).toEqual({ op: 'i32.const', value: 5 });
    // (i32.sub (i32.mul (global.get 0) (i32.const 3)) (i32.const -1))
    expect(read([0x23, 0x00, 0x41, 0x03, 0x6c, 0x41, 0x7f, 0x6b, 0x0b])).toEqual({
      op: 'extended',
      code: [{ op: 'global.get', global: 0 }, { op: 'i32.const', value: 3 }, { op: 'i32.mul' }, { op: 'i32.const', value: -1 }, { op: 'i32.sub' }],
    });
    expect(read([0x42, 0x01, 0x42, 0x02, 0x7c, 0x42, 0x03, 0x7e, 0x42, 0x04, 0x7d, 0x0b])).toMatchObject({
      op: 'extended',
      code: [{ op: 'i64.const', value: 1n }, { op: 'i64.const', value: 2n }, { op: 'i64.add' }, { op: 'i64.const', value: 3n }, { op: 'i64.mul' }, { op: 'i64.const', value: 4n }, { op: 'i64.sub' }],
    });
  });

  it('wants two operands under an operator and one value at the end (types are checked later)', () => {
    expect(reasonOf(() => read([0x41, 0x01, 0x6a, 0x0b]))).toBe('type mismatch');
    expect(reasonOf(() => read([0x6a, 0x0b]))).toBe('type mismatch');
    expect(reasonOf(() => read([0x41, 0x01, 0x41, 0x02, 0x41, 0x03, 0x6a, 0x0b]))).toBe('type mismatch');
    expect(reasonOf(() => read([0x0b]))).toBe('type mismatch');
    // An i64 operator over i32 operands has the right depth: the validator rejects it.
    expect(read([0x41, 0x01, 0x41, 0x02, 0x7c, 0x0b]).op).toBe('extended');
  });

  it('still refuses the other numeric operators', () => {
    expect(reasonOf(() => read([0x41, 0x01, 0x41, 0x02, 0x6d, 0x0b]))).toBe('constant expression required'); // i32.div_s
    expect(reasonOf(() => read([0x42, 0x01, 0x42, 0x02, 0x83, 0x0b]))).toBe('constant expression required'); // i64.and
  });
});
