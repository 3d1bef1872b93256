// Counting the JS API tests' subtest results per file, and the report the CLI prints (a table
// for people, one JSON object for machines). Browser-safe.

import type { Counts } from '../wast/report.ts';

/** testharness.js's subtest statuses (Test.statuses), by name. */
export type SubtestStatus = 'PASS' | 'FAIL' | 'TIMEOUT' | 'NOTRUN' | 'PRECONDITION_FAILED';
export const SUBTEST_STATUSES: readonly SubtestStatus[] = ['PASS', 'FAIL', 'TIMEOUT', 'NOTRUN', 'PRECONDITION_FAILED'];
/** testharness.js's file-level statuses (TestsStatus.statuses), by name. */
export type HarnessStatus = 'OK' | 'ERROR' | 'TIMEOUT' | 'PRECONDITION_FAILED';
export const HARNESS_STATUSES: readonly HarnessStatus[] = ['OK', 'ERROR', 'TIMEOUT', 'PRECONDITION_FAILED'];

export interface Subtest {
  name: string;
  status: SubtestStatus;
  message?: string;
}

export interface FileResult {
  /** The file's name relative to the suite's js-api/ folder. */
  file: string;
  subtests: Subtest[];
  /** The harness's own verdict on the file; missing when the child never completed. */
  harness?: { status: HarnessStatus; message?: string };
  /** Set when the child process died or was killed before the harness completed. */
  crashed?: string;
  ms: number;
}

export interface Failure {
  file: string;
  name: string;
  status: SubtestStatus;
  message: string;
}

/** A file whose harness did not end OK, or whose process never completed. */
export interface FileError {
  file: string;
  /** The harness status, or CRASH when the child died or was killed first. */
  status: HarnessStatus | 'CRASH';
  message: string;
}

export interface JsApiSummary extends Counts {
  engine: string;
  files: number;
  total: number;
  /** Subtest counts, and the harness's verdict (OK, ERROR, TIMEOUT, CRASH...). */
  perFile: Record<string, Counts & { total: number; harness: string }>;
  failures: Failure[];
  fileErrors: FileError[];
  wallMs: number;
}

// #region jsapi-counts
/**
 * PASS is passed; PRECONDITION_FAILED (an optional feature the test found missing) is skipped;
 * FAIL, TIMEOUT and NOTRUN are failed. Only subtests are counted (as the suite's own reports
 * do); a file that throws before defining its subtests shows up in its harness status instead.
 */
export function countFile(r: FileResult): { counts: Counts; failures: Failure[]; error?: FileError } {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  const failures: Failure[] = [];
  for (const t of r.subtests) {
    if (t.status === 'PASS') counts.passed++;
    else if (t.status === 'PRECONDITION_FAILED') counts.skipped++;
    else {
      counts.failed++;
      failures.push({ file: r.file, name: t.name, status: t.status, message: t.message ?? '' });
    }
  }
  if (r.crashed || !r.harness) return { counts, failures, error: { file: r.file, status: 'CRASH', message: r.crashed ?? 'no harness result' } };
  if (r.harness.status !== 'OK') return { counts, failures, error: { file: r.file, status: r.harness.status, message: r.harness.message ?? '' } };
  return { counts, failures };
}
// #endregion jsapi-counts

export function summarizeJsApi(results: FileResult[], engine: string, wallMs: number): JsApiSummary {
  const s: JsApiSummary = {
    engine, files: results.length, total: 0, passed: 0, failed: 0, skipped: 0, perFile: {}, failures: [], fileErrors: [], wallMs,
  };
  for (const r of results) {
    const { counts, failures, error } = countFile(r);
    const total = counts.passed + counts.failed + counts.skipped;
    s.perFile[r.file] = { total, ...counts, harness: error?.status ?? 'OK' };
    s.total += total;
    s.passed += counts.passed;
    s.failed += counts.failed;
    s.skipped += counts.skipped;
    s.failures.push(...failures);
    if (error) s.fileErrors.push(error);
  }
  return s;
}

const oneLine = (s: string, max: number): string => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
};

export function formatJsApiHuman(s: JsApiSummary, maxFailures: number): string {
  const names = Object.keys(s.perFile);
  const width = Math.max(4, ...names.map((n) => n.length));
  const row = (name: string, p: number | string, f: number | string, k: number | string, note = '') =>
    `${name.padEnd(width)}  ${String(p).padStart(6)}  ${String(f).padStart(6)}  ${String(k).padStart(7)}  ${note}`.trimEnd();
  const lines = [row('file', 'passed', 'failed', 'skipped', 'harness'), '-'.repeat(width + 33)];
  for (const n of names) {
    const c = s.perFile[n]!;
    lines.push(row(n, c.passed, c.failed, c.skipped, c.harness === 'OK' ? '' : c.harness));
  }
  lines.push('-'.repeat(width + 33), row(`total (${s.files} files)`, s.passed, s.failed, s.skipped));
  if (s.fileErrors.length) {
    lines.push('', `Files whose harness did not end OK (${s.fileErrors.length}):`);
    for (const e of s.fileErrors) lines.push(`  ${e.file}: ${e.status}: ${oneLine(e.message, 300)}`);
  }
  if (s.failures.length) {
    lines.push('', `Failures (${Math.min(maxFailures, s.failures.length)} of ${s.failures.length}):`);
    for (const f of s.failures.slice(0, maxFailures)) lines.push(`  ${f.file}: ${f.name}: ${f.status}: ${oneLine(f.message, 200)}`);
  }
  lines.push('', `engine ${s.engine}: ${s.total} subtests, ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped in ${(s.wallMs / 1000).toFixed(1)} s` +
      (s.fileErrors.length ? `; ${s.fileErrors.length} files with a harness error` : ''));
  return lines.join('\n');
}
