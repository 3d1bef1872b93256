/* Shared by every C program here: the export attribute and a small deterministic generator.
 * Each program builds twice: freestanding (no libc, BARE defined) and against wasi-libc. */
#ifndef CPROGRAMS_COMMON_H
#define CPROGRAMS_COMMON_H

#define EXPORT(name) __attribute__((export_name(name), visibility("default")))

typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long i64;
typedef unsigned long usize;

/* A 32-bit linear congruential generator (Numerical Recipes constants): cheap and the same everywhere. */
static inline u32 lcg_next(u32 *state) {
  *state = *state * 1664525u + 1013904223u;
  return *state;
}

/* A double in [0, 1) from the top 24 bits of the next value. */
static inline double lcg_unit(u32 *state) {
  return (double)(lcg_next(state) >> 8) * (1.0 / 16777216.0);
}

#ifdef BARE
/* No libc: clang may still emit calls to these for struct copies and zeroing loops. */
void *memcpy(void *dst, const void *src, usize n);
void *memset(void *dst, int c, usize n);
#define SQRT(x) __builtin_sqrt(x)
/* f32/f64.min and max directly: clang 14 turns C's fmin into a libcall, never into the operator. */
#define FMIN(x, y) __builtin_wasm_min_f64(x, y)
#define FMAX(x, y) __builtin_wasm_max_f64(x, y)
#define FMINF(x, y) __builtin_wasm_min_f32(x, y)
#define FMAXF(x, y) __builtin_wasm_max_f32(x, y)
#else
#include <math.h>
#include <stdlib.h>
#include <string.h>
#define SQRT(x) sqrt(x)
#define FMIN(x, y) fmin(x, y)
#define FMAX(x, y) fmax(x, y)
#define FMINF(x, y) fminf(x, y)
#define FMAXF(x, y) fmaxf(x, y)
#endif

#endif
