// A command that traps (unreachable) after printing.
#include <stdio.h>

__attribute__((noinline)) static void fail(int x) {
  if (x > 0) __builtin_trap();
}

int main(int argc, char **argv) {
  (void)argv;
  printf("before the trap\n");
  fflush(stdout);
  fail(argc);
  return 0;
}
