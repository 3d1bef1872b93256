/* The interface every benchmark kernel implements, for bench/run.ts.
   setup() prepares the input (not timed); run() does the work (timed) and returns a 32-bit
   checksum that bench/kernels/expected.json holds: a wrong answer fails the run, however fast.
   Built for wasm32 (freestanding, no libc) and natively by build.sh. */
#ifndef KERNEL_H
#define KERNEL_H
#include <stdint.h>
#include <stddef.h>

#if defined(__wasm__)
#define KERNEL_EXPORT(name) __attribute__((export_name(#name)))
#else
#define KERNEL_EXPORT(name)
#endif

KERNEL_EXPORT(setup) void setup(void);
KERNEL_EXPORT(run) uint32_t run(void);

/* A small deterministic generator (xorshift32), so inputs are the same everywhere. */
static uint32_t rng_state = 2463534242u;
static inline uint32_t rng_next(void) {
  uint32_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return rng_state = x;
}
static inline void rng_seed(uint32_t s) { rng_state = s ? s : 1; }

/* Fold a double into a checksum through its bits (every engine computes IEEE results exactly). */
static inline uint32_t fold_double(uint32_t h, double d) {
  union { double d; uint64_t u; } v = { d };
  h ^= (uint32_t)v.u ^ (uint32_t)(v.u >> 32);
  return h * 16777619u;
}
/* A kernel's own consistency check failed: the checksum says so (never a value in expected.json). */
#define KERNEL_FAILED 0xdeadu
#endif
