// `import { instantiate } from 'lightbeam'`: the library (compiler/api/index.ts, the WebAssembly
// JS API's classes and functions, Lightbeam's options and errors) from the esbuild bundle
// (bin/bundle.mjs), or through tsx where no bundle can be built (no esbuild) or
// LIGHTBEAM_NO_BUNDLE=1 is set. TypeScript sees compiler/api/index.ts itself (package.json's
// "types" condition). compiler/api/package.test.ts checks that the names below are all of its exports.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleDir } from './bundle.mjs';

const dir = process.env.LIGHTBEAM_NO_BUNDLE ? null : await bundleDir();
let api;
if (dir) api = await import(pathToFileURL(join(dir, 'api.mjs')).href);
else {
  const { register } = await import('tsx/esm/api');
  api = await register({ namespace: 'lightbeam-api' }).import('../compiler/api/index.ts', import.meta.url);
}

export const {
  CompileError, LinkError, RuntimeError, Tag, Exception, JSTag, Module, validate, compile, apiStats,
  interrupt, interruptHandle, withTimeout, Memory, Table, Global, callCounts, Instance, instantiate,
  checkImportObject, memoryOf,
} = api;
/** Where the library was loaded from: 'bundle' (dist-cli/) or 'sources' (through tsx). */
export const loadedFrom = dir ? 'bundle' : 'sources';
