// A cursor over bytes that are all present: LEB128 integers with the spec's limits, fixed-width
// floats, UTF-8 names. The streaming layer (moduleStream.ts) only hands complete sections and
// function bodies to a Reader, so reading never waits for input.

import { CompileError } from '../errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** For names already known to be ASCII (windows-1252, as the standard names latin1, maps bytes below 0x80 to themselves). */
const ascii = new TextDecoder('latin1');

// #region reader
export class Reader {
  /** Position in `bytes`. */
  pos: number;
  /** Results of i64()/f64Bits(): the two 32-bit halves, kept in fields so reading allocates nothing. */
  low = 0;
  high = 0;

  constructor(
    public bytes: Uint8Array,
    start: number,
    /** Reading stops here (the end of the section or function body being read). */
    public end: number,
    /** Absolute module offset of bytes[0], for error positions. */
    public base: number,
    /** The message when reading runs past `end`. */
    public endMessage = 'unexpected end of section or function',
    /** Function index for errors inside a body. */
    public funcIndex?: number,
  ) {
    this.pos = start;
  }

  /** Absolute offset in the module of the current position. */
  get offset(): number {
    return this.base + this.pos;
  }

  error(message: string, at = this.pos): CompileError {
    return new CompileError(message, this.base + at, this.funcIndex);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) throw this.error(this.endMessage);
    return this.bytes[this.pos++]!;
  }

  // #region read-u32
  /** Unsigned LEB128, at most 32 bits. */
  u32(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    if (pos < this.end) {
      const b = bytes[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    const start = pos;
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= this.end) throw this.cutShort(start, 5, 0x70);
      const b = bytes[pos++]!;
      if (shift === 28) {
        if (b & 0x80) throw this.error('integer representation too long', pos - 1);
        if (b & 0x70) throw this.error('integer too large', pos - 1);
        this.pos = pos;
        return (result | (b << 28)) >>> 0;
      }
      result |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) {
        this.pos = pos;
        return result >>> 0;
      }
    }
  }
  // #endregion read-u32

  /**
   * Unsigned LEB128 of up to 64 bits, as a number (exact below 2^53): limits and memarg offsets,
   * which WebAssembly 3.0 encodes as u64 so that memory64 can share the encoding. Callers range-check.
   */
  u64Number(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    const start = pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (pos >= this.end) throw this.cutShort(start, 10, 0x7e);
      const b = bytes[pos++]!;
      if (i === 9) {
        if (b & 0x80) throw this.error('integer representation too long', pos - 1);
        if (b & 0x7e) throw this.error('integer too large', pos - 1);
        this.pos = pos;
        return result + b * mul;
      }
      result += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) {
        this.pos = pos;
        return result;
      }
    }
  }

  /**
   * The error for a LEB128 cut short by the end of the section or body. The reference
   * interpreter reads on past that end, so when the following bytes show the integer is itself
   * malformed, that is what it reports; we look at the bytes already here to say the same.
   */
  private cutShort(start: number, maxBytes: number, unusedBitsOfLast: number): CompileError {
    const bytes = this.bytes;
    for (let i = 0; i < maxBytes && start + i < bytes.length; i++) {
      const b = bytes[start + i]!;
      if (i === maxBytes - 1) {
        if (b & 0x80) return this.error('integer representation too long', start + i);
        if (b & unusedBitsOfLast) return this.error('integer too large', start + i);
      }
      if (!(b & 0x80)) break;
    }
    this.pos = this.end;
    return this.error(this.endMessage);
  }

  // #region read-s32
  /** Signed LEB128, at most 32 bits (i32.const). */
  s32(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= this.end) {
        this.pos = pos;
        throw this.error(this.endMessage);
      }
      const b = bytes[pos++]!;
      if (shift === 28) {
        if (b & 0x80) throw this.error('integer representation too long', pos - 1);
        // The 4 unused bits must repeat the sign bit (bit 3 of this byte).
        const rest = b & 0x78;
        if (rest !== 0 && rest !== 0x78) throw this.error('integer too large', pos - 1);
        this.pos = pos;
        return result | (b << 28);
      }
      result |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) {
        this.pos = pos;
        return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
      }
    }
  }

  // #endregion read-s32

  /** Signed LEB128 of 33 bits (block types: negative = short form, else a type index). */
  s33(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (pos >= this.end) {
        this.pos = pos;
        throw this.error(this.endMessage);
      }
      const b = bytes[pos++]!;
      if (i === 4) {
        if (b & 0x80) throw this.error('integer representation too long', pos - 1);
        // Bits 33+ (0x60) must repeat the sign bit 32 (0x10).
        const rest = b & 0x70;
        if (rest !== 0 && rest !== 0x70) throw this.error('integer too large', pos - 1);
        this.pos = pos;
        return result + (b & 0x0f) * mul - (b & 0x10 ? 2 ** 32 : 0);
      }
      result += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) {
        this.pos = pos;
        return b & 0x40 ? result - mul : result;
      }
    }
  }

  /** Signed LEB128 of 64 bits (i64.const), into this.low / this.high. */
  i64(): void {
    const bytes = this.bytes;
    let pos = this.pos;
    let low = 0;
    let high = 0;
    let shift = 0;
    let b = 0;
    for (;;) {
      if (pos >= this.end) {
        this.pos = pos;
        throw this.error(this.endMessage);
      }
      b = bytes[pos++]!;
      if (shift === 63) {
        if (b & 0x80) throw this.error('integer representation too long', pos - 1);
        const rest = b & 0x7f;
        if (rest !== 0 && rest !== 0x7f) throw this.error('integer too large', pos - 1);
        high |= b << 31;
        shift = 70;
        break;
      }
      if (shift < 28) low |= (b & 0x7f) << shift;
      else if (shift === 28) {
        low |= b << 28;
        high = (b & 0x7f) >>> 4;
      } else high |= (b & 0x7f) << (shift - 32);
      shift += 7;
      if (!(b & 0x80)) break;
    }
    if (shift < 64 && b & 0x40) {
      if (shift < 32) {
        low |= -1 << shift;
        high = -1;
      } else high |= -1 << (shift - 32);
    }
    this.pos = pos;
    this.low = low | 0;
    this.high = high | 0;
  }

  /** 32 raw bits, little-endian, as an unsigned number. */
  u32Fixed(): number {
    const p = this.pos;
    if (this.end - p < 4) {
      this.pos = this.end;
      throw this.error(this.endMessage);
    }
    const b = this.bytes;
    this.pos = p + 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  /** 64 raw bits, little-endian, into this.low / this.high (signed halves). */
  u64Fixed(): void {
    const lo = this.u32Fixed();
    const hi = this.u32Fixed();
    this.low = lo | 0;
    this.high = hi | 0;
  }

  /**
   * A vector's element count. Not checked against the bytes left (the spec reports running out
   * as "unexpected end"), so callers must not preallocate from it: see capacityFor.
   */
  count(): number {
    return this.u32();
  }

  /** A safe initial capacity for a vector of n elements of at least one byte each. */
  capacityFor(n: number): number {
    return Math.min(n, this.end - this.pos);
  }

  skip(n: number): void {
    if (n > this.end - this.pos) throw this.error(this.endMessage);
    this.pos += n;
  }

  bytesOf(n: number): Uint8Array {
    if (n > this.end - this.pos) throw this.error(this.endMessage);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A name: a length-prefixed UTF-8 string. */
  name(): string {
    const at = this.pos;
    const n = this.u32();
    if (n > this.end - this.pos) throw this.error('length out of bounds', at);
    const start = this.pos;
    const stop = start + n;
    const bytes = this.bytes;
    let i = start;
    while (i < stop && bytes[i]! < 0x80) i++;
    this.pos = stop;
    // ASCII (nearly every name): a non-validating single-byte decoder, the same characters for
    // these bytes. Cheaper than the UTF-8 one, and than String.fromCharCode over the bytes.
    if (i === stop) return ascii.decode(bytes.subarray(start, stop));
    try {
      return utf8.decode(bytes.subarray(start, stop));
    } catch {
      throw this.error('malformed UTF-8 encoding', start);
    }
  }
}
// #endregion reader
