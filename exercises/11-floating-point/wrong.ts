// Plausible wrong solutions; the checks must catch each one (see exercises/harness.ts).
import * as reference from './reference.ts';

const bitsOf = (x: number): bigint => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0);
};
const valueOf = (x: bigint): number => {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, x);
  return view.getFloat64(0);
};
const isNaN64 = (x: bigint): boolean => (x & ((1n << 63n) - 1n)) > 0x7ffn << 52n;

export const wrongSolutions = {
  "copysign ORs in b's sign without clearing a's": {
    ...reference,
    f32Copysign: (a: number, b: number) => (a | (b & 0x80000000)) >>> 0,
  },
  'min and max as x86 minsd/maxsd do them: the second operand on NaN or on equal zeros': {
    ...reference,
    f64Min: (a: bigint, b: bigint) => (valueOf(a) < valueOf(b) ? a : b),
    f64Max: (a: bigint, b: bigint) => (valueOf(a) > valueOf(b) ? a : b),
  },
  'a NaN operand is returned as it is, so a signalling NaN stays signalling': {
    ...reference,
    f64Min: (a: bigint, b: bigint) => (isNaN64(a) ? a : isNaN64(b) ? b : reference.f64Min(a, b)),
    f64Max: (a: bigint, b: bigint) => (isNaN64(a) ? a : isNaN64(b) ? b : reference.f64Max(a, b)),
  },
  'max picks -0 of two zeros (min and max share the zero rule)': {
    ...reference,
    f64Max: (a: bigint, b: bigint) => (valueOf(a) === valueOf(b) ? a | b : reference.f64Max(a, b)),
  },
  'through JavaScript numbers: Math.min, then back to bits (NaN payloads lost)': {
    ...reference,
    f64Min: (a: bigint, b: bigint) => bitsOf(Math.min(valueOf(a), valueOf(b))),
    f64Max: (a: bigint, b: bigint) => bitsOf(Math.max(valueOf(a), valueOf(b))),
  },
};
