/* Heapsort of random 32-bit keys (sift-down with the bottom-up trick left out: the plain textbook form). */
#include "kernel.h"
#define N 1300000
static uint32_t a[N];

void setup(void) {
  rng_seed(6);
  for (int i = 0; i < N; i++) a[i] = rng_next();
}

static void sift(uint32_t *h, int root, int end) {
  uint32_t v = h[root];
  for (;;) {
    int child = 2 * root + 1;
    if (child >= end) break;
    if (child + 1 < end && h[child + 1] > h[child]) child++;
    if (h[child] <= v) break;
    h[root] = h[child];
    root = child;
  }
  h[root] = v;
}

uint32_t run(void) {
  for (int i = N / 2 - 1; i >= 0; i--) sift(a, i, N);
  for (int end = N - 1; end > 0; end--) {
    uint32_t t = a[0];
    a[0] = a[end];
    a[end] = t;
    sift(a, 0, end);
  }
  uint32_t h = 0;
  for (int i = 0; i < N; i++) {
    if (i > 0 && a[i - 1] > a[i]) return KERNEL_FAILED;
    h = h * 31u + a[i];
  }
  return h;
}
