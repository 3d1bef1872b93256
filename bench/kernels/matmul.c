/* Dense matrix multiply, C = A * B, doubles, i-k-j loop order (the row of B streams). */
#include "kernel.h"
#define N 800
static double A[N][N], B[N][N], C[N][N];

void setup(void) {
  rng_seed(1);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      A[i][j] = (double)(rng_next() % 1000) / 100.0 - 5.0;
      B[i][j] = (double)(rng_next() % 1000) / 100.0 - 5.0;
    }
}

uint32_t run(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) C[i][j] = 0.0;
  for (int i = 0; i < N; i++)
    for (int k = 0; k < N; k++) {
      double a = A[i][k];
      for (int j = 0; j < N; j++) C[i][j] += a * B[k][j];
    }
  uint32_t h = 2166136261u;
  for (int i = 0; i < N; i++) h = fold_double(h, C[i][(i * 7) % N] + C[i][i]);
  return h;
}
