/* CSV parsing: a generated table of records (integers, decimals, quoted strings with doubled
   quotes and embedded commas) parsed field by field; integers summed, decimals parsed to
   fixed point, string lengths counted. */
#include "kernel.h"
#define ROWS 150000
#define CAP (ROWS * 64)
#define REPEAT 36
static char text[CAP];
static int text_len;

static int put_uint(char *p, uint32_t v) {
  char tmp[12];
  int n = 0;
  do tmp[n++] = (char)('0' + v % 10), v /= 10; while (v);
  for (int i = 0; i < n; i++) p[i] = tmp[n - 1 - i];
  return n;
}

void setup(void) {
  rng_seed(9);
  char *p = text;
  for (int r = 0; r < ROWS; r++) {
    p += put_uint(p, r);                                      /* id */
    *p++ = ',';
    if (rng_next() & 1) *p++ = '-';
    p += put_uint(p, rng_next() % 100000);                    /* amount */
    *p++ = ',';
    p += put_uint(p, rng_next() % 1000), *p++ = '.';          /* price with two decimals */
    uint32_t cents = rng_next() % 100;
    *p++ = (char)('0' + cents / 10), *p++ = (char)('0' + cents % 10);
    *p++ = ',';
    *p++ = '"';                                               /* a quoted name */
    int len = 3 + (int)(rng_next() % 12);
    for (int i = 0; i < len; i++) {
      uint32_t c = rng_next() % 40;
      if (c == 0) *p++ = '"', *p++ = '"';
      else if (c == 1) *p++ = ',';
      else *p++ = (char)('a' + c % 26);
    }
    *p++ = '"';
    *p++ = '\n';
  }
  text_len = (int)(p - text);
}

static uint32_t parse(void) {
  int64_t sum_int = 0, sum_cents = 0;
  uint32_t fields = 0, string_chars = 0, rows = 0;
  int i = 0, col = 0;
  while (i < text_len) {
    char c = text[i];
    if (c == '"') {                                           /* quoted field */
      i++;
      for (;;) {
        if (text[i] == '"') {
          if (text[i + 1] == '"') string_chars++, i += 2;
          else { i++; break; }
        } else string_chars++, i++;
      }
    } else {                                                  /* number: [-]digits[.digits] */
      int neg = 0;
      if (c == '-') neg = 1, i++;
      int64_t v = 0, scale = 0, frac = 0;
      while (text[i] >= '0' && text[i] <= '9') v = v * 10 + (text[i++] - '0');
      if (text[i] == '.') {
        i++, frac = 1;
        while (text[i] >= '0' && text[i] <= '9') v = v * 10 + (text[i++] - '0'), scale++;
      }
      if (neg) v = -v;
      if (frac) sum_cents += v * (scale == 2 ? 1 : 10);
      else sum_int += v * (col + 1);
    }
    fields++;
    if (text[i] == ',') i++, col++;
    else if (text[i] == '\n') i++, col = 0, rows++;
    else return KERNEL_FAILED;
  }
  if (rows != ROWS || fields != ROWS * 4) return KERNEL_FAILED;
  return (uint32_t)sum_int ^ (uint32_t)(sum_int >> 32) ^ (uint32_t)sum_cents * 7u ^ string_chars * 131u;
}

uint32_t run(void) {
  uint32_t h = 0;
  for (int r = 0; r < REPEAT; r++) h = h * 31u + parse();
  return h;
}
