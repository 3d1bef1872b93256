/* N-body: five bodies (the Sun and the four giant planets) under gravity, leapfrog steps;
   the total energy before and after is the checksum. */
#include "kernel.h"
#define STEPS 3000000
#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24
#define NB 5

typedef struct { double x, y, z, vx, vy, vz, mass; } Body;
static Body bodies[NB];

void setup(void) {
  static const double init[NB][7] = {
    {0, 0, 0, 0, 0, 0, 1},
    {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 1.66007664274403694e-03,
     7.69901118419740425e-03, -6.90460016972063023e-05, 9.54791938424326609e-04},
    {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -2.76742510726862411e-03,
     4.99852801234917238e-03, 2.30417297573763929e-05, 2.85885980666130812e-04},
    {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 2.96460137564761618e-03,
     2.37847173959480950e-03, -2.96589568540237556e-05, 4.36624404335156298e-05},
    {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 2.68067772490389322e-03,
     1.62824170038242295e-03, -9.51592254519715870e-05, 5.15138902046611451e-05},
  };
  for (int i = 0; i < NB; i++) {
    Body *b = &bodies[i];
    b->x = init[i][0], b->y = init[i][1], b->z = init[i][2];
    b->vx = init[i][3] * DAYS_PER_YEAR, b->vy = init[i][4] * DAYS_PER_YEAR, b->vz = init[i][5] * DAYS_PER_YEAR;
    b->mass = init[i][6] * SOLAR_MASS;
  }
  double px = 0, py = 0, pz = 0;
  for (int i = 0; i < NB; i++) px += bodies[i].vx * bodies[i].mass, py += bodies[i].vy * bodies[i].mass, pz += bodies[i].vz * bodies[i].mass;
  bodies[0].vx = -px / SOLAR_MASS, bodies[0].vy = -py / SOLAR_MASS, bodies[0].vz = -pz / SOLAR_MASS;
}

static double energy(void) {
  double e = 0;
  for (int i = 0; i < NB; i++) {
    Body *b = &bodies[i];
    e += 0.5 * b->mass * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
    for (int j = i + 1; j < NB; j++) {
      Body *c = &bodies[j];
      double dx = b->x - c->x, dy = b->y - c->y, dz = b->z - c->z;
      e -= b->mass * c->mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

static void advance(double dt) {
  for (int i = 0; i < NB; i++) {
    Body *b = &bodies[i];
    for (int j = i + 1; j < NB; j++) {
      Body *c = &bodies[j];
      double dx = b->x - c->x, dy = b->y - c->y, dz = b->z - c->z;
      double d2 = dx * dx + dy * dy + dz * dz;
      double mag = dt / (d2 * __builtin_sqrt(d2));
      b->vx -= dx * c->mass * mag, b->vy -= dy * c->mass * mag, b->vz -= dz * c->mass * mag;
      c->vx += dx * b->mass * mag, c->vy += dy * b->mass * mag, c->vz += dz * b->mass * mag;
    }
  }
  for (int i = 0; i < NB; i++) {
    Body *b = &bodies[i];
    b->x += dt * b->vx, b->y += dt * b->vy, b->z += dt * b->vz;
  }
}

uint32_t run(void) {
  double before = energy();
  for (int s = 0; s < STEPS; s++) advance(0.01);
  double after = energy();
  if (!(after < 0 && before < 0 && after - before < 1e-4 && before - after < 1e-4)) return KERNEL_FAILED;
  return fold_double(fold_double(2166136261u, before), after);
}
