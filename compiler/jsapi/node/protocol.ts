// What the pool tells a child process, and the journal lines the child writes back (Node only).
// The child writes each line synchronously to a file as it happens, so if native code kills
// the process, the parent still has every result the harness reported before the crash.

import type { HarnessStatus, SubtestStatus } from '../results.ts';

export type JsApiEngine = 'lightbeam' | 'v8';
export const JSAPI_ENGINES: readonly JsApiEngine[] = ['lightbeam', 'v8'];

export interface ChildArgs {
  engine: JsApiEngine;
  /** The test file. */
  file: string;
  /** The suite's js-api/ folder, where `/wasm/jsapi/` META scripts are found. */
  tests: string;
  /** testharness.js. */
  harness: string;
  /** The journal file to write. */
  journal: string;
  /** After this long the child times the harness out itself (remaining subtests TIMEOUT/NOTRUN). */
  softTimeoutMs: number;
}

export type JournalLine =
  | { type: 'result'; name: string; status: SubtestStatus; message?: string }
  | { type: 'complete'; status: HarnessStatus; message?: string };
