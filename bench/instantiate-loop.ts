// Issue 11, item 4: a synchronous loop that instantiates a module with a memory, a table and an
// import (or makes `new Memory({initial: 1})`) N times must not abort Node. Prints, every N/10
// iterations, the process's mappings (/proc/self/maps lines), its RSS and the time so far, and how
// often and how long the runtime reclaimed dead objects' mappings (compiler/runtime/reclaim.ts).
//
//   npx tsx bench/instantiate-loop.ts [instance|cycle|externref|linked|funcref|memory] [N] [lightbeam|v8]     (x86-64 Linux)
// `cycle`: each instance gets an import of its own that refers back to the instance's exports, as
// WASI shims and Emscripten's glue code do (the instance is garbage once the loop drops it).
// `externref`: each instance keeps, in an externref table slot and an externref global of its
// own, an object that refers back to its exports (as wasm-bindgen's table of JS values may).
// `linked`: each iteration links two instances, as a main module and a side module (Emscripten's
// dynamic linking): the side module imports the main one's externref table and its functions
// that store and load an externref; through them it stores, in the main one's table and global
// and a global of its own, an object that refers back to both instances' exports.
// `funcref`: JS hands each instance function references: its own export, into its exported table
// (`table.set`, as Emscripten's addFunction does) and as an argument its code stores in that
// table, and a long-lived instance's export the same way, which it then calls through the table.
//   e.g. npx tsx bench/instantiate-loop.ts instance 100000
// The last line is JSON (the test in compiler/runtime/instantiateLoop.test.ts reads it).

import { readFileSync } from 'node:fs';
import * as Lightbeam from '../compiler/api/index.ts';
import { mapped, reclaimStats } from '../compiler/runtime/reclaim.ts';

const kind = process.argv[2] ?? 'instance';
const N = Number(process.argv[3] ?? 50_000);
const engine = process.argv[4] ?? 'lightbeam';
const api = (engine === 'v8' ? WebAssembly : Lightbeam) as unknown as typeof WebAssembly;

// (module (import "env" "f" (func (result i32))) (memory 1) (table 1 funcref)
//   (func (export "g") (result i32) call 0))
const bytes = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 2, 9, 1, 3, 101, 110, 118, 1, 102, 0, 0, 3, 2, 1, 0,
  4, 4, 1, 112, 0, 1, 5, 3, 1, 0, 1, 7, 5, 1, 1, 103, 0, 1, 10, 6, 1, 4, 0, 16, 0, 11,
]);
const maps = () => readFileSync('/proc/self/maps', 'utf8').split('\n').length - 1;
const rssMiB = () => Math.round(process.memoryUsage().rss / 2 ** 20);

// (module (import "env" "f" (func (result i32))) (memory 1) (table 1 funcref)
//   (table $values 1 externref) (global $value (mut externref) (ref.null extern))
//   (func (export "g") (result i32) call 0)
//   (func (export "put") (param externref)
//     i32.const 0 local.get 0 table.set $values local.get 0 global.set $value)
//   (func (export "get") (result externref) i32.const 0 table.get $values))
// (Bytes, not text through wabt: a top-level await would run the whole loop inside one microtask,
// and the runtime cannot end the "kept during this job" set of WeakRef targets while microtasks run.)
const withExternrefs = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 13, 3, 96, 0, 1, 127, 96, 1, 111, 0, 96, 0, 1, 111, 2, 9, 1, 3, 101, 110, 118,
  1, 102, 0, 0, 3, 4, 3, 0, 1, 2, 4, 7, 2, 112, 0, 1, 111, 0, 1, 5, 3, 1, 0, 1, 6, 6, 1, 111, 1, 208, 111, 11, 7,
  17, 3, 1, 103, 0, 1, 3, 112, 117, 116, 0, 2, 3, 103, 101, 116, 0, 3, 10, 26, 3, 4, 0, 16, 0, 11, 12, 0, 65, 0,
  32, 0, 38, 1, 32, 0, 36, 0, 11, 6, 0, 65, 0, 37, 1, 11,
]);
// (module (import "env" "f" (func (result i32))) (memory 1) (table (export "t") 2 funcref)
//   (func (export "g") (result i32) call 0)
//   (func (export "keep") (param funcref) i32.const 1 local.get 0 table.set 0)
//   (func (export "callKept") (result i32) i32.const 1 call_indirect (result i32)))
const withFuncrefs = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 9, 2, 96, 0, 1, 127, 96, 1, 112, 0, 2, 9, 1, 3, 101, 110, 118, 1, 102, 0, 0, 3,
  4, 3, 0, 1, 0, 4, 4, 1, 112, 0, 2, 5, 3, 1, 0, 1, 7, 27, 4, 1, 116, 1, 0, 1, 103, 0, 1, 4, 107, 101, 101, 112, 0,
  2, 8, 99, 97, 108, 108, 75, 101, 112, 116, 0, 3, 10, 23, 3, 4, 0, 16, 0, 11, 8, 0, 65, 1, 32, 0, 38, 0, 11, 7, 0,
  65, 1, 17, 0, 0, 11,
]);
// (module (import "env" "f" (func (result i32))) (memory 1)
//   (table $values (export "t") 1 externref) (global $value (mut externref) (ref.null extern))
//   (func (export "g") (result i32) call 0)
//   (func (export "put") (param externref) i32.const 0 local.get 0 table.set $values local.get 0 global.set $value)
//   (func (export "get") (result externref) i32.const 0 table.get $values))
const linkedMain = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 13, 3, 96, 0, 1, 127, 96, 1, 111, 0, 96, 0, 1, 111, 2, 9, 1, 3, 101, 110, 118,
  1, 102, 0, 0, 3, 4, 3, 0, 1, 2, 4, 4, 1, 111, 0, 1, 5, 3, 1, 0, 1, 6, 6, 1, 111, 1, 208, 111, 11, 7, 21, 4, 1,
  116, 1, 0, 1, 103, 0, 1, 3, 112, 117, 116, 0, 2, 3, 103, 101, 116, 0, 3, 10, 26, 3, 4, 0, 16, 0, 11, 12, 0, 65,
  0, 32, 0, 38, 0, 32, 0, 36, 0, 11, 6, 0, 65, 0, 37, 0, 11,
]);
// (module (import "main" "t" (table 1 externref))
//   (import "main" "put" (func $put (param externref))) (import "main" "get" (func $get (result externref)))
//   (memory 1) (global $mine (mut externref) (ref.null extern))
//   (func (export "store") (param externref) local.get 0 call $put local.get 0 global.set $mine)
//   (func (export "load") (result externref) call $get))
const linkedSide = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 9, 2, 96, 1, 111, 0, 96, 0, 1, 111, 2, 34, 3, 4, 109, 97, 105, 110, 1, 116, 1,
  111, 0, 1, 4, 109, 97, 105, 110, 3, 112, 117, 116, 0, 0, 4, 109, 97, 105, 110, 3, 103, 101, 116, 0, 1, 3, 3, 2,
  0, 1, 5, 3, 1, 0, 1, 6, 6, 1, 111, 1, 208, 111, 11, 7, 16, 2, 5, 115, 116, 111, 114, 101, 0, 2, 4, 108, 111, 97,
  100, 0, 3, 10, 17, 2, 10, 0, 32, 0, 16, 0, 32, 0, 36, 0, 11, 4, 0, 16, 1, 11,
]);
const module = new api.Module(kind === 'externref' ? withExternrefs : kind === 'funcref' ? withFuncrefs : kind === 'linked' ? linkedMain : bytes);
const sideModule = kind === 'linked' ? new api.Module(linkedSide) : undefined;
const imports = { env: { f: () => 7 } };
type FuncrefExports = { t: WebAssembly.Table; g: () => number; keep: (f: unknown) => void; callKept: () => number };
// Lives through the whole loop: each instance is handed its `g`, which returns 9.
const library = kind === 'funcref' ? (new api.Instance(module, { env: { f: () => 9 } }).exports as unknown as FuncrefExports) : undefined;
let peakMaps = 0;
let peakRss = 0;
const t0 = performance.now();
const startMaps = maps();
for (let i = 1; i <= N; i++) {
  if (kind === 'memory') new api.Memory({ initial: 1 });
  else {
    let exports: WebAssembly.Exports | undefined;
    const own = kind === 'cycle' ? { env: { f: () => (exports ? 7 : 0) } } : imports;
    const instance = new api.Instance(module, own);
    exports = instance.exports;
    if (kind === 'externref') {
      const value = { exports };
      (exports.put as (v: unknown) => void)(value);
      if (i % 1000 === 0 && (exports.get as () => unknown)() !== value) throw new Error('the table lost its value');
    }
    if (kind === 'linked') {
      const side = new api.Instance(sideModule!, { main: { t: exports.t!, put: exports.put!, get: exports.get! } }).exports;
      const value = { main: exports, side };
      (side.store as (v: unknown) => void)(value);
      if (i % 1000 === 0 && ((side.load as () => unknown)() !== value || (exports.get as () => unknown)() !== value)) {
        throw new Error('the shared table lost its value');
      }
    }
    if (kind === 'funcref') {
      const own = exports as unknown as FuncrefExports;
      own.t.set(0, own.g);
      own.keep(i % 2 === 0 ? own.g : library!.g);
      if (i % 1000 === 0 && own.callKept() !== 7) throw new Error('wrong result through the table');
      if (i % 1000 === 1 && own.callKept() !== 9) throw new Error("wrong result through the table (the long-lived instance's function)");
    }
    if (i % 1000 === 0 && (instance.exports.g as () => number)() !== 7) throw new Error('wrong result');
  }
  if (i % Math.max(1, Math.floor(N / 10)) === 0) {
    const m = maps();
    const r = rssMiB();
    peakMaps = Math.max(peakMaps, m);
    peakRss = Math.max(peakRss, r);
    console.log(`${engine} ${kind} ${i}: ${m} mappings, RSS ${r} MiB, ${((performance.now() - t0) / 1000).toFixed(1)} s` +
      (engine === 'lightbeam' ? `, ours ${mapped.mappings} (${(mapped.bytes / 2 ** 40).toFixed(2)} TiB), reclaimed ${reclaimStats.runs}x in ${reclaimStats.ms.toFixed(0)} ms` : ''));
  }
}
console.log(JSON.stringify({ engine, kind, n: N, startMaps, peakMaps, peakRssMiB: peakRss, seconds: (performance.now() - t0) / 1000, reclaims: reclaimStats.runs }));
