// Exercise 15: turn a benchmark run's raw measurements into its report. Replace notImplemented(...) with your code.
// The task is in README.md beside this file; `npx vitest run exercises/15` checks your work.
import { notImplemented } from '../notImplemented.ts';

/** One process run by the harness: one kernel on one engine in one round. */
export interface Measurement {
  round: number;
  kernel: string;
  engine: string;
  /** The process's exit status (0 if it ran to the end). */
  exitCode: number;
  /** What run() returned. */
  checksum: number;
  /** The CPU time of run(), as the process printed it (NaN if it printed something else). */
  seconds: number;
}

export interface Timing {
  median: number;
  min: number;
  max: number;
  /** The accepted samples, in round order. */
  samples: number[];
}

export interface Report {
  /** kernel -> engine -> its accepted samples; an engine with none is absent. */
  timings: Record<string, Record<string, Timing>>;
  /** kernel -> engine (not the baseline) -> median over the baseline's median, and the range of the rounds over the same. */
  ratios: Record<string, Record<string, { ratio: number; low: number; high: number }>>;
  /** engine -> geometric mean of its ratios; and 'lightbeam/liftoff' (see README.md). */
  geomeans: Record<string, number>;
  /** The measurements that were not accepted, in the order given. */
  failures: { round: number; kernel: string; engine: string }[];
}

/** The report of a run: `expected` maps each kernel to the checksum its run() must return. */
export function summarise(measurements: readonly Measurement[], expected: Readonly<Record<string, number>>, baseline: string): Report {
  return notImplemented('summarise');
}
