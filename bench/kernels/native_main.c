/* The native driver: setup(), then run() timed with this thread's CPU clock.
   Prints "<checksum> <seconds>" like the engine runners of bench/run.ts. */
#include <stdio.h>
#include <time.h>
#include "kernel.h"

int main(void) {
  setup();
  struct timespec a, b;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
  uint32_t r = run();
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
  printf("%u %.6f\n", r, (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
  return 0;
}
