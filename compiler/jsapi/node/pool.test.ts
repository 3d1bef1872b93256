// The JS API runner on small made-up test files (node/fixtures/) under the real testharness.js:
// META scripts, pass/fail/async subtests, which WebAssembly the file sees, and what a top-level
// throw, a hang, a crash and a promise that never settles each leave in the report.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import type { FileResult } from '../results.ts';
import { summarizeJsApi } from '../results.ts';
import { runJsApiFiles } from './pool.ts';
import type { JsApiEngine } from './protocol.ts';
import { type JsApiSuite, locateJsApiSuite } from './suite.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const suite: JsApiSuite = { root: FIXTURES, tests: FIXTURES, harness: locateJsApiSuite().harness };
const file = (name: string) => ({ path: join(FIXTURES, name), name });

const byName = (r: FileResult) => Object.fromEntries(r.subtests.map((t) => [t.name, t.status]));
let v8: FileResult[];
let lightbeam: FileResult[];

beforeAll(async () => {
  // Only the hanging file gets a short limit: under load a child can take seconds to start.
  const run = (engine: JsApiEngine, names: string[], timeoutMs = 60_000) =>
    runJsApiFiles(suite, names.map(file), { engine, jobs: 2, timeoutMs });
  let hang: FileResult[];
  [v8, hang, lightbeam] = await Promise.all([
    run('v8', ['sub/subtests.any.js', 'throws.any.js', 'crash.any.js', 'pending.any.js']),
    run('v8', ['hang.any.js'], 10_000),
    run('lightbeam', ['sub/subtests.any.js']),
  ]);
  v8.splice(2, 0, hang[0]!);
}, 120_000);

describe('JS API runner', () => {
  test('loads META scripts in order and reports each subtest with its message', () => {
    const [r] = v8;
    expect(r!.harness).toEqual({ status: 'OK' });
    expect(r!.crashed).toBeUndefined();
    const statuses = byName(r!);
    expect(statuses['META scripts load in order']).toBe('PASS');
    expect(statuses['a failing subtest']).toBe('FAIL');
    expect(statuses['an async subtest']).toBe('PASS');
    expect(r!.subtests.find((t) => t.name === 'a failing subtest')!.message).toContain('arithmetic');
    expect(summarizeJsApi([r!], 'v8', 0)).toMatchObject({ total: 5, passed: 4, failed: 1, fileErrors: [] });
  });

  test('the lightbeam engine installs Lightbeam as WebAssembly, the v8 engine keeps Node\'s', () => {
    const said = (r: FileResult) => r.subtests.map((t) => t.name).find((n) => n.startsWith('engine says: '))!;
    expect(said(v8[0]!)).toMatch(/^engine says: CompileError: WebAssembly\.Module\(\)/);
    expect(said(lightbeam[0]!)).toMatch(/^engine says: CompileError: /);
    expect(said(lightbeam[0]!)).not.toContain('WebAssembly.Module()');
  });

  test('a top-level throw is a harness ERROR; the subtests before it still count', () => {
    const r = v8[1]!;
    expect(r.harness).toEqual({ status: 'ERROR', message: 'Error: top-level failure' });
    expect(byName(r)).toEqual({ 'defined before the throw': 'PASS' });
    expect(summarizeJsApi([r], 'v8', 0).fileErrors).toEqual([{ file: 'throws.any.js', status: 'ERROR', message: 'Error: top-level failure' }]);
  });

  test('a hang is killed at the timeout; a crash is reported; both keep the results before them', () => {
    const [hang, crash] = [v8[2]!, v8[3]!];
    expect(hang.crashed).toMatch(/^timed out after 10 s/);
    expect(byName(hang)).toEqual({ 'finished before the hang': 'PASS' });
    expect(crash.crashed).toMatch(/^child process killed by SIGKILL/);
    expect(byName(crash)).toEqual({ 'finished before the crash': 'PASS' });
    expect(summarizeJsApi([hang, crash], 'v8', 0).fileErrors.map((e) => e.status)).toEqual(['CRASH', 'CRASH']);
  });

  test('a promise that never settles times out instead of vanishing', () => {
    const r = v8[4]!;
    expect(r.harness?.status).toBe('TIMEOUT');
    expect(byName(r)).toEqual({ 'a quick one': 'PASS', 'never settles': 'TIMEOUT' });
  });
});
