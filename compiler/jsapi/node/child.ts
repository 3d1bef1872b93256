// One JS API test file in a process of its own (Node only): testharness.js, then the file's
// META scripts in order, then the file, all as classic scripts in this global, like a JS shell.
// Every subtest result and the harness's completion go to the journal (see protocol.ts).
//
// With the lightbeam engine, globalThis.WebAssembly is Lightbeam's API (compiler/api/namespace.ts).
// Node's own WebAssembly is not left reachable from the global: neither testharness.js nor the
// helper scripts need it (wasm-module-builder.js's toModule/instantiate are meant to exercise
// the API under test), and a test that found V8 behind our back would pass for the wrong reason.
// Every import happens before the swap, so Node's loaders (which use WebAssembly internally to
// lex modules) never see Lightbeam's.

import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import vm from 'node:vm';
import { parseMeta, WPT_PREFIX } from '../meta.ts';
import { HARNESS_STATUSES, SUBTEST_STATUSES } from '../results.ts';
import type { ChildArgs, JournalLine } from './protocol.ts';

const args = JSON.parse(process.argv[2]!) as ChildArgs;
const journal = openSync(args.journal, 'w');
const record = (line: JournalLine): void => {
  writeSync(journal, JSON.stringify(line) + '\n');
};

// #region install-api
if (args.engine === 'lightbeam') {
  const { WebAssembly: namespace } = await import('../../api/namespace.ts');
  Object.defineProperty(globalThis, 'WebAssembly', { value: namespace, writable: true, enumerable: false, configurable: true });
}
// #endregion install-api

// The browser glue testharness.js expects: `self`, and error events for uncaught exceptions
// and unhandled rejections (it turns them into a harness ERROR, as a page would).
type Listener = (event: Record<string, unknown>) => void;
const listeners: Record<string, Listener[]> = {};
const g = globalThis as Record<string, unknown>;
g.self = globalThis;
g.addEventListener = (type: string, listener: Listener) => (listeners[type] ??= []).push(listener);
const dispatch = (type: string, event: Record<string, unknown>) => {
  for (const l of listeners[type] ?? []) l(event);
};
const reportError = (error: unknown) =>
  dispatch('error', { message: error instanceof Error ? `${error.name}: ${error.message}` : `uncaught ${String(error)}`, error });
process.on('uncaughtException', reportError);
process.on('unhandledRejection', (reason) => dispatch('unhandledrejection', { reason }));

function runScript(path: string): boolean {
  try {
    vm.runInThisContext(readFileSync(path, 'utf8'), { filename: path });
    return true;
  } catch (error) {
    reportError(error); // a script that throws at its top level is an uncaught error in a page too
    return false;
  }
}

runScript(args.harness);
type TestObject = { name: string; status: number; message: string | null };
type Harness = {
  add_result_callback(cb: (t: TestObject) => void): void;
  add_completion_callback(cb: (tests: TestObject[], status: { status: number; message: string | null }) => void): void;
  timeout(): void;
};
const harness = g as unknown as Harness;
let completed = false;
const reported = new Set<TestObject>();
const recordResult = (t: TestObject) => {
  reported.add(t);
  record({ type: 'result', name: t.name, status: SUBTEST_STATUSES[t.status] ?? 'FAIL', ...(t.message ? { message: t.message } : {}) });
};
harness.add_result_callback(recordResult);
harness.add_completion_callback((tests, status) => {
  completed = true;
  // A harness timeout completes without a result callback for the subtests it cut short.
  for (const t of tests) if (!reported.has(t)) recordResult(t);
  record({ type: 'complete', status: HARNESS_STATUSES[status.status] ?? 'ERROR', ...(status.message ? { message: status.message } : {}) });
  closeSync(journal);
  setImmediate(() => process.exit(0));
});

// Subtests waiting on promises that never settle would otherwise end the process silently:
// time the harness out, which reports them as TIMEOUT (as a browser would after its timeout).
let timedOut = false;
const timeOut = () => {
  if (completed || timedOut) return;
  timedOut = true;
  harness.timeout();
};
process.on('beforeExit', timeOut);
setTimeout(timeOut, args.softTimeoutMs).unref();

const source = readFileSync(args.file, 'utf8');
for (const script of parseMeta(source).scripts) {
  const path = script.startsWith(WPT_PREFIX) ? join(args.tests, script.slice(WPT_PREFIX.length)) : resolve(dirname(args.file), script);
  if (!runScript(path)) break;
}
runScript(args.file);
