// `lightbeam jsapi [files...] [--engine v8] [--json]`: run the WebAssembly JS API tests (Node only).

import { parseRunnerArgs } from './runnerOptions.ts';
import { runJsApiFiles } from '../jsapi/node/pool.ts';
import { JSAPI_ENGINES, type JsApiEngine } from '../jsapi/node/protocol.ts';
import { JsApiTestsNotFound, listJsApiFiles, locateJsApiSuite } from '../jsapi/node/suite.ts';
import { formatJsApiHuman, summarizeJsApi } from '../jsapi/results.ts';

const USAGE = `Usage: lightbeam jsapi [<files or folders...>] [options]

Runs the WebAssembly JS API tests (web-platform-tests *.any.js files, under testharness.js) with
Lightbeam's API as globalThis.WebAssembly, each file in a child process of its own, and reports
passed / failed / skipped subtests per file, the harness status of each file, and every failing
subtest. The tests are found through $WASM_JS_API or ../shared/wasm-js-api; without paths, all
of its js-api/**/*.any.js run.

Options:
  --engine NAME     ${JSAPI_ENGINES.join(' or ')} (default lightbeam; v8 is Node's own WebAssembly, to check the runner)
  --json            print one JSON object on stdout (progress stays on stderr)
  --jobs N          child processes at once (default 2)
  --timeout S       kill a file after S seconds (default 60; six times that for timeout=long files)
  --failures N      failures listed in the human report (default 100)`;

export async function main(args: string[]): Promise<number> {
  const o = parseRunnerArgs(args, { engines: JSAPI_ENGINES, failures: 100, recursive: false });
  if (typeof o === 'string') {
    console.error(`lightbeam jsapi: ${o}\n\n${USAGE}`);
    return 2;
  }
  let suite;
  let files;
  try {
    suite = locateJsApiSuite();
    files = listJsApiFiles(suite, o.paths);
  } catch (err) {
    console.error(`lightbeam jsapi: ${err instanceof JsApiTestsNotFound ? err.message : String((err as Error).message ?? err)}`);
    return 2;
  }
  if (files.length === 0) {
    console.error('lightbeam jsapi: no .any.js files found');
    return 2;
  }
  const started = Date.now();
  const progress = !o.json || process.stderr.isTTY;
  const results = await runJsApiFiles(suite, files, {
    engine: o.engine as JsApiEngine, // one of JSAPI_ENGINES: parseRunnerArgs checked it
    jobs: o.jobs,
    timeoutMs: o.timeout * 1000,
    onFileDone: (r, done, total) => {
      if (!progress) return;
      const passed = r.subtests.filter((t) => t.status === 'PASS').length;
      const counter = `[${String(done).padStart(String(total).length)}/${total}]`;
      const harness = r.crashed ? ` CRASHED: ${r.crashed.split('\n')[0]}` : r.harness?.status !== 'OK' ? ` harness ${r.harness?.status}` : '';
      console.error(`${counter} ${r.file}: ${passed} of ${r.subtests.length} passed (${r.ms} ms)${harness}`);
    },
  });
  const summary = summarizeJsApi(results, o.engine, Date.now() - started);
  if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else console.log(formatJsApiHuman(summary, o.failures));
  return 0;
}
