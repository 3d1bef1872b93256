// The ratchet for the WebAssembly JS API tests: every file's subtest counts and harness status,
// held to baseline.json. Any change fails, worse or better, until recorded on purpose:
//   UPDATE=1 npx vitest run compiler/jsapi/conformance.test.ts
//
// Files that declare `timeout=long` (today only limits.any.js: it compiles modules of a million
// functions, minutes of work) run only with LIGHTBEAM_JSAPI_LONG=1; without it their baseline
// entries are kept as they are and the test says it left them out.

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { diffBaseline } from '../wast/ratchet.ts';
import type { Counts } from '../wast/report.ts';
import { parseMeta } from './meta.ts';
import { runJsApiFiles } from './node/pool.ts';
import { type JsApiFile, listJsApiFiles, locateJsApiSuite } from './node/suite.ts';
import { summarizeJsApi, type JsApiSummary } from './results.ts';

const BASELINE = fileURLToPath(new URL('./baseline.json', import.meta.url));
const ENGINE = 'lightbeam';
const RUN_LONG = !!process.env.LIGHTBEAM_JSAPI_LONG;

type FileCounts = Counts & { harness: string };
interface Baseline {
  engine: string;
  note: string;
  totals: Counts & { total: number };
  files: Record<string, FileCounts>;
}

let files: JsApiFile[];
let leftOut: string[];
let summary: JsApiSummary;

beforeAll(async () => {
  const suite = locateJsApiSuite();
  const all = listJsApiFiles(suite, []);
  const long = (f: JsApiFile) => parseMeta(readFileSync(f.path, 'utf8')).long;
  files = RUN_LONG ? all : all.filter((f) => !long(f));
  leftOut = all.filter((f) => !files.includes(f)).map((f) => f.name);
  const started = Date.now();
  const results = await runJsApiFiles(suite, files, { engine: ENGINE, jobs: 2 });
  summary = summarizeJsApi(results, ENGINE, Date.now() - started);
  console.log(
    `JS API tests: ${summary.files} files, ${summary.total} subtests: ${summary.passed} passed, ${summary.failed} failed, ` +
      `${summary.skipped} skipped, ${summary.fileErrors.length} files with a harness error (${(summary.wallMs / 1000).toFixed(1)} s)` +
      (leftOut.length ? `; not run (timeout=long, LIGHTBEAM_JSAPI_LONG=1 to run): ${leftOut.join(', ')}` : ''),
  );
}, 900_000);

describe('JS API tests ratchet', () => {
  test('no file crashes or hangs', () => {
    const crashed = summary.fileErrors.filter((e) => e.status === 'CRASH').map((e) => `${e.file}: ${e.message}`);
    expect(crashed).toEqual([]);
  });

  test('per-file subtest counts and harness status equal the committed baseline (UPDATE=1 to record a change)', () => {
    const now: Record<string, FileCounts> = {};
    for (const [name, c] of Object.entries(summary.perFile)) now[name] = { passed: c.passed, failed: c.failed, skipped: c.skipped, harness: c.harness };
    const baseline = JSON.parse(readFileSync(BASELINE, 'utf8')) as Baseline;
    // What was left out keeps its recorded entry (on UPDATE too).
    for (const name of leftOut) if (baseline.files[name]) now[name] = baseline.files[name]!;
    if (process.env.UPDATE) {
      const totals = { total: 0, passed: 0, failed: 0, skipped: 0 };
      for (const c of Object.values(now)) {
        totals.passed += c.passed;
        totals.failed += c.failed;
        totals.skipped += c.skipped;
        totals.total += c.passed + c.failed + c.skipped;
      }
      const sorted = Object.fromEntries(Object.entries(now).sort(([a], [b]) => a.localeCompare(b)));
      const note =
        'Per-file subtest counts and harness status of the WebAssembly JS API tests. Regenerate on purpose: ' +
        'UPDATE=1 npx vitest run compiler/jsapi/conformance.test.ts (add LIGHTBEAM_JSAPI_LONG=1 to refresh timeout=long files too)';
      writeFileSync(BASELINE, JSON.stringify({ engine: ENGINE, note, totals, files: sorted } satisfies Baseline, null, 1) + '\n');
      return;
    }
    const diff = diffBaseline(baseline.files, now);
    for (const [name, c] of Object.entries(now)) {
      const was = baseline.files[name]?.harness;
      if (was !== undefined && was !== c.harness) diff.push(`${name}: ${c.harness === 'OK' ? 'better' : 'WORSE'}: harness ${was} -> ${c.harness}`);
    }
    if (diff.length) {
      const advice = diff.some((l) => l.includes('WORSE'))
        ? 'Some files got worse: fix the regression (or, if it is intended, refresh the baseline).'
        : 'Files got better: record the gain with UPDATE=1 npx vitest run compiler/jsapi/conformance.test.ts and commit baseline.json.';
      const failing = summary.failures.filter((f) => diff.some((l) => l.startsWith(`${f.file}:`)));
      const detail = failing.slice(0, 30).map((f) => `  ${f.file}: ${f.name}: ${f.message.split('\n')[0]}`);
      throw new Error(`JS API tests differ from compiler/jsapi/baseline.json:\n  ${diff.join('\n  ')}\n${advice}\nFailing subtests in those files:\n${detail.join('\n')}`);
    }
  });
});
