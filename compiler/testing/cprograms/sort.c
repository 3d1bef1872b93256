/* Sorting through function pointers: a generic quicksort (median of three, insertion sort for
 * short runs) that takes an element size and a comparator, like qsort; comparators over ints,
 * unsigned ints, floats, doubles and a struct, picked at run time from tables (call_indirect).
 * Every comparator is a total order on the generated data, so any correct sort gives one answer. */
#include "common.h"

#define MAX_ELEMENTS 4096

typedef int (*compare_fn)(const void *, const void *);

typedef struct {
  int key;
  float weight;
  double value;
} Record;

static int ints[MAX_ELEMENTS];
static float floats[MAX_ELEMENTS];
static double doubles[MAX_ELEMENTS];
static Record records[MAX_ELEMENTS];

static void swap_bytes(unsigned char *a, unsigned char *b, usize size) {
  while (size--) {
    unsigned char t = *a;
    *a++ = *b;
    *b++ = t;
  }
}

__attribute__((noinline)) static void sort(void *base, usize n, usize size, compare_fn cmp) {
  unsigned char *lo = base;
  while (n > 8) {
    unsigned char *mid = lo + (n / 2) * size, *hi = lo + (n - 1) * size;
    /* Median of three into mid, then Hoare's partition around a copy-free pivot at lo. */
    if (cmp(mid, lo) < 0) swap_bytes(mid, lo, size);
    if (cmp(hi, mid) < 0) {
      swap_bytes(hi, mid, size);
      if (cmp(mid, lo) < 0) swap_bytes(mid, lo, size);
    }
    swap_bytes(lo, mid, size);
    unsigned char *i = lo, *j = hi + size;
    for (;;) {
      do i += size; while (i <= hi && cmp(i, lo) < 0);
      do j -= size; while (cmp(j, lo) > 0);
      if (i >= j) break;
      swap_bytes(i, j, size);
    }
    swap_bytes(lo, j, size);
    usize left = (usize)(j - lo) / size, right = n - left - 1;
    /* Recurse into the smaller side, loop on the larger: the depth stays logarithmic. */
    if (left < right) {
      sort(lo, left, size, cmp);
      lo = j + size;
      n = right;
    } else {
      sort(j + size, right, size, cmp);
      n = left;
    }
  }
  for (usize k = 1; k < n; k++)
    for (unsigned char *p = lo + k * size; p > lo && cmp(p - size, p) > 0; p -= size) swap_bytes(p - size, p, size);
}

static int int_ascending(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
static int int_descending(const void *a, const void *b) {
  return int_ascending(b, a);
}
/* By the number of set bits, then by unsigned value. */
static int by_popcount(const void *a, const void *b) {
  u32 x = *(const u32 *)a, y = *(const u32 *)b;
  int px = __builtin_popcount(x), py = __builtin_popcount(y);
  if (px != py) return px - py;
  return (x > y) - (x < y);
}
/* By the low 8 bits, then by the whole value descending. */
static int by_low_byte(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  if ((x & 0xFF) != (y & 0xFF)) return (x & 0xFF) - (y & 0xFF);
  return (y > x) - (y < x);
}
static int float_ascending(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}
static int float_by_magnitude(const void *a, const void *b) {
  float x = __builtin_fabsf(*(const float *)a), y = __builtin_fabsf(*(const float *)b);
  if (x != y) return (x > y) - (x < y);
  return float_ascending(a, b);
}
static int double_ascending(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
static int double_descending(const void *a, const void *b) {
  return double_ascending(b, a);
}
static int record_by_key_then_value(const void *a, const void *b) {
  const Record *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  if (x->value != y->value) return x->value < y->value ? -1 : 1;
  return (x->weight > y->weight) - (x->weight < y->weight);
}
static int record_by_weight(const void *a, const void *b) {
  const Record *x = a, *y = b;
  if (x->weight != y->weight) return x->weight < y->weight ? -1 : 1;
  return record_by_key_then_value(a, b);
}

static compare_fn const int_comparators[] = {int_ascending, int_descending, by_popcount, by_low_byte};
static compare_fn const float_comparators[] = {float_ascending, float_by_magnitude};
static compare_fn const double_comparators[] = {double_ascending, double_descending};
static compare_fn const record_comparators[] = {record_by_key_then_value, record_by_weight};

static int clamp_count(int n) {
  return n < 0 ? 0 : n > MAX_ELEMENTS ? MAX_ELEMENTS : n;
}

/* -1 when a neighbouring pair is out of order, else a position-weighted sum of the elements. */
static i64 check_ints(int n, compare_fn cmp) {
  i64 sum = 0;
  for (int i = 0; i < n; i++) {
    if (i > 0 && cmp(&ints[i - 1], &ints[i]) > 0) return -1;
    sum += (i64)(i + 1) * ints[i];
  }
  return sum;
}

static void fill_ints(int n, u32 seed) {
  u32 s = seed;
  for (int i = 0; i < n; i++) ints[i] = (int)lcg_next(&s) >> (i & 15);
}

/* Sort n generated ints with comparator `which` (taken modulo the table). */
EXPORT("sort_ints") i64 sort_ints(int n, int seed, int which) {
  n = clamp_count(n);
  compare_fn cmp = int_comparators[(u32)which % 4];
  fill_ints(n, (u32)seed);
  sort(ints, (usize)n, sizeof ints[0], cmp);
  return check_ints(n, cmp);
}

#ifndef BARE
/* The same through wasi-libc's qsort: the answer must match sort_ints. */
EXPORT("sort_ints_libc") i64 sort_ints_libc(int n, int seed, int which) {
  n = clamp_count(n);
  compare_fn cmp = int_comparators[(u32)which % 4];
  fill_ints(n, (u32)seed);
  qsort(ints, (usize)n, sizeof ints[0], cmp);
  return check_ints(n, cmp);
}
#endif

/* Floats from the generator, both signs, distinct magnitudes on the whole; returns a float checksum. */
EXPORT("sort_floats") float sort_floats(int n, int seed, int which) {
  n = clamp_count(n);
  compare_fn cmp = float_comparators[(u32)which % 2];
  u32 s = (u32)seed;
  for (int i = 0; i < n; i++) floats[i] = (float)((int)lcg_next(&s)) * 0x1p-20f;
  sort(floats, (usize)n, sizeof floats[0], cmp);
  float sum = 0;
  for (int i = 0; i < n; i++) {
    if (i > 0 && cmp(&floats[i - 1], &floats[i]) > 0) return -1.0f;
    sum = sum * 0.5f + floats[i] * (float)(i & 7);
  }
  return sum;
}

EXPORT("sort_doubles") double sort_doubles(int n, int seed, int which) {
  n = clamp_count(n);
  compare_fn cmp = double_comparators[(u32)which % 2];
  u32 s = (u32)seed;
  for (int i = 0; i < n; i++) doubles[i] = lcg_unit(&s) * 1000.0 - 500.0 + (double)i * 1e-9;
  sort(doubles, (usize)n, sizeof doubles[0], cmp);
  double sum = 0;
  for (int i = 0; i < n; i++) {
    if (i > 0 && cmp(&doubles[i - 1], &doubles[i]) > 0) return -1.0;
    sum += doubles[i] * (i + 1);
  }
  return sum;
}

/* 16-byte records (an int key with few values, a float, a double) moved by byte swaps. */
EXPORT("sort_records") i64 sort_records(int n, int seed, int which) {
  n = clamp_count(n);
  compare_fn cmp = record_comparators[(u32)which % 2];
  u32 s = (u32)seed;
  for (int i = 0; i < n; i++) {
    records[i].key = (int)(lcg_next(&s) % 17u);
    records[i].weight = (float)(lcg_next(&s) % 1000u) * 0.25f;
    records[i].value = lcg_unit(&s);
  }
  sort(records, (usize)n, sizeof records[0], cmp);
  u64 h = 0;
  for (int i = 0; i < n; i++) {
    if (i > 0 && cmp(&records[i - 1], &records[i]) > 0) return -1;
    h = h * 1000003u + (u64)(records[i].key * 7919) + (u64)(records[i].weight * 4.0f) + (u64)(records[i].value * 1e6);
  }
  return (i64)h;
}

/* Binary operators through a table of pointers to functions of another signature. */
typedef i64 (*binop_fn)(i64, i64);
static i64 op_add(i64 a, i64 b) { return (i64)((u64)a + (u64)b); }
static i64 op_sub(i64 a, i64 b) { return (i64)((u64)a - (u64)b); }
static i64 op_mul(i64 a, i64 b) { return (i64)((u64)a * (u64)b); }
static i64 op_xor_rot(i64 a, i64 b) { return a ^ (i64)(((u64)b << 13) | ((u64)b >> 51)); }
static binop_fn const binops[] = {op_add, op_sub, op_mul, op_xor_rot};

EXPORT("fold_ops") i64 fold_ops(int n, int seed) {
  u32 s = (u32)seed;
  i64 acc = seed;
  for (int i = 0; i < n; i++) acc = binops[lcg_next(&s) >> 30](acc, (i64)lcg_next(&s) + 1);
  return acc;
}
