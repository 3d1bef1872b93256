import { describe, expect, it } from 'vitest';
import { leb, reasonOf } from '../validate/testSupport.ts';
import { Reader } from './reader.ts';

function reader(bytes: number[]): Reader {
  return new Reader(new Uint8Array(bytes), 0, bytes.length, 0);
}

/** Signed LEB128 of a bigint, padded with redundant bytes up to `length` when asked. */
function signedLeb(v: bigint, length = 0): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && !(b & 0x40)) || (v === -1n && b & 0x40);
    if (done && out.length + 1 >= length) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

describe('Reader: unsigned LEB128 (u32)', () => {
  it('decodes one to five bytes, including redundant zero padding', () => {
    expect(reader([0x00]).u32()).toBe(0);
    expect(reader([0x7f]).u32()).toBe(127);
    expect(reader([0x80, 0x01]).u32()).toBe(128);
    expect(reader([0xe5, 0x8e, 0x26]).u32()).toBe(624485);
    expect(reader([0xff, 0xff, 0xff, 0xff, 0x0f]).u32()).toBe(0xffffffff);
    expect(reader([0x83, 0x80, 0x80, 0x80, 0x00]).u32()).toBe(3);
  });
  it('rejects overlong and out-of-range encodings with the spec messages', () => {
    expect(reasonOf(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).u32())).toBe('integer representation too long');
    expect(reasonOf(() => reader([0xff, 0xff, 0xff, 0xff, 0x1f]).u32())).toBe('integer too large');
    expect(reasonOf(() => reader([0x80, 0x80, 0x80, 0x80, 0x40]).u32())).toBe('integer too large');
  });
  it('reports running out of bytes with the reader’s end message', () => {
    expect(reasonOf(() => reader([0x80, 0x80]).u32())).toBe('unexpected end of section or function');
    expect(reasonOf(() => reader([]).u32())).toBe('unexpected end of section or function');
  });
  it('says "too long" when the cut-off integer would have been overlong anyway', () => {
    // The reader is limited to 3 bytes, but the bytes beyond show a 6-byte integer.
    const r = new Reader(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), 0, 3, 0);
    expect(reasonOf(() => r.u32())).toBe('integer representation too long');
  });
});

describe('Reader: signed LEB128', () => {
  it('decodes s32 across the range', () => {
    expect(reader([0x7f]).s32()).toBe(-1);
    expect(reader([0x3f]).s32()).toBe(63);
    expect(reader([0x40]).s32()).toBe(-64);
    expect(reader([0x80, 0x7f]).s32()).toBe(-128);
    expect(reader([0x80, 0x80, 0x80, 0x80, 0x78]).s32()).toBe(-(2 ** 31));
    expect(reader([0xff, 0xff, 0xff, 0xff, 0x07]).s32()).toBe(2 ** 31 - 1);
    expect(reader([0xff, 0xff, 0xff, 0xff, 0x7f]).s32()).toBe(-1);
  });
  it('rejects s32 whose unused bits do not repeat the sign', () => {
    expect(reasonOf(() => reader([0x80, 0x80, 0x80, 0x80, 0x08]).s32())).toBe('integer too large');
    expect(reasonOf(() => reader([0xff, 0xff, 0xff, 0xff, 0x77]).s32())).toBe('integer too large');
    expect(reasonOf(() => reader([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]).s32())).toBe('integer representation too long');
  });
  it('decodes s33 block types: short forms negative, type indices up to 2^32-1', () => {
    expect(reader([0x40]).s33()).toBe(-64);
    expect(reader([0x7f]).s33()).toBe(-1);
    expect(reader([0x05]).s33()).toBe(5);
    expect(reader([0xff, 0xff, 0xff, 0xff, 0x0f]).s33()).toBe(2 ** 32 - 1);
    expect(reader([0x80, 0x80, 0x80, 0x80, 0x70]).s33()).toBe(-(2 ** 32));
    expect(reasonOf(() => reader([0x80, 0x80, 0x80, 0x80, 0x20]).s33())).toBe('integer too large');
  });
  it('decodes i64 into two halves for values across the range, padded or not', () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const values: bigint[] = [0n, -1n, 1n, 63n, -64n, 64n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 31n, -(2n ** 31n) - 1n, 2n ** 32n];
    for (let i = 0; i < 200; i++) values.push(BigInt.asIntN(64, (BigInt(random()) << 33n) ^ (BigInt(random()) << 7n) ^ BigInt(random())));
    for (const v of values) {
      for (const pad of [0, 10]) {
        const r = reader(signedLeb(v, pad));
        r.i64();
        const got = (BigInt(r.high) << 32n) | BigInt(r.low >>> 0);
        expect(BigInt.asIntN(64, got)).toBe(v);
        expect(r.pos).toBe(r.end);
      }
    }
  });
  it('rejects i64 encodings that are too long or too large', () => {
    expect(reasonOf(() => reader([...Array(10).fill(0x80), 0x00]).i64())).toBe('integer representation too long');
    expect(reasonOf(() => reader([...Array(9).fill(0x80), 0x02]).i64())).toBe('integer too large');
    expect(reasonOf(() => reader([...Array(9).fill(0xff), 0x41]).i64())).toBe('integer too large');
  });
  it('reads u64 limits and flags what does not fit', () => {
    expect(reader([0x80, 0x80, 0x04]).u64Number()).toBe(65536);
    expect(reader([...Array(9).fill(0xff), 0x01]).u64Number()).toBeGreaterThan(2 ** 63);
    expect(reasonOf(() => reader([...Array(9).fill(0x80), 0x02]).u64Number())).toBe('integer too large');
    expect(reasonOf(() => reader([...Array(10).fill(0x80), 0x00]).u64Number())).toBe('integer representation too long');
  });
});

describe('Reader: names', () => {
  const utf8 = (s: string) => [...new TextEncoder().encode(s)];
  it('decodes ASCII and multi-byte UTF-8 names', () => {
    for (const s of ['', 'memory', 'añ€😀', 'x'.repeat(3000)]) {
      const bytes = utf8(s);
      const r = reader([...leb(bytes.length), ...bytes]);
      expect(r.name()).toBe(s);
    }
  });
  it('rejects malformed UTF-8: overlong forms, surrogates, stray continuation bytes, truncation', () => {
    for (const bad of [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80]]) {
      expect(reasonOf(() => reader([bad.length, ...bad]).name())).toBe('malformed UTF-8 encoding');
    }
  });
  it('rejects a name longer than the bytes left', () => {
    expect(reasonOf(() => reader([5, 0x61, 0x62]).name())).toBe('length out of bounds');
  });
});
