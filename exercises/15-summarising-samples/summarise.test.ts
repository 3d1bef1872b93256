// Checks for exercise 15. The first check's expected numbers are the committed benchmark run
// (bench/results/latest.json, written by bench/run.ts); the others are small runs made up so that
// each rule of the report gives a different answer from its plausible mistakes, with the answers
// worked out by hand in the comments.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { defineExercise, type Check } from '../harness.ts';
import type { Measurement, Report } from './summarise.ts';

interface Impl {
  summarise(measurements: readonly Measurement[], expected: Readonly<Record<string, number>>, baseline: string): Report;
}

const CHECKSUM = 42;
/** Measurements of one kernel on one engine, one per round; a number is an accepted run, an object overrides fields. */
function runs(kernel: string, engine: string, rounds: (number | Partial<Measurement>)[]): Measurement[] {
  return rounds.map((r, round) => ({ round, kernel, engine, exitCode: 0, checksum: CHECKSUM, seconds: 1, ...(typeof r === 'number' ? { seconds: r } : r) }));
}
/** Interleaved as the harness runs them: round by round, not engine by engine. */
const interleave = (ms: Measurement[]) => [...ms].sort((a, b) => a.round - b.round);

/** Compares numbers to 12 significant digits (a geometric mean may be computed more than one way) and everything else exactly. */
function expectReport(actual: unknown, expected: unknown, what: string, path = 'report'): void {
  if (typeof expected === 'number' && typeof actual === 'number' && Number.isFinite(expected)) {
    expect(Math.abs(actual - expected) <= 1e-12 * Math.abs(expected), `${what}: ${path} is ${actual}, expected ${expected}`).toBe(true);
  } else if (expected && typeof expected === 'object' && actual && typeof actual === 'object') {
    expect(Object.keys(actual).sort(), `${what}: the keys of ${path}`).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expectReport((actual as Record<string, unknown>)[k], v, what, `${path}.${k}`);
  } else {
    expect(actual, `${what}: ${path}`).toEqual(expected);
  }
}

interface Case { name: string; measurements: Measurement[]; expected: Omit<Report, 'failures'> & { failures?: Report['failures'] }; checksums?: Record<string, number> }

const cases: Case[] = [
  {
    // Rounds given out of order; medians 2 and 4, range of lightbeam [2, 6] over native's median 2.
    name: 'three rounds, measured in the order 2, 0, 1',
    measurements: [...runs('k', 'native', [3, 1, 2]), ...runs('k', 'lightbeam', [6, 2, 4])].sort((a, b) => ((a.round + 1) % 3) - ((b.round + 1) % 3)),
    expected: {
      timings: { k: { native: { median: 2, min: 1, max: 3, samples: [3, 1, 2] }, lightbeam: { median: 4, min: 2, max: 6, samples: [6, 2, 4] } } },
      ratios: { k: { lightbeam: { ratio: 2, low: 1, high: 3 } } },
      geomeans: { lightbeam: 2 },
    },
  },
  {
    // An even number of rounds: the median is the mean of the middle two, 2.5 and 5.
    name: 'four rounds',
    measurements: interleave([...runs('k', 'native', [10, 1, 3, 2]), ...runs('k', 'lightbeam', [8, 2, 6, 4])]),
    expected: {
      timings: { k: { native: { median: 2.5, min: 1, max: 10, samples: [10, 1, 3, 2] }, lightbeam: { median: 5, min: 2, max: 8, samples: [8, 2, 6, 4] } } },
      ratios: { k: { lightbeam: { ratio: 2, low: 0.8, high: 3.2 } } },
      geomeans: { lightbeam: 2 },
    },
  },
  {
    // Medians 2 and 3: ratio 1.5. The rounds' own ratios are 4, 1.25 and 0.75, whose median is 1.25.
    name: 'a ratio of medians, not a median of ratios',
    measurements: interleave([...runs('k', 'native', [1, 2, 4]), ...runs('k', 'lightbeam', [4, 2.5, 3])]),
    expected: {
      timings: { k: { native: { median: 2, min: 1, max: 4, samples: [1, 2, 4] }, lightbeam: { median: 3, min: 2.5, max: 4, samples: [4, 2.5, 3] } } },
      ratios: { k: { lightbeam: { ratio: 1.5, low: 1.25, high: 2 } } },
      geomeans: { lightbeam: 1.5 },
    },
  },
  {
    // Twice as slow on one kernel, twice as fast on the other: a geometric mean of 1 (the arithmetic mean is 1.25).
    name: 'twice as slow and twice as fast',
    measurements: interleave([...runs('a', 'native', [1]), ...runs('a', 'lightbeam', [2]), ...runs('b', 'native', [4]), ...runs('b', 'lightbeam', [2])]),
    expected: {
      timings: {
        a: { native: { median: 1, min: 1, max: 1, samples: [1] }, lightbeam: { median: 2, min: 2, max: 2, samples: [2] } },
        b: { native: { median: 4, min: 4, max: 4, samples: [4] }, lightbeam: { median: 2, min: 2, max: 2, samples: [2] } },
      },
      ratios: { a: { lightbeam: { ratio: 2, low: 2, high: 2 } }, b: { lightbeam: { ratio: 0.5, low: 0.5, high: 0.5 } } },
      geomeans: { lightbeam: 1 },
    },
  },
  {
    // A fast wrong answer, a crash and a line that is not a time are failures, not samples;
    // turbofan failed every round, so it has no timing, no ratio and no geomean.
    name: 'a wrong checksum, a crash and no time',
    measurements: interleave([
      ...runs('k', 'native', [1, 1, 1]),
      ...runs('k', 'lightbeam', [{ seconds: 0.1, checksum: 41 }, { exitCode: 139, seconds: NaN, checksum: NaN }, 1.5]),
      ...runs('k', 'liftoff', [2, 2, { seconds: NaN }]),
      ...runs('k', 'turbofan', [{ exitCode: 1 }, { checksum: 0 }, { exitCode: 1 }]),
    ]),
    expected: {
      timings: {
        k: {
          native: { median: 1, min: 1, max: 1, samples: [1, 1, 1] },
          lightbeam: { median: 1.5, min: 1.5, max: 1.5, samples: [1.5] },
          liftoff: { median: 2, min: 2, max: 2, samples: [2, 2] },
        },
      },
      ratios: { k: { lightbeam: { ratio: 1.5, low: 1.5, high: 1.5 }, liftoff: { ratio: 2, low: 2, high: 2 } } },
      geomeans: { lightbeam: 1.5, liftoff: 2, 'lightbeam/liftoff': 0.75 },
      failures: [
        { round: 0, kernel: 'k', engine: 'lightbeam' },
        { round: 0, kernel: 'k', engine: 'turbofan' },
        { round: 1, kernel: 'k', engine: 'lightbeam' },
        { round: 1, kernel: 'k', engine: 'turbofan' },
        { round: 2, kernel: 'k', engine: 'liftoff' },
        { round: 2, kernel: 'k', engine: 'turbofan' },
      ],
    },
  },
  {
    // Native failed on kernel b: b has no ratios and is in no geomean to native; but Lightbeam and
    // Liftoff both ran it, so lightbeam/liftoff is the geomean of 2/4 and 3/1, √1.5 (the quotient
    // of their geomeans to native, 2/4, would leave b out).
    name: 'the baseline failed on one kernel',
    measurements: interleave([
      ...runs('a', 'native', [1]), ...runs('a', 'lightbeam', [2]), ...runs('a', 'liftoff', [4]),
      ...runs('b', 'native', [{ exitCode: 134 }]), ...runs('b', 'lightbeam', [3]), ...runs('b', 'liftoff', [1]),
    ]),
    expected: {
      timings: {
        a: { native: { median: 1, min: 1, max: 1, samples: [1] }, lightbeam: { median: 2, min: 2, max: 2, samples: [2] }, liftoff: { median: 4, min: 4, max: 4, samples: [4] } },
        b: { lightbeam: { median: 3, min: 3, max: 3, samples: [3] }, liftoff: { median: 1, min: 1, max: 1, samples: [1] } },
      },
      ratios: { a: { lightbeam: { ratio: 2, low: 2, high: 2 }, liftoff: { ratio: 4, low: 4, high: 4 } }, b: {} },
      geomeans: { lightbeam: 2, liftoff: 4, 'lightbeam/liftoff': Math.sqrt(1.5) },
      failures: [{ round: 0, kernel: 'b', engine: 'native' }],
    },
  },
];

interface CommittedRun {
  baseline: string;
  kernels: { kernel: string; engines: Record<string, { median: number; min: number; max: number; samples: number[] }> }[];
  geomeans: Record<string, number>;
}
const committedRun = (): CommittedRun => JSON.parse(readFileSync(join(import.meta.dirname, '../../bench/results/latest.json'), 'utf8'));

const checks: Check<Impl>[] = [
  ...cases.map((c): Check<Impl> => ({
    name: `${c.name}`,
    run: (impl) => {
      const checksums = c.checksums ?? Object.fromEntries(c.measurements.map((m) => [m.kernel, CHECKSUM]));
      const report = impl.summarise(c.measurements, checksums, 'native');
      expectReport(report, { failures: [], ...c.expected }, `${c.name} (measurements: ${JSON.stringify(c.measurements)})`);
    },
  })),
  {
    name: 'the committed benchmark run: bench/results/latest.json from its samples',
    run: (impl) => {
      const run = committedRun();
      // Every sample as the measurement that produced it (its round is its place in `samples`), round by round.
      const measurements = interleave(run.kernels.flatMap((k) => Object.entries(k.engines).flatMap(([engine, t]) => runs(k.kernel, engine, t.samples))));
      const checksums = Object.fromEntries(run.kernels.map((k) => [k.kernel, CHECKSUM]));
      const report = impl.summarise(measurements, checksums, run.baseline);
      const base = (k: CommittedRun['kernels'][number]) => k.engines[run.baseline]!.median;
      expectReport(report, {
        timings: Object.fromEntries(run.kernels.map((k) => [k.kernel, k.engines])),
        ratios: Object.fromEntries(run.kernels.map((k) => [k.kernel, Object.fromEntries(Object.entries(k.engines).filter(([e]) => e !== run.baseline)
          .map(([e, t]) => [e, { ratio: t.median / base(k), low: t.min / base(k), high: t.max / base(k) }]))])),
        geomeans: run.geomeans,
        failures: [],
      }, 'bench/results/latest.json');
    },
  },
];

defineExercise<Impl>({
  dir: 'exercises/15-summarising-samples',
  checks,
  solution: () => import('./summarise.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
});
