/* 64-bit-multiply-heavy field arithmetic: polynomial hashes (Horner's rule) and modular
   exponentiation in the prime field of p = 2^61 - 1, the 122-bit products built from 32-bit
   halves (no __int128: wasm32 would call a library routine for it). */
#include "kernel.h"
#define P ((1ull << 61) - 1)
#define LEN 100000
#define ROUNDS 400
static uint64_t data[LEN];

static inline uint64_t reduce(uint64_t x) { /* x < 2^62 */
  x = (x & P) + (x >> 61);
  return x >= P ? x - P : x;
}

/* a * b mod p for a, b < p. */
static inline uint64_t mulmod(uint64_t a, uint64_t b) {
  uint64_t al = a & 0xffffffffu, ah = a >> 32, bl = b & 0xffffffffu, bh = b >> 32;
  uint64_t ll = al * bl, mid = al * bh + ah * bl, hh = ah * bh; /* mid < 2^62 */
  uint64_t lo = ll + (mid << 32);
  uint64_t hi = hh + (mid >> 32) + (lo < ll);                   /* product = hi * 2^64 + lo, hi < 2^58 */
  return reduce((lo & P) + ((hi << 3) | (lo >> 61)));           /* 2^61 = 1 (mod p) */
}

static uint64_t powmod(uint64_t b, uint64_t e) {
  uint64_t r = 1;
  for (; e; e >>= 1, b = mulmod(b, b))
    if (e & 1) r = mulmod(r, b);
  return r;
}

void setup(void) {
  rng_seed(7);
  for (int i = 0; i < LEN; i++) data[i] = (((uint64_t)rng_next() << 32) | rng_next()) & P;
}

uint32_t run(void) {
  uint64_t acc = 0;
  for (int r = 0; r < ROUNDS; r++) {
    uint64_t key = powmod(3 + (uint64_t)r, P - 2); /* an inverse: key * (3 + r) = 1 */
    if (mulmod(key, 3 + (uint64_t)r) != 1) return KERNEL_FAILED;
    uint64_t h = 0;
    for (int i = 0; i < LEN; i++) h = reduce(mulmod(h, key) + data[i]);
    acc = reduce(acc + h);
  }
  return (uint32_t)acc ^ (uint32_t)(acc >> 32);
}
