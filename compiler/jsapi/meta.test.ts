import { describe, expect, test } from 'vitest';
import { parseMeta } from './meta.ts';

describe('parseMeta', () => {
  test('scripts in order, and timeout=long', () => {
    const src = '// META: global=jsshell\n// META: script=/wasm/jsapi/a.js\n//META: script= b.js\n// META: timeout=long\n\ntest(() => {});\n';
    expect(parseMeta(src)).toEqual({ scripts: ['/wasm/jsapi/a.js', 'b.js'], long: true });
  });
  test('META lines after the header are not read', () => {
    expect(parseMeta('test(() => {});\n// META: script=late.js\n')).toEqual({ scripts: [], long: false });
  });
});
