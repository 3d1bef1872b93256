// Finding the WebAssembly JS API tests and the `.any.js` files to run (Node only).

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../../wast/node/suite.ts';

export const JSAPI_UPSTREAM = 'https://github.com/WebAssembly/spec';
/** The upstream commit the project's copy mirrors (see SOURCE.md beside the tests). */
export const JSAPI_COMMIT = '285a9032950cbad6a9f84de11183008e286092a2';

export class JsApiTestsNotFound extends Error {
  override name = 'JsApiTestsNotFound';
}

/** The folder with `js-api/` (the tests) and `harness/testharness.js`. */
export interface JsApiSuite {
  root: string;
  tests: string;
  harness: string;
}

const isSuite = (dir: string): boolean =>
  existsSync(join(dir, 'js-api')) && existsSync(join(dir, 'harness', 'testharness.js'));

// #region locate-jsapi
/** The JS API tests: $WASM_JS_API, else ../shared/wasm-js-api beside the repository. */
export function locateJsApiSuite(
  env: Record<string, string | undefined> = process.env,
  beside: string = resolve(REPO_ROOT, '../shared/wasm-js-api'),
): JsApiSuite {
  const candidates = [env.WASM_JS_API, beside].filter((p): p is string => !!p);
  for (const dir of candidates) {
    if (isSuite(dir)) {
      const root = resolve(dir);
      return { root, tests: join(root, 'js-api'), harness: join(root, 'harness', 'testharness.js') };
    }
  }
  throw new JsApiTestsNotFound(
    `WebAssembly JS API tests not found (looked in: ${candidates.join(', ')}; each needs js-api/ and harness/testharness.js).\n` +
      `Get them with:\n` +
      `  git clone --filter=blob:none --no-checkout ${JSAPI_UPSTREAM} /tmp/wasm-spec\n` +
      `  git -C /tmp/wasm-spec sparse-checkout set test/js-api test/harness\n` +
      `  git -C /tmp/wasm-spec checkout ${JSAPI_COMMIT}\n` +
      `  mkdir -p ${beside} && cp -r /tmp/wasm-spec/test/js-api /tmp/wasm-spec/test/harness ${beside}/\n` +
      `or point $WASM_JS_API at a copy.`,
  );
}
// #endregion locate-jsapi

export interface JsApiFile {
  /** Absolute path. */
  path: string;
  /** Name for reports: relative to the suite's js-api/ folder. */
  name: string;
}

function anyJsIn(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) anyJsIn(path, out);
    else if (entry.endsWith('.any.js')) out.push(path);
  }
}

/**
 * The `.any.js` test files named by the arguments (folders are searched recursively), or all of
 * the suite's when there are none. Throws for a path that does not exist.
 */
export function listJsApiFiles(suite: JsApiSuite, paths: string[]): JsApiFile[] {
  const found: string[] = [];
  for (const p of paths.length ? paths : [suite.tests]) {
    const path = resolve(p);
    if (!existsSync(path)) throw new Error(`no such file or folder: ${p}`);
    if (statSync(path).isDirectory()) anyJsIn(path, found);
    else found.push(path);
  }
  return found.map((path) => {
    const rel = relative(suite.tests, path);
    return { path, name: rel.startsWith('..') ? path : rel };
  });
}
