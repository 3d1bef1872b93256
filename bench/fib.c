/* fib as in compiler/codegen/filetests/fib.wat (the loop rustc makes of the recursive fib),
   for bench/fib.ts: prints "<result> <best milliseconds>" for fib(n) over `runs` runs. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

__attribute__((noinline)) int fib(int n) {
  int acc = 1;
  if ((unsigned)n < 2) return acc;
  do {
    acc = fib(n - 1) + acc;
    n -= 2;
  } while ((unsigned)n > 1);
  return acc;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 38;
  int runs = argc > 2 ? atoi(argv[2]) : 3;
  double best = 1e300;
  int r = 0;
  for (int i = 0; i < runs; i++) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    r = fib(n);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
    if (ms < best) best = ms;
  }
  printf("%d %.3f\n", r, best);
  return 0;
}
