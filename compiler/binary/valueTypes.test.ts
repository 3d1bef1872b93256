import { describe, expect, it } from 'vitest';
import { reasonOf } from '../validate/testSupport.ts';
import { readConstExpr } from './constExpr.ts';
import { Reader } from './reader.ts';
import { readHeapType, readRefType, readValType } from './valueTypes.ts';

function reader(bytes: number[]): Reader {
  return new Reader(new Uint8Array(bytes), 0, bytes.length, 0);
}

describe('value types', () => {
  it('reads v128 (0x7b) as a value type, not as a reference type', () => {
    expect(readValType(reader([0x7b]))).toBe(0x7b);
    expect(reasonOf(() => readRefType(reader([0x7b])))).toBe('malformed reference type');
    expect(reasonOf(() => readHeapType(reader([0x7b])))).toBe('malformed reference type');
  });
});

describe('constant expressions', () => {
  it('reads v128.const as its 16 bytes, a copy of them', () => {
    const bytes = [0xfd, 0x0c, ...Array.from({ length: 16 }, (_, i) => 0xf0 + i), 0x0b];
    const r = reader(bytes);
    const e = readConstExpr(r);
    expect(e).toEqual({ op: 'v128.const', bytes: Uint8Array.from({ length: 16 }, (_, i) => 0xf0 + i) });
    r.bytes[2] = 0;
    expect(e.op === 'v128.const' && e.bytes[0]).toBe(0xf0);
  });
  it('rejects other SIMD operators (relaxed SIMD too) as not constant, unknown ones as illegal', () => {
    expect(reasonOf(() => readConstExpr(reader([0x41, 0, 0xfd, 0x11, 0x0b])))).toBe('constant expression required');
    expect(reasonOf(() => readConstExpr(reader([0xfd, 0x80, 0x02, 0x0b])))).toBe('constant expression required');
    expect(reasonOf(() => readConstExpr(reader([0xfd, 0x9a, 0x01, 0x0b])))).toBe('illegal opcode');
    expect(reasonOf(() => readConstExpr(reader([0xfd, 0x0c, 1, 2, 3])))).toBe('unexpected end of section or function');
  });
});
