// The cost of making a GC object from wasm: loops of N allocations each (the objects are garbage
// at once, so the collector runs as it would), in ns per object. With inline allocation a struct
// or an array is a bump of the thread's allocation region (array.new_data and array.new_elem then
// copy from the instance's native copy of their segment); the builtin's call out to JS remains
// for when the region is exhausted. `allocate() calls` says how many objects the runtime made
// (the rest were bumped by generated code).
//
//   npx tsx bench/gc-alloc.ts [N]          (x86-64 Linux; the last line is JSON)

import { Instance, Module } from '../compiler/api/index.ts';
import { getGcHeap } from '../compiler/runtime/gcHeap.ts';
import { textVerdicts } from '../compiler/wast/node/textVerdicts.ts';

const N = Number(process.argv[2] ?? 3_000_000);
const LOOP = (name: string, make: string) => `
  (func (export "${name}") (param $n i32) (local $i i32)
    (loop $next
      (drop ${make})
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $n)))))`;
const WAT = `(module
  (type $pair (struct (field $a i32) (field $b (ref null $pair))))
  (type $ints (array (mut i32)))
  ${LOOP('structNew', '(struct.new $pair (local.get $i) (ref.null $pair))')}
  ${LOOP('arrayNewFixed', '(array.new_fixed $ints 3 (local.get $i) (i32.const 2) (i32.const 3))')}
  ${LOOP('arrayNewDefault', '(array.new_default $ints (i32.const 4))')}
  ${LOOP('arrayNewDefaultDynamic', '(array.new_default $ints (i32.and (local.get $i) (i32.const 3)))')}
  ${LOOP('arrayNew', '(array.new $ints (local.get $i) (i32.const 4))')}
  ${LOOP('arrayNewData', '(array.new_data $ints $bytes (i32.const 4) (i32.const 4))')}
  ${LOOP('arrayNewElem', '(array.new_elem $pairs $pairs (i32.const 1) (i32.const 4))')}
  (type $pairs (array (ref null $pair)))
  (data $bytes "0123456789abcdefghijklmnopqrstuv")
  (elem $pairs (ref null $pair) (item (ref.null $pair)) (item (struct.new $pair (i32.const 1) (ref.null $pair)))
    (item (struct.new $pair (i32.const 2) (ref.null $pair))) (item (ref.null $pair)) (item (ref.null $pair)) (item (ref.null $pair))))`;

const text = await textVerdicts();
const exports = new Instance(new Module(text.parse(WAT))).exports as Record<string, (n: number) => void>;
const heap = getGcHeap();
const results: Record<string, { nsPerObject: number; allocateCalls: number }> = {};
for (const name of ['structNew', 'arrayNewFixed', 'arrayNewDefault', 'arrayNewDefaultDynamic', 'arrayNew', 'arrayNewData', 'arrayNewElem']) {
  exports[name]!(10_000); // warm up
  let best = Infinity;
  let calls = 0;
  for (let run = 0; run < 3; run++) {
    const before = heap.allocateCalls ?? 0;
    const t0 = process.hrtime.bigint();
    exports[name]!(N);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / N);
    calls = (heap.allocateCalls ?? 0) - before;
  }
  results[name] = { nsPerObject: Math.round(best * 10) / 10, allocateCalls: calls };
  console.log(`${name.padEnd(24)} ${best.toFixed(1).padStart(7)} ns/object   allocate() calls ${calls} of ${N}`);
}
console.log(JSON.stringify({ n: N, collections: heap.collections, results }));
