// Chapter 15's figure: the committed run of the benchmark suite (bench/results/latest.json, written
// by `npm run bench -- --json`), drawn at build time. Nothing is measured here: the build machine
// is not the machine that ran the suite, and a benchmark run takes minutes. The figure and the
// table show what the file says, and the caption names the machine and date from the file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/lib/root.ts';
import type { Output } from '../../src/lib/exampleOutput.ts';

interface Timing { median: number; min: number; max: number; samples: number[] }
export interface BenchResults {
  date: string;
  machine: { cpu: string; cores: number; node: string };
  rounds: number;
  baseline: string;
  timing: string;
  kernels: { kernel: string; engines: Record<string, Timing> }[];
  geomeans: Record<string, number>;
  failures: string[];
}

export const readBenchResults = (): BenchResults =>
  JSON.parse(readFileSync(join(repoRoot(), 'bench/results/latest.json'), 'utf8'));

/** The engines drawn, each with the CSS colour that follows the page's light or dark theme. */
const drawn = [
  { engine: 'lightbeam', color: 'var(--accent)' },
  { engine: 'liftoff', color: 'var(--warn)' },
  { engine: 'turbofan', color: 'var(--bad)' },
  { engine: 'native-vec', color: 'var(--fg-soft)' },
] as const;

/** An engine's median time on a kernel as a multiple of the baseline's (native clang -O2). */
export function ratioToBaseline(r: BenchResults, kernel: BenchResults['kernels'][number], engine: string): number {
  return kernel.engines[engine]!.median / kernel.engines[r.baseline]!.median;
}

const day = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

export function runTimePlot(): Output[] {
  const r = readBenchResults();
  const bar = 8, gap = 12, labelW = 104, W = 560, top = 40;
  const group = drawn.length * bar + gap;
  const rows = [...r.kernels, { kernel: 'geomean', engines: {} }];
  const H = top + rows.length * group + 28;
  const max = Math.ceil(Math.max(...r.kernels.flatMap((k) => drawn.map((d) => k.engines[d.engine]!.max / k.engines[r.baseline]!.median))) * 2) / 2;
  const x = (ratio: number) => labelW + (ratio / max) * (W - labelW - 40);
  const parts: string[] = [];
  // Legend, then grid lines at every half, with native's 1.0 drawn solid.
  drawn.forEach((d, i) => {
    const lx = 8 + i * 136;
    parts.push(`<rect x="${lx}" y="6" width="12" height="12" fill="${d.color}"/><text x="${lx + 17}" y="16" font-size="15" fill="currentColor">${d.engine}</text>`);
  });
  for (let t = 0; t <= max; t += 0.5) {
    const gx = x(t);
    parts.push(`<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${H - 22}" stroke="currentColor" stroke-opacity="${t === 1 ? 0.8 : 0.15}" ${t === 1 ? '' : 'stroke-dasharray="2 3"'}/>`);
    parts.push(`<text x="${gx}" y="${H - 6}" font-size="13" text-anchor="middle" fill="currentColor" opacity="0.75">${t === 1 ? '1 = native' : t.toFixed(1)}</text>`);
  }
  rows.forEach((k, row) => {
    const y0 = top + row * group;
    parts.push(`<text x="${labelW - 8}" y="${y0 + (drawn.length * bar) / 2 + 4}" font-size="15" text-anchor="end" fill="currentColor"${k.kernel === 'geomean' ? ' font-weight="bold"' : ''}>${k.kernel}</text>`);
    drawn.forEach((d, i) => {
      const t = k.engines[d.engine];
      const ratio = t ? t.median / r.kernels[row]!.engines[r.baseline]!.median : r.geomeans[d.engine]!;
      const y = y0 + i * bar;
      parts.push(`<rect x="${labelW}" y="${y}" width="${x(ratio) - labelW}" height="${bar - 1}" fill="${d.color}"><title>${k.kernel}, ${d.engine}: ${ratio.toFixed(2)}x native</title></rect>`);
      if (t) {
        // The range of the rounds, as a thin whisker.
        const base = r.kernels[row]!.engines[r.baseline]!.median;
        parts.push(`<line x1="${x(t.min / base)}" x2="${x(t.max / base)}" y1="${y + bar / 2 - 0.5}" y2="${y + bar / 2 - 0.5}" stroke="currentColor" stroke-opacity="0.6"/>`);
      }
      const end = t ? Math.max(ratio, t.max / r.kernels[row]!.engines[r.baseline]!.median) : ratio;
      if (d.engine === 'lightbeam') parts.push(`<text x="${x(end) + 4}" y="${y + bar - 1}" font-size="12" fill="currentColor">${ratio.toFixed(2)}</text>`);
    });
  });
  const svg = `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Run time of each benchmark kernel on Lightbeam, Liftoff, TurboFan and vectorised native code, as a multiple of native code's time">${parts.join('')}</svg>`;
  const m = r.machine;
  const caption = `CPU time of run(), median of ${r.rounds} rounds, as a multiple of native clang -O2 without vectorisation (shorter is faster; the thin line is the range of the rounds). ` +
    `Read from bench/results/latest.json: measured on ${day(r.date)} on ${m.cpu}, ${m.cores} cores, Node ${m.node.replace(/^v/, '')}, not on the machine that built this page.`;
  const table: Output = {
    kind: 'table',
    title: 'The same data: median time as a multiple of native, [range of the rounds]',
    columns: ['kernel', 'native (s)', ...drawn.map((d) => d.engine), 'lightbeam / liftoff'],
    nowrap: [0],
    rows: [
      ...r.kernels.map((k) => {
        const base = k.engines[r.baseline]!.median;
        return [
          k.kernel,
          base.toFixed(3),
          ...drawn.map((d) => {
            const t = k.engines[d.engine]!;
            return `${(t.median / base).toFixed(2)} [${(t.min / base).toFixed(2)}–${(t.max / base).toFixed(2)}]`;
          }),
          (k.engines.lightbeam!.median / k.engines.liftoff!.median).toFixed(2),
        ];
      }),
      ['geomean', '', ...drawn.map((d) => r.geomeans[d.engine]!.toFixed(2)), r.geomeans['lightbeam/liftoff']!.toFixed(2)],
    ],
  };
  if (r.failures.length) return [{ kind: 'text', text: `The run had failures:\n${r.failures.join('\n')}` }];
  return [{ kind: 'figure', svg, caption }, table];
}
