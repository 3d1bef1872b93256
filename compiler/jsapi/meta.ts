// The `// META:` header of a web-platform-tests `.any.js` file: the helper scripts to load
// before it, in order, and whether it asked for a long timeout. Browser-safe.

export interface TestMeta {
  /** Script paths as written: `/wasm/jsapi/...` (from the suite's root) or relative to the test file. */
  scripts: string[];
  long: boolean;
}

export function parseMeta(source: string): TestMeta {
  const meta: TestMeta = { scripts: [], long: false };
  for (const line of source.split('\n')) {
    const m = /^\/\/\s*META:\s*(\w+)=(.*)$/.exec(line.trim());
    if (!m) {
      // META lines sit at the top; the first other non-blank line ends the header.
      if (line.trim() !== '') break;
      continue;
    }
    const [, key, value] = m;
    if (key === 'script') meta.scripts.push(value!.trim());
    else if (key === 'timeout' && value!.trim() === 'long') meta.long = true;
  }
  return meta;
}

/** Where web-platform-tests serves the WebAssembly JS API tests; the suite's js-api/ folder. */
export const WPT_PREFIX = '/wasm/jsapi/';
