// array.new_data and array.new_elem inline (ops/gcSegments.ts, runtime/gcSegments.ts): the
// elements copied from the instance's native copy of the segment are the segment's bytes, for every
// element size, offset and length (the 8-byte moves and the byte tail), and nothing is written past
// the array; no call out per object; the range checked before the allocation, with the spec's
// traps, against a dropped segment's length 0 too; element segments' objects stay the same
// objects through collections; a passive segment is readable even when instantiation trapped later.
import { beforeAll, describe, expect, it } from 'vitest';
import { Instance, Module, RuntimeError, Table } from '../api/index.ts';
import { getGcHeap } from '../runtime/gcHeap.ts';
import { type Exports, textInstantiator } from '../testing/textInstance.ts';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';
import { trapOf } from './testing/trapOf.ts';

const native = process.arch === 'x64' && process.platform === 'linux';
const stress = !!process.env.LIGHTBEAM_GC_STRESS;

let instance: (text: string) => Exports;
let parse: (text: string) => Uint8Array;
beforeAll(async () => {
  instance = await textInstantiator();
  parse = await requireWasmToolsTextToBinary();
});

/** The segment's bytes: byte k is (7k + 3) mod 256 (a 70,000-byte segment: lengths beyond the inline limit). */
const SEGMENT = Uint8Array.from({ length: 70_000 }, (_, k) => (7 * k + 3) & 0xff);
const escaped = (bytes: Uint8Array): string => [...bytes].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');

/** Per element type: array.new_data of (offset, n), then sum of element_i * (i + 1) as i64 + length << 48; -1 if the array made next is not all zero. */
const checked = (name: string, type: string, get: string, widen: string) => {
  const element = (array: string) => (widen ? `(${widen} (${get} $${type} ${array} (local.get $i)))` : `(${get} $${type} ${array} (local.get $i))`);
  return `
  (func (export "${name}") (param $off i32) (param $n i32) (result i64) (local $a (ref $${type})) (local $b (ref $${type})) (local $i i32) (local $sum i64)
    (local.set $a (array.new_data $${type} $d (local.get $off) (local.get $n)))
    (local.set $b (array.new_default $${type} (i32.const 3)))
    (block $done (loop $add (br_if $done (i32.ge_u (local.get $i) (i32.const 3)))
      (if (i64.ne ${element('(local.get $b)')} (i64.const 0)) (then (return (i64.const -1))))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $add)))
    (local.set $i (i32.const 0))
    (block $done (loop $add (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $sum (i64.add (local.get $sum)
        (i64.mul ${element('(local.get $a)')} (i64.extend_i32_u (i32.add (local.get $i) (i32.const 1))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $add)))
    (i64.add (local.get $sum) (i64.shl (i64.extend_i32_u (array.len (local.get $a))) (i64.const 48))))`;
};

const DATA = `(module
  (type $i8 (array (mut i8))) (type $i16 (array (mut i16))) (type $i32 (array (mut i32))) (type $i64 (array (mut i64)))
  (type $v128 (array (mut v128)))
  (memory 1)
  (data $d "${escaped(SEGMENT)}")
  (data $active (i32.const 0) "abcd")
  ${checked('i8', 'i8', 'array.get_u', 'i64.extend_i32_u')}
  ${checked('i16', 'i16', 'array.get_u', 'i64.extend_i32_u')}
  ${checked('i32', 'i32', 'array.get', 'i64.extend_i32_u')}
  ${checked('i64', 'i64', 'array.get', '')}
  (func (export "v128") (param $off i32) (param $n i32) (param $i i32) (result i64)
    (i64x2.extract_lane 1 (array.get $v128 (array.new_data $v128 $d (local.get $off) (local.get $n)) (local.get $i))))
  (func (export "constant") (result i64) (array.get $i64 (array.new_data $i64 $d (i32.const 5) (i32.const 3)) (i32.const 2)))
  (func (export "constantBig") (result i32) (array.get_u $i8 (array.new_data $i8 $d (i32.const 1) (i32.const 69000)) (i32.const 68998)))
  (func (export "many") (param $n i32) (loop $next
    (drop (array.new_data $i16 $d (i32.and (local.get $n) (i32.const 1023)) (i32.const 5)))
    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
    (br_if $next (local.get $n))))
  (func (export "len") (param $off i32) (param $n i32) (result i32) (array.len (array.new_data $i32 $d (local.get $off) (local.get $n))))
  (func (export "fromActive") (param $off i32) (param $n i32) (result i32) (array.len (array.new_data $i8 $active (local.get $off) (local.get $n))))
  (func (export "drop") (data.drop $d)))`;

/** The sum `checked` computes, from SEGMENT, for elements of `size` bytes (little-endian). */
function expected(size: number, off: number, n: number): bigint {
  let sum = 0n;
  for (let i = 0; i < n; i++) {
    let v = 0n;
    for (let b = size - 1; b >= 0; b--) v = (v << 8n) | BigInt(SEGMENT[off + i * size + b]!);
    sum += BigInt.asIntN(64, v) * BigInt(i + 1);
  }
  return BigInt.asIntN(64, sum + (BigInt(n) << 48n));
}

describe.runIf(native)('array.new_data inline', () => {
  it('copies the segment\'s bytes for every element size, offset and length, and nothing past the array', () => {
    const e = instance(DATA);
    for (const [name, size] of [['i8', 1], ['i16', 2], ['i32', 4], ['i64', 8]] as const) {
      for (let off = 0; off < 10; off++) {
        for (let n = 0; n < 21; n++) expect(e[name]!(off, n), `${name} (${off}, ${n})`).toBe(expected(size, off, n));
      }
      // Beyond the inline limit (the builtin makes it, the code copies) and up to the segment's end.
      const n = Math.floor((SEGMENT.length - 3) / size);
      expect(e[name]!(3, n)).toBe(expected(size, 3, n));
    }
    const word = (at: number) => new DataView(SEGMENT.buffer).getBigInt64(at, true);
    for (const [off, n, i] of [[0, 1, 0], [3, 2, 1], [17, 4000, 3999]] as const) expect(e.v128!(off, n, i)).toBe(word(off + 16 * i + 8));
    expect(e.constant!()).toBe(word(5 + 16));
    expect(e.constantBig!()).toBe(SEGMENT[1 + 68998]);
  });

  it('makes its arrays without a call out per object', () => {
    const heap = getGcHeap();
    const e = instance(DATA);
    const before = heap.allocateCalls;
    const n = stress ? 1_000 : 100_000;
    e.many!(n);
    if (stress) expect(heap.allocateCalls - before).toBe(n);
    else expect(heap.allocateCalls - before).toBeLessThan(n / 100);
  });

  it('checks the range before allocating: "out of bounds memory access", a dropped or active segment is empty', () => {
    const e = instance(DATA);
    const bytes = SEGMENT.length;
    expect(e.len!(bytes - 8, 2)).toBe(2);
    expect(e.len!(bytes, 0)).toBe(0);
    for (const [off, n] of [[bytes - 7, 2], [bytes + 1, 0], [0xffff_ffff, 0], [0, 0xffff_ffff], [0xffff_fff0, 8], [0, bytes / 4 + 1]]) {
      expect(trapOf(() => e.len!(off, n)).message, `(${off}, ${n})`).toContain('out of bounds memory access');
    }
    expect(e.fromActive!(0, 0)).toBe(0);
    expect(trapOf(() => e.fromActive!(0, 1)).message).toContain('out of bounds memory access');
    e.drop!();
    expect(e.len!(0, 0)).toBe(0);
    expect(trapOf(() => e.len!(0, 1)).message).toContain('out of bounds memory access');
    expect(trapOf(() => e.len!(1, 0)).message).toContain('out of bounds memory access');
  });
});

const ELEM = `(module
  (type $box (struct (field i32)))
  (type $boxes (array (mut (ref null $box))))
  (type $anys (array (mut anyref)))
  (type $funcs (array funcref))
  (global $keep (mut (ref null $boxes)) (ref.null $boxes))
  (elem $e (ref null $box) (item (struct.new $box (i32.const 10))) (item (ref.null $box)) (item (struct.new $box (i32.const 30)))
    (item (struct.new $box (i32.const 40))) (item (struct.new $box (i32.const 50))))
  (elem $i31 anyref (item (ref.i31 (i32.const 7))) (item (ref.null any)))
  (elem $declared declare func $make)
  ;; array.new_elem kept in $keep; then element i's field (-1 for null).
  (func $make (export "make") (param $off i32) (param $n i32) (result i32)
    (global.set $keep (array.new_elem $boxes $e (local.get $off) (local.get $n))) (array.len (global.get $keep)))
  (func (export "get") (param $i i32) (result i32)
    (if (result i32) (ref.is_null (array.get $boxes (global.get $keep) (local.get $i)))
      (then (i32.const -1)) (else (struct.get $box 0 (array.get $boxes (global.get $keep) (local.get $i))))))
  (func (export "same") (param $i i32) (result i32)
    (ref.eq (array.get $boxes (global.get $keep) (local.get $i)) (array.get $boxes (array.new_elem $boxes $e (local.get $i) (i32.const 1)) (i32.const 0))))
  (func (export "i31") (result i32) (i31.get_s (ref.cast (ref i31) (array.get $anys (array.new_elem $anys $i31 (i32.const 0) (i32.const 2)) (i32.const 0)))))
  (func (export "fromDeclared") (param $n i32) (result i32) (array.len (array.new_elem $funcs $declared (i32.const 0) (local.get $n))))
  (func (export "drop") (elem.drop $e)))`;

describe.runIf(native)('array.new_elem inline', () => {
  it('copies the segment\'s references: the same objects, kept through collections', () => {
    const e = instance(ELEM);
    for (let off = 0; off <= 5; off++) {
      for (let n = 0; off + n <= 5; n++) {
        expect(e.make!(off, n)).toBe(n);
        for (let i = 0; i < n; i++) expect(e.get!(i)).toBe([10, -1, 30, 40, 50][off + i]);
      }
    }
    e.make!(0, 5);
    getGcHeap().collect();
    expect([0, 1, 2, 3, 4].map((i) => e.get!(i))).toEqual([10, -1, 30, 40, 50]);
    expect([0, 2, 3, 4].map((i) => e.same!(i))).toEqual([1, 1, 1, 1]);
    expect(e.i31!()).toBe(7);
  });

  it('traps "out of bounds table access" out of range, for a declarative or dropped segment too', () => {
    const e = instance(ELEM);
    for (const [off, n] of [[0, 6], [5, 1], [6, 0], [0xffff_ffff, 1], [1, 0xffff_ffff]]) {
      expect(trapOf(() => e.make!(off, n)).message, `(${off}, ${n})`).toContain('out of bounds table access');
    }
    expect(e.fromDeclared!(0)).toBe(0);
    expect(trapOf(() => e.fromDeclared!(1)).message).toContain('out of bounds table access');
    e.drop!();
    expect(e.make!(0, 0)).toBe(0);
    expect(trapOf(() => e.make!(0, 1)).message).toContain('out of bounds table access');
  });
});

describe.runIf(native)('a passive segment when instantiation traps', () => {
  it('is there for a function an active segment put in an imported table before the trap', () => {
    const table = new Table({ element: 'anyfunc', initial: 1 });
    const bytes = parse(`(module
      (type $i8 (array i8))
      (import "m" "t" (table 1 funcref))
      (memory 1)
      (func $len (result i32) (array.len (array.new_data $i8 $p (i32.const 1) (i32.const 3))))
      (elem (i32.const 0) func $len)
      (data $p "abcdef")
      (data (i32.const 65535) "too long"))`);
    expect(() => new Instance(new Module(bytes), { m: { t: table } })).toThrow(RuntimeError);
    expect((table.get(0) as () => number)()).toBe(3);
  });
});
