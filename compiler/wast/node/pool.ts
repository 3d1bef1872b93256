// A small pool of worker processes that runs .wast files in parallel (Node only).
// Processes, not threads: generated code runs natively, and a crash there takes down its
// whole process; the pool notices, fails the rest of that file, and starts a fresh worker.

import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FileResult } from '../report.ts';
import type { Outcome } from '../runner.ts';
import { commandKind, parseScript } from '../script.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import type { WastFile } from './suite.ts';

export interface PoolOptions {
  /** Engine name (see compiler/wast/engines.ts), or an absolute path to a module whose default export makes one. */
  engine: string;
  /** Worker processes; defaults to 2 (the machines we target have 2 cores). */
  jobs?: number;
  /** A file whose worker reports nothing for this long is declared hung and killed. */
  idleTimeoutMs?: number;
  /** Called as each file finishes, in completion order. */
  onFileDone?: (result: FileResult, done: number, total: number) => void;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Job {
  index: number;
  file: WastFile;
  outcomes: Outcome[];
  started: number;
  timer?: NodeJS.Timeout;
  /** Why the worker was stopped, when the pool stopped it. */
  killedBecause?: string;
}

/** The outcomes the worker's journal holds (complete lines only), or undefined without one. */
function readJournal(journal: string | undefined): Outcome[] | undefined {
  if (!journal) return undefined;
  try {
    const text = readFileSync(journal, 'utf8');
    const lines = text.split('\n');
    lines.pop(); // the part after the last newline is incomplete (or empty)
    return lines.map((l) => JSON.parse(l) as Outcome);
  } catch {
    return undefined;
  }
}

/**
 * The outcomes of a file whose worker crashed or hung: those it finished, then a failure for
 * the command it was running (the culprit) and for every command it never reached.
 */
function failRemaining(job: Job, why: string, journal?: string): Outcome[] {
  const journaled = readJournal(journal);
  const done = journaled && journaled.length >= job.outcomes.length ? journaled : job.outcomes;
  let remaining: Outcome[];
  try {
    const commands = parseScript(readFileSync(job.file.path, 'utf8')).commands.slice(done.length);
    const culprit = commands[0]?.line;
    remaining = commands.map((c, k) => ({
      line: c.line,
      kind: commandKind(c),
      status: 'failed',
      reason: k === 0 ? `${why}, while running this command` : `not run: ${why} at line ${culprit}`,
    }));
  } catch (err) {
    remaining = [{ line: 0, kind: 'file', status: 'failed', reason: `${why}; the file cannot be read: ${String(err)}` }];
  }
  return [...done, ...remaining];
}

// #region worker-pool
export function runFiles(files: WastFile[], options: PoolOptions): Promise<FileResult[]> {
  const jobs = Math.max(1, Math.min(options.jobs ?? 2, files.length));
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const results: FileResult[] = new Array(files.length);
  let next = 0;
  let done = 0;

  return new Promise((resolveAll) => {
    if (files.length === 0) return resolveAll([]);

    const finish = (job: Job, outcomes: Outcome[], crashed?: string) => {
      if (job.timer) clearTimeout(job.timer);
      const result: FileResult = { file: job.file.name, outcomes, ms: Date.now() - job.started };
      if (crashed) result.crashed = crashed;
      results[job.index] = result;
      done++;
      options.onFileDone?.(result, done, files.length);
      if (done === files.length) resolveAll(results);
    };

    let workers = 0;
    const startWorker = () => {
      const journal = join(tmpdir(), `lightbeam-wast-${process.pid}-${workers++}.jsonl`);
      const child: ChildProcess = fork(WORKER, [options.engine], {
        execArgv: ['--import', TSX_LOADER],
        // Anything the engine prints goes to stderr, so stdout stays clean for --json.
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      });
      child.stdout?.on('data', (d: Buffer) => process.stderr.write(d));
      // A send to a worker that just died fails here; its 'exit' handler does the accounting.
      child.on('error', () => {});
      let job: Job | undefined;

      const armTimer = () => {
        if (!job) return;
        if (job.timer) clearTimeout(job.timer);
        const j = job;
        j.timer = setTimeout(() => {
          j.killedBecause = `timed out: no progress for ${idleTimeoutMs / 1000} s`;
          child.kill('SIGKILL');
        }, idleTimeoutMs);
      };

      const assign = () => {
        if (next >= files.length) {
          job = undefined;
          child.disconnect();
          return;
        }
        const index = next++;
        job = { index, file: files[index]!, outcomes: [], started: Date.now() };
        armTimer();
        child.send({ type: 'run', path: job.file.path, journal } satisfies ToWorker);
      };

      child.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
            ready = true;
            return assign();
          case 'parsed':
            return armTimer();
          case 'outcomes':
            job?.outcomes.push(...m.outcomes);
            return armTimer();
          case 'done':
            if (job) finish(job, job.outcomes);
            return assign();
          case 'error':
            if (job) finish(job, failRemaining(job, `harness error: ${m.message.split('\n')[0]}`), m.message.split('\n')[0]);
            return assign();
        }
      });

      let ready = false;
      child.on('exit', (code, signal) => {
        if (!ready) {
          // The worker could not even start: no file can run; say so for each.
          const why = `worker process failed to start (${signal ?? `exit code ${code}`})`;
          while (next < files.length) {
            const index = next++;
            const j: Job = { index, file: files[index]!, outcomes: [], started: Date.now() };
            finish(j, failRemaining(j, why), why);
          }
          return;
        }
        if (!job) {
          rmSync(journal, { force: true });
          return; // finished its work and was let go
        }
        const why = job.killedBecause ?? `worker process died (${signal ?? `exit code ${code}`})`;
        finish(job, failRemaining(job, why, journal), why);
        rmSync(journal, { force: true });
        job = undefined;
        if (next < files.length) startWorker();
      });
    };

    for (let k = 0; k < jobs; k++) startWorker();
  });
}
// #endregion worker-pool
