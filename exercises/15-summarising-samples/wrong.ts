// Plausible wrong solutions; the checks must catch each one (see exercises/harness.ts). Each is a
// small summariser with one mistake switched on.
import type { Measurement, Report, Timing } from './summarise.ts';

interface Mistakes {
  unsortedMedian?: boolean;
  upperMiddle?: boolean;
  arithmeticMean?: boolean;
  medianOfRoundRatios?: boolean;
  rangeOverBaselineRange?: boolean;
  keepsWrongChecksums?: boolean;
  keepsNaN?: boolean;
  quotientOfGeomeans?: boolean;
  measurementOrder?: boolean;
}

function summariser(mistakes: Mistakes) {
  const middle = (xs: number[]) => {
    const s = mistakes.unsortedMedian ? xs : [...xs].sort((a, b) => a - b);
    if (s.length % 2 || mistakes.upperMiddle) return s[s.length >> 1]!;
    return (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const mean = (xs: number[]) =>
    mistakes.arithmeticMean ? xs.reduce((a, x) => a + x, 0) / xs.length : Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
  return {
    summarise(measurements: readonly Measurement[], expected: Readonly<Record<string, number>>, baseline: string): Report {
      const report: Report = { timings: {}, ratios: {}, geomeans: {}, failures: [] };
      const kept = new Map<string, Measurement[]>();
      for (const m of measurements) {
        const ok = m.exitCode === 0 && (mistakes.keepsWrongChecksums || m.checksum === expected[m.kernel]) && (mistakes.keepsNaN || Number.isFinite(m.seconds));
        if (!ok) report.failures.push({ round: m.round, kernel: m.kernel, engine: m.engine });
        else kept.set(`${m.kernel}/${m.engine}`, [...(kept.get(`${m.kernel}/${m.engine}`) ?? []), m]);
      }
      const kernels = [...new Set(measurements.map((m) => m.kernel))];
      const engines = [...new Set(measurements.map((m) => m.engine))];
      const rounds = new Map<string, Measurement[]>();
      for (const k of kernels) {
        report.timings[k] = {};
        for (const e of engines) {
          const ms = kept.get(`${k}/${e}`);
          if (!ms) continue;
          const ordered = mistakes.measurementOrder ? ms : [...ms].sort((a, b) => a.round - b.round);
          rounds.set(`${k}/${e}`, ordered);
          const xs = ordered.map((m) => m.seconds);
          report.timings[k]![e] = { median: middle(xs), min: Math.min(...xs), max: Math.max(...xs), samples: xs } satisfies Timing;
        }
      }
      const ratioOf = (k: string, e: string, to: string) => {
        const a = report.timings[k]![e], b = report.timings[k]![to];
        if (!a || !b) return undefined;
        if (!mistakes.medianOfRoundRatios) return a.median / b.median;
        const bs = rounds.get(`${k}/${to}`)!;
        return middle(rounds.get(`${k}/${e}`)!.flatMap((m) => bs.filter((x) => x.round === m.round).map((x) => m.seconds / x.seconds)));
      };
      for (const k of kernels) {
        report.ratios[k] = {};
        for (const e of engines) {
          const r = ratioOf(k, e, baseline);
          if (e === baseline || r === undefined) continue;
          const a = report.timings[k]![e]!, b = report.timings[k]![baseline]!;
          report.ratios[k]![e] = mistakes.rangeOverBaselineRange ? { ratio: r, low: a.min / b.min, high: a.max / b.max } : { ratio: r, low: a.min / b.median, high: a.max / b.median };
        }
      }
      const over = (e: string, to: string) => kernels.map((k) => ratioOf(k, e, to)).filter((x): x is number => x !== undefined);
      for (const e of engines) if (e !== baseline && over(e, baseline).length) report.geomeans[e] = mean(over(e, baseline));
      if (engines.includes('lightbeam') && engines.includes('liftoff')) {
        if (mistakes.quotientOfGeomeans) {
          const lb = report.geomeans.lightbeam, lo = report.geomeans.liftoff;
          if (lb !== undefined && lo !== undefined) report.geomeans['lightbeam/liftoff'] = lb / lo;
        } else if (over('lightbeam', 'liftoff').length) report.geomeans['lightbeam/liftoff'] = mean(over('lightbeam', 'liftoff'));
      }
      return report;
    },
  };
}

export const wrongSolutions = {
  'the median is the middle sample in round order, unsorted': summariser({ unsortedMedian: true }),
  'the median of an even number of rounds is the upper middle one': summariser({ upperMiddle: true }),
  'the arithmetic mean of the ratios': summariser({ arithmeticMean: true }),
  'the median of the rounds\' own ratios, not the ratio of the medians': summariser({ medianOfRoundRatios: true }),
  'the range over the baseline\'s fastest and slowest rounds': summariser({ rangeOverBaselineRange: true }),
  'a run with the wrong checksum is a sample (a fast wrong answer)': summariser({ keepsWrongChecksums: true }),
  'a run that printed no time is a sample': summariser({ keepsNaN: true }),
  'lightbeam/liftoff is the quotient of their geomeans to the baseline': summariser({ quotientOfGeomeans: true }),
  'samples in the order measured, not in round order': summariser({ measurementOrder: true }),
};
