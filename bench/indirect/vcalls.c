/* Virtual dispatch, as C++ compiles it: shapes whose objects point at a table of function
   pointers (a vtable), visited 20,480,000 times with two indirect calls each (area and scale),
   to six small functions. The shapes' kinds are random, so no call is turned into a direct one and
   the branch predictor cannot learn the order. Every call stays in one instance (the common case
   for call_indirect). For bench/indirect-calls.ts (checksum 1933011258); built with
   clang --target=wasm32 -nostdlib -O2 -Wl,--no-entry -Wl,-z,stack-size=1048576
     -o bench/indirect/vcalls.wasm bench/indirect/vcalls.c bench/kernels/wasmlibc.c */
#include "../kernels/kernel.h"

typedef struct Shape Shape;
typedef struct {
  uint32_t (*area)(const Shape *);
  void (*scale)(Shape *, uint32_t);
} VTable;
struct Shape {
  const VTable *vt;
  uint32_t a, b;
};

__attribute__((noinline)) static uint32_t square_area(const Shape *s) { return s->a * s->a; }
__attribute__((noinline)) static uint32_t rect_area(const Shape *s) { return s->a * s->b; }
__attribute__((noinline)) static uint32_t tri_area(const Shape *s) { return (s->a * s->b) >> 1; }
__attribute__((noinline)) static uint32_t circle_area(const Shape *s) { return (s->a * s->a * 355u) / 113u; }
__attribute__((noinline)) static void scale_one(Shape *s, uint32_t k) { s->a = (s->a + k) & 1023; }
__attribute__((noinline)) static void scale_both(Shape *s, uint32_t k) {
  s->a = (s->a + k) & 1023;
  s->b = (s->b ^ k) & 1023;
}

static const VTable SQUARE = { square_area, scale_one };
static const VTable RECT = { rect_area, scale_both };
static const VTable TRI = { tri_area, scale_both };
static const VTable CIRCLE = { circle_area, scale_one };
static const VTable *const KINDS[4] = { &SQUARE, &RECT, &TRI, &CIRCLE };

#define COUNT 1024
#define ROUNDS 20000 /* 2 * COUNT * ROUNDS = 40,960,000 indirect calls */
static Shape shapes[COUNT];

void setup(void) {
  rng_seed(12345);
  for (int i = 0; i < COUNT; i++) {
    shapes[i].vt = KINDS[rng_next() & 3];
    shapes[i].a = rng_next() & 1023;
    shapes[i].b = rng_next() & 1023;
  }
}

uint32_t run(void) {
  uint32_t h = 2166136261u;
  for (uint32_t r = 0; r < ROUNDS; r++) {
    for (int i = 0; i < COUNT; i++) {
      Shape *s = &shapes[i];
      h = (h ^ s->vt->area(s)) * 16777619u;
      s->vt->scale(s, r);
    }
  }
  return h;
}
