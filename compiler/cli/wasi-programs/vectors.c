// A WASI command that computes with explicit 128-bit SIMD (wasm_simd128.h), built with -msimd128:
// the `lightbeam run` test compares its output with Node's WASI on V8.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasm_simd128.h>

// How many times `c` occurs in s, sixteen bytes at a time.
static int count_byte(const char *s, size_t n, char c) {
  int count = 0;
  v128_t needle = wasm_i8x16_splat(c);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t hits = wasm_i8x16_eq(wasm_v128_load(s + i), needle);
    count += __builtin_popcount(wasm_i8x16_bitmask(hits));
  }
  for (; i < n; i++) count += s[i] == c;
  return count;
}

static int32_t dot(const int16_t *a, const int16_t *b, int n) {
  v128_t acc = wasm_i32x4_splat(0);
  for (int i = 0; i < n; i += 8) acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  return wasm_i32x4_extract_lane(acc, 0) + wasm_i32x4_extract_lane(acc, 1) + wasm_i32x4_extract_lane(acc, 2) + wasm_i32x4_extract_lane(acc, 3);
}

static void show(const char *what, v128_t v) {
  uint8_t b[16];
  wasm_v128_store(b, v);
  printf("%s:", what);
  for (int i = 0; i < 16; i++) printf(" %02x", b[i]);
  printf("\n");
}

int main(int argc, char **argv) {
  const char *text = argc > 1 ? argv[1] : "the quick brown fox jumps over the lazy dog, then the dog sleeps";
  printf("'e' in text: %d\n", count_byte(text, strlen(text), 'e'));
  int16_t a[32], b[32];
  for (int i = 0; i < 32; i++) a[i] = (int16_t)(i * 1000 - 15000), b[i] = (int16_t)(i * i - 300);
  printf("dot: %d\n", dot(a, b, 32));
  v128_t x = wasm_i8x16_make(-128, -1, 0, 1, 127, 100, -100, 50, 2, 4, 8, 16, 32, 64, -64, -32);
  v128_t y = wasm_i8x16_splat(100);
  show("add_sat_s", wasm_i8x16_add_sat(x, y));
  show("sub_sat_u", wasm_u8x16_sub_sat(x, y));
  show("shuffle", wasm_i8x16_shuffle(x, y, 15, 0, 14, 1, 13, 2, 12, 3, 16, 17, 4, 5, 31, 30, 6, 7));
  show("swizzle", wasm_i8x16_swizzle(x, wasm_i8x16_make(3, 2, 1, 0, 16, 20, -1, 7, 8, 9, 10, 11, 12, 13, 14, 15)));
  show("shr_s 3", wasm_i8x16_shr(x, 3));
  show("narrow", wasm_i8x16_narrow_i16x8(wasm_i16x8_make(-300, -128, -1, 0, 1, 127, 128, 300), wasm_i16x8_splat(1000)));
  v128_t f = wasm_f32x4_make(1.5f, -0.0f, 3.25f, -7.0f);
  v128_t g = wasm_f32x4_make(-2.5f, 0.0f, 3.25f, 1e30f);
  show("f32x4.min", wasm_f32x4_min(f, g));
  show("f32x4.max", wasm_f32x4_max(f, g));
  show("trunc_sat", wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_mul(g, wasm_f32x4_splat(1e10f))));
  show("f64x2 sqrt", wasm_f64x2_sqrt(wasm_f64x2_make(2.0, 1e300)));
  show("i64x2.mul", wasm_i64x2_mul(wasm_i64x2_make(0x123456789LL, -3), wasm_i64x2_make(0x987654321LL, 0x7fffffffffffffffLL)));
  printf("all_true: %d, any_true: %d\n", wasm_i32x4_all_true(wasm_i32x4_make(1, 2, 3, 0)), wasm_v128_any_true(wasm_i32x4_make(0, 0, 4, 0)));
  return 0;
}
