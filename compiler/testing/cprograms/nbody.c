/* An n-body simulation in doubles: pairwise gravity with a softened 1/r^3 (sqrt, division),
 * symplectic Euler steps, and the total energy as the checksum. */
#include "common.h"

#define MAX_BODIES 32

typedef struct {
  double x, y, z;
  double vx, vy, vz;
  double mass;
} Body;

static Body bodies[MAX_BODIES];

static int clamp_count(int n) {
  return n < 2 ? 2 : n > MAX_BODIES ? MAX_BODIES : n;
}

/* Bodies on a jittered ring with small velocities; the total momentum is then removed. */
static void init_bodies(int n, u32 seed) {
  u32 s = seed * 2654435761u + 1;
  double px = 0, py = 0, pz = 0, total = 0;
  for (int i = 0; i < n; i++) {
    Body *b = &bodies[i];
    double angle = 6.283185307179586 * i / n;
    double radius = 1.0 + lcg_unit(&s);
    /* A cheap cosine and sine from the series: enough for a starting layout. */
    double a2 = (angle - 3.141592653589793) * (angle - 3.141592653589793);
    double c = -(1 - a2 / 2 + a2 * a2 / 24 - a2 * a2 * a2 / 720);
    double t = angle - 3.141592653589793;
    double sn = -(t - t * t * t / 6 + t * t * t * t * t / 120);
    b->x = radius * c;
    b->y = radius * sn;
    b->z = lcg_unit(&s) - 0.5;
    b->vx = (lcg_unit(&s) - 0.5) * 0.1;
    b->vy = (lcg_unit(&s) - 0.5) * 0.1;
    b->vz = (lcg_unit(&s) - 0.5) * 0.1;
    b->mass = 0.5 + lcg_unit(&s);
    px += b->vx * b->mass;
    py += b->vy * b->mass;
    pz += b->vz * b->mass;
    total += b->mass;
  }
  for (int i = 0; i < n; i++) {
    bodies[i].vx -= px / total;
    bodies[i].vy -= py / total;
    bodies[i].vz -= pz / total;
  }
}

static void advance(int n, double dt) {
  for (int i = 0; i < n; i++) {
    Body *a = &bodies[i];
    for (int j = i + 1; j < n; j++) {
      Body *b = &bodies[j];
      double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
      double d2 = dx * dx + dy * dy + dz * dz + 0.01;
      double mag = dt / (d2 * SQRT(d2));
      a->vx -= dx * b->mass * mag;
      a->vy -= dy * b->mass * mag;
      a->vz -= dz * b->mass * mag;
      b->vx += dx * a->mass * mag;
      b->vy += dy * a->mass * mag;
      b->vz += dz * a->mass * mag;
    }
  }
  for (int i = 0; i < n; i++) {
    Body *b = &bodies[i];
    b->x += dt * b->vx;
    b->y += dt * b->vy;
    b->z += dt * b->vz;
  }
}

static double energy(int n) {
  double e = 0;
  for (int i = 0; i < n; i++) {
    const Body *a = &bodies[i];
    e += 0.5 * a->mass * (a->vx * a->vx + a->vy * a->vy + a->vz * a->vz);
    for (int j = i + 1; j < n; j++) {
      const Body *b = &bodies[j];
      double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
      e -= a->mass * b->mass / SQRT(dx * dx + dy * dy + dz * dz + 0.01);
    }
  }
  return e;
}

/* The energy after `steps` steps of n bodies started from `seed`. */
EXPORT("nbody_energy") double nbody_energy(int n, int steps, int seed) {
  n = clamp_count(n);
  init_bodies(n, (u32)seed);
  for (int k = 0; k < steps; k++) advance(n, 0.01);
  return energy(n);
}

/* A checksum of every position after the run, weighted by index so a swap shows. */
EXPORT("nbody_positions") double nbody_positions(int n, int steps, int seed) {
  n = clamp_count(n);
  init_bodies(n, (u32)seed);
  for (int k = 0; k < steps; k++) advance(n, 0.005);
  double sum = 0;
  for (int i = 0; i < n; i++) sum += (i + 1) * (bodies[i].x + 2 * bodies[i].y + 3 * bodies[i].z);
  return sum;
}

/* The bit pattern of the final energy folded into an i64, so the JS side sees an exact integer. */
EXPORT("nbody_energy_bits") i64 nbody_energy_bits(int n, int steps, int seed) {
  double e = nbody_energy(n, steps, seed);
  i64 bits;
  __builtin_memcpy(&bits, &e, sizeof bits);
  return bits ^ (bits >> 29);
}
