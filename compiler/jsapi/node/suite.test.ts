import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { JsApiTestsNotFound, listJsApiFiles, locateJsApiSuite } from './suite.ts';

describe('locating the JS API tests', () => {
  const real = locateJsApiSuite();

  test('$WASM_JS_API comes first, then the folder beside the repository', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-jsapi-'));
    expect(locateJsApiSuite({ WASM_JS_API: real.root }, empty).root).toBe(real.root);
    expect(locateJsApiSuite({}, real.root).harness).toBe(join(real.root, 'harness', 'testharness.js'));
  });

  test('without them, the error says how to get them', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-jsapi-'));
    expect(() => locateJsApiSuite({ WASM_JS_API: empty }, empty)).toThrow(JsApiTestsNotFound);
    expect(() => locateJsApiSuite({}, empty)).toThrow(/git clone .*https:\/\/github.com\/WebAssembly\/spec/);
  });

  test('lists every .any.js under js-api/, named relative to it, helpers left out', () => {
    const names = listJsApiFiles(real, []).map((f) => f.name);
    expect(names).toContain('interface.any.js');
    expect(names).toContain('memory/grow.any.js');
    expect(names.every((n) => n.endsWith('.any.js'))).toBe(true);
    expect(listJsApiFiles(real, [join(real.tests, 'memory')]).map((f) => f.name)).toContain('memory/grow.any.js');
  });
});
