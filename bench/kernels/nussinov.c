/* Nussinov's RNA folding: the maximum number of nested base pairs of a random sequence,
   an O(n^3) dynamic program over a triangle of a table. */
#include "kernel.h"
#define N 1100
static unsigned char seq[N];
static int T[N][N];

static int pairs(int a, int b) { return a + b == 3; } /* A-U (0,3), C-G (1,2) */

void setup(void) {
  rng_seed(5);
  for (int i = 0; i < N; i++) seq[i] = (unsigned char)(rng_next() & 3);
}

static inline int max(int a, int b) { return a > b ? a : b; }

uint32_t run(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) T[i][j] = 0;
  for (int i = N - 1; i >= 0; i--)
    for (int j = i + 1; j < N; j++) {
      int best = T[i + 1][j];
      best = max(best, T[i][j - 1]);
      if (j - 1 > i + 1) best = max(best, T[i + 1][j - 1] + pairs(seq[i], seq[j]));
      else best = max(best, pairs(seq[i], seq[j]));
      for (int k = i + 1; k < j; k++) best = max(best, T[i][k] + T[k + 1][j]);
      T[i][j] = best;
    }
  uint32_t h = (uint32_t)T[0][N - 1];
  for (int i = 0; i < N; i += 7) h = h * 31u + (uint32_t)T[i][N - 1];
  return h;
}
