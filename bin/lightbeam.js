#!/usr/bin/env node
// The `lightbeam` command. The compiler is written in TypeScript and run through tsx, so the
// command works straight after `npm install`, with no build step.
//
// `run`, `compile` and `disasm` start from a bundle instead (built by esbuild into dist-cli/ on
// first use and again whenever a source file is newer): loading the compiler through
// tsx costs about 1 s of CPU on every invocation, the bundle a few tens of ms. `wast` and
// `jsapi` start worker processes from the TypeScript sources, so they keep to tsx.
// LIGHTBEAM_NO_BUNDLE=1 always uses tsx.
//
// `run` and `compile` load a CommonJS build of the same bundle through vm.Script with V8's code
// cache (cli.cjs.cache, written by the first process that has none): it skips parsing and
// compiling the bundle's functions to bytecode, 30-60 ms of CPU per process. `disasm` keeps to
// the ES module bundle (iced-x86 is loaded by a dynamic import(), which a vm.Script can only do
// behind an experimental flag). LIGHTBEAM_NO_CODE_CACHE=1 uses the ES module bundle for all.
//
// `run` also keeps the machine code it compiles (compiler/cli/compileCache.ts; LIGHTBEAM_CACHE=0
// turns that off): this file stamps the compiler for it.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Script } from 'node:vm';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The CPU Node spent starting, before any of ours (`lightbeam compile` reports it).
const cpuAtStart = process.cpuUsage();
globalThis[Symbol.for('lightbeam.nodeStartCpuMs')] = (cpuAtStart.user + cpuAtStart.system) / 1000;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLED_COMMANDS = new Set(['run', 'disasm', 'compile']);
const CODE_CACHED_COMMANDS = new Set(['run', 'compile']);

/** A stamp of the sources the bundle is made from: the newest modification time and the file count. */
function sourceStamp() {
  let newest = statSync(join(ROOT, 'package.json')).mtimeMs;
  let count = 0;
  for (const entry of readdirSync(join(ROOT, 'compiler'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
    count++;
  }
  return `${Math.floor(newest)}-${count}`;
}

/** Set when this process built the bundle (and so has esbuild loaded). */
let builtHere = false;

/** The bundle's directory (cli.mjs, cli.cjs), built first if missing or older than the sources; null if it cannot be built. */
async function bundledCli() {
  const base = join(ROOT, 'dist-cli');
  const dir = join(base, sourceStamp());
  if (existsSync(join(dir, 'cli.cjs'))) return dir;
  builtHere = true;
  try {
    const esbuild = await import('esbuild');
    const tmp = `${dir}.${process.pid}.tmp`;
    await esbuild.build({
      entryPoints: [join(ROOT, 'compiler/cli.ts'), join(ROOT, 'compiler/parallel/compileWorker.ts')],
      bundle: true, splitting: true, format: 'esm', platform: 'node', packages: 'external',
      outdir: tmp, entryNames: '[name]', outExtension: { '.js': '.mjs' }, logLevel: 'error',
    });
    // One file, for the code cache; import.meta.url is this file's URL, as it is the chunk's in cli.mjs.
    await esbuild.build({
      entryPoints: [join(ROOT, 'compiler/cli.ts')], bundle: true, format: 'cjs', platform: 'node', packages: 'external',
      outfile: join(tmp, 'cli.cjs'), define: { 'import.meta.url': '__bundleUrl' }, logLevel: 'silent',
      banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    });
    mkdirSync(base, { recursive: true });
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another invocation built it first
    }
    // Bundles of older sources are of no more use.
    for (const old of readdirSync(base)) if (join(base, old) !== dir && !old.endsWith('.tmp')) rmSync(join(base, old), { recursive: true, force: true });
    return existsSync(join(dir, 'cli.cjs')) ? dir : null;
  } catch {
    return null;
  }
}

/** The text of cli.cjs, read once: run through vm.Script, and hashed into the compiler's stamp. */
let cjsText;
function bundleText(file) {
  cjsText ??= readFileSync(file, 'utf8');
  return cjsText;
}

/**
 * `run` keeps what it compiles in a cache (compiler/cli/compileCache.ts), whose entries are named
 * by the compiler that made them: a SHA-256 of the whole bundle (cli.cjs holds all of the compiler).
 */
function stampCompiler(dir) {
  globalThis[Symbol.for('lightbeam.compilerStamp')] = createHash('sha256').update(bundleText(join(dir, 'cli.cjs'))).digest('hex');
}

/** cli.cjs run through vm.Script with V8's code cache beside it (made at exit when missing or rejected): the CLI's main. */
function loadWithCodeCache(file) {
  const cacheFile = `${file}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {}
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${bundleText(file)}\n})`;
  const script = new Script(wrapper, { filename: file, cachedData });
  const module = { exports: {} };
  // A vm.Script cannot import() (but behind an experimental flag), and the bundle imports one file
  // outside it, wasm-tools' text parser (compiler/cli/loadWasm.ts): it asks this module to.
  globalThis[Symbol.for('lightbeam.importModule')] = (url) => import(url);
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  if (cachedData === undefined || script.cachedDataRejected) {
    // At exit the cache also holds the functions this run compiled lazily.
    process.once('exit', () => {
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {}
    });
  }
  return module.exports.main;
}

const command = process.argv[2];
const dir = BUNDLED_COMMANDS.has(command) && !process.env.LIGHTBEAM_NO_BUNDLE ? await bundledCli() : null;
let main;
if (dir && command === 'run') stampCompiler(dir);
// Not in the process that has just built the bundle: with esbuild loaded in it, the vm.Script path
// died now and then at a FinalizationRegistry cleanup ("illegal access", about 1 run in 2 on a fresh
// clone). That one run takes the ES module bundle; the next writes the code cache.
if (dir && !builtHere && CODE_CACHED_COMMANDS.has(command) && !process.env.LIGHTBEAM_NO_CODE_CACHE) main = loadWithCodeCache(join(dir, 'cli.cjs'));
else if (dir) ({ main } = await import(pathToFileURL(join(dir, 'cli.mjs')).href));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../compiler/cli.ts'));
}
process.exitCode = await main(process.argv.slice(2));
