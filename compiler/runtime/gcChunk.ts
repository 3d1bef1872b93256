// The GC heap's unit of native memory: a chunk (a 1 MiB mapping of small objects, or one large
// object's own mapping) and the two bitmaps the collector keeps beside it, one bit per 8-byte
// granule: where objects start (so that any word, say one found on the wasm stack, can be
// recognised as an object's address) and which objects the running collection has marked (the
// header never changes: generated code compares it).

import { OBJECT_ALIGN } from '../abi/gcObjects.ts';
import { getNative, PROT_READ, PROT_WRITE } from './native.ts';

/** Bytes of a chunk of small objects. */
export const CHUNK_SIZE = 1 << 20;

/** The bytes mapped after a chunk's `size` for its start bitmap: a bit per granule, whole pages (none for a large object's). */
function bitmapBytes(size: number, large: boolean): number {
  if (large) return 0;
  const page = getNative().pageSize;
  return Math.ceil(size / OBJECT_ALIGN / 8 / page) * page;
}

export class Chunk {
  readonly base: number;
  /** `base`'s low and high 32 bits (marking compares a field's halves with them). */
  readonly baseLow: number;
  readonly baseHigh: number;
  readonly size: number;
  /** True for a large object's own mapping (its one object starts at `base`). */
  readonly large: boolean;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  /**
   * One bit per granule: an object starts there. A small chunk's is native memory, mapped just
   * after its `size` bytes, for generated code sets the bits of the objects it bumps (abi
   * GC_REGION.STARTS, `startsBias`); a large object's is one word of JS memory.
   */
  readonly starts: Uint32Array;
  /**
   * One bit per granule of the objects the running collection has reached: the start granule's
   * bit when an object is reached, the rest of its granules' when it is scanned (so the sweep
   * finds the free runs in the bitmap alone, without reading an object).
   */
  readonly marks: Uint32Array;
  /** Bytes of the objects that survived the last sweep (or allocated since it: an estimate). */
  liveBytes = 0;
  /** Bytes from `base` ever written: beyond them the chunk is zero (zeroAhead zeroes no further). */
  used = 0;

  private constructor(base: number, size: number, large: boolean) {
    this.base = base;
    this.baseLow = base >>> 0;
    this.baseHigh = Math.floor(base / 0x100000000);
    this.size = size;
    this.large = large;
    const buffer = getNative().view(base, size + bitmapBytes(size, large));
    this.u8 = new Uint8Array(buffer, 0, size);
    this.u32 = new Uint32Array(buffer, 0, size / 4);
    // A large object's mapping holds one object, at its base: one word of bits (reading past it
    // gives undefined, which `&` takes as 0: not a start).
    const words = large ? 1 : Math.ceil(size / OBJECT_ALIGN / 32);
    this.starts = large ? new Uint32Array(1) : new Uint32Array(buffer, size, words);
    this.marks = new Uint32Array(words);
  }

  /** A fresh (zeroed) mapping of `size` bytes (and a small chunk's start bitmap), a multiple of the page size. RangeError when mmap fails. */
  static map(size: number, large: boolean): Chunk {
    let base: number;
    try {
      base = getNative().mmap(size + bitmapBytes(size, large), PROT_READ | PROT_WRITE);
    } catch {
      throw new RangeError('out of memory for GC objects');
    }
    return new Chunk(base, size, large);
  }

  unmap(): void {
    getNative().munmap(this.base, this.size + bitmapBytes(this.size, this.large));
  }

  // #region gc-starts-bias
  /**
   * What generated code finds at GC_REGION.STARTS while it bumps through this chunk: `bts` of bit
   * `address / 8` there sets the start bit of the object at `address`, bit (address - base) / 8
   * of the bitmap, which is `address / 64 - base / 64` bytes into it (base is page aligned).
   */
  get startsBias(): number {
    if (this.large) throw new Error('GC heap: no region in a large object\u2019s mapping');
    return this.base + this.size - this.base / (8 * OBJECT_ALIGN);
  }
  // #endregion gc-starts-bias

  // #region gc-object-start-bitmap
  /** The granule of `address` (inside this chunk, a multiple of OBJECT_ALIGN). */
  granule(address: number): number {
    return (address - this.base) / OBJECT_ALIGN;
  }
  isStart(g: number): boolean {
    return (this.starts[g >>> 5]! & (1 << (g & 31))) !== 0;
  }
  setStart(g: number): void {
    this.starts[g >>> 5]! |= 1 << (g & 31);
  }
  clearStart(g: number): void {
    this.starts[g >>> 5]! &= ~(1 << (g & 31));
  }
  isMarked(g: number): boolean {
    return (this.marks[g >>> 5]! & (1 << (g & 31))) !== 0;
  }
  /** Mark the `n` granules from `g` (an object of n * 8 bytes, scanned); a large object's mapping marks its start only. */
  markSpan(g: number, n: number): void {
    if (this.large) return;
    const marks = this.marks;
    const last = g + n - 1;
    let w = g >>> 5;
    const lastWord = last >>> 5;
    const head = ~0 << (g & 31);
    const tail = 0xffffffff >>> (31 - (last & 31));
    if (w === lastWord) {
      marks[w] = marks[w]! | (head & tail);
      return;
    }
    marks[w] = marks[w]! | head;
    for (w++; w < lastWord; w++) marks[w] = 0xffffffff;
    marks[w] = marks[w]! | tail;
  }
  /** The first granule at or after `g` where an object starts, or -1. */
  nextStart(g: number): number {
    return this.nextBit(this.starts, g);
  }
  /** The last granule at or before `g` where an object starts, or -1. */
  prevStart(g: number): number {
    const starts = this.starts;
    let w = g >>> 5;
    if (w >= starts.length) (w = starts.length - 1), (g = 31);
    let bits = starts[w]! & (0xffffffff >>> (31 - (g & 31)));
    for (;;) {
      if (bits !== 0) return w * 32 + (31 - Math.clz32(bits));
      if (--w < 0) return -1;
      bits = starts[w]!;
    }
  }
  /** After marking: only the marked objects still start anywhere (the others are freed). */
  keepMarkedStarts(): void {
    const { starts, marks } = this;
    for (let w = 0; w < starts.length; w++) starts[w]! &= marks[w]!;
  }

  private nextBit(bitmap: Uint32Array, g: number): number {
    if (g >>> 5 >= bitmap.length) return -1;
    const granules = this.size / OBJECT_ALIGN;
    let w = g >>> 5;
    let bits = bitmap[w]! & (~0 << (g & 31));
    for (;;) {
      if (bits !== 0) {
        const found = w * 32 + (31 - Math.clz32(bits & -bits));
        return found < granules ? found : -1;
      }
      if (++w >= bitmap.length) return -1;
      bits = bitmap[w]!;
    }
  }
  // #endregion gc-object-start-bitmap

  /** The 64-bit word at `offset` (a multiple of 8) as a number (exact below 2^53; words above are never object addresses). */
  word(offset: number): number {
    return this.u32[offset >>> 2]! + this.u32[(offset >>> 2) + 1]! * 0x100000000;
  }
}
