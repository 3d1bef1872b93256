// `lightbeam wast <files or folders...> [--json]`: run .wast spec scripts (Node only).

import { parseRunnerArgs } from './runnerOptions.ts';
import { ENGINES } from '../wast/engines.ts';
import { runFiles } from '../wast/node/pool.ts';
import { SuiteNotFound, listWastFiles, locateSuite } from '../wast/node/suite.ts';
import { WASM_TOOLS_PACKAGE, wasmToolsInstalled } from '../wast/node/wasmToolsText.ts';
import { formatHuman, summarize } from '../wast/report.ts';

const USAGE = `Usage: lightbeam wast [<files or folders...>] [options]

Runs .wast spec scripts and reports, for every command, passed / failed / skipped.
A folder contributes the *.wast files at its top level; --recursive also descends into
subfolders (the suite's proposals/ and legacy/). Without paths, runs the spec suite found
through $WASM_TESTSUITE or ../shared/wasm-testsuite.

Options:
  --json            print one JSON object on stdout (progress stays on stderr)
  --recursive       search folders recursively
  --jobs N          worker processes (default 2)
  --timeout S       declare a file hung after S seconds without progress (default 60)
  --engine NAME     engine to run (${Object.keys(ENGINES).join(', ')}; default lightbeam)
  --failures N      failures listed in the human report (default 50)`;

export async function main(args: string[]): Promise<number> {
  const o = parseRunnerArgs(args, { engines: Object.keys(ENGINES), failures: 50, recursive: true });
  if (typeof o === 'string') {
    console.error(`lightbeam wast: ${o}\n\n${USAGE}`);
    return 2;
  }
  let files;
  try {
    files = listWastFiles(o.paths.length ? o.paths : [locateSuite()], o.recursive);
  } catch (err) {
    console.error(`lightbeam wast: ${err instanceof SuiteNotFound ? err.message : String((err as Error).message ?? err)}`);
    return 2;
  }
  if (files.length === 0) {
    console.error('lightbeam wast: no .wast files found');
    return 2;
  }
  if (!wasmToolsInstalled()) {
    console.error(
      `lightbeam wast: ${WASM_TOOLS_PACKAGE} is not installed, so text modules wabt cannot read are skipped ` +
        `and malformed text wabt accepts is not checked (npm install --save-dev ${WASM_TOOLS_PACKAGE})`,
    );
  }
  const started = Date.now();
  const progress = !o.json || process.stderr.isTTY;
  const results = await runFiles(files, {
    engine: o.engine,
    jobs: o.jobs,
    idleTimeoutMs: o.timeout * 1000,
    onFileDone: (r, done, total) => {
      if (!progress) return;
      const c = { passed: 0, failed: 0, skipped: 0 };
      for (const x of r.outcomes) c[x.status]++;
      const counter = `[${String(done).padStart(String(total).length)}/${total}]`;
      console.error(
        `${counter} ${r.file}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped (${r.ms} ms)${r.crashed ? ` CRASHED: ${r.crashed}` : ''}`,
      );
    },
  });
  const summary = summarize(results, o.engine, Date.now() - started);
  if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else console.log(formatHuman(summary, o.failures));
  return 0;
}
