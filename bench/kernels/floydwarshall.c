/* Floyd-Warshall all-pairs shortest paths on a random sparse digraph with integer weights. */
#include "kernel.h"
#define N 720
#define INF 0x3fffffff
static int D[N][N];

void setup(void) {
  rng_seed(4);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) D[i][j] = i == j ? 0 : (rng_next() % 8 == 0 ? (int)(rng_next() % 100) + 1 : INF);
}

uint32_t run(void) {
  for (int k = 0; k < N; k++)
    for (int i = 0; i < N; i++) {
      int dik = D[i][k];
      if (dik == INF) continue;
      for (int j = 0; j < N; j++) {
        int via = dik + D[k][j];
        if (via < D[i][j]) D[i][j] = via;
      }
    }
  uint32_t h = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      if (D[i][j] > D[i][0] + D[0][j]) return KERNEL_FAILED; /* not a shortest path */
      h = h * 31u + (uint32_t)D[i][j];
    }
  return h;
}
