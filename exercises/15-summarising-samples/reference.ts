// The reference solution: the report's arithmetic is bench/summary.ts, the code bench/run.ts prints
// its table with; the filter is run.ts's rule for a sample (exit 0, the expected checksum, a time).
import { geomeans, rangeRatio, ratio, timing, type KernelRow } from '../../bench/summary.ts';
import type { Measurement, Report } from './summarise.ts';

export function summarise(measurements: readonly Measurement[], expected: Readonly<Record<string, number>>, baseline: string): Report {
  const kernels = [...new Set(measurements.map((m) => m.kernel))];
  const engines = [...new Set(measurements.map((m) => m.engine))];
  const failures: Report['failures'] = [];
  const samples = new Map<string, Measurement[]>();
  for (const m of measurements) {
    if (m.exitCode !== 0 || m.checksum !== expected[m.kernel] || !Number.isFinite(m.seconds)) {
      failures.push({ round: m.round, kernel: m.kernel, engine: m.engine });
      continue;
    }
    const key = `${m.kernel}\0${m.engine}`;
    samples.set(key, [...(samples.get(key) ?? []), m]);
  }
  const rows: KernelRow[] = kernels.map((kernel) => {
    const row: KernelRow = { kernel, engines: {} };
    for (const engine of engines) {
      const ms = samples.get(`${kernel}\0${engine}`);
      if (ms) row.engines[engine] = timing([...ms].sort((a, b) => a.round - b.round).map((m) => m.seconds));
    }
    return row;
  });
  const report: Report = { timings: {}, ratios: {}, geomeans: geomeans(rows, engines, baseline), failures };
  for (const row of rows) {
    report.timings[row.kernel] = row.engines;
    const ratios: Report['ratios'][string] = {};
    for (const engine of engines) {
      const r = ratio(row, engine, baseline), range = rangeRatio(row, engine, baseline);
      if (engine !== baseline && r !== undefined && range) ratios[engine] = { ratio: r, ...range };
    }
    report.ratios[row.kernel] = ratios;
  }
  return report;
}
