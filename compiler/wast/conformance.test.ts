// The ratchet: the whole top-level spec suite, and the folders of the later proposals we
// implement and of the legacy tests (HELD_FOLDERS in node/suite.ts), held to the per-file outcome
// counts committed in baseline.json.
// Any change fails, worse or better, until the baseline is refreshed on purpose:
//   UPDATE=1 npx vitest run compiler/wast
// so every gain is recorded in the repository and can never be lost again. The totals, kinds and
// skip reasons (which the book quotes) are the top-level suite's.

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { runFiles } from './node/pool.ts';
import { heldProposalFiles, listWastFiles, locateSuite, type WastFile } from './node/suite.ts';
import { countTopLevel } from './commandCount.ts';
import { diffBaseline } from './ratchet.ts';
import { TEXT_NOT_SUPPORTED } from './runner.ts';
import { type Counts, type FileResult, summarize, type Summary } from './report.ts';

const BASELINE = fileURLToPath(new URL('./baseline.json', import.meta.url));
const ENGINE = 'lightbeam';

interface Baseline {
  engine: string;
  note: string;
  totals: Counts & { total: number };
  /** Per command kind (module, assert_return, assert_trap, ...): the book's chapter 14 shows these. */
  kinds: Record<string, Counts>;
  /** Skipped commands per reason, the text parsers' many messages counted as one reason. */
  skipReasons: Record<string, number>;
  files: Record<string, Counts>;
  /** The held proposal folders' files, by `proposals/NAME/FILE.wast`. */
  proposals?: Record<string, Counts>;
}

/** A skip reason as the baseline counts it: the text parsers' messages name a token each time, and are one reason. */
function skipReason(reason: string): string {
  return reason.startsWith(TEXT_NOT_SUPPORTED) ? TEXT_NOT_SUPPORTED : reason;
}

function kindsAndReasons(s: Summary): { kinds: Record<string, Counts>; skipReasons: Record<string, number> } {
  const reasons: Record<string, number> = {};
  for (const [reason, n] of Object.entries(s.skipReasons)) reasons[skipReason(reason)] = (reasons[skipReason(reason)] ?? 0) + n;
  return {
    kinds: Object.fromEntries(Object.entries(s.byKind).sort((a, b) => (a[0] < b[0] ? -1 : 1))),
    skipReasons: Object.fromEntries(Object.entries(reasons).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))),
  };
}

let files: WastFile[];
let results: FileResult[];
let summary: Summary;
let proposalFiles: WastFile[];
let proposalResults: FileResult[];
let proposalSummary: Summary;

/** Per file: its passed, failed and skipped counts. */
function countsOf(s: Summary): Record<string, Counts> {
  const out: Record<string, Counts> = {};
  for (const [name, c] of Object.entries(s.perFile)) out[name] = { passed: c.passed, failed: c.failed, skipped: c.skipped };
  return out;
}

beforeAll(async () => {
  files = listWastFiles([locateSuite()], false);
  proposalFiles = heldProposalFiles(locateSuite());
  const started = Date.now();
  const all = await runFiles([...files, ...proposalFiles], { engine: ENGINE, jobs: 2 });
  results = all.slice(0, files.length);
  summary = summarize(results, ENGINE, Date.now() - started);
  proposalResults = all.slice(files.length);
  proposalSummary = summarize(proposalResults, ENGINE, 0);
  console.log(
    `spec suite: ${summary.files} files, ${summary.total} commands: ${summary.passed} passed, ` +
      `${summary.failed} failed, ${summary.skipped} skipped (${(summary.wallMs / 1000).toFixed(1)} s)`,
  );
}, 600_000);


describe('spec suite ratchet', () => {
  test('every file runs to the end (no crash or hang)', () => {
    const crashed = [...results, ...proposalResults].filter((r) => r.crashed).map((r) => `${r.file}: ${r.crashed}`);
    expect(crashed).toEqual([]);
  });

  test('per-file outcomes equal the committed baseline (UPDATE=1 to record a change)', () => {
    const now = countsOf(summary);
    const proposals = countsOf(proposalSummary);
    const { kinds, skipReasons } = kindsAndReasons(summary);
    if (process.env.UPDATE) {
      const baseline: Baseline = {
        engine: ENGINE,
        note: 'Per-file outcome counts of the top-level spec suite, and (proposals) of its held folders. Regenerate on purpose: UPDATE=1 npx vitest run compiler/wast',
        totals: { total: summary.total, passed: summary.passed, failed: summary.failed, skipped: summary.skipped },
        kinds,
        skipReasons,
        files: now,
        proposals,
      };
      writeFileSync(BASELINE, JSON.stringify(baseline, null, 1) + '\n');
      return;
    }
    const baseline = JSON.parse(readFileSync(BASELINE, 'utf8')) as Baseline;
    const diff = [...diffBaseline(baseline.files, now), ...diffBaseline(baseline.proposals ?? {}, proposals)];
    if (diff.length) {
      const advice = diff.some((l) => l.includes('WORSE'))
        ? 'Some files got worse: fix the regression (or, if it is intended, refresh the baseline).'
        : 'Files got better: record the gain with UPDATE=1 npx vitest run compiler/wast and commit baseline.json.';
      throw new Error(`spec suite differs from compiler/wast/baseline.json:\n  ${diff.join('\n  ')}\n${advice}`);
    }
  });

  test('per-kind counts and skip reasons equal the committed baseline (book chapter 14 shows them)', () => {
    if (process.env.UPDATE) return;
    const baseline = JSON.parse(readFileSync(BASELINE, 'utf8')) as Baseline;
    const { kinds, skipReasons } = kindsAndReasons(summary);
    expect(kinds, 'per command kind; UPDATE=1 to record a change').toEqual(baseline.kinds);
    expect(skipReasons, 'skips per reason; UPDATE=1 to record a change').toEqual(baseline.skipReasons);
  });
});


describe('spec suite coverage', () => {
  test('all top-level files run, and total equals the number of commands in them', () => {
    expect(results.length).toBe(files.length);
    let expected = 0;
    for (const f of files) {
      const n = countTopLevel(readFileSync(f.path, 'utf8'));
      expected += n;
      expect(summary.perFile[f.name]?.total, f.name).toBe(n);
    }
    expect(summary.total).toBe(expected);
    expect(summary.passed + summary.failed + summary.skipped).toBe(summary.total);
  });

  test('every file of the held folders runs, each command counted', () => {
    expect(proposalFiles.length).toBeGreaterThan(0);
    for (const f of proposalFiles) expect(proposalSummary.perFile[f.name]?.total, f.name).toBe(countTopLevel(readFileSync(f.path, 'utf8')));
  });

  test('no command is left unparsed', () => {
    const unparsed = summary.failures.filter((f) => f.message.startsWith('cannot parse')).map((f) => `${f.file}:${f.line} ${f.message}`);
    expect(unparsed).toEqual([]);
  });
});
