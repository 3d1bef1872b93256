// Issue 11, item 6: 2M distinct objects passed through one externref table slot must not be kept
// alive by their handles. Prints the heap after the loop and how many handles are in use.
//
//   npx tsx bench/externref-churn.ts [N]          (x86-64 Linux; the last line is JSON)

import { Instance, Module } from '../compiler/api/index.ts';
import { externRefs } from '../compiler/runtime/values.ts';

const N = Number(process.argv[2] ?? 2_000_000);
// (module (table 1 externref)
//   (func (export "put") (param externref) i32.const 0 local.get 0 table.set 0)
//   (func (export "get") (result externref) i32.const 0 table.get 0))
const bytes = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 9, 2, 96, 1, 111, 0, 96, 0, 1, 111, 3, 3, 2, 0, 1, 4, 4, 1, 111, 0, 1,
  7, 13, 2, 3, 112, 117, 116, 0, 0, 3, 103, 101, 116, 0, 1, 10, 17, 2, 8, 0, 65, 0, 32, 0, 38, 0, 11, 6, 0, 65,
  0, 37, 0, 11,
]);
const { exports } = new Instance(new Module(bytes));
const put = exports.put as (o: unknown) => void;
const get = exports.get as () => unknown;
const t0 = performance.now();
let last: unknown;
for (let i = 0; i < N; i++) {
  last = { i, payload: [i, i + 1, i + 2] };
  put(last);
}
if (get() !== last) throw new Error('the table lost its value');
globalThis.gc?.();
const heapMiB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
console.log(JSON.stringify({ n: N, heapMiB, handles: externRefs.size, collections: externRefs.collections, seconds: (performance.now() - t0) / 1000 }));
