/* Recursive fib: calls and returns. */
#include "kernel.h"
static volatile int input = 0;

void setup(void) { input = 39; }

__attribute__((noinline)) static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

uint32_t run(void) { return fib((uint32_t)input); } /* fib(39) = 63,245,986 */
