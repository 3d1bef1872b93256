// Records the compiler makes by the ten thousand (label references, bound labels, calls; trap
// sites in the code generator) are kept as rows of int32 fields in one typed array, not an
// object each. The array grows by doubling: the one way of growing it, here.

/** `a`, or a copy twice as long (at least n) when it is shorter than n. */
export function withRoom(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const grown = new Int32Array(Math.max(n, 2 * a.length));
  grown.set(a);
  return grown;
}
