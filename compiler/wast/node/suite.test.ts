import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { SUITE_COMMIT, SUITE_UPSTREAM, SuiteNotFound, listWastFiles, locateSuite } from './suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'wast-suite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'proposals/x'), { recursive: true });
for (const f of ['b.wast', 'a.wast', 'notes.txt', 'proposals/x/c.wast']) writeFileSync(join(dir, f), '(module)');

describe('locating the suite', () => {
  test('$WASM_TESTSUITE comes first', () => {
    expect(locateSuite({ WASM_TESTSUITE: dir }, '/nonexistent')).toBe(dir);
  });
  test('then the folder beside the repository', () => {
    expect(locateSuite({}, dir)).toBe(dir);
  });
  test('otherwise an error says how to get it', () => {
    const find = () => locateSuite({ WASM_TESTSUITE: '/nonexistent/a' }, '/nonexistent/b');
    expect(find).toThrow(SuiteNotFound);
    expect(find).toThrow(SUITE_UPSTREAM);
    expect(find).toThrow(SUITE_COMMIT);
  });
});

describe('listing .wast files', () => {
  test('a folder gives its top-level .wast files, sorted; --recursive also its subfolders', () => {
    expect(listWastFiles([dir], false).map((f) => f.name)).toEqual(['a.wast', 'b.wast']);
    expect(listWastFiles([dir], true).map((f) => f.name)).toEqual(['a.wast', 'b.wast', join('proposals', 'x', 'c.wast')]);
  });
  test('a file is taken as it is; a missing path is an error', () => {
    expect(listWastFiles([join(dir, 'proposals/x/c.wast')], false)).toEqual([{ path: join(dir, 'proposals/x/c.wast'), name: 'c.wast' }]);
    expect(() => listWastFiles([join(dir, 'nope.wast')], false)).toThrow('no such file or folder');
  });
});
