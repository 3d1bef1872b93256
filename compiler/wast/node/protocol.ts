// Messages between the pool (parent) and a worker process running .wast files.

import type { Outcome } from '../runner.ts';

/** Run one file; write each outcome as a JSON line to `journal` before going on. */
export type ToWorker = { type: 'run'; path: string; journal: string };

export type FromWorker =
  | { type: 'ready' }
  /** The file parsed into this many commands. */
  | { type: 'parsed'; path: string; commands: number }
  /** Outcomes of the next commands, in order. */
  | { type: 'outcomes'; path: string; outcomes: Outcome[] }
  | { type: 'done'; path: string }
  /** The harness itself failed on this file (not a command outcome). */
  | { type: 'error'; path: string; message: string };
