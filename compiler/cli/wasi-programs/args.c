// argv, environment, printf with floats, malloc (large enough to grow memory) and the exit code.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  // Sorted by the caller: print only the variables the test sets.
  for (char **e = environ; *e; e++)
    if (strncmp(*e, "LB_", 3) == 0) printf("env %s\n", *e);
  const char *greeting = getenv("LB_GREETING");
  printf("greeting=%s\n", greeting ? greeting : "(unset)");

  double x = 0.1;
  for (int i = 0; i < 10; i++) x = x * 1.5 + 0.25;
  printf("floats: %.17g %e %.3f %g %a\n", x, sqrt(2.0), -1.0 / 3.0, 1e-300 * x, 1.0 / 7.0);
  printf("float32: %.9g\n", (double)(float)x);

  // 4 MiB: more than the initial memory, so malloc grows it; then write from the new pages.
  size_t n = 4u << 20;
  unsigned char *block = malloc(n);
  if (!block) return 3;
  unsigned long sum = 0;
  for (size_t i = 0; i < n; i++) block[i] = (unsigned char)(i * 31 + 7);
  for (size_t i = 0; i < n; i++) sum += block[i];
  printf("malloc %zu bytes, sum=%lu\n", n, sum);
  char *tail = (char *)block + n - 64;
  snprintf(tail, 64, "written from grown memory\n");
  fwrite(tail, 1, strlen(tail), stdout);
  free(block);

  // Clocks and random: facts that hold on any host, so the output stays comparable.
  struct timespec wall, t0, t1;
  clock_gettime(CLOCK_REALTIME, &wall);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  unsigned char r1[32], r2[32];
  int entropy = getentropy(r1, sizeof r1) == 0 && getentropy(r2, sizeof r2) == 0;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  int forward = t1.tv_sec > t0.tv_sec || (t1.tv_sec == t0.tv_sec && t1.tv_nsec >= t0.tv_nsec);
  printf("realtime after 2024: %s\n", wall.tv_sec > 1704067200 ? "yes" : "no");
  printf("monotonic forward: %s\n", forward ? "yes" : "no");
  printf("random differs: %s\n", entropy && memcmp(r1, r2, sizeof r1) != 0 ? "yes" : "no");

  fprintf(stderr, "to stderr\n");
  const char *code = getenv("LB_EXIT");
  return code ? atoi(code) : 0;
}
