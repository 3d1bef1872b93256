// Counting outcomes: per file, per command kind, per skip reason, and the report the CLI
// prints (a table for people, one JSON object for machines). Browser-safe.

import type { Outcome, Status } from './runner.ts';

export interface FileResult {
  /** The file's name as reports show it (relative to the folder it was found in). */
  file: string;
  outcomes: Outcome[];
  /** Set when the file's worker crashed or hung; its unfinished commands are failures. */
  crashed?: string;
  ms: number;
}

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

export interface Summary extends Counts {
  engine: string;
  files: number;
  total: number;
  byKind: Record<string, Counts>;
  skipReasons: Record<string, number>;
  /** For commands that name an expected error message: how many errors contained it. */
  messageMatches: Record<string, { checked: number; matched: number }>;
  /** Every command that passed with an error message other than the expected one. */
  messageMismatches: { file: string; line: number; kind: string; expected: string; actual: string }[];
  failures: { file: string; line: number; kind: string; message: string }[];
  perFile: Record<string, Counts & { total: number; crashed?: string }>;
  wallMs: number;
}

export function emptyCounts(): Counts {
  return { passed: 0, failed: 0, skipped: 0 };
}

function bump(c: Counts, s: Status): void {
  c[s]++;
}

// #region summarize
export function summarize(results: FileResult[], engine: string, wallMs: number): Summary {
  const s: Summary = {
    engine,
    files: results.length,
    total: 0,
    ...emptyCounts(),
    byKind: {},
    skipReasons: {},
    messageMatches: {},
    messageMismatches: [],
    failures: [],
    perFile: {},
    wallMs,
  };
  for (const r of results) {
    const file: Counts & { total: number; crashed?: string } = { total: r.outcomes.length, ...emptyCounts() };
    if (r.crashed) file.crashed = r.crashed;
    for (const o of r.outcomes) {
      s.total++;
      bump(s, o.status);
      bump(file, o.status);
      bump((s.byKind[o.kind] ??= emptyCounts()), o.status);
      if (o.status === 'skipped') s.skipReasons[o.reason!] = (s.skipReasons[o.reason!] ?? 0) + 1;
      if (o.status === 'failed') s.failures.push({ file: r.file, line: o.line, kind: o.kind, message: o.reason ?? '' });
      if (o.messageMatch !== undefined) {
        const m = (s.messageMatches[o.kind] ??= { checked: 0, matched: 0 });
        m.checked++;
        if (o.messageMatch) m.matched++;
        else s.messageMismatches.push({ file: r.file, line: o.line, kind: o.kind, expected: o.expectedMessage ?? '', actual: o.actualMessage ?? '' });
      }
    }
    s.perFile[r.file] = file;
  }
  return s;
}
// #endregion summarize

function table(rows: string[][], rightAligned: boolean[]): string {
  const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  return rows.map((r) => r.map((cell, k) => (rightAligned[k] ? cell.padStart(widths[k]!) : cell.padEnd(widths[k]!))).join('  ').trimEnd()).join('\n');
}

/** The human report: per-file table, totals, kinds, skip reasons, the first failures. */
export function formatHuman(s: Summary, maxFailures: number): string {
  const out: string[] = [];
  const fileRows = [['file', 'total', 'passed', 'failed', 'skipped', '']];
  for (const [name, c] of Object.entries(s.perFile)) {
    fileRows.push([name, `${c.total}`, `${c.passed}`, `${c.failed}`, `${c.skipped}`, c.crashed ? `CRASHED: ${c.crashed}` : '']);
  }
  out.push(table(fileRows, [false, true, true, true, true, false]));
  out.push('');
  const kindRows = [['command kind', 'passed', 'failed', 'skipped', 'message matches']];
  for (const [kind, c] of Object.entries(s.byKind).sort()) {
    const m = s.messageMatches[kind];
    kindRows.push([kind, `${c.passed}`, `${c.failed}`, `${c.skipped}`, m ? `${m.matched}/${m.checked}` : '']);
  }
  out.push(table(kindRows, [false, true, true, true, true]));
  out.push('');
  const reasons = Object.entries(s.skipReasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length) {
    out.push('skip reasons:');
    for (const [reason, n] of reasons.slice(0, 25)) out.push(`  ${String(n).padStart(6)}  ${reason}`);
    if (reasons.length > 25) out.push(`  ... and ${reasons.length - 25} more reasons`);
    out.push('');
  }
  if (s.failures.length) {
    out.push(`failures (first ${Math.min(maxFailures, s.failures.length)} of ${s.failures.length}):`);
    for (const f of s.failures.slice(0, maxFailures)) out.push(`  ${f.file}:${f.line} ${f.kind}: ${f.message}`);
    out.push('');
  }
  out.push(
    `${s.files} files, ${s.total} commands: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped ` +
      `(engine ${s.engine}, ${(s.wallMs / 1000).toFixed(1)} s)`,
  );
  return out.join('\n');
}
