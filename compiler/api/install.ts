// Installing Lightbeam as `globalThis.WebAssembly` in a Node process (what `lightbeam node` and
// `node --import lightbeam/register` do). Node only.
//
// Node's own internals use wasm through the same global: the fetch implementation (undici)
// compiles its HTTP parser (llhttp, with SIMD) the first time fetch is used, and the ESM loader's
// CommonJS export lexer (cjs-module-lexer) is wasm. Those are Node's, not the user's: a call to
// `compile` or `instantiate` whose caller is a `node:` module goes to the WebAssembly that Node
// started with, and so does instantiating a module that one compiled. Everything the program and
// its packages call runs on Lightbeam or fails with Lightbeam's error: no silent fallback.
// Lightbeam's shared memories and modules are posted to worker threads as V8's are
// (threadMessages.ts), and workers get Lightbeam as well (they inherit the --import preload).

import { writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { callCounts } from './index.ts';
import { apiStats } from './module.ts';
import { members, namespaceOf } from './namespace.ts';
import { codeCacheStats, installCodeCache } from './nodeCodeCache.ts';
import { WASI } from './nodeWasi.ts';
import { installThreadMessages } from './threadMessages.ts';

type Api = typeof globalThis.WebAssembly;

export interface Installed {
  /** The WebAssembly object Node started with (V8's). */
  readonly original: Api;
  /** Lightbeam's, now the global. */
  readonly lightbeam: object;
}

let installed: Installed | undefined;
let nodeInternalCalls = 0;

/** Is the function that called `entry` in one of Node's own modules (`node:...`)? */
function calledFromNode(entry: Function): boolean {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = (_error, frames) => frames;
    Error.stackTraceLimit = 1;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, entry);
    const file = holder.stack?.[0]?.getFileName();
    return file !== undefined && file !== null && file.startsWith('node:');
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

/** Make Lightbeam's API `globalThis.WebAssembly` (once; later calls return the first installation). */
export function installWebAssembly(): Installed {
  if (installed) return installed;
  const original = globalThis.WebAssembly;
  const isV8Module = (value: unknown) => value instanceof original.Module;

  // #region node-internals
  const { compile, instantiate } = members;
  const routed = {
    compile(bytes: BufferSource, ...options: [never?]) {
      if (!calledFromNode(routed.compile)) return compile(bytes, ...options);
      nodeInternalCalls++;
      return original.compile(bytes);
    },
    instantiate(source: never, importObject?: never, options?: never) {
      if (!isV8Module(source) && !calledFromNode(routed.instantiate)) return instantiate(source, importObject, options);
      nodeInternalCalls++;
      return original.instantiate(source, importObject);
    },
  };
  // #endregion node-internals
  Object.defineProperty(routed.instantiate, 'length', { value: 1 });
  Object.defineProperty(routed.compile, 'length', { value: 1 });
  const lightbeam = namespaceOf({ ...members, ...routed });
  Object.defineProperty(globalThis, 'WebAssembly', { value: lightbeam, writable: true, enumerable: false, configurable: true });
  replaceNodeWasi();
  installThreadMessages();
  installCodeCache(); // the program's modules: the compile cache `lightbeam run` keeps (nodeCodeCache.ts)
  // $LIGHTBEAM_NODE_REPORT names a file that gets, at exit, what ran where (scripts/check-packages.mts reads it).
  // $LIGHTBEAM_COUNT_CALLS=1 adds the calls into and out of wasm, by function (see callCounts).
  const report = process.env.LIGHTBEAM_NODE_REPORT;
  callCounts.enabled = !!report && process.env.LIGHTBEAM_COUNT_CALLS === '1';
  const top = (m: Map<string, number>) => Object.fromEntries([...m].sort((a, b) => b[1] - a[1]).slice(0, 8));
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  if (report) {
    process.on('exit', () => {
      const calls = callCounts.enabled
        ? { intoWasm: total(callCounts.intoWasm), outOfWasm: total(callCounts.outOfWasm), topInto: top(callCounts.intoWasm), topOut: top(callCounts.outOfWasm) }
        : {};
      // Where the compiler was loaded from: bin/register.mjs takes the esbuild bundle (dist-cli/) when it can, else the sources through tsx.
      const compiler = import.meta.url.includes('/dist-cli/') ? 'bundle' : 'sources';
      writeFileSync(report, JSON.stringify({ ...apiStats, nodeInternalCalls, compiler, codeCache: codeCacheStats, ...calls }));
    });
  }
  return (installed = { original, lightbeam });
}

// #region node-wasi-swap
/**
 * node:wasi's WASI reads memories through V8's WebAssembly.Memory, so under Lightbeam it becomes
 * ./nodeWasi.ts's, for `require('node:wasi')` and `import ... from 'node:wasi'` alike (Node's
 * syncBuiltinESMExports carries a builtin's changed exports over to its ES module). Loading
 * node:wasi makes Node warn that WASI is experimental: that warning waits until the program
 * makes a WASI, as if the program's own load of node:wasi had made it.
 */
function replaceNodeWasi(): void {
  const emitWarning = process.emitWarning;
  let held: Parameters<typeof process.emitWarning> | undefined;
  process.emitWarning = ((...args: Parameters<typeof process.emitWarning>) => {
    held = args;
  }) as typeof process.emitWarning;
  let wasi: { WASI: unknown };
  try {
    wasi = createRequire(import.meta.url)('node:wasi') as { WASI: unknown };
  } finally {
    process.emitWarning = emitWarning;
  }
  let warned = held === undefined;
  wasi.WASI = new Proxy(WASI, {
    construct(target, args, newTarget) {
      if (!warned) {
        warned = true;
        process.emitWarning(...held!);
      }
      return Reflect.construct(target, args, newTarget) as object;
    },
  });
  syncBuiltinESMExports();
}
// #endregion node-wasi-swap
