// The JS API's implementation limits (WebAssembly JS API, "Limits"): a module that exceeds one
// is rejected by validate() and compile() with a CompileError, as V8 and the JS API tests
// (js-api/limits.any.js) expect. They also bound what the runtime must handle: no signature
// has more than 1,000 parameters or results, so every call fits the runtime's slot buffers.

import { CompileError } from '../errors.ts';
import type { ModuleInfo } from '../binary/types.ts';

// #region js-api-limits
export const JS_API_LIMITS = {
  types: 1_000_000,
  functions: 1_000_000,
  imports: 1_000_000,
  exports: 1_000_000,
  globals: 1_000_000,
  dataSegments: 100_000,
  elementSegments: 10_000_000,
  tables: 100_000,
  params: 1_000,
  results: 1_000,
  /** Whole module, in bytes (1 GiB). */
  moduleSize: 1024 * 1024 * 1024,
} as const;
// #endregion js-api-limits

function over(what: string, count: number, limit: number, offset: number): void {
  if (count > limit) throw new CompileError(`too many ${what} (${count}; the JS API allows ${limit})`, offset);
}

/** Checks the counts a section just added to `m` (any section: each check is a comparison). */
export function checkJsApiLimits(m: ModuleInfo, offset: number): void {
  const L = JS_API_LIMITS;
  over('types', m.types.length, L.types, offset);
  over('functions', m.functions.length, L.functions, offset);
  over('imports', m.imports.length, L.imports, offset);
  over('exports', m.exports.length, L.exports, offset);
  over('globals', m.globals.length, L.globals, offset);
  over('data segments', m.data.length, L.dataSegments, offset);
  over('element segments', m.elements.length, L.elementSegments, offset);
  over('tables', m.tables.length, L.tables, offset);
}

/** The module's size so far, as its bytes arrive. */
export function checkModuleSize(bytes: number): void {
  const limit = JS_API_LIMITS.moduleSize;
  if (bytes > limit) throw new CompileError(`module too large (over ${limit} bytes; the JS API allows ${limit})`, limit);
}

/** A type's parameter and result counts (checked as each type is read). */
export function checkSignatureLimits(params: number, results: number, offset: number): void {
  over('parameters', params, JS_API_LIMITS.params, offset);
  over('results', results, JS_API_LIMITS.results, offset);
}
