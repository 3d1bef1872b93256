import { describe, expect, test } from 'vitest';
import { countFile, formatJsApiHuman, summarizeJsApi, type FileResult } from './results.ts';

const file = (over: Partial<FileResult>): FileResult => ({ file: 'a.any.js', subtests: [], harness: { status: 'OK' }, ms: 1, ...over });

describe('JS API counts', () => {
  test('PASS passes, PRECONDITION_FAILED skips, FAIL/TIMEOUT/NOTRUN fail', () => {
    const r = file({
      subtests: [
        { name: 'p', status: 'PASS' },
        { name: 'f', status: 'FAIL', message: 'm' },
        { name: 't', status: 'TIMEOUT' },
        { name: 'n', status: 'NOTRUN' },
        { name: 's', status: 'PRECONDITION_FAILED' },
      ],
    });
    const { counts, failures, error } = countFile(r);
    expect(counts).toEqual({ passed: 1, failed: 3, skipped: 1 });
    expect(failures.map((f) => f.name)).toEqual(['f', 't', 'n']);
    expect(error).toBeUndefined();
  });
  test('a harness error or a crash is a file error, not a subtest', () => {
    expect(countFile(file({ harness: { status: 'ERROR', message: 'boom' } })).error).toEqual({ file: 'a.any.js', status: 'ERROR', message: 'boom' });
    expect(countFile(file({ harness: undefined, crashed: 'timed out' })).error?.status).toBe('CRASH');
    expect(countFile(file({ harness: undefined })).error?.status).toBe('CRASH');
  });
  test('the summary adds files up and the table shows the harness column', () => {
    const s = summarizeJsApi(
      [file({ subtests: [{ name: 'x', status: 'PASS' }] }), file({ file: 'b.any.js', harness: { status: 'ERROR' }, subtests: [{ name: 'y', status: 'FAIL' }] })],
      'v8',
      1000,
    );
    expect(s).toMatchObject({ files: 2, total: 2, passed: 1, failed: 1, skipped: 0 });
    expect(s.perFile['b.any.js']).toEqual({ total: 1, passed: 0, failed: 1, skipped: 0, harness: 'ERROR' });
    const text = formatJsApiHuman(s, 10);
    expect(text).toMatch(/b\.any\.js\s+0\s+1\s+0\s+ERROR/);
    expect(text).toContain('b.any.js: y: FAIL');
  });
});
