// The reference solution: the same bit operations and the same case split as the code
// generator's lowerings (compiler/codegen/ops/float.ts: copysign and minMax), written on bits.
const F32_SIGN = 0x80000000;
const F64_SIGN = 1n << 63n;
const F64_MAGNITUDE = F64_SIGN - 1n;
const F64_EXPONENT = 0x7ffn << 52n;
const F64_QUIET = 1n << 51n;

export function f32Copysign(a: number, b: number): number {
  return ((a & ~F32_SIGN) | (b & F32_SIGN)) >>> 0;
}

const isNaN64 = (x: bigint): boolean => (x & F64_MAGNITUDE) > F64_EXPONENT;

/** The value of non-NaN bits as a number, for ordering (±0 both become 0). */
function valueOf(x: bigint): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, x);
  return view.getFloat64(0);
}

function minMax(a: bigint, b: bigint, min: boolean): bigint {
  // A NaN in: the first NaN, quieted (an arithmetic NaN; canonical if it was canonical).
  if (isNaN64(a)) return a | F64_QUIET;
  if (isNaN64(b)) return b | F64_QUIET;
  const x = valueOf(a), y = valueOf(b);
  if (x === y) return min ? a | b : a & b; // equal: only -0 and +0 differ, and the sign bit decides
  return (x < y) === min ? a : b;
}

export const f64Min = (a: bigint, b: bigint): bigint => minMax(a, b, true);
export const f64Max = (a: bigint, b: bigint): bigint => minMax(a, b, false);
