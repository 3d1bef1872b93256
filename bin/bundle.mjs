// The esbuild bundle that the `lightbeam` command and `lightbeam/register` load the compiler from,
// instead of running its TypeScript through tsx: loading through tsx costs about half a second of
// CPU in every process, and V8 compiles with the bundled compiler faster (one scope for all of it:
// large.wasm warm in 127 instead of 170 ms).
//
// Built into dist-cli/<stamp>/ on first use and again whenever a source file is newer (the stamp
// is the newest modification time under compiler/ and of this file, and the file count). Entry points, as .mjs:
// cli (the command line), compileWorker (parallel compiling's worker), install (the API as
// globalThis.WebAssembly), api (the library: `import ... from 'lightbeam'`); cli.cjs is the command line again as one CommonJS file, for V8's code
// cache (bin/lightbeam.js). Nothing is built when esbuild is missing (a production install):
// callers then fall back to tsx.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A stamp of the sources the bundle is made from (and of this recipe): the newest modification time and the file count. */
function sourceStamp() {
  let newest = Math.max(statSync(join(ROOT, 'package.json')).mtimeMs, statSync(fileURLToPath(import.meta.url)).mtimeMs);
  let count = 0;
  for (const entry of readdirSync(join(ROOT, 'compiler'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
    count++;
  }
  return `${Math.floor(newest)}-${count}`;
}

/** Set when this process built the bundle (and so has esbuild loaded). */
export let builtHere = false;

/** The bundle's directory, built first if missing or older than the sources; null if it cannot be built. */
export async function bundleDir() {
  const base = join(ROOT, 'dist-cli');
  const dir = join(base, sourceStamp());
  if (existsSync(join(dir, 'cli.cjs'))) return dir;
  builtHere = true;
  try {
    const esbuild = await import('esbuild');
    const tmp = `${dir}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await esbuild.build({
      entryPoints: {
        cli: join(ROOT, 'compiler/cli.ts'),
        compileWorker: join(ROOT, 'compiler/parallel/compileWorker.ts'),
        install: join(ROOT, 'compiler/api/install.ts'),
        api: join(ROOT, 'compiler/api/index.ts'),
      },
      bundle: true, splitting: true, format: 'esm', platform: 'node', packages: 'external',
      outdir: tmp, outExtension: { '.js': '.mjs' }, logLevel: 'error',
    });
    // One file, for the code cache; import.meta.url is this file's URL, as it is the chunk's in cli.mjs.
    // The code generator's modules first in this one file: a bundle's top-level bindings get V8
    // context slots in order, and past slot 255 each read is a wide bytecode, which takes the
    // smallest hot helpers past the size V8 always inlines (compiler/codegen/bundleLayout.test.ts).
    // Entered at cli.ts they came after the wast runner's and the validator's, and inReg grew from
    // 26 bytes of bytecode to 32.
    await esbuild.build({
      stdin: {
        contents: "import './compiler/codegen/moduleCompiler.ts';\nexport { main } from './compiler/cli.ts';",
        resolveDir: ROOT, sourcefile: 'cli-entry.ts', loader: 'ts',
      },
      bundle: true, format: 'cjs', platform: 'node', packages: 'external',
      outfile: join(tmp, 'cli.cjs'), define: { 'import.meta.url': '__bundleUrl' }, logLevel: 'silent',
      banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    });
    mkdirSync(base, { recursive: true });
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another process built it first
    }
    // Bundles of older sources are of no more use.
    for (const old of readdirSync(base)) if (join(base, old) !== dir && !old.endsWith('.tmp')) rmSync(join(base, old), { recursive: true, force: true });
    return existsSync(join(dir, 'cli.cjs')) ? dir : null;
  } catch {
    return null;
  }
}

/**
 * Name the compiler in the bundle `dir` for the compile cache (compiler/cache/compileCache.ts),
 * whose entries are named by the compiler that made them: a SHA-256 of cli.cjs, which holds all of
 * the compiler. Hashed on first use: a process that compiles nothing large never reads it.
 * `read` gives the file's text (bin/lightbeam.js has it already).
 */
export function stampCompiler(dir, read = (file) => readFileSync(file)) {
  let stamp;
  Object.defineProperty(globalThis, Symbol.for('lightbeam.compilerStamp'), {
    configurable: true, enumerable: false,
    get: () => (stamp ??= createHash('sha256').update(read(join(dir, 'cli.cjs'))).digest('hex')),
  });
}

/**
 * One entry of the compiler, from the bundle (`entry`.mjs) or, without one (no esbuild, or
 * LIGHTBEAM_NO_BUNDLE=1), its TypeScript `source` (relative to the repository) through tsx under
 * `namespace`, so that the program's own modules stay Node's. `bundled` says which; `stamp`
 * (only from the bundle) names the compiler for the compile cache (stampCompiler).
 */
export async function loadCompiler(entry, source, namespace, { stamp = false } = {}) {
  const dir = process.env.LIGHTBEAM_NO_BUNDLE ? null : await bundleDir();
  if (dir && stamp) stampCompiler(dir);
  if (dir) return { module: await import(pathToFileURL(join(dir, `${entry}.mjs`)).href), bundled: true };
  const { register } = await import('tsx/esm/api');
  return { module: await register({ namespace }).import(pathToFileURL(join(ROOT, source)).href, import.meta.url), bundled: false };
}
