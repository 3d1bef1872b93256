/* Gauss-Seidel: in-place 9-point average over a grid; each point reads neighbours already updated
   in this sweep, so the loop carries a dependence (nothing to vectorise). */
#include "kernel.h"
#define N 400
#define STEPS 160
static double A[N][N];

void setup(void) {
  rng_seed(3);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) A[i][j] = (double)(rng_next() % 10000) / 100.0;
}

uint32_t run(void) {
  for (int t = 0; t < STEPS; t++)
    for (int i = 1; i < N - 1; i++)
      for (int j = 1; j < N - 1; j++)
        A[i][j] = (A[i - 1][j - 1] + A[i - 1][j] + A[i - 1][j + 1] + A[i][j - 1] + A[i][j] + A[i][j + 1] +
                   A[i + 1][j - 1] + A[i + 1][j] + A[i + 1][j + 1]) / 9.0;
  uint32_t h = 2166136261u;
  for (int i = 0; i < N; i += 3) h = fold_double(h, A[i][(i * 11) % N]);
  return h;
}
