// The compile cache (compiler/cache/compileCache.ts) under the installed API: `lightbeam node` and
// `node --import lightbeam/register` (install.ts turns it on), so a program that compiles the
// same module in every run (an emscripten or wasm-bindgen package's) loads its machine code
// instead of compiling it cold again. Node only: module.ts, which runs in a browser too, only
// calls what is installed here.
//
// An entry's key is the compiler's stamp, every compile option (the code generator's CPU features
// and interrupt checks, the API's builtins and imported string constants) and the bytes. The
// same settings as `lightbeam run`: LIGHTBEAM_CACHE=0 turns it off, LIGHTBEAM_CACHE_DIR moves it.
// Without the bundle's stamp (the sources through tsx) nothing is cached.

import { type CompileCache, cacheKey, compileCacheOfEnv, loadCached, storeCached } from '../cache/compileCache.ts';
import { setCachedCompile, setGatherForCache } from './module.ts';

/**
 * Modules smaller than this (bytes) are always compiled, never kept. In a fresh process even a
 * 4 KB module takes ~40 ms of CPU to compile cold against ~11 ms from the cache, but below it the
 * saving is a few ms, while every store costs a file and ~0.5 ms in a warm process, where a
 * program that makes many small modules would pay it for each (README, "The compile cache").
 */
export const CACHE_FROM = 4 * 1024;

/** What the cache did in this process (install.ts puts it in the LIGHTBEAM_NODE_REPORT file). */
export const codeCacheStats = { hits: 0, stored: 0 };

/** Compile the API's modules through the compile cache from now on, unless the environment turns it off. */
export function installCodeCache(env: NodeJS.ProcessEnv = process.env): void {
  if (env.LIGHTBEAM_CACHE === '0') return;
  // Found on the first module large enough: the compiler's stamp is hashed lazily (bin/register.mjs).
  let found: CompileCache | null | undefined;
  const cacheNow = () => (found === undefined ? (found = compileCacheOfEnv(env)) : found);
  setCachedCompile((bytes, options, compile) => {
    const cache = bytes.length < CACHE_FROM ? null : cacheNow();
    if (cache === null) return compile();
    const key = cacheKey(cache, bytes, options);
    const hit = loadCached(cache, key, bytes);
    if (hit) {
      codeCacheStats.hits++;
      return hit;
    }
    const compiled = compile();
    // A module with functions the code generator could not compile is refused, not kept.
    if (compiled.stubbed.size === 0 && storeCached(cache, key, compiled)) codeCacheStats.stored++;
    return compiled;
  });
  setGatherForCache((expectedBytes) => expectedBytes >= CACHE_FROM && cacheNow() !== null);
}

/**
 * The library's opt-in (`import { useCompileCache } from 'lightbeam'`): from now on, modules are
 * compiled through the compile cache, in `options.dir` or where the environment says. A library
 * does not write to the user's cache unasked, so it is off until this is called. True when the
 * cache is on: not with LIGHTBEAM_CACHE=0, nor without the bundle's stamp (the sources through tsx).
 */
export function useCompileCache(options: { readonly dir?: string } = {}): boolean {
  const env = options.dir === undefined ? process.env : { ...process.env, LIGHTBEAM_CACHE_DIR: options.dir };
  installCodeCache(env);
  return compileCacheOfEnv(env) !== null;
}
