// A worker process: runs the .wast files its parent sends, one at a time, and streams the
// outcomes back, so that a crash or hang costs only the file it happened in (Node only).

import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Engine } from '../engine.ts';
import { ENGINES } from '../engines.ts';
import { withExecution } from './executionEngine.ts';
import { ScriptRunner, type Outcome } from '../runner.ts';
import { parseScript } from '../script.ts';
import { loadReadsBack, loadTextToBinary } from '../textFormat.ts';
import { loadWasmToolsTextToBinary } from './wasmToolsText.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

const FLUSH_MS = 50;

function send(m: FromWorker): void {
  process.send!(m);
}

// An engine by name, or a module path whose default export makes one (tests use this).
const engineName = process.argv[2] ?? 'lightbeam';
const makeEngine: (() => Engine | Promise<Engine>) | undefined =
  ENGINES[engineName] ?? (isAbsolute(engineName) ? (await import(pathToFileURL(engineName).href)).default : undefined);
if (!makeEngine) throw new Error(`unknown engine ${engineName}`);
// Lightbeam runs code only here, in Node: the execution half is Node-only (executionEngine.ts).
const engine = engineName === 'lightbeam' ? withExecution(await makeEngine()) : await makeEngine();
const textToBinary = await loadTextToBinary();
const readsBack = await loadReadsBack();
const specTextToBinary = await loadWasmToolsTextToBinary();

// #region worker-run-file
/**
 * Each outcome is also written, synchronously, to the journal the parent named: if native code
 * kills this process, the parent still knows exactly which commands finished, so the counts of
 * a crashing file do not depend on how many IPC messages happened to get out.
 */
function runFile(path: string, journal: string): void {
  const fd = openSync(journal, 'w');
  try {
    runFileJournaled(path, fd);
  } finally {
    closeSync(fd);
  }
}

function runFileJournaled(path: string, fd: number): void {
  const script = parseScript(readFileSync(path, 'utf8'));
  send({ type: 'parsed', path, commands: script.commands.length });
  let batch: Outcome[] = [];
  let last = Date.now();
  const flush = () => {
    if (batch.length) send({ type: 'outcomes', path, outcomes: batch });
    batch = [];
    last = Date.now();
  };
  const runner = new ScriptRunner({
    engine,
    textToBinary,
    specTextToBinary,
    readsBack,
    onOutcome: (o) => {
      writeSync(fd, JSON.stringify(o) + '\n');
      batch.push(o);
      if (Date.now() - last >= FLUSH_MS) flush();
    },
  });
  for (const c of script.commands) runner.runCommand(c);
  flush();
  send({ type: 'done', path });
}
// #endregion worker-run-file

process.on('message', (m: ToWorker) => {
  if (m.type !== 'run') return;
  try {
    runFile(m.path, m.journal);
  } catch (err) {
    send({ type: 'error', path: m.path, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
