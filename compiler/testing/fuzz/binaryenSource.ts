// Test-only (Node): random valid modules from binaryen's `wasm-opt -ttf` ("translate to fuzz":
// random bytes in, a random valid module out), with exactly the features Lightbeam supports.
//
// The npm package ships wasm-opt as one emscripten script of 11 MB; starting it as a process
// costs 0.5-3 s, so it is loaded once per process into a vm context and its `main` is called
// again for each module (about 30x faster). emscripten's NODERAWFS gives it the real file system.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { rng } from '../rng.ts';

/**
 * WebAssembly 2.0, tail calls and threads (shared memories and atomics, which Node 20's V8 has:
 * -ttf makes them in most modules, though never a wait). Exceptions, GC, memory64, multi-memory
 * stay off; so does relaxed SIMD, whose results V8 may choose differently (and extended constants, which -ttf
 * did not make in a dozen modules: the mutants and the spec suite test them).
 */
export const BINARYEN_FEATURES = [
  '--mvp-features', '--enable-mutable-globals', '--enable-sign-ext', '--enable-nontrapping-float-to-int',
  '--enable-multivalue', '--enable-bulk-memory', '--enable-bulk-memory-opt', '--enable-reference-types',
  '--enable-call-indirect-overlong', '--enable-simd', '--enable-tail-call', '--enable-threads',
];

/**
 * For the GC source (gcOracle.ts): the same, with GC (structs, arrays, casts, i31) and exception
 * handling; no V8 judges these modules, Lightbeam's runs are compared with each other.
 */
export const BINARYEN_GC_FEATURES = [...BINARYEN_FEATURES, '--enable-gc', '--enable-exception-handling'];

/**
 * The GC features with custom descriptors (exact references, `describes`/`descriptor` struct
 * types, struct.new_desc, ref.get_desc, ref.cast_desc_eq, br_on_cast_desc_eq): -ttf then writes
 * exact types into most modules and descriptor types into about half. Also what binaryen's
 * interpreter is run with (fuzzExecTwin.ts), since it reads modules of either set alike.
 */
export const BINARYEN_GC_CD_FEATURES = [...BINARYEN_GC_FEATURES, '--enable-custom-descriptors'];

/**
 * The GC source's features for `seed`: custom descriptors on odd seeds only, so that the modules
 * -ttf makes without them (whose shapes differ: no exact types anywhere) keep being tested too.
 */
export const binaryenGcFeatures = (seed: number): readonly string[] => (seed % 2 ? BINARYEN_GC_CD_FEATURES : BINARYEN_GC_FEATURES);

export type Main = (args: string[]) => number;
let loaded: Promise<Main> | undefined;
/** Modules made by the loaded copy, which is replaced after MODULES_PER_COPY. */
let made = 0;
/**
 * After some 1,250 modules one copy of wasm-opt has been seen to trap, and the fresh copy then
 * started to parse its arguments wrongly ("Unexpected second positional argument"): a copy is
 * replaced well before that.
 */
const MODULES_PER_COPY = 500;

function loadWasmOpt(): Promise<Main> {
  if (made >= MODULES_PER_COPY) loaded = undefined;
  if (!loaded) made = 0;
  made++;
  return (loaded ??= startWasmOpt(() => {}));
}

/**
 * A fresh copy of wasm-opt in its own vm context; `print` gets what emscripten's runtime prints
 * (its C++ stdout is written to descriptor 1 by NODERAWFS: fuzzExecTwin.ts collects it there).
 */
export function startWasmOpt(print: (line: string) => void): Promise<Main> {
  return new Promise((resolve, reject) => {
    const require = createRequire(import.meta.url);
    const file = join(dirname(require.resolve('binaryen')), 'bin', 'wasm-opt');
    const source = readFileSync(file, 'utf8').replace(/^#!.*\n/, '');
    const Module: Record<string, unknown> = {
      noInitialRun: true,
      print,
      printErr: () => {},
      onRuntimeInitialized: () => resolve((context as { callMain: Main }).callMain),
      onAbort: (why: unknown) => reject(new Error(`wasm-opt aborted: ${String(why)}`)),
    };
    const context: Record<string, unknown> = {
      Module, require, process, console, Buffer, URL, TextDecoder, TextEncoder, WebAssembly, performance,
      setTimeout, clearTimeout, __filename: file, __dirname: dirname(file),
    };
    context.globalThis = context;
    vm.createContext(context);
    vm.runInContext(source, context, { filename: file });
  });
}

/** Bytes of random input per module: more input, larger modules (1-4 KB gives modules of 1-10 KB). */
const INPUT_BYTES = [1000, 2000, 4000];

/** The module binaryen makes from `seed` (the same seed and features always give the same module). */
export async function binaryenModule(seed: number, features: readonly string[] = BINARYEN_FEATURES): Promise<Uint8Array> {
  const main = await loadWasmOpt();
  const random = rng(seed * 2654435761 + 1);
  const input = new Uint8Array(INPUT_BYTES[seed % INPUT_BYTES.length]!);
  for (let i = 0; i < input.length; i++) input[i] = Math.floor(random() * 256);
  const base = join(tmpdir(), `lightbeam-ttf-${process.pid}`);
  writeFileSync(`${base}.in`, input);
  // --denan: the spec lets a NaN's sign and payload vary (V8's f64.max of a NaN is negative, ours
  // positive, both allowed), so NaNs are replaced where they could be observed.
  const args = ['-ttf', `${base}.in`, ...features, '--denan', '--quiet', '-o', `${base}.wasm`];
  const run = async (main: Main): Promise<{ status: number; out?: Uint8Array }> => {
    rmSync(`${base}.wasm`, { force: true });
    const status = main(args);
    let out: Uint8Array | undefined;
    try {
      out = new Uint8Array(readFileSync(`${base}.wasm`));
    } catch {
      out = undefined;
    }
    return { status, out: out && out.length >= 8 ? out : undefined };
  };
  let r: { status: number; out?: Uint8Array };
  try {
    r = await run(main);
  } catch {
    r = { status: -1 };
  }
  if (!r.out) {
    // wasm-opt's own wasm has been seen to trap, or to write an empty module (its heap left
    // inconsistent), after many modules in one copy (see MODULES_PER_COPY): start a fresh copy
    // and try once more.
    loaded = undefined;
    r = await run(await loadWasmOpt());
  }
  if (!r.out) throw new Error(`wasm-opt -ttf wrote no module for seed ${seed} (status ${r.status})`);
  return r.out;
}
