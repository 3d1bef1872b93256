/* Sieve of Eratosthenes: count the primes below N, several times over. */
#include "kernel.h"
#define N 8000000
#define REPEAT 6
static unsigned char composite[N];

void setup(void) {}

uint32_t run(void) {
  uint32_t count = 0;
  for (int r = 0; r < REPEAT; r++) {
    for (int i = 0; i < N; i++) composite[i] = 0;
    count = 0;
    for (int i = 2; i < N; i++) {
      if (composite[i]) continue;
      count++;
      for (int j = i + i; j < N; j += i) composite[j] = 1;
    }
  }
  return count; /* pi(8,000,000) = 539,777 */
}
