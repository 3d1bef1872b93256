/* Base64: encode a buffer of random bytes, decode it back, compare; several times over. */
#include "kernel.h"
#define LEN (3 * 400000)
#define REPEAT 100
static unsigned char raw[LEN], back[LEN];
static char text[LEN / 3 * 4];
static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static signed char value_of[256];

void setup(void) {
  rng_seed(8);
  for (int i = 0; i < LEN; i++) raw[i] = (unsigned char)(rng_next() >> 24);
  for (int i = 0; i < 256; i++) value_of[i] = -1;
  for (int i = 0; i < 64; i++) value_of[(unsigned char)alphabet[i]] = (signed char)i;
}

static int encode(const unsigned char *in, int n, char *out) {
  int o = 0;
  for (int i = 0; i + 2 < n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
    out[o++] = alphabet[v >> 18], out[o++] = alphabet[(v >> 12) & 63];
    out[o++] = alphabet[(v >> 6) & 63], out[o++] = alphabet[v & 63];
  }
  return o;
}

static int decode(const char *in, int n, unsigned char *out) {
  int o = 0;
  for (int i = 0; i + 3 < n; i += 4) {
    int a = value_of[(unsigned char)in[i]], b = value_of[(unsigned char)in[i + 1]];
    int c = value_of[(unsigned char)in[i + 2]], d = value_of[(unsigned char)in[i + 3]];
    if ((a | b | c | d) < 0) return -1;
    uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
    out[o++] = (unsigned char)(v >> 16), out[o++] = (unsigned char)(v >> 8), out[o++] = (unsigned char)v;
  }
  return o;
}

uint32_t run(void) {
  uint32_t h = 0;
  for (int r = 0; r < REPEAT; r++) {
    raw[r] ^= (unsigned char)r;
    int n = encode(raw, LEN, text);
    if (decode(text, n, back) != LEN) return KERNEL_FAILED;
    for (int i = 0; i < LEN; i++)
      if (back[i] != raw[i]) return KERNEL_FAILED;
    for (int i = 0; i < n; i += 97) h = h * 31u + (unsigned char)text[i];
  }
  return h;
}
