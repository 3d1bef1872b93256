/* Integer kernels over locals only (no memory, no floats, no function pointers): the one C
 * program Lightbeam can run before floats and memory land, to prove the harness on its side. */
#include "common.h"

EXPORT("gcd") int gcd(int a, int b) {
  u32 x = a < 0 ? 0u - (u32)a : (u32)a, y = b < 0 ? 0u - (u32)b : (u32)b;
  while (y) {
    u32 t = x % y;
    x = y;
    y = t;
  }
  return (int)x;
}

/* The total number of Collatz steps of every start below n. */
EXPORT("collatz_total") i64 collatz_total(int n) {
  i64 total = 0;
  for (int start = 1; start < n; start++) {
    u64 x = (u64)start;
    while (x != 1) {
      x = x & 1 ? 3 * x + 1 : x / 2;
      total++;
    }
  }
  return total;
}

/* Integer square root by Newton's method, summed over a range. */
EXPORT("isqrt_sum") i64 isqrt_sum(int from, int count) {
  u64 sum = 0;
  for (int i = 0; i < count; i++) {
    u64 v = (u64)(u32)(from + i) * 2654435761u;
    u64 x = v, y = (x + 1) / 2;
    while (y < x) {
      x = y;
      y = (x + v / x) / 2;
    }
    sum += x;
  }
  return (i64)sum;
}

/* A xorshift generator's state after n steps, with popcounts and rotates mixed in. */
EXPORT("xorshift_mix") i64 xorshift_mix(int n, int seed) {
  u64 x = (u64)(u32)seed * 0x9E3779B97F4A7C15ull | 1;
  u64 acc = 0;
  for (int i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    acc += (u64)__builtin_popcountll(x) << (i & 31);
    acc = (acc << 5 | acc >> 59) ^ x;
  }
  return (i64)acc;
}
