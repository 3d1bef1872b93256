// Test-only: a seeded random source shared by the randomized tests, so a failing case can be
// replayed from its seed. Browser-safe.

/** A seeded xorshift generator of numbers in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}
