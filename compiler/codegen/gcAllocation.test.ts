// Inline allocation (ops/gcAllocation.ts): structs and arrays of a known size are bumped from the
// thread's allocation region by generated code, the runtime's allocate() called only when the
// region runs out; the objects so made get their start bits from the generated code itself, so a
// later collection keeps those still reachable and frees the others; and the slow path gives back
// every value that was in a register (integers, floats, vectors, references) as it was.
import { beforeAll, describe, expect, it } from 'vitest';
import { getGcHeap } from '../runtime/gcHeap.ts';
import { type Exports, textInstantiator } from '../testing/textInstance.ts';

const native = process.arch === 'x64' && process.platform === 'linux';
/** Under LIGHTBEAM_GC_STRESS every allocation calls out (and collects): the slow path is then the only one. */
const stress = !!process.env.LIGHTBEAM_GC_STRESS;

let instance: (text: string) => Exports;
beforeAll(async () => {
  instance = await textInstantiator();
});

const LISTS = `(module
  (type $node (struct (field $v i32) (field $next (ref null $node))))
  (type $ints (array (mut i32)))
  (global $kept (mut (ref null $node)) (ref.null $node))
  ;; Nodes from..from+n-1: every 10th joins the kept list, the others (and two arrays each) are garbage at once.
  (func (export "build") (param $i i32) (param $n i32)
    (local.set $n (i32.add (local.get $i) (local.get $n)))
    (loop $next
      (drop (array.new_fixed $ints 2 (local.get $i) (local.get $i)))
      (drop (array.new_default $ints (i32.const 5)))
      (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 10)))
        (then (global.set $kept (struct.new $node (local.get $i) (global.get $kept))))
        (else (drop (struct.new $node (local.get $i) (ref.null $node)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $n)))))
  ;; The kept list's length, or -1 if a value is not its successor's plus 10.
  (func (export "check") (result i32) (local $n (ref null $node)) (local $count i32)
    (local.set $n (global.get $kept))
    (block $done (loop $walk
      (br_if $done (ref.is_null (local.get $n)))
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (if (i32.eqz (ref.is_null (struct.get $node $next (local.get $n))))
        (then (if (i32.ne (struct.get $node $v (local.get $n))
                          (i32.add (struct.get $node $v (struct.get $node $next (local.get $n))) (i32.const 10)))
          (then (return (i32.const -1))))))
      (local.set $n (struct.get $node $next (local.get $n)))
      (br $walk)))
    (local.get $count)))`;

describe.runIf(native)('inline allocation', () => {
  it('bumps the region in generated code: allocate() is called once per region, not per object', () => {
    const heap = getGcHeap();
    const e = instance(LISTS);
    const before = { calls: heap.allocateCalls, bytes: heap.allocatedBytes };
    const n = stress ? 2_000 : 200_000;
    e.build!(0, n);
    const objects = 3 * n;
    const calls = heap.allocateCalls - before.calls;
    // 3 objects a round, 24 + 16 + 32 bytes: all counted, whoever made them.
    expect(heap.allocatedBytes - before.bytes).toBe(n * (24 + 16 + 32));
    if (stress) expect(calls).toBe(objects);
    // A region is a free run: after collections, the gaps between the kept nodes, a few per KiB.
    else expect(calls).toBeLessThan(objects / 50);
    expect(e.check!()).toBe(n / 10);
  });

  it('objects made inline survive a later collection when reachable; the garbage among them is freed', () => {
    const heap = getGcHeap();
    const e = instance(LISTS);
    const n = stress ? 3_000 : 300_000;
    e.build!(0, n); // garbage: 9/10 of the nodes and every array (~20 MiB without stress)
    heap.collect();
    // The kept list alone survives: 24 bytes a node (the global of the first test's instance may still hold its list too).
    expect(heap.liveBytes).toBeLessThan((n / 10) * 24 + 200_000 * 24 / 10 + 64 * 1024);
    expect(heap.liveBytes).toBeGreaterThanOrEqual((n / 10) * 24);
    expect(e.check!()).toBe(n / 10);
    // Allocation goes on into the freed memory; the list is still intact after it and another collection.
    e.build!(n, n);
    heap.collect();
    expect(e.check!()).toBe(2 * (n / 10));
  });

  it('the slow path gives back every value that was in a register across the call', () => {
    // Around each struct.new: an i64, an f64, a v128 and a reference live in registers (stack
    // values and register locals). Enough rounds to run out of regions (and collect) many times.
    const e = instance(`(module
      (type $node (struct (field $v i64) (field $next (ref null $node))))
      (func (export "run") (param $n i32) (result f64) (local $i i32) (local $x i64) (local $f f64)
        (local $v v128) (local $l (ref null $node)) (local $sum f64)
        (local.set $v (v128.const i64x2 0 0))
        (loop $next
          (local.set $x (i64.extend_i32_u (local.get $i)))
          (local.set $f (f64.convert_i32_u (local.get $i)))
          ;; Values on the stack across the allocation: x * 3 (i64), f * 0.5 (f64), v + (1, 2), the list head.
          (local.set $l
            (struct.new $node
              (i64.add
                (i64.mul (local.get $x) (i64.const 3))
                (struct.get $node $v (struct.new $node (local.get $x) (local.get $l))))
              (local.get $l)))
          (local.set $sum (f64.add (local.get $sum)
            (f64.add (f64.mul (local.get $f) (f64.const 0.5))
              (f64.convert_i64_u (struct.get $node $v (struct.new_default $node))))))
          (local.set $v (i64x2.add (local.get $v)
            (i64x2.replace_lane 0 (v128.const i64x2 1 2) (i64.extend_i32_u (ref.is_null (struct.new_default $node))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
        ;; Every node's value is 4 * its index (x * 3 + x), down the list.
        (local.set $i (local.get $n))
        (block $done (loop $walk
          (br_if $done (ref.is_null (local.get $l)))
          (local.set $i (i32.sub (local.get $i) (i32.const 1)))
          (if (i64.ne (struct.get $node $v (local.get $l)) (i64.mul (i64.extend_i32_u (local.get $i)) (i64.const 4)))
            (then (return (f64.const -1))))
          (local.set $l (struct.get $node $next (local.get $l)))
          (br $walk)))
        (if (i32.ne (local.get $i) (i32.const 0)) (then (return (f64.const -2))))
        ;; v = (0 * n, 2 * n): ref.is_null of a new object is 0.
        (if (i64.ne (i64x2.extract_lane 1 (local.get $v)) (i64.mul (i64.extend_i32_u (local.get $n)) (i64.const 2)))
          (then (return (f64.const -3))))
        (if (i64.ne (i64x2.extract_lane 0 (local.get $v)) (i64.const 0)) (then (return (f64.const -4))))
        (local.get $sum)))`);
    const heap = getGcHeap();
    const collections = heap.collections;
    const n = stress ? 2_000 : 400_000;
    // sum of i * 0.5 for i < n
    expect(e.run!(n)).toBe((n * (n - 1)) / 4);
    if (!stress) expect(heap.collections - collections).toBeGreaterThan(0);
  });

  it('sizes arrays of a run-time length inline: every element size, lengths across the inline limit, huge ones trap', () => {
    const e = instance(`(module
      (type $i8 (array (mut i8))) (type $i16 (array (mut i16))) (type $i32 (array (mut i32)))
      (type $i64 (array (mut i64))) (type $v128 (array (mut v128)))
      (global $keep (mut anyref) (ref.null any))
      ;; Two arrays of length n each: the first's last element set to -1 after the second is made,
      ;; then each one's length and the sum of the second's elements (all must still be zero)
      ;; and the first's last element read back. Returns len1 + len2 + sum2 * 1000 + last1 * 1000000.
      (func (export "i8") (param $n i32) (result i64) (local $a (ref $i8)) (local $b (ref $i8)) (local $i i32) (local $sum i32)
        (local.set $a (array.new_default $i8 (local.get $n)))
        (local.set $b (array.new_default $i8 (local.get $n)))
        (if (local.get $n) (then (array.set $i8 (local.get $a) (i32.sub (local.get $n) (i32.const 1)) (i32.const -1))))
        (block $done (loop $add
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $sum (i32.add (local.get $sum) (array.get_u $i8 (local.get $b) (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $add)))
        (i64.add (i64.extend_i32_u (i32.add (array.len (local.get $a)) (array.len (local.get $b))))
          (i64.add (i64.mul (i64.extend_i32_u (local.get $sum)) (i64.const 1000))
            (if (result i64) (local.get $n)
              (then (i64.mul (i64.extend_i32_u (array.get_u $i8 (local.get $a) (i32.sub (local.get $n) (i32.const 1)))) (i64.const 1000000)))
              (else (i64.const 0))))))
      (func (export "i16") (param $n i32) (result i32) (array.len (array.new_default $i16 (local.get $n))))
      (func (export "i32") (param $n i32) (result i32) (array.len (array.new_default $i32 (local.get $n))))
      (func (export "i64") (param $n i32) (result i32) (array.len (array.new_default $i64 (local.get $n))))
      ;; A v128 array of n, its last element set; another of n after it must be all zero.
      (func (export "v128") (param $n i32) (result i32) (local $a (ref $v128)) (local $b (ref $v128))
        (local.set $a (array.new_default $v128 (local.get $n)))
        (array.set $v128 (local.get $a) (i32.sub (local.get $n) (i32.const 1)) (v128.const i64x2 -1 -1))
        (local.set $b (array.new_default $v128 (local.get $n)))
        (global.set $keep (local.get $a))
        (i32.add (array.len (local.get $b))
          (i32.add (i32x4.extract_lane 3 (array.get $v128 (local.get $a) (i32.sub (local.get $n) (i32.const 1))))
            (i32x4.extract_lane 0 (array.get $v128 (local.get $b) (i32.sub (local.get $n) (i32.const 1))))))))`);
    const heap = getGcHeap();
    for (const n of [0, 1, 7, 8, 9, 100, 65_527, 65_528, 70_000]) expect(e.i8!(n)).toBe(BigInt(2 * n + (n ? 255 * 1_000_000 : 0)));
    const before = heap.allocateCalls;
    for (let n = 0; n < 1000; n++) {
      expect(e.i16!(n)).toBe(n);
      expect(e.i32!(n)).toBe(n);
      expect(e.i64!(n)).toBe(n);
    }
    if (!stress) expect(heap.allocateCalls - before).toBeLessThan(300);
    for (const n of [1, 2, 3, 4095, 4096, 5000]) expect(e.v128!(n)).toBe(n - 1);
    // Beyond any heap: the builtin's trap.
    expect(() => e.i64!(0xffff_ffff)).toThrow(/out of memory/);
    expect(() => e.i16!(-1)).toThrow(/out of memory/);
  });

  it('fills arrays made inline with array.new: every element type, constant and run-time lengths', () => {
    const e = instance(`(module
      (type $i8 (array (mut i8))) (type $i16 (array (mut i16))) (type $i32 (array (mut i32)))
      (type $i64 (array (mut i64))) (type $f32 (array (mut f32))) (type $f64 (array (mut f64)))
      (type $v128 (array (mut v128))) (type $refs (array (mut (ref null $i32))))
      ;; Each: an array of n copies of a value, then the sum of its elements (or of a lane of them),
      ;; and a second array of n made right after it must be all zero (nothing written past the end).
      (func (export "i8") (param $n i32) (param $v i32) (result i64) (local $a (ref $i8)) (local $b (ref $i8)) (local $i i32) (local $sum i64)
        (local.set $a (array.new $i8 (local.get $v) (local.get $n)))
        (local.set $b (array.new_default $i8 (local.get $n)))
        (block $done (loop $add (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (array.get_u $i8 (local.get $a) (local.get $i)))))
          (local.set $sum (i64.add (local.get $sum) (i64.mul (i64.const 1000000) (i64.extend_i32_u (array.get_u $i8 (local.get $b) (local.get $i))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $add)))
        (i64.add (local.get $sum) (i64.shl (i64.extend_i32_u (array.len (local.get $a))) (i64.const 40))))
      (func (export "i16c") (result i32) (array.get_s $i16 (array.new $i16 (i32.const -2) (i32.const 5)) (i32.const 4)))
      (func (export "i64") (param $n i32) (param $v i64) (result i64) (local $a (ref $i64)) (local $i i32) (local $sum i64)
        (local.set $a (array.new $i64 (local.get $v) (local.get $n)))
        (block $done (loop $add (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $sum (i64.add (local.get $sum) (array.get $i64 (local.get $a) (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $add)))
        (local.get $sum))
      (func (export "f32") (param $n i32) (param $v f32) (result f32) (array.get $f32 (array.new $f32 (local.get $v) (local.get $n)) (i32.sub (local.get $n) (i32.const 1))))
      (func (export "f64") (param $v f64) (result f64) (array.get $f64 (array.new $f64 (local.get $v) (i32.const 3)) (i32.const 2)))
      (func (export "v128") (param $n i32) (param $v i32) (result i32) (local $a (ref $v128)) (local $b (ref $v128))
        (local.set $a (array.new $v128 (i32x4.splat (local.get $v)) (local.get $n)))
        (local.set $b (array.new_default $v128 (i32.const 1)))
        (i32.add (i32x4.extract_lane 3 (array.get $v128 (local.get $a) (i32.sub (local.get $n) (i32.const 1))))
          (i32x4.extract_lane 0 (array.get $v128 (local.get $b) (i32.const 0)))))
      (func (export "refs") (param $n i32) (result i32) (local $a (ref $refs))
        (local.set $a (array.new $refs (array.new_fixed $i32 1 (i32.const 42)) (local.get $n)))
        (i32.add (array.get $i32 (array.get $refs (local.get $a) (i32.const 0)) (i32.const 0))
          (array.get $i32 (array.get $refs (local.get $a) (i32.sub (local.get $n) (i32.const 1))) (i32.const 0)))))`);
    for (const n of [0, 1, 7, 8, 9, 1000, 65_528, 70_000]) expect(e.i8!(n, 0x1ff)).toBe(BigInt(n) * 255n + (BigInt(n) << 40n));
    expect(e.i16c!()).toBe(-2);
    for (const n of [0, 1, 2, 3, 1000, 9000]) expect(e.i64!(n, -3n)).toBe(BigInt(n) * -3n);
    for (const n of [1, 2, 17, 20_000]) expect(e.f32!(n, 1.5)).toBe(1.5);
    expect(e.f64!(-0.25)).toBe(-0.25);
    for (const n of [1, 2, 4096, 5000]) expect(e.v128!(n, 7)).toBe(7);
    for (let k = 0; k < 2000; k++) expect(e.refs!(1 + (k % 50))).toBe(84);
  });
});
