// The collector under a running program: a loop that allocates far more than the heap's budget in
// short-lived structs and arrays, while a linked list grows in a local and another in a global.
// The lists must come out intact and the heap's mapping stay bounded.
import { beforeAll, describe, expect, it } from 'vitest';
import * as api from '../api/index.ts';
import { textVerdicts, type TextVerdicts } from '../wast/node/textVerdicts.ts';
import { getGcHeap, MIN_BUDGET } from './gcHeap.ts';
import { externRefs } from './values.ts';

let text: TextVerdicts;
beforeAll(async () => {
  text = await textVerdicts();
});

const CHURN = `(module
  (type $node (struct (field $v i64) (field $next (ref null $node))))
  (type $bytes (array (mut i8)))
  (type $refs (array (mut (ref null $node))))
  (import "js" "sample" (func $sample))
  (global $list (mut (ref null $node)) (ref.null $node))
  (global $lastRefs (mut (ref null $refs)) (ref.null $refs))

  ;; A list's length, or -1 if a node's value is not its successor's plus 1000.
  (func $check (param $n (ref null $node)) (result i64) (local $count i64)
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $n)))
        (local.set $count (i64.add (local.get $count) (i64.const 1)))
        (if (i32.eqz (ref.is_null (struct.get $node $next (local.get $n))))
          (then (if (i64.ne (struct.get $node $v (local.get $n))
                            (i64.add (struct.get $node $v (struct.get $node $next (local.get $n))) (i64.const 1000)))
            (then (return (i64.const -1))))))
        (local.set $n (struct.get $node $next (local.get $n)))
        (br $walk)))
    (local.get $count))

  ;; Allocates about 1.2 KiB of garbage per round; every 1000th round a node joins the local list,
  ;; every 1000th + 500 one joins the global list. Returns the local list's length (checked).
  (func (export "churn") (param $rounds i32) (result i64)
    (local $i i32) (local $kept (ref null $node)) (local $refs (ref null $refs)) (local $bytes (ref null $bytes))
    (loop $round
      (drop (struct.new $node (i64.extend_i32_u (local.get $i)) (local.get $kept)))
      (local.set $bytes (array.new_default $bytes (i32.const 1000)))
      (array.set $bytes (local.get $bytes) (i32.const 999) (i32.const 7))
      ;; (not array.new with $kept: its operand would stay in the call-out buffer, a root of its own)
      (local.set $refs (array.new_default $refs (i32.const 16)))
      (array.set $refs (local.get $refs) (i32.const 15) (local.get $kept))
      (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 1000)))
        (then (local.set $kept (struct.new $node (i64.extend_i32_u (local.get $i)) (local.get $kept)))))
      (if (i32.eq (i32.rem_u (local.get $i) (i32.const 1000)) (i32.const 500))
        (then (global.set $list (struct.new $node (i64.extend_i32_u (local.get $i)) (global.get $list)))))
      (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 10000))) (then (call $sample)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $round (i32.lt_u (local.get $i) (local.get $rounds))))
    (global.set $lastRefs (local.get $refs))
    ;; The last round's arrays, made after the last collection or not, hold what they were given.
    (if (i32.ne (array.get_u $bytes (local.get $bytes) (i32.const 999)) (i32.const 7)) (then (return (i64.const -2))))
    (if (i64.ne (struct.get $node $v (array.get $refs (local.get $refs) (i32.const 15))) (struct.get $node $v (local.get $kept)))
      (then (return (i64.const -3))))
    (call $check (local.get $kept)))

  (func (export "globalList") (result i64) (call $check (global.get $list)))
  (func (export "head") (result i64) (struct.get $node $v (global.get $list))))`;

describe('GC collection in a running program', () => {
  it('a GiB of short-lived structs and arrays runs in bounded memory; the lists kept in a local and a global survive intact', () => {
    const heap = getGcHeap();
    let maxMapped = 0;
    const e = new api.Instance(new api.Module(text.parse(CHURN)), {
      js: { sample: () => void (maxMapped = Math.max(maxMapped, heap.mappedBytes)) },
    }).exports as Record<string, (...a: unknown[]) => unknown>;
    const rounds = 1_000_000; // ~1.2 KiB a round: over 1 GiB in all
    const before = { collections: heap.collections, allocated: heap.allocatedBytes };
    expect(e.churn!(rounds)).toBe(BigInt(rounds / 1000));
    const allocated = heap.allocatedBytes - before.allocated;
    expect(allocated).toBeGreaterThan(2 ** 30);
    expect(heap.collections - before.collections).toBeGreaterThanOrEqual(Math.floor(allocated / MIN_BUDGET) - 1);
    expect(maxMapped).toBeGreaterThan(0);
    expect(maxMapped).toBeLessThan(MIN_BUDGET + (16 << 20));
    // The global list, after more collections that only it (and the last arrays) survives.
    heap.collect();
    expect(e.globalList!()).toBe(BigInt(rounds / 1000));
    expect(e.head!()).toBe(BigInt(rounds - 500));
    expect(heap.liveBytes).toBeLessThan(200 * 1024);
  }, 300_000);

  it("externref handles in structs' fields stay while their structs live; those of dead structs are freed", () => {
    const e = new api.Instance(new api.Module(text.parse(`(module
      (type $box (struct (field $value externref) (field $next (ref null $box))))
      (global $kept (mut (ref null $box)) (ref.null $box))
      (global $last (mut (ref null $box)) (ref.null $box))
      ;; Every value goes into a new box; every 1000th box joins the kept list, the last one is the last.
      (func (export "put") (param $v externref) (param $keep i32)
        (global.set $last (struct.new $box (local.get $v) (ref.null $box)))
        (if (local.get $keep) (then (global.set $kept (struct.new $box (local.get $v) (global.get $kept))))))
      (func (export "last") (result externref) (struct.get $box $value (global.get $last)))
      (func (export "kept") (param $n i32) (result externref) (local $b (ref null $box))
        (local.set $b (global.get $kept))
        (block $done (loop $walk
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $b (struct.get $box $next (local.get $b)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $walk)))
        (struct.get $box $value (local.get $b))))`)), {}).exports as Record<string, (...a: unknown[]) => unknown>;
    const kept: object[] = [];
    const collections = externRefs.collections;
    for (let i = 0; i < 300_000; i++) {
      const value = { i };
      const keep = i % 1000 === 0;
      if (keep) kept.push(value);
      e.put!(value, keep ? 1 : 0);
      // The boxes of dropped values are garbage: the heap must collect them for their handles to go.
      if (i % 50_000 === 0) getGcHeap().collect();
    }
    expect(externRefs.collections).toBeGreaterThan(collections);
    expect(externRefs.size).toBeLessThan(200_000);
    expect(e.last!()).toEqual({ i: 299_999 });
    for (let k = 0; k < kept.length; k++) expect(e.kept!(k)).toBe(kept[kept.length - 1 - k]);
  }, 120_000);
});
