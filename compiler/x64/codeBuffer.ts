// A growable byte buffer. The assembler reserves room for one instruction (at most 15 bytes)
// with `reserve`, then writes bytes without further checks.

// #region code-buffer
export class CodeBuffer {
  bytes: Uint8Array;
  /** The same memory as `bytes`, for copies 4 bytes at a time (copyPiece in assembler.ts). */
  view: DataView;
  length = 0;

  constructor(initialCapacity = 4096) {
    this.bytes = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.bytes.buffer);
  }

  /** Make room for `n` more bytes. (Called per instruction: small enough to be inlined; growing is apart.) */
  reserve(n: number): void {
    if (this.length + n > this.bytes.length) this.grow(n);
  }

  private grow(n: number): void {
    let capacity = this.bytes.length * 2;
    while (capacity < this.length + n) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  /** Append one byte (room must have been reserved). */
  put(b: number): void {
    this.bytes[this.length++] = b;
  }

  put32(v: number): void {
    const b = this.bytes;
    let i = this.length;
    b[i++] = v;
    b[i++] = v >> 8;
    b[i++] = v >> 16;
    b[i++] = v >> 24;
    this.length = i;
  }

  /** Overwrite 4 bytes at `at` (little-endian). */
  patch32(at: number, v: number): void {
    const b = this.bytes;
    b[at] = v;
    b[at + 1] = v >> 8;
    b[at + 2] = v >> 16;
    b[at + 3] = v >> 24;
  }

  patch8(at: number, v: number): void {
    this.bytes[at] = v;
  }

  /**
   * Append `fill` bytes until `length + offset` is a multiple of `alignment` (a power of two;
   * `offset` may be negative): padding, counted once rather than a byte at a time.
   */
  alignWith(alignment: number, offset: number, fill: number): void {
    const n = (alignment - ((this.length + offset) & (alignment - 1))) & (alignment - 1);
    this.reserve(n);
    for (let i = 0, b = this.bytes, p = this.length; i < n; i++) b[p + i] = fill;
    this.length += n;
  }

  /** Append raw bytes, data[0, n) (all of them by default; the start of another buffer, say), reserving room. */
  append(data: ArrayLike<number>, n = data.length): void {
    this.reserve(n);
    // Many bytes of a typed array by `set`; a few, or a plain array's (nops, small constants), by
    // hand: `set` costs more there.
    if (n > 32 && data instanceof Uint8Array) this.bytes.set(n === data.length ? data : data.subarray(0, n), this.length);
    else for (let i = 0, b = this.bytes, p = this.length; i < n; i++) b[p + i] = data[i]!;
    this.length += n;
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  /**
   * The bytes written so far, for a buffer that will not be written again: a view of its memory
   * when it is at least half full (copying megabytes of finished code costs more than the
   * unused tail, most of it never touched), else a copy.
   */
  take(): Uint8Array {
    return 2 * this.length >= this.bytes.length ? this.bytes.subarray(0, this.length) : this.toBytes();
  }
}
// #endregion code-buffer
