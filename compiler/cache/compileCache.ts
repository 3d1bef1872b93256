// The compile cache. `lightbeam run` starts a fresh process every time, and so does a program
// under `lightbeam node`; the first compile in a process is slow (V8 has not yet optimised our
// compiler: chapter 15, "Cold start"), so both keep the machine code they made in a file and,
// when the same module is compiled again by the same compiler with the same options, load it
// instead of compiling, as Wasmtime's cache and V8's wasm code cache do. (compiler/cli/
// compileForCli.ts is the CLI's way in, compiler/api/nodeCodeCache.ts the JS API's.)
//
// An entry is named by a SHA-256 of the compiler (a stamp of its bundle), the compile options and
// the module's bytes, so a changed module, option or compiler is a miss, never a wrong hit. The
// file is the SHA-256 of its contents followed by them (v8.serialize of the packed module): a
// truncated or damaged entry fails that check and the module is compiled afresh, so no damaged
// machine code is ever run. The module's declarations are not stored: they are decoded again, by
// validating the bytes, which costs a few per cent of a compile.
//
// Settings: LIGHTBEAM_CACHE=0 turns it off; LIGHTBEAM_CACHE_DIR sets the directory (default
// $XDG_CACHE_HOME/lightbeam, else ~/.cache/lightbeam). The cache keeps to CACHE_LIMIT_BYTES by
// removing the entries used least recently. Only the bundled compiler caches (bin/lightbeam.js and
// bin/register.mjs stamp the bundle); through tsx (LIGHTBEAM_NO_BUNDLE=1) there is no stamp of the
// compiler, so no cache. Node only.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { threadId } from 'node:worker_threads';
import type { CompiledModuleWithNotes, CompileOptions } from '../codegen/moduleCompiler.ts';
import { packModule, unpackModule, type PackedModule } from '../parallel/partMessages.ts';
import { validateModule } from '../validate/index.ts';

/** Bumped when an entry's layout changes (the compiler stamp already covers the code's). */
const FORMAT = 1;
const DIGEST_BYTES = 32;
/** The cache's size limit: past it, the entries used least recently are removed. */
export const CACHE_LIMIT_BYTES = 512 * 1024 * 1024;

/** The stamp bin/lightbeam.js and bin/register.mjs leave for the compiler they loaded (a SHA-256 of its bundle). */
export const COMPILER_STAMP = Symbol.for('lightbeam.compilerStamp');

export interface CompileCache {
  readonly dir: string;
  /** Names the compiler: entries of another compiler are never read. */
  readonly stamp: string;
  readonly limitBytes: number;
}

/** The cache this process uses, or null when it is off or the compiler has no stamp. */
export function compileCacheOfEnv(env: NodeJS.ProcessEnv = process.env): CompileCache | null {
  if (env.LIGHTBEAM_CACHE === '0') return null;
  const stamp = (globalThis as Record<symbol, unknown>)[COMPILER_STAMP];
  if (typeof stamp !== 'string') return null;
  const dir = env.LIGHTBEAM_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'lightbeam');
  return { dir, stamp, limitBytes: CACHE_LIMIT_BYTES };
}

const sha256 = (...parts: (string | Uint8Array)[]): Buffer => {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest();
};

// #region cache-entry
/** The entry's file name: the compiler, the options and the module, hashed together. */
export function cacheKey(cache: CompileCache, bytes: Uint8Array, options: Omit<CompileOptions, 'part'>): string {
  return sha256(`lightbeam ${FORMAT}\0${cache.stamp}\0${JSON.stringify(options)}\0`, bytes).toString('hex');
}

interface Entry {
  readonly key: string;
  readonly module: PackedModule;
}

/** The compiled module cached under `key`, or undefined (no entry, or one that fails its checks). */
export function loadCached(cache: CompileCache, key: string, bytes: Uint8Array): CompiledModuleWithNotes | undefined {
  const file = join(cache.dir, `${key}.bin`);
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    const body = data.subarray(DIGEST_BYTES);
    if (data.length <= DIGEST_BYTES || !sha256(body).equals(data.subarray(0, DIGEST_BYTES))) return undefined;
    const entry = deserialize(body) as Entry;
    if (entry.key !== key) return undefined;
    const now = new Date();
    utimesSync(file, now, now); // used now: the last to be removed
    // The declarations, decoded again; the bodies were validated when the entry was made.
    return unpackModule(entry.module, validateModule(bytes, undefined, { skipBodies: true }));
  } catch {
    return undefined;
  }
}
// #endregion cache-entry

/** Keep `compiled` under `key`; false if it could not. A cache that cannot be written is not an error: the run goes on. */
export function storeCached(cache: CompileCache, key: string, compiled: CompiledModuleWithNotes): boolean {
  // Named by process and thread: worker threads of one program may store the same module at once.
  let written = 0;
  const tmp = join(cache.dir, `${key}.${process.pid}-${threadId}.tmp`);
  try {
    mkdirSync(cache.dir, { recursive: true });
    const entry: Entry = { key, module: packModule(compiled) };
    const body = serialize(entry);
    const data = Buffer.concat([sha256(body), body]);
    writeFileSync(tmp, data);
    renameSync(tmp, join(cache.dir, `${key}.bin`)); // whole or not at all, for a process reading it now
    written = data.length;
  } catch {
    // A read-only or full disk: the next run compiles again.
    try {
      rmSync(tmp, { force: true });
    } catch {}
    return false;
  }
  // A prune looks at every entry: a process that stores many modules (under the JS API) prunes on
  // its first store and then after each 1/64 of the limit it has written, not on every store.
  const since = (writtenSincePrune.get(cache.dir) ?? Infinity) + written;
  if (since < cache.limitBytes / 64) {
    writtenSincePrune.set(cache.dir, since);
    return true;
  }
  writtenSincePrune.set(cache.dir, 0);
  try {
    prune(cache);
  } catch {
    // Another process removing entries as we look: its prune keeps to the limit.
  }
  return true;
}

/** Bytes this process has stored in each cache directory since it last pruned it. */
const writtenSincePrune = new Map<string, number>();

/** Remove the entries used least recently until the cache is within its limit. */
function prune(cache: CompileCache): void {
  const entries = readdirSync(cache.dir)
    .filter((name) => name.endsWith('.bin'))
    .map((name) => {
      const s = statSync(join(cache.dir, name));
      return { name, size: s.size, used: s.mtimeMs };
    })
    .sort((a, b) => a.used - b.used);
  let total = entries.reduce((sum, e) => sum + e.size, 0);
  for (const e of entries) {
    if (total <= cache.limitBytes) break;
    rmSync(join(cache.dir, e.name), { force: true });
    total -= e.size;
  }
}
