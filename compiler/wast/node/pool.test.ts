import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { runFiles } from './pool.ts';
import { listWastFiles } from './suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'wast-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ENGINE = fileURLToPath(new URL('./fixtures/misbehavingEngine.ts', import.meta.url));

test('a crash or a hang fails the rest of its file only; other files still run', async () => {
  writeFileSync(join(dir, 'a-ok.wast'), '(module)\n(module (func))\n');
  writeFileSync(join(dir, 'b-crash.wast'), '(module)\n(module (func (export "CRASH")))\n(module)\n(assert_invalid (module) "x")\n');
  writeFileSync(join(dir, 'c-hang.wast'), '(module (func (export "HANG")))\n(module)\n');
  writeFileSync(join(dir, 'd-ok.wast'), '(module)\n');
  const files = listWastFiles([dir], false);
  const results = await runFiles(files, { engine: ENGINE, jobs: 2, idleTimeoutMs: 1500 });
  const byName = Object.fromEntries(results.map((r) => [r.file, r]));

  expect(byName['a-ok.wast']!.outcomes.map((o) => o.status)).toEqual(['passed', 'passed']);
  expect(byName['d-ok.wast']!.outcomes.map((o) => o.status)).toEqual(['passed']);

  const crash = byName['b-crash.wast']!;
  expect(crash.crashed).toMatch(/worker process died \(SIGSEGV\)/);
  // Every command has an outcome: those before the crash keep theirs (from the worker's
  // journal, whatever IPC got out), the crashing one and those after it are failures.
  expect(crash.outcomes.map((o) => o.line)).toEqual([1, 2, 3, 4]);
  expect(crash.outcomes.map((o) => o.status)).toEqual(['passed', 'failed', 'failed', 'failed']);
  expect(crash.outcomes[1]!.reason).toBe('worker process died (SIGSEGV), while running this command');
  expect(crash.outcomes[3]).toMatchObject({ kind: 'assert_invalid', reason: 'not run: worker process died (SIGSEGV) at line 2' });

  const hang = byName['c-hang.wast']!;
  expect(hang.crashed).toMatch(/timed out/);
  expect(hang.outcomes.map((o) => o.status)).toEqual(['failed', 'failed']);
}, 60_000);
