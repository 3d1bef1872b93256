// Checks for exercise 2. The expected encodings come from a small BigInt encoder written here,
// independent of any decoder, so the tests state what LEB128 is rather than what some code does.
import { expect } from 'vitest';
import { defineExercise, type Check } from '../harness.ts';
import type { Read } from './leb128.ts';

interface Impl {
  readU32(bytes: Uint8Array, pos: number): Read;
  readS32(bytes: Uint8Array, pos: number): Read;
}

/** Minimal LEB128 of `value`, padded with continuation bytes to `length` bytes if asked. */
function encode(value: bigint, signed: boolean, length = 0): number[] {
  const out: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n; // arithmetic shift for negative bigints
    const done = signed ? (v === 0n && !(byte & 0x40)) || (v === -1n && byte & 0x40) : v === 0n;
    if (done) {
      out.push(byte);
      break;
    }
    out.push(byte | 0x80);
  }
  // Padding keeps the value: continue with bytes of pure sign (0x00 or 0x7f) bits.
  const fill = signed && value < 0n ? 0x7f : 0x00;
  while (out.length < length) {
    out[out.length - 1]! |= 0x80;
    out.push(fill);
  }
  return out;
}

const u32Edges = [0n, 1n, 63n, 64n, 127n, 128n, 300n, 16383n, 16384n, 624485n, 2n ** 28n - 1n, 2n ** 28n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n];
const s32Edges = [0n, 1n, -1n, 63n, 64n, -64n, -65n, 127n, -128n, 8191n, -8192n, -123456n, 2n ** 27n, -(2n ** 27n), 2n ** 31n - 1n, -(2n ** 31n)];

/** A deterministic spread of values, so a failure is reproducible. */
function spread(lo: bigint, hi: bigint, n: number): bigint[] {
  const out: bigint[] = [];
  let x = 0x2545f491n;
  for (let i = 0; i < n; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    out.push(lo + ((x >> 11n) % (hi - lo + 1n)));
  }
  return out;
}

function expectRead(read: (b: Uint8Array, p: number) => Read, bytes: number[], value: bigint, at = 0): void {
  const buf = new Uint8Array([...Array(at).fill(0xff), ...bytes, 0x2a]); // junk around the number
  const what = `bytes [${bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')}] at position ${at}`;
  expect(read(buf, at), what).toEqual({ value: Number(value), next: at + bytes.length });
}

const checks: Check<Impl>[] = [
  {
    name: 'readU32: one-byte numbers',
    run: (impl) => {
      for (const v of [0n, 1n, 42n, 127n]) expectRead(impl.readU32, encode(v, false), v);
    },
  },
  {
    name: 'readU32: multi-byte numbers up to 2**32 - 1, at any position',
    run: (impl) => {
      for (const v of [...u32Edges, ...spread(0n, 2n ** 32n - 1n, 200)]) {
        expectRead(impl.readU32, encode(v, false), v);
        expectRead(impl.readU32, encode(v, false), v, 3);
      }
    },
  },
  {
    name: 'readU32: padded (non-minimal) encodings up to 5 bytes are valid',
    run: (impl) => {
      for (const v of [0n, 5n, 200n, 2n ** 20n]) expectRead(impl.readU32, encode(v, false, 5), v);
      expectRead(impl.readU32, [0x80, 0x00], 0n);
    },
  },
  {
    name: 'readU32: rejects a 6th byte, bits above 32, and running out of bytes',
    run: (impl) => {
      expect(() => impl.readU32(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), 0), 'readU32([0x80, 0x80, 0x80, 0x80, 0x80, 0x00])').toThrow(/integer representation too long/);
      expect(() => impl.readU32(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x1f]), 0), 'readU32([0xff, 0xff, 0xff, 0xff, 0x1f])').toThrow(/integer too large/);
      expect(() => impl.readU32(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x70]), 0), 'readU32([0x80, 0x80, 0x80, 0x80, 0x70])').toThrow(/integer too large/);
      expect(() => impl.readU32(new Uint8Array([0x80, 0x80]), 0), 'readU32([0x80, 0x80])').toThrow(/unexpected end/);
      expect(() => impl.readU32(new Uint8Array([]), 0), 'readU32([])').toThrow(/unexpected end/);
    },
  },
  {
    name: 'readS32: positive and negative numbers',
    run: (impl) => {
      for (const v of [...s32Edges, ...spread(-(2n ** 31n), 2n ** 31n - 1n, 200)]) {
        expectRead(impl.readS32, encode(v, true), v);
        expectRead(impl.readS32, encode(v, true), v, 2);
      }
    },
  },
  {
    name: 'readS32: padded encodings keep their sign',
    run: (impl) => {
      for (const v of [0n, -1n, 3n, -3n, -(2n ** 20n)]) expectRead(impl.readS32, encode(v, true, 5), v);
    },
  },
  {
    name: 'readS32: the unused bits of a 5th byte must repeat the sign',
    run: (impl) => {
      expect(() => impl.readS32(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x07]), 0), 'readS32([0xff, 0xff, 0xff, 0xff, 0x07])').not.toThrow();
      expect(() => impl.readS32(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x78]), 0), 'readS32([0x80, 0x80, 0x80, 0x80, 0x78])').not.toThrow();
      expect(() => impl.readS32(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x4f]), 0), 'readS32([0xff, 0xff, 0xff, 0xff, 0x4f])').toThrow(/integer too large/);
      expect(() => impl.readS32(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x70]), 0), 'readS32([0x80, 0x80, 0x80, 0x80, 0x70])').toThrow(/integer too large/);
      expect(() => impl.readS32(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), 0), 'readS32([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])').toThrow(/integer representation too long/);
      expect(() => impl.readS32(new Uint8Array([0xc0]), 0), 'readS32([0xc0])').toThrow(/unexpected end/);
    },
  },
];

defineExercise<Impl>({
  dir: 'exercises/02-leb128',
  checks,
  solution: () => import('./leb128.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
});
