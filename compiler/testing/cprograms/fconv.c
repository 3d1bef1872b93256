/* Conversions in every direction between i32, u32, i64, u64, float and double, rounding
 * operators, and bit reinterpretation. Every cast here is defined in C: a value goes to an integer
 * type only when it is in range (scaled there on purpose), so no saturating or trapping case is
 * reached; no NaN is produced, so results are deterministic across engines. */
#include "common.h"

static inline u32 float_bits(float f) {
  u32 u;
  __builtin_memcpy(&u, &f, 4);
  return u;
}
static inline u64 double_bits(double d) {
  u64 u;
  __builtin_memcpy(&u, &d, 8);
  return u;
}
static inline float bits_float(u32 u) {
  float f;
  __builtin_memcpy(&f, &u, 4);
  return f;
}

static inline u64 mix(u64 h, u64 v) {
  return (h ^ v) * 0x100000001B3ull + (h >> 29);
}

/* A hash of the bit patterns of every conversion of n generated inputs. */
EXPORT("conv_mix") i64 conv_mix(int n, int seed) {
  u32 s = (u32)seed;
  u64 h = 0;
  for (int i = 0; i < n; i++) {
    u32 a = lcg_next(&s), b = lcg_next(&s);
    u64 w = ((u64)a << 32 | b) >> (b & 63);
    i64 sw = (i64)(w ^ ((u64)(a & 1) << 63)); /* defined: the conversion wraps (two's complement) */

    /* Integers to floats, signed and unsigned, 32 and 64 bits. */
    float f1 = (float)(int)a, f2 = (float)a, f3 = (float)sw, f4 = (float)w;
    double d1 = (double)(int)a, d2 = (double)a, d3 = (double)sw, d4 = (double)w;
    h = mix(h, float_bits(f1));
    h = mix(h, float_bits(f2));
    h = mix(h, float_bits(f3));
    h = mix(h, float_bits(f4));
    h = mix(h, double_bits(d1));
    h = mix(h, double_bits(d2));
    h = mix(h, double_bits(d3));
    h = mix(h, double_bits(d4));

    /* Floats back to integers, each scaled into its target's range first. */
    h = mix(h, (u64)(int)(f1 * 0.5f));
    h = mix(h, (u64)(u32)(f2 * 0.5f));
    h = mix(h, (u64)(i64)(f3 * 0.5f));
    h = mix(h, (u64)(f4 * 0.5f));
    h = mix(h, (u64)(f4 * 0.99f)); /* reaches past 2^63: the unsigned path */
    h = mix(h, (u64)(int)(d1 * 0.75));
    h = mix(h, (u64)(u32)(d2 * 0.999));
    h = mix(h, (u64)(i64)(d3 * 0.5));
    h = mix(h, (u64)(d4 * 0.5));
    h = mix(h, (u64)(d4 * 0.99));

    /* float <-> double, both ways, including values float cannot hold exactly. */
    double promoted = (double)f4 + (double)f3;
    float demoted = (float)(d3 * 1.0000001);
    float tiny = (float)(d2 * 0x1p-160); /* subnormal floats */
    h = mix(h, double_bits(promoted));
    h = mix(h, float_bits(demoted));
    h = mix(h, float_bits(tiny));

    /* Finite floats made from bits (the top exponent bit cleared: no infinity or NaN), and back. */
    float r = bits_float(a & 0xBFFFFFFFu);
    h = mix(h, float_bits(r * 3.0f));
    h = mix(h, double_bits((double)r * (double)r));
  }
  return (i64)h;
}

/* Rounding and sign operators, f32 and f64, on values with fractions in every direction. */
EXPORT("rounding_mix") i64 rounding_mix(int n, int seed) {
  u32 s = (u32)seed;
  u64 h = 0;
  for (int i = 0; i < n; i++) {
    double d = ((double)(int)lcg_next(&s)) * 0x1p-12; /* |d| < 2^19, with fractions */
    float f = (float)d;
    h = mix(h, double_bits(__builtin_floor(d)));
    h = mix(h, double_bits(__builtin_ceil(d)));
    h = mix(h, double_bits(__builtin_trunc(d)));
    h = mix(h, double_bits(__builtin_nearbyint(d)));
    h = mix(h, double_bits(__builtin_nearbyint(d * 0.5 + 0.5))); /* ties to even */
    h = mix(h, double_bits(__builtin_fabs(d)));
    h = mix(h, double_bits(__builtin_copysign(3.5, d)));
    h = mix(h, double_bits(__builtin_sqrt(__builtin_fabs(d))));
    h = mix(h, float_bits(__builtin_floorf(f)));
    h = mix(h, float_bits(__builtin_ceilf(f)));
    h = mix(h, float_bits(__builtin_truncf(f)));
    h = mix(h, float_bits(__builtin_nearbyintf(f)));
    h = mix(h, float_bits(__builtin_fabsf(f)));
    h = mix(h, float_bits(__builtin_copysignf(1.25f, -f)));
    h = mix(h, float_bits(__builtin_sqrtf(__builtin_fabsf(f))));
    h = mix(h, float_bits(-f / 3.0f));
    h = mix(h, (u64)(f < (float)(d * 0.5)) | (u64)(d >= (double)f) << 1 | (u64)(f != f * 1.0f) << 2);
  }
  return (i64)h;
}

/* min, max, copysign, negation and every comparison, signed zeros included (no NaN: the sign of
 * a NaN from min/max is not deterministic). min(-0, +0) is -0 in WebAssembly and in C's fmin. */
EXPORT("minmax_mix") i64 minmax_mix(int n, int seed) {
  u32 s = (u32)seed;
  u64 h = 0;
  for (int i = 0; i < n; i++) {
    double x = (double)(int)lcg_next(&s) * 0x1p-20, y = (double)(int)lcg_next(&s) * 0x1p-20;
    if ((i & 3) == 0) {
      x = i & 4 ? -0.0 : 0.0;
      y = i & 8 ? -0.0 : 0.0;
    } else if ((i & 3) == 1) {
      y = x;
    }
    float fx = (float)x, fy = (float)y;
    h = mix(h, double_bits(FMIN(x, y)));
    h = mix(h, double_bits(FMAX(x, y)));
    h = mix(h, float_bits(FMINF(fx, fy)));
    h = mix(h, float_bits(FMAXF(fx, fy)));
    h = mix(h, double_bits(__builtin_copysign(x, y)));
    h = mix(h, float_bits(__builtin_copysignf(fx, fy)));
    h = mix(h, double_bits(-x) ^ float_bits(-fy));
    h = mix(h, (u64)(x <= y) | (u64)(x == y) << 1 | (u64)(fx != fy) << 2 | (u64)(fx <= fy) << 3 |
                   (u64)(fx >= fy) << 4 | (u64)(x != y) << 5 | (u64)(fx == fy) << 6 | (u64)(x > y) << 7);
  }
  return (i64)h;
}

/* One u64 to double and to float: the exact rounding of the unsigned 64-bit conversions. */
EXPORT("u64_to_f64") double u64_to_f64(u64 x) {
  return (double)x;
}
EXPORT("u64_to_f32") float u64_to_f32(u64 x) {
  return (float)x;
}
EXPORT("i64_to_f32") float i64_to_f32(i64 x) {
  return (float)x;
}

/* A double's bits in, its u64 conversion out when that is defined, else 0. */
EXPORT("f64_bits_to_u64") i64 f64_bits_to_u64(i64 bits) {
  double d;
  __builtin_memcpy(&d, &bits, 8);
  return d > -1.0 && d < 18446744073709551616.0 ? (i64)(u64)d : 0;
}

/* A float's bits in, its i32 conversion out when that is defined, else 0. */
EXPORT("f32_bits_to_i32") int f32_bits_to_i32(int bits) {
  float f = bits_float((u32)bits);
  return f > -2147483904.0f && f < 2147483648.0f ? (int)f : 0;
}

/* Sums in float and in double of the same series: demotion and promotion errors, as an f32. */
EXPORT("float_series") float float_series(int n) {
  float sum = 0;
  double dsum = 0;
  for (int i = 1; i <= n; i++) {
    sum += 1.0f / (float)i;
    dsum += 1.0 / (double)i;
  }
  return sum - (float)dsum + (float)(dsum - (double)sum) * 1024.0f;
}
