#!/usr/bin/env node
// The `lightbeam` command. The compiler is written in TypeScript and run through tsx, so the
// command works straight after `npm install`, with no build step.
//
// `run` and `disasm` start from a bundle instead (one file per command, built by esbuild into
// dist-cli/ on first use and again whenever a source file is newer): loading the compiler through
// tsx costs about 1 s of CPU on every invocation, the bundle a few tens of ms. `wast` and
// `jsapi` start worker processes from the TypeScript sources, so they keep to tsx.
// LIGHTBEAM_NO_BUNDLE=1 always uses tsx.

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The CPU Node spent starting, before any of ours (`lightbeam compile` reports it).
const cpuAtStart = process.cpuUsage();
globalThis[Symbol.for('lightbeam.nodeStartCpuMs')] = (cpuAtStart.user + cpuAtStart.system) / 1000;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLED_COMMANDS = new Set(['run', 'disasm', 'compile']);

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

/** The bundled cli.mjs, built first if missing or older than the sources; null if it cannot be built. */
async function bundledCli() {
  const base = join(ROOT, 'dist-cli');
  const dir = join(base, sourceStamp());
  const entry = join(dir, 'cli.mjs');
  if (existsSync(entry)) return entry;
  try {
    const esbuild = await import('esbuild');
    const tmp = `${dir}.${process.pid}.tmp`;
    await esbuild.build({
      entryPoints: [join(ROOT, 'compiler/cli.ts'), join(ROOT, 'compiler/parallel/compileWorker.ts')],
      bundle: true, splitting: true, format: 'esm', platform: 'node', packages: 'external',
      outdir: tmp, entryNames: '[name]', outExtension: { '.js': '.mjs' }, logLevel: 'error',
    });
    mkdirSync(base, { recursive: true });
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another invocation built it first
    }
    // Bundles of older sources are of no more use.
    for (const old of readdirSync(base)) if (join(base, old) !== dir && !old.endsWith('.tmp')) rmSync(join(base, old), { recursive: true, force: true });
    return existsSync(entry) ? entry : null;
  } catch {
    return null;
  }
}

const bundle = BUNDLED_COMMANDS.has(process.argv[2]) && !process.env.LIGHTBEAM_NO_BUNDLE ? await bundledCli() : null;
if (bundle) await import(pathToFileURL(bundle).href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../compiler/cli.ts');
}
