/* 2-D Jacobi stencil: each sweep writes a new grid from the 5-point average of the old one. */
#include "kernel.h"
#define N 512
#define STEPS 400
static double A[N][N], B[N][N];

void setup(void) {
  rng_seed(2);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) A[i][j] = B[i][j] = (double)(rng_next() % 10000) / 100.0;
}

uint32_t run(void) {
  for (int t = 0; t < STEPS; t++) {
    for (int i = 1; i < N - 1; i++)
      for (int j = 1; j < N - 1; j++)
        B[i][j] = 0.2 * (A[i][j] + A[i][j - 1] + A[i][j + 1] + A[i - 1][j] + A[i + 1][j]);
    for (int i = 1; i < N - 1; i++)
      for (int j = 1; j < N - 1; j++)
        A[i][j] = 0.2 * (B[i][j] + B[i][j - 1] + B[i][j + 1] + B[i - 1][j] + B[i + 1][j]);
  }
  uint32_t h = 2166136261u;
  for (int i = 0; i < N; i += 3) h = fold_double(h, A[i][(i * 5) % N]);
  return h;
}
