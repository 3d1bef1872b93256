// Runs JS API test files, each in a child process of its own, a few at a time (Node only).
// A fresh process per file: testharness.js and the tests keep global state, and a crash or a
// hang in native code must cost only the file it happened in.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseMeta } from '../meta.ts';
import type { FileResult } from '../results.ts';
import type { ChildArgs, JournalLine, JsApiEngine } from './protocol.ts';
import type { JsApiFile, JsApiSuite } from './suite.ts';

export interface JsApiPoolOptions {
  engine: JsApiEngine;
  /** Child processes at once; defaults to 2 (the machines we target have 2 cores). */
  jobs?: number;
  /** A file still running after this long is killed (a `timeout=long` file gets six times as long, as in web-platform-tests). */
  timeoutMs?: number;
  onFileDone?: (result: FileResult, done: number, total: number) => void;
}

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** How much of a child's output is kept to explain a crash. */
const OUTPUT_TAIL = 2000;

function readJournal(path: string): JournalLine[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.pop(); // incomplete (or empty) after the last newline
  return lines.map((l) => JSON.parse(l) as JournalLine);
}

// #region run-one-file
function runOne(suite: JsApiSuite, file: JsApiFile, long: boolean, options: JsApiPoolOptions, journal: string): Promise<FileResult> {
  const base = options.timeoutMs ?? 60_000;
  const limit = long ? 6 * base : base;
  const args: ChildArgs = {
    engine: options.engine,
    file: file.path,
    tests: suite.tests,
    harness: suite.harness,
    journal,
    // leave the child time to report its own timeout before it is killed
    softTimeoutMs: Math.max(limit - 5000, limit / 2),
  };
  const started = Date.now();
  return new Promise((resolveResult) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, CHILD, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-OUTPUT_TAIL);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let killedBecause: string | undefined;
    const timer = setTimeout(() => {
      killedBecause = `timed out after ${limit / 1000} s`;
      child.kill('SIGKILL');
    }, limit);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: FileResult = { file: file.name, subtests: [], ms: Date.now() - started };
      for (const line of readJournal(journal)) {
        if (line.type === 'result') result.subtests.push({ name: line.name, status: line.status, ...(line.message ? { message: line.message } : {}) });
        else result.harness = { status: line.status, ...(line.message ? { message: line.message } : {}) };
      }
      rmSync(journal, { force: true });
      if (!result.harness || code !== 0) {
        const why = killedBecause ?? `child process ${signal ? `killed by ${signal}` : `exited with code ${code}`}`;
        result.crashed = output.trim() ? `${why}; its last output: ${output.trim()}` : why;
      }
      resolveResult(result);
    });
  });
}
// #endregion run-one-file

/** Journals are named per file run, so pools running side by side never share one. */
let journals = 0;

/** Results in the order of `files`. */
export async function runJsApiFiles(suite: JsApiSuite, files: JsApiFile[], options: JsApiPoolOptions): Promise<FileResult[]> {
  const results: FileResult[] = new Array(files.length);
  // The slow files (`timeout=long`, e.g. limits.any.js) start first, so the others fill the
  // remaining lanes around them instead of leaving one running alone at the end.
  const long = files.map((f) => parseMeta(readFileSync(f.path, 'utf8')).long);
  const order = files.map((_, i) => i).sort((a, b) => Number(long[b]) - Number(long[a]) || a - b);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < order.length) {
      const index = order[next++]!;
      const journal = join(tmpdir(), `lightbeam-jsapi-${process.pid}-${journals++}.jsonl`);
      results[index] = await runOne(suite, files[index]!, long[index]!, options, journal);
      options.onFileDone?.(results[index]!, ++done, files.length);
    }
  };
  const jobs = Math.max(1, Math.min(options.jobs ?? 2, files.length));
  await Promise.all(Array.from({ length: jobs }, lane));
  return results;
}
