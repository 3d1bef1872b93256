#!/usr/bin/env node
// The `lightbeam` command. The compiler is written in TypeScript and run through tsx, so the
// command works straight after `npm install`, with no build step.
//
// `run`, `compile`, `disasm` and `node` start from a bundle instead (bin/bundle.mjs: built by
// esbuild into dist-cli/ on first use and again whenever a source file is newer): loading the
// compiler through tsx costs about 1 s of CPU on every invocation, the bundle a few tens of ms.
// (`node` only starts the program, whose `--import lightbeam/register` loads the same bundle.)
// `wast` and `jsapi` start worker processes from the TypeScript sources, so they keep to tsx.
// LIGHTBEAM_NO_BUNDLE=1 always uses tsx.
//
// `run` and `compile` load a CommonJS build of the same bundle through vm.Script with V8's code
// cache (cli.cjs.cache, written by the first process that has none): it skips parsing and
// compiling the bundle's functions to bytecode, 30-60 ms of CPU per process. `disasm` keeps to
// the ES module bundle (iced-x86 is loaded by a dynamic import(), which a vm.Script can only do
// behind an experimental flag). LIGHTBEAM_NO_CODE_CACHE=1 uses the ES module bundle for all.
//
// `run` also keeps the machine code it compiles (compiler/cache/compileCache.ts; LIGHTBEAM_CACHE=0
// turns that off): this file stamps the compiler for it.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Script } from 'node:vm';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtHere, bundleDir, stampCompiler } from './bundle.mjs';

// The CPU Node spent starting, before any of ours (`lightbeam compile` reports it).
const cpuAtStart = process.cpuUsage();
globalThis[Symbol.for('lightbeam.nodeStartCpuMs')] = (cpuAtStart.user + cpuAtStart.system) / 1000;

const BUNDLED_COMMANDS = new Set(['run', 'disasm', 'compile', 'node']);
const CODE_CACHED_COMMANDS = new Set(['run', 'compile']);

/** The text of cli.cjs, read once: run through vm.Script, and hashed into the compiler's stamp. */
let cjsText;
function bundleText(file) {
  cjsText ??= readFileSync(file, 'utf8');
  return cjsText;
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
const dir = BUNDLED_COMMANDS.has(command) && !process.env.LIGHTBEAM_NO_BUNDLE ? await bundleDir() : null;
let main;
// `run` keeps what it compiles in a cache (compiler/cache/compileCache.ts), whose entries are named by the compiler.
if (dir && command === 'run') stampCompiler(dir, bundleText);
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
