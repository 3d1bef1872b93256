/* Matrix multiply in float and in double (naive i-k-j order and a transposed-B dot product),
 * with matrices in static arrays for the freestanding build and from malloc under wasi-libc
 * (so memory.grow runs there when the heap outgrows the initial pages). */
#include "common.h"

#define MAX_N 96

#ifdef BARE
static double static_doubles[3 * MAX_N * MAX_N];
static float static_floats[3 * MAX_N * MAX_N];
#endif

static int clamp_n(int n) {
  return n < 1 ? 1 : n > MAX_N ? MAX_N : n;
}

static double *double_matrices(int n) {
#ifdef BARE
  (void)n;
  return static_doubles;
#else
  return malloc(3 * (usize)n * (usize)n * sizeof(double));
#endif
}
static float *float_matrices(int n) {
#ifdef BARE
  (void)n;
  return static_floats;
#else
  return malloc(3 * (usize)n * (usize)n * sizeof(float));
#endif
}
static void release(void *p) {
#ifdef BARE
  (void)p;
#else
  free(p);
#endif
}

/* C = A * B, i-k-j order (C zeroed first). */
static void multiply_f64(int n, const double *a, const double *b, double *c) {
  for (int i = 0; i < n * n; i++) c[i] = 0;
  for (int i = 0; i < n; i++)
    for (int k = 0; k < n; k++) {
      double aik = a[i * n + k];
      for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
}

static void multiply_f32(int n, const float *a, const float *b, float *c) {
  for (int i = 0; i < n * n; i++) c[i] = 0;
  for (int i = 0; i < n; i++)
    for (int k = 0; k < n; k++) {
      float aik = a[i * n + k];
      for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
}

/* A weighted sum of the product's entries (double) after `rounds` multiplications C = A*B, A = C/n. */
EXPORT("matmul_f64") double matmul_f64(int n, int seed, int rounds) {
  n = clamp_n(n);
  double *m = double_matrices(n);
  if (!m) return -1;
  double *a = m, *b = m + n * n, *c = m + 2 * n * n;
  u32 s = (u32)seed;
  for (int i = 0; i < n * n; i++) a[i] = lcg_unit(&s) - 0.25;
  for (int i = 0; i < n * n; i++) b[i] = lcg_unit(&s) * 2.0 - 1.0;
  for (int r = 0; r < rounds; r++) {
    multiply_f64(n, a, b, c);
    for (int i = 0; i < n * n; i++) a[i] = c[i] / n;
  }
  double sum = 0;
  for (int i = 0; i < n * n; i++) sum += a[i] * (double)(i % 13 + 1);
  release(m);
  return sum;
}

/* The same in float, the checksum accumulated in float. */
EXPORT("matmul_f32") float matmul_f32(int n, int seed, int rounds) {
  n = clamp_n(n);
  float *m = float_matrices(n);
  if (!m) return -1;
  float *a = m, *b = m + n * n, *c = m + 2 * n * n;
  u32 s = (u32)seed;
  for (int i = 0; i < n * n; i++) a[i] = (float)lcg_unit(&s) - 0.25f;
  for (int i = 0; i < n * n; i++) b[i] = (float)lcg_unit(&s) * 2.0f - 1.0f;
  for (int r = 0; r < rounds; r++) {
    multiply_f32(n, a, b, c);
    for (int i = 0; i < n * n; i++) a[i] = c[i] / (float)n;
  }
  float sum = 0;
  for (int i = 0; i < n * n; i++) sum += a[i] * (float)(i % 13 + 1);
  release(m);
  return sum;
}

/* C = A * B^T with B transposed first: dot products of rows, float inputs summed in double. */
EXPORT("matmul_mixed_transposed") double matmul_mixed_transposed(int n, int seed) {
  n = clamp_n(n);
  float *m = float_matrices(n);
  if (!m) return -1;
  float *a = m, *b = m + n * n, *bt = m + 2 * n * n;
  u32 s = (u32)seed;
  for (int i = 0; i < n * n; i++) a[i] = (float)(lcg_next(&s) % 2001u) * 0.001f - 1.0f;
  for (int i = 0; i < n * n; i++) b[i] = (float)(lcg_next(&s) % 2001u) * 0.001f - 1.0f;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) bt[j * n + i] = b[i * n + j];
  double sum = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double dot = 0;
      for (int k = 0; k < n; k++) dot += (double)a[i * n + k] * (double)bt[j * n + k];
      sum += dot * ((i ^ j) & 3);
    }
  release(m);
  return sum;
}

/* Integer matrix product over i64 with wrapping arithmetic: the memory traffic without floats. */
EXPORT("matmul_i64") i64 matmul_i64(int n, int seed) {
  n = clamp_n(n);
  double *m = double_matrices(n); /* reused as i64 storage of the same size */
  if (!m) return -1;
  u64 *a = (u64 *)m, *b = a + n * n, *c = a + 2 * n * n;
  u32 s = (u32)seed;
  for (int i = 0; i < 2 * n * n; i++) a[i] = (u64)lcg_next(&s) << (i & 31);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      u64 dot = 0;
      for (int k = 0; k < n; k++) dot += a[i * n + k] * b[k * n + j];
      c[i * n + j] = dot;
    }
  u64 h = 0;
  for (int i = 0; i < n * n; i++) h = h * 31 + c[i];
  release(m);
  return (i64)h;
}
