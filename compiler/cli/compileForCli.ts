// How the CLI compiles a module (`lightbeam run`, `lightbeam compile`): on this thread alone
// unless $LIGHTBEAM_THREADS asks for more (and the module is large enough to be worth a worker).
//
// The CLI compiles once per process, so every thread compiles cold: a worker loads the compiler
// and warms V8's JIT on its own, and V8 optimises our compiler again for it on background threads.
// Measured on 2 cores (bench/compile.ts, cold rows), 2 threads cost 1.5-1.6x the CPU of one on
// iced-x86 and large.wasm and took longer on the wall clock too: parallel compiling pays off in a
// long-lived process (compiler/api, `lightbeam node`), whose workers stay warm.
import { type CompiledModuleWithNotes, type CompileOptions, compileModule } from '../codegen/moduleCompiler.ts';
import { compileModuleParallel } from '../parallel/parallelCompile.ts';
import { cacheKey, type CompileCache, loadCached, storeCached } from '../cache/compileCache.ts';

/** From this size on (bytes) $LIGHTBEAM_THREADS applies: below it, starting a worker costs more than it saves. */
export const PARALLEL_FROM = 256 * 1024;

/** The threads the CLI compiles `bytes` on: $LIGHTBEAM_THREADS (default 1), and 1 below PARALLEL_FROM. */
export function cliThreads(bytes: Uint8Array): number {
  if (bytes.length < PARALLEL_FROM) return 1;
  const threads = Number(process.env.LIGHTBEAM_THREADS ?? 1);
  return Number.isInteger(threads) && threads > 1 ? threads : 1;
}

/**
 * Validate and compile as the CLI does; throws CompileError. With a `cache` (`lightbeam run`'s:
 * ../cache/compileCache.ts), a module compiled before by the same compiler with the same options is
 * loaded from it instead, and a module compiled now is kept in it.
 */
export async function compileForCli(
  bytes: Uint8Array, options: Omit<CompileOptions, 'part'> = {}, cache: CompileCache | null = null,
): Promise<CompiledModuleWithNotes> {
  const key = cache && cacheKey(cache, bytes, options);
  const cached = key ? loadCached(cache, key, bytes) : undefined;
  if (cached) return cached;
  const threads = cliThreads(bytes);
  const compiled = threads > 1 ? await compileModuleParallel(bytes, { threads, ...options }) : compileModule(bytes, options);
  if (key) storeCached(cache, key, compiled);
  return compiled;
}
