// Comparing per-file outcome counts with the committed baseline, for the ratchet test.
// Browser-safe.

import type { Counts } from './report.ts';

// #region ratchet-diff
/** One line per file whose counts moved, saying which way. */
export function diffBaseline(baseline: Record<string, Counts>, now: Record<string, Counts>): string[] {
  const lines: string[] = [];
  for (const name of [...new Set([...Object.keys(baseline), ...Object.keys(now)])].sort()) {
    const was = baseline[name];
    const is = now[name];
    if (!was) {
      lines.push(`${name}: new file (${is!.passed} passed, ${is!.failed} failed, ${is!.skipped} skipped)`);
      continue;
    }
    if (!is) {
      lines.push(`${name}: file no longer in the suite`);
      continue;
    }
    const moves = (['passed', 'failed', 'skipped'] as const)
      .filter((k) => was[k] !== is[k])
      .map((k) => `${k} ${was[k]} -> ${is[k]} (${is[k] > was[k] ? '+' : ''}${is[k] - was[k]})`);
    if (moves.length === 0) continue;
    const worse = is.passed < was.passed || is.failed > was.failed;
    const better = is.passed > was.passed || is.failed < was.failed;
    const verdict = worse ? 'WORSE' : better ? 'better' : 'changed';
    lines.push(`${name}: ${verdict}: ${moves.join(', ')}`);
  }
  return lines;
}
// #endregion ratchet-diff
