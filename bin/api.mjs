// `import { instantiate } from 'lightbeam'`: the library (compiler/api/index.ts, the WebAssembly
// JS API's classes and functions, Lightbeam's options and errors) from the esbuild bundle
// (bin/bundle.mjs), or through tsx where no bundle can be built (no esbuild) or
// LIGHTBEAM_NO_BUNDLE=1 is set. TypeScript sees compiler/api/index.ts itself (package.json's
// "types" condition). compiler/api/package.test.ts checks that the names below are all of its exports.
import { loadCompiler } from './bundle.mjs';

// Stamped, for useCompileCache (off unless the program calls it: compiler/api/nodeCodeCache.ts).
const { module: api, bundled } = await loadCompiler('api', 'compiler/api/index.ts', 'lightbeam-api', { stamp: true });

export const {
  CompileError, LinkError, RuntimeError, Tag, Exception, JSTag, Module, validate, compile, apiStats,
  interrupt, interruptHandle, withTimeout, Memory, Table, Global, callCounts, Instance, instantiate,
  checkImportObject, memoryOf, useCompileCache,
} = api;
/** Where the library was loaded from: 'bundle' (dist-cli/) or 'sources' (through tsx). */
export const loadedFrom = bundled ? 'bundle' : 'sources';
