// `lightbeam run --timeout`: a runaway export is stopped with the trap "interrupted".
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { main as runMain, parseDuration } from './run.ts';

it('parses durations', () => {
  expect([parseDuration('5s'), parseDuration('250ms'), parseDuration('2m'), parseDuration('1.5'), parseDuration('x'), parseDuration('0')])
    .toEqual([5000, 250, 120_000, 1500, undefined, undefined]);
});

it('lightbeam run --timeout stops a runaway export', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lightbeam-timeout-'));
  const file = join(dir, 'spin.wat');
  writeFileSync(file, '(module (func (export "spin") (loop br 0)))');
  const errors: string[] = [];
  const log = console.error;
  console.error = (...a: unknown[]) => errors.push(a.join(' '));
  try {
    expect(await runMain(['--timeout', '100ms', '--invoke', 'spin', file])).toBe(1);
  } finally {
    console.error = log;
  }
  expect(errors.join('\n')).toMatch(/RuntimeError: interrupted/);
});

