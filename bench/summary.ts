// The arithmetic of the run-time report (bench/run.ts): from the accepted samples of each kernel
// on each engine, the median and range; from those, each engine's time as a ratio to the baseline's
// median in the same run; over the kernels, the geometric mean of the ratios. Kept apart from the
// script that measures, so that it can be tested (exercises/15-summarising-samples builds on it).

export interface Timing {
  median: number;
  min: number;
  max: number;
  /** The accepted samples, in round order. */
  samples: number[];
}

export interface KernelRow {
  kernel: string;
  /** Only the engines that have at least one accepted sample. */
  engines: Record<string, Timing>;
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The only mean under which "twice as slow on one kernel, twice as fast on another" is 1. */
export const geomean = (xs: readonly number[]): number => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);

export const timing = (samples: readonly number[]): Timing =>
  ({ median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples: [...samples] });

/** `engine`'s median over `to`'s median on one kernel, or undefined if either has no samples. */
export function ratio(row: KernelRow, engine: string, to: string): number | undefined {
  const a = row.engines[engine], b = row.engines[to];
  return a && b ? a.median / b.median : undefined;
}

/** The range of the rounds as the report prints it: fastest and slowest round over the baseline's median. */
export function rangeRatio(row: KernelRow, engine: string, baseline: string): { low: number; high: number } | undefined {
  const a = row.engines[engine], b = row.engines[baseline];
  return a && b ? { low: a.min / b.median, high: a.max / b.median } : undefined;
}

/**
 * The geometric mean of each engine's ratios to the baseline, over the kernels where both have
 * samples; and, when Lightbeam and Liftoff both ran, of Lightbeam's ratio to Liftoff kernel by kernel.
 */
export function geomeans(rows: readonly KernelRow[], engines: readonly string[], baseline: string): Record<string, number> {
  const over = (engine: string, to: string) => rows.map((r) => ratio(r, engine, to)).filter((x): x is number => x !== undefined);
  const geo: Record<string, number> = {};
  for (const e of engines) {
    if (e === baseline) continue;
    const rs = over(e, baseline);
    if (rs.length) geo[e] = geomean(rs);
  }
  if (engines.includes('lightbeam') && engines.includes('liftoff')) {
    const rs = over('lightbeam', 'liftoff');
    if (rs.length) geo['lightbeam/liftoff'] = geomean(rs);
  }
  return geo;
}
