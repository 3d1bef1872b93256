/* The two libc routines the freestanding builds may need, written out (compiled with -fno-builtin
 * so clang does not turn these loops back into calls to themselves). */
#include "common.h"

void *memcpy(void *dst, const void *src, usize n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

void *memset(void *dst, int c, usize n) {
  unsigned char *d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}
