// Plausible wrong solutions. The checks must catch each one (see exercises/harness.ts).
import type { Read } from './leb128.ts';

type Impl = { readU32(b: Uint8Array, p: number): Read; readS32(b: Uint8Array, p: number): Read };

/** Reads a correct number of bytes but never checks the limits. */
function unchecked(bytes: Uint8Array, pos: number, signed: boolean): Read {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= bytes.length) throw new Error('unexpected end');
    const b = bytes[pos++]!;
    result |= (b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) {
      if (signed && shift < 32 && b & 0x40) result |= -1 << shift;
      return { value: signed ? result : result >>> 0, next: pos };
    }
  }
}

function limited(bytes: Uint8Array, pos: number, signed: boolean, opts: { signedU32?: boolean; noSignExtend?: boolean; fiveBitsLoose?: boolean }): Read {
  let result = 0;
  let shift = 0;
  for (let i = 0; ; i++) {
    if (pos >= bytes.length) throw new Error('unexpected end');
    const b = bytes[pos++]!;
    if (i === 4) {
      if (b & 0x80) throw new Error('integer representation too long');
      if (!opts.fiveBitsLoose) {
        const rest = b & (signed ? 0x78 : 0x70);
        if (signed ? rest !== 0 && rest !== 0x78 : rest !== 0) throw new Error('integer too large');
      }
      result |= b << 28;
      return { value: signed || opts.signedU32 ? result | 0 : result >>> 0, next: pos };
    }
    result |= (b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) {
      if (signed && !opts.noSignExtend && b & 0x40) result |= -1 << shift;
      return { value: signed || opts.signedU32 ? result | 0 : result >>> 0, next: pos };
    }
  }
}

export const wrongSolutions: Record<string, Impl> = {
  'no length or range limits': {
    readU32: (b, p) => unchecked(b, p, false),
    readS32: (b, p) => unchecked(b, p, true),
  },
  'u32 results come out negative above 2**31 (forgot >>> 0)': {
    readU32: (b, p) => limited(b, p, false, { signedU32: true }),
    readS32: (b, p) => limited(b, p, true, {}),
  },
  'negative numbers are not sign-extended': {
    readU32: (b, p) => limited(b, p, false, {}),
    readS32: (b, p) => limited(b, p, true, { noSignExtend: true }),
  },
  'unused bits of the 5th byte are not checked': {
    readU32: (b, p) => limited(b, p, false, { fiveBitsLoose: true }),
    readS32: (b, p) => limited(b, p, true, { fiveBitsLoose: true }),
  },
  'next points at the last byte instead of after it': {
    readU32: (b, p) => {
      const r = limited(b, p, false, {});
      return { value: r.value, next: r.next - 1 };
    },
    readS32: (b, p) => {
      const r = limited(b, p, true, {});
      return { value: r.value, next: r.next - 1 };
    },
  },
};
