// The CLI's compile cache (./compileCache.ts): a hit gives back what a compile gives, a damaged
// or foreign entry is never used, and the cache keeps to its size limit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileModule, type CompiledModuleWithNotes } from '../codegen/moduleCompiler.ts';
import { Instance } from '../runtime/instance.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { cacheKey, compileCacheOfEnv, COMPILER_STAMP, type CompileCache, loadCached, storeCached } from '../cache/compileCache.ts';
import { compileForCli } from './compileForCli.ts';

const SOURCE = `(module
  (memory 1)
  (func $fib (export "fib") (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_u
    if (result i32) local.get 0
    else local.get 0 i32.const 1 i32.sub call $fib local.get 0 i32.const 2 i32.sub call $fib i32.add end)
  (func (export "load") (param i32) (result i32) local.get 0 i32.load)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s))`;

let tmp: string;
let bytes: Uint8Array;
let other: Uint8Array;
let n = 0;
/** A cache of its own for each test, in an empty directory. */
const freshCache = (limitBytes = 1 << 30): CompileCache => ({ dir: path.join(tmp, `cache-${n++}`), stamp: 'compiler A', limitBytes });
const entryFile = (cache: CompileCache, key: string): string => path.join(cache.dir, `${key}.bin`);

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-cache-'));
  bytes = await watToWasm(SOURCE);
  other = await watToWasm('(module (func (export "fib") (param i32) (result i32) i32.const 42))');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** What the runtime reads of a compiled module, as plain data to compare. */
const essence = (m: CompiledModuleWithNotes) => ({
  code: [...m.code], functions: m.functions, trapSites: m.trapSites, relocations: m.relocations,
  exports: m.info.exports, functionTypes: m.info.functions, stubbed: [...m.stubbed],
});

describe('the compile cache', () => {
  it('a hit is what a compile makes, and it runs: traps keep their sites', async () => {
    const cache = freshCache();
    const first = await compileForCli(bytes, {}, cache);
    const key = cacheKey(cache, bytes, {});
    expect(fs.existsSync(entryFile(cache, key))).toBe(true);
    const hit = loadCached(cache, key, bytes)!;
    expect(hit).toBeDefined();
    expect(essence(hit)).toEqual(essence(first));
    expect(essence(hit)).toEqual(essence(compileModule(bytes)));
    const exports = new Instance(hit, {}).exports as Record<string, (...a: number[]) => number>;
    expect(exports.fib!(20)).toBe(6765);
    expect(() => exports.load!(65535)).toThrow(/out of bounds memory access/);
    expect(() => exports.div!(1, 0)).toThrow(/integer divide by zero/);
  });

  it('compileForCli takes the entry instead of compiling', async () => {
    const cache = freshCache();
    const key = cacheKey(cache, bytes, {});
    // An entry under this module's name with another module's code: only a cache read returns it.
    storeCached(cache, key, compileModule(other));
    const got = await compileForCli(bytes, {}, cache);
    expect([...got.code]).toEqual([...compileModule(other).code]);
    expect([...got.code]).not.toEqual([...compileModule(bytes).code]);
  });

  it('the compiler, the options and the module each name a different entry', () => {
    const cache = freshCache();
    const keys = new Set([
      cacheKey(cache, bytes, {}),
      cacheKey({ ...cache, stamp: 'compiler B' }, bytes, {}),
      cacheKey(cache, bytes, { interruptible: true }),
      cacheKey(cache, other, {}),
    ]);
    expect(keys.size).toBe(4);
    expect(cacheKey(cache, bytes.slice(), {})).toBe(cacheKey(cache, bytes, {}));
  });

  it('a damaged, truncated or renamed entry is never used: the module is compiled afresh and the entry rewritten', async () => {
    const cache = freshCache();
    const key = cacheKey(cache, bytes, {});
    await compileForCli(bytes, {}, cache);
    const good = fs.readFileSync(entryFile(cache, key));

    const flipped = Buffer.from(good);
    flipped[flipped.length - 100]! ^= 1;
    fs.writeFileSync(entryFile(cache, key), flipped);
    expect(loadCached(cache, key, bytes)).toBeUndefined();
    fs.writeFileSync(entryFile(cache, key), good.subarray(0, good.length >> 1));
    expect(loadCached(cache, key, bytes)).toBeUndefined();
    fs.writeFileSync(entryFile(cache, key), Buffer.alloc(0));
    expect(loadCached(cache, key, bytes)).toBeUndefined();

    // A whole entry under another name: its own key, inside it, does not match.
    const otherKey = cacheKey(cache, other, {});
    fs.writeFileSync(entryFile(cache, otherKey), good);
    expect(loadCached(cache, otherKey, other)).toBeUndefined();

    const again = await compileForCli(bytes, {}, cache);
    expect(essence(again)).toEqual(essence(compileModule(bytes)));
    expect(fs.readFileSync(entryFile(cache, key)).equals(good)).toBe(true);
  });

  it('keeps to its size limit, removing the entries used least recently', async () => {
    const modules = [bytes, other, await watToWasm('(module (func (export "f") (result i32) i32.const 7))')];
    const probe = freshCache();
    for (const m of modules) await compileForCli(m, {}, probe);
    const total = modules.reduce((sum, m) => sum + fs.statSync(entryFile(probe, cacheKey(probe, m, {}))).size, 0);
    // One byte short of room for all three.
    const cache = freshCache(total - 1);
    const keys = modules.map((m) => cacheKey(cache, m, {}));
    await compileForCli(modules[0]!, {}, cache);
    await compileForCli(modules[1]!, {}, cache);
    // Both written a while ago, entry 0 first; then entry 0 is used again, so entry 1 is the one to go.
    const minutesAgo = (m: number): Date => new Date(Date.now() - m * 60_000);
    fs.utimesSync(entryFile(cache, keys[0]!), minutesAgo(2), minutesAgo(2));
    fs.utimesSync(entryFile(cache, keys[1]!), minutesAgo(1), minutesAgo(1));
    expect(loadCached(cache, keys[0]!, modules[0]!)).toBeDefined();
    await compileForCli(modules[2]!, {}, cache);
    expect(fs.readdirSync(cache.dir).sort()).toEqual([`${keys[0]}.bin`, `${keys[2]}.bin`].sort());
  });

  it('prunes on the first store, then only after 1/64 of the limit is written (not on every store)', async () => {
    const cache = freshCache(64 * 4096);
    await compileForCli(bytes, {}, cache);
    // Entries that put the cache far over its limit, used long ago.
    const old = path.join(cache.dir, `${'0'.repeat(64)}.bin`);
    fs.writeFileSync(old, Buffer.alloc(2 * cache.limitBytes));
    fs.utimesSync(old, new Date(0), new Date(0));
    const small = await watToWasm('(module (func (export "f") (result i32) i32.const 7))');
    await compileForCli(small, {}, cache);
    expect(fs.existsSync(old)).toBe(true);
    // 4 KB and more written since the first store's prune: the next store prunes.
    for (let i = 0; fs.existsSync(old) && i < 100; i++) {
      await compileForCli(await watToWasm(`(module (func (export "f") (result i32) i32.const ${i + 100}))`), {}, cache);
    }
    expect(fs.existsSync(old)).toBe(false);
  });

  it('an unwritable cache directory is no error', async () => {
    const blocker = path.join(tmp, 'a-file');
    fs.writeFileSync(blocker, '');
    const cache: CompileCache = { dir: path.join(blocker, 'cache'), stamp: 'compiler A', limitBytes: 1 << 30 };
    expect(essence(await compileForCli(bytes, {}, cache))).toEqual(essence(compileModule(bytes)));
  });

  it("the CLI's cache: off with LIGHTBEAM_CACHE=0 or without the bundle's stamp; its directory from the environment", () => {
    const global = globalThis as Record<symbol, unknown>;
    const before = global[COMPILER_STAMP];
    try {
      delete global[COMPILER_STAMP];
      expect(compileCacheOfEnv({ LIGHTBEAM_CACHE_DIR: '/x' })).toBeNull();
      global[COMPILER_STAMP] = 'stamp';
      expect(compileCacheOfEnv({ LIGHTBEAM_CACHE_DIR: '/x', LIGHTBEAM_CACHE: '0' })).toBeNull();
      expect(compileCacheOfEnv({ LIGHTBEAM_CACHE_DIR: '/x' })).toMatchObject({ dir: '/x', stamp: 'stamp' });
      expect(compileCacheOfEnv({ XDG_CACHE_HOME: '/xdg' })!.dir).toBe(path.join('/xdg', 'lightbeam'));
      expect(compileCacheOfEnv({})!.dir).toBe(path.join(os.homedir(), '.cache', 'lightbeam'));
    } finally {
      if (before === undefined) delete global[COMPILER_STAMP];
      else global[COMPILER_STAMP] = before;
    }
  });
});
