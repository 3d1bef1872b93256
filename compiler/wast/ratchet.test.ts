import { describe, expect, test } from 'vitest';
import { diffBaseline } from './ratchet.ts';

const c = (passed: number, failed: number, skipped: number) => ({ passed, failed, skipped });

describe('diffBaseline', () => {
  test('no lines when nothing moved', () => {
    expect(diffBaseline({ 'a.wast': c(1, 2, 3) }, { 'a.wast': c(1, 2, 3) })).toEqual([]);
  });
  test('a file that passes more is better, one that passes less is worse', () => {
    const d = diffBaseline({ 'a.wast': c(1, 0, 3), 'b.wast': c(5, 0, 0) }, { 'a.wast': c(3, 0, 1), 'b.wast': c(4, 1, 0) });
    expect(d).toEqual([
      'a.wast: better: passed 1 -> 3 (+2), skipped 3 -> 1 (-2)',
      'b.wast: WORSE: passed 5 -> 4 (-1), failed 0 -> 1 (+1)',
    ]);
  });
  test('a skip turning into a failure is worse', () => {
    expect(diffBaseline({ 'a.wast': c(0, 0, 2) }, { 'a.wast': c(0, 1, 1) })[0]).toContain('WORSE');
  });
  test('new and vanished files are reported', () => {
    expect(diffBaseline({ 'old.wast': c(1, 0, 0) }, { 'new.wast': c(0, 0, 1) })).toEqual([
      'new.wast: new file (0 passed, 0 failed, 1 skipped)',
      'old.wast: file no longer in the suite',
    ]);
  });
});
