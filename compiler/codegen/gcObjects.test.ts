// GC's structs and arrays run natively: fields of every width stored and read back (packed ones
// extended both ways, floats and v128 through xmm registers, references as words), arrays with
// their bounds and null traps, the bulk operations, objects made by constant expressions, and
// casts against concrete types (final and not, up a chain of declared supertypes). Objects stay
// inside wasm here (the JS API's view of them is another piece of work); results are numbers.
// Node 20's V8 has no GC as finished, so the expected values are written out.
import { beforeAll, describe, expect, it } from 'vitest';
import { GcBuiltin, vmContextLayout, vmContextLayoutOf } from '../abi/index.ts';
import { validateModule } from '../validate/index.ts';
import { getGcHeap } from '../runtime/gcHeap.ts';
import { trapOf } from './testing/trapOf.ts';
import { type Exports, textInstantiator } from '../testing/textInstance.ts';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';

const native = process.arch === 'x64' && process.platform === 'linux';

let instance: (text: string) => Exports;
beforeAll(async () => {
  instance = await textInstantiator();
});

const STRUCTS = `(module
  (type $all (struct (field (mut i8)) (field (mut i16)) (field (mut i32)) (field (mut i64))
    (field (mut f32)) (field (mut f64)) (field (mut v128)) (field (mut anyref))))
  (type $pair (struct (field i32) (field i64)))
  (global $g (mut (ref null $all)) (ref.null $all))
  (func (export "make") (param i32 i32 i32 i64 f32 f64 i64)
    (global.set $g (struct.new $all (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5)
      (i64x2.replace_lane 1 (i64x2.splat (local.get 6)) (i64.const -2)) (ref.i31 (local.get 2)))))
  (func (export "makeDefault") (global.set $g (struct.new_default $all)))
  (func (export "i8s") (result i32) (struct.get_s $all 0 (global.get $g)))
  (func (export "i8u") (result i32) (struct.get_u $all 0 (global.get $g)))
  (func (export "i16s") (result i32) (struct.get_s $all 1 (global.get $g)))
  (func (export "i16u") (result i32) (struct.get_u $all 1 (global.get $g)))
  (func (export "i32") (result i32) (struct.get $all 2 (global.get $g)))
  (func (export "i64") (result i64) (struct.get $all 3 (global.get $g)))
  (func (export "f32") (result f32) (struct.get $all 4 (global.get $g)))
  (func (export "f64") (result f64) (struct.get $all 5 (global.get $g)))
  (func (export "v128lo") (result i64) (i64x2.extract_lane 0 (struct.get $all 6 (global.get $g))))
  (func (export "v128hi") (result i64) (i64x2.extract_lane 1 (struct.get $all 6 (global.get $g))))
  (func (export "refI31") (result i32) (i31.get_s (ref.cast (ref i31) (struct.get $all 7 (global.get $g)))))
  (func (export "refIsNull") (result i32) (ref.is_null (struct.get $all 7 (global.get $g))))
  (func (export "setI8") (param i32) (struct.set $all 0 (global.get $g) (local.get 0)))
  (func (export "setI8Const") (struct.set $all 0 (global.get $g) (i32.const 0x1ff)))
  (func (export "setF64") (param f64) (struct.set $all 5 (global.get $g) (local.get 0)))
  (func (export "setI64Const") (struct.set $all 3 (global.get $g) (i64.const 0x123456789)))
  (func (export "nullGet") (result i32) (struct.get $pair 0 (ref.null $pair)))
  (func (export "nullSet") (struct.set $all 2 (ref.null $all) (i32.const 1)))
  (func (export "distinct") (result i32)
    (ref.eq (struct.new $pair (i32.const 1) (i64.const 2)) (struct.new $pair (i32.const 1) (i64.const 2))))
  (func (export "same") (result i32) (local $p (ref null $pair))
    (local.set $p (struct.new $pair (i32.const 1) (i64.const 2)))
    (ref.eq (local.get $p) (local.get $p)))
  (func (export "pairSum") (param i32 i64) (result i64) (local $p (ref $pair))
    (local.set $p (struct.new $pair (local.get 0) (local.get 1)))
    (i64.add (i64.extend_i32_s (struct.get $pair 0 (local.get $p))) (struct.get $pair 1 (local.get $p)))))`;

describe.runIf(native)('structs', () => {
  it('store every field at its width and read it back', () => {
    const e = instance(STRUCTS);
    e.make!(0x80 | 5, 0x8000 | 7, -3, -(2n ** 40n), 1.5, -2.25, 0x1122334455667788n);
    expect([e.i8s!(), e.i8u!(), e.i16s!(), e.i16u!(), e.i32!()]).toEqual([-123, 0x85, -32761, 0x8007, -3]);
    expect(e.i64!()).toBe(-(2n ** 40n));
    expect([e.f32!(), e.f64!()]).toEqual([1.5, -2.25]);
    expect([e.v128lo!(), e.v128hi!()]).toEqual([0x1122334455667788n, -2n]);
    expect([e.refI31!(), e.refIsNull!()]).toEqual([-3, 0]);
  });
  it('struct.new_default zeroes every field; a reference field is null', () => {
    const e = instance(STRUCTS);
    e.make!(1, 2, 3, 4n, 5, 6, 7n);
    e.makeDefault!();
    expect([e.i8s!(), e.i16u!(), e.i32!(), e.i64!(), e.f32!(), e.f64!(), e.v128lo!(), e.v128hi!(), e.refIsNull!()])
      .toEqual([0, 0, 0, 0n, 0, 0, 0n, 0n, 1]);
  });
  it('struct.set writes only its field\'s bytes (a packed field keeps the low bits)', () => {
    const e = instance(STRUCTS);
    e.make!(1, 2, 3, 4n, 5, 6, 7n);
    e.setI8!(0x17f);
    expect([e.i8u!(), e.i16u!(), e.i32!()]).toEqual([0x7f, 2, 3]);
    e.setI8Const!();
    expect([e.i8s!(), e.i16u!()]).toEqual([-1, 2]);
    e.setF64!(Math.PI);
    expect([e.f32!(), e.f64!(), e.v128lo!()]).toEqual([5, Math.PI, 7n]);
    e.setI64Const!();
    expect([e.i64!(), e.i32!()]).toEqual([0x123456789n, 3]);
  });
  it('traps on a null struct with "null structure reference"', () => {
    const e = instance(STRUCTS);
    expect(trapOf(() => e.nullGet!()).message).toContain('null structure reference');
    expect(trapOf(() => e.nullSet!()).message).toContain('null structure reference');
    expect(trapOf(() => e.i32!()).message).toContain('null structure reference'); // $g starts null
  });
  it('each struct.new is a new object; a reference is equal to itself', () => {
    const e = instance(STRUCTS);
    expect([e.distinct!(), e.same!()]).toEqual([0, 1]);
    expect(e.pairSum!(-5, 10n ** 12n)).toBe(10n ** 12n - 5n);
  });
  it('allocates on the thread\'s heap', () => {
    const e = instance(STRUCTS);
    const before = getGcHeap().allocatedBytes;
    e.makeDefault!();
    // header 8, i8 at 8, i16 at 10, i32 at 12, i64 16, f32 24, f64 32, v128 40, anyref 56: 64 bytes.
    expect(getGcHeap().allocatedBytes - before).toBe(64);
  });
});

// 21 fields of every kind, from constants, locals, comparisons (flags), calls and vectors: more
// values than registers, stored after the allocation's call and read back into one sum.
const BIG = `(module
  (type $big (struct (field i32) (field i64) (field f32) (field f64) (field i8) (field i16) (field v128) (field i32) (field i64) (field f32) (field f64) (field i8) (field i16) (field v128) (field i32) (field i64) (field f32) (field f64) (field i8) (field i16) (field v128)))
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "sum") (param i32) (result f64) (local $s (ref $big))
    (local.set $s (struct.new $big (i32.add (local.get 0) (i32.const 0)) (i64.extend_i32_s (i32.mul (local.get 0) (i32.const 1))) (f32.convert_i32_s (i32.sub (local.get 0) (i32.const 2))) (f64.const 3.5) (i32.eq (local.get 0) (i32.const 4)) (call $id (i32.const 5000)) (i64x2.splat (i64.const 6)) (i32.add (local.get 0) (i32.const 7)) (i64.extend_i32_s (i32.mul (local.get 0) (i32.const 8))) (f32.convert_i32_s (i32.sub (local.get 0) (i32.const 9))) (f64.const 10.5) (i32.eq (local.get 0) (i32.const 11)) (call $id (i32.const 12000)) (i64x2.splat (i64.const 13)) (i32.add (local.get 0) (i32.const 14)) (i64.extend_i32_s (i32.mul (local.get 0) (i32.const 15))) (f32.convert_i32_s (i32.sub (local.get 0) (i32.const 16))) (f64.const 17.5) (i32.eq (local.get 0) (i32.const 18)) (call $id (i32.const 19000)) (i64x2.splat (i64.const 20))))
    (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.convert_i32_s (struct.get $big 0 (local.get $s))) (f64.convert_i64_s (struct.get $big 1 (local.get $s)))) (f64.promote_f32 (struct.get $big 2 (local.get $s)))) (struct.get $big 3 (local.get $s))) (f64.convert_i32_s (struct.get_u $big 4 (local.get $s)))) (f64.convert_i32_s (struct.get_u $big 5 (local.get $s)))) (f64.convert_i64_s (i64x2.extract_lane 1 (struct.get $big 6 (local.get $s))))) (f64.convert_i32_s (struct.get $big 7 (local.get $s)))) (f64.convert_i64_s (struct.get $big 8 (local.get $s)))) (f64.promote_f32 (struct.get $big 9 (local.get $s)))) (struct.get $big 10 (local.get $s))) (f64.convert_i32_s (struct.get_u $big 11 (local.get $s)))) (f64.convert_i32_s (struct.get_u $big 12 (local.get $s)))) (f64.convert_i64_s (i64x2.extract_lane 1 (struct.get $big 13 (local.get $s))))) (f64.convert_i32_s (struct.get $big 14 (local.get $s)))) (f64.convert_i64_s (struct.get $big 15 (local.get $s)))) (f64.promote_f32 (struct.get $big 16 (local.get $s)))) (struct.get $big 17 (local.get $s))) (f64.convert_i32_s (struct.get_u $big 18 (local.get $s)))) (f64.convert_i32_s (struct.get_u $big 19 (local.get $s)))) (f64.convert_i64_s (i64x2.extract_lane 1 (struct.get $big 20 (local.get $s)))))))`;

describe.runIf(native)('a struct of more fields than registers', () => {
  it('keeps every value through the allocation and stores each at its offset', () => {
    const e = instance(BIG);
    // i32 x+k, i64 x*k, f32 x-k, f64 k.5, i8 (x == k), i16 k*1000 mod 2^16, v128 k, for k = 0..20 by kind
    expect([3, 14, -7].map((x) => e.sum!(x))).toEqual([36154.5, 36484.5, 35854.5]);
  });
});

const ARRAYS = `(module
  (type $bytes (array (mut i8)))
  (type $words (array (mut i64)))
  (type $floats (array (mut f32)))
  (type $vectors (array (mut v128)))
  (type $refs (array (mut anyref)))
  (global $b (mut (ref null $bytes)) (ref.null $bytes))
  (global $w (mut (ref null $words)) (ref.null $words))
  (data $d "\\01\\02\\03\\04\\05\\06\\07\\08\\09")
  (elem $e anyref (ref.i31 (i32.const 10)) (ref.i31 (i32.const 20)) (ref.null any) (ref.i31 (i32.const 40)))
  (func (export "newBytes") (param i32 i32) (global.set $b (array.new $bytes (local.get 0) (local.get 1))))
  (func (export "newWords") (param i32) (global.set $w (array.new_default $words (local.get 0))))
  (func (export "fixedWords") (global.set $w (array.new_fixed $words 3 (i64.const -1) (i64.const 2) (i64.const 0x7fffffffffffffff))))
  (func (export "dataBytes") (param i32 i32) (global.set $b (array.new_data $bytes $d (local.get 0) (local.get 1))))
  (func (export "dataWords") (param i32 i32) (global.set $w (array.new_data $words $d (local.get 0) (local.get 1))))
  (func (export "len") (result i32) (array.len (global.get $b)))
  (func (export "wlen") (result i32) (array.len (global.get $w)))
  (func (export "getS") (param i32) (result i32) (array.get_s $bytes (global.get $b) (local.get 0)))
  (func (export "getU") (param i32) (result i32) (array.get_u $bytes (global.get $b) (local.get 0)))
  (func (export "set") (param i32 i32) (array.set $bytes (global.get $b) (local.get 0) (local.get 1)))
  (func (export "wget") (param i32) (result i64) (array.get $words (global.get $w) (local.get 0)))
  (func (export "wset") (param i32 i64) (array.set $words (global.get $w) (local.get 0) (local.get 1)))
  (func (export "fill") (param i32 i32 i32) (array.fill $bytes (global.get $b) (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copyWithin") (param i32 i32 i32) (array.copy $bytes $bytes (global.get $b) (local.get 0) (global.get $b) (local.get 1) (local.get 2)))
  (func (export "initData") (param i32 i32 i32) (array.init_data $bytes $d (global.get $b) (local.get 0) (local.get 1) (local.get 2)))
  (func (export "dropData") (data.drop $d))
  (func (export "floats") (param f32 i32) (result f32) (local $a (ref $floats))
    (local.set $a (array.new $floats (local.get 0) (i32.const 4)))
    (array.set $floats (local.get $a) (i32.const 1) (f32.const 0.5))
    (f32.add (array.get $floats (local.get $a) (local.get 1)) (array.get $floats (local.get $a) (i32.const 3))))
  (func (export "vectors") (param i64 i32) (result i64) (local $a (ref $vectors))
    (local.set $a (array.new $vectors (i64x2.splat (local.get 0)) (i32.const 3)))
    (array.set $vectors (local.get $a) (i32.const 1) (v128.const i64x2 7 8))
    (array.fill $vectors (local.get $a) (i32.const 2) (v128.const i64x2 9 10) (i32.const 1))
    (i64x2.extract_lane 1 (array.get $vectors (local.get $a) (local.get 1))))
  (func (export "refs") (param i32 i32 i32) (result i32) (local $a (ref $refs))
    (local.set $a (array.new_elem $refs $e (local.get 0) (local.get 1)))
    (array.init_elem $refs $e (local.get $a) (i32.const 0) (i32.const 3) (i32.const 1))
    (if (result i32) (ref.is_null (array.get $refs (local.get $a) (local.get 2)))
      (then (i32.const -1))
      (else (i31.get_s (ref.cast (ref i31) (array.get $refs (local.get $a) (local.get 2)))))))
  (func (export "hugeLen") (param i32) (result i32) (array.len (array.new_default $words (local.get 0))))
  (func (export "nullLen") (result i32) (array.len (ref.null array)))
  (func (export "nullGet") (result i32) (array.get_u $bytes (ref.null $bytes) (i32.const 0)))
  (func (export "nullFill") (array.fill $bytes (ref.null $bytes) (i32.const 0) (i32.const 0) (i32.const 0)))
  (func (export "nullCopy") (array.copy $bytes $bytes (global.get $b) (i32.const 0) (ref.null $bytes) (i32.const 0) (i32.const 0))))`;

describe.runIf(native)('arrays', () => {
  it('array.new fills, array.len reads the header, get_s and get_u extend', () => {
    const e = instance(ARRAYS);
    e.newBytes!(0xf0, 5);
    expect(e.len!()).toBe(5);
    expect([e.getS!(0), e.getU!(4)]).toEqual([-16, 0xf0]);
    e.set!(2, 0x17f);
    expect([e.getU!(1), e.getU!(2), e.getU!(3)]).toEqual([0xf0, 0x7f, 0xf0]);
  });
  it('traps out of bounds with "out of bounds array access" (an index is unsigned)', () => {
    const e = instance(ARRAYS);
    e.newBytes!(1, 5);
    expect(trapOf(() => e.getU!(5)).message).toContain('out of bounds array access');
    expect(trapOf(() => e.getU!(-1)).message).toContain('out of bounds array access');
    expect(trapOf(() => e.set!(5, 0)).message).toContain('out of bounds array access');
    expect(trapOf(() => e.fill!(3, 0, 3)).message).toContain('out of bounds array access');
    expect(trapOf(() => e.copyWithin!(0, 3, 3)).message).toContain('out of bounds array access');
    expect(e.getU!(4)).toBe(1); // nothing written by the traps
  });
  it('refuses an array too big for the heap with "out of memory" (a length is unsigned, up to 2^32 - 1)', () => {
    const e = instance(ARRAYS);
    expect(e.hugeLen!(1000)).toBe(1000);
    for (const n of [0x7fffffff, -1, 0x20000000]) expect(trapOf(() => e.hugeLen!(n)).message).toContain('out of memory');
  });
  it('traps on a null array with "null array reference"', () => {
    const e = instance(ARRAYS);
    e.newBytes!(0, 1);
    for (const f of ['nullLen', 'nullGet', 'nullFill', 'nullCopy']) expect(trapOf(() => e[f]!()).message).toContain('null array reference');
  });
  it('array.new_default, array.new_fixed: 64-bit elements', () => {
    const e = instance(ARRAYS);
    e.newWords!(3);
    expect([e.wlen!(), e.wget!(0), e.wget!(2)]).toEqual([3, 0n, 0n]);
    e.wset!(1, -(2n ** 63n));
    expect(e.wget!(1)).toBe(-(2n ** 63n));
    e.fixedWords!();
    expect([e.wget!(0), e.wget!(1), e.wget!(2)]).toEqual([-1n, 2n, 2n ** 63n - 1n]);
  });
  it('array.fill and array.copy, overlapping either way', () => {
    const e = instance(ARRAYS);
    e.dataBytes!(0, 9);
    e.copyWithin!(2, 0, 5);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => e.getU!(i))).toEqual([1, 2, 1, 2, 3, 4, 5, 8, 9]);
    e.copyWithin!(0, 3, 4);
    expect([0, 1, 2, 3, 4].map((i) => e.getU!(i))).toEqual([2, 3, 4, 5, 3]);
    e.fill!(1, 0xaa, 2);
    expect([0, 1, 2, 3].map((i) => e.getU!(i))).toEqual([2, 0xaa, 0xaa, 5]);
  });
  it('array.new_data and array.init_data read the segment\'s bytes, little-endian, until dropped', () => {
    const e = instance(ARRAYS);
    e.dataWords!(1, 1);
    expect(e.wget!(0)).toBe(0x0908070605040302n);
    expect(trapOf(() => e.dataWords!(2, 1)).message).toContain('out of bounds memory access');
    e.newBytes!(0, 4);
    e.initData!(1, 6, 3);
    expect([0, 1, 2, 3].map((i) => e.getU!(i))).toEqual([0, 7, 8, 9]);
    expect(trapOf(() => e.initData!(0, 7, 3)).message).toContain('out of bounds memory access');
    e.dropData!();
    e.initData!(0, 0, 0);
    expect(trapOf(() => e.initData!(0, 0, 1)).message).toContain('out of bounds memory access');
  });
  it('f32 and v128 elements through xmm registers', () => {
    const e = instance(ARRAYS);
    expect(e.floats!(2.25, 1)).toBe(2.75);
    expect(e.floats!(2.25, 0)).toBe(4.5);
    expect(e.vectors!(5n, 0)).toBe(5n);
    expect(e.vectors!(5n, 1)).toBe(8n);
    expect(e.vectors!(5n, 2)).toBe(10n);
  });
  it('array.new_elem and array.init_elem copy references from the segment', () => {
    const e = instance(ARRAYS);
    // [20, null, 40] from the segment's elements 1-3, then element 3 (40) over the first
    expect([0, 1, 2].map((i) => e.refs!(1, 3, i))).toEqual([40, -1, 40]);
    expect(trapOf(() => e.refs!(2, 3, 0)).message).toContain('out of bounds table access');
    expect(trapOf(() => e.refs!(0, 0, 0)).message).toContain('out of bounds array access'); // init_elem into an empty array
  });
});

const CASTS = `(module
  (type $base (sub (struct (field i32))))
  (type $mid (sub $base (struct (field i32) (field i64))))
  (type $leaf (sub final $mid (struct (field i32) (field i64) (field f32))))
  (type $other (struct (field i32)))
  (type $arr (array i8))
  (type $f (sub (func (result i32))))
  (type $g (sub $f (func (result i32))))
  (global $objects (ref $objArray) (array.new_fixed $objArray 6
    (struct.new $base (i32.const 1)) (struct.new $mid (i32.const 2) (i64.const 0))
    (struct.new $leaf (i32.const 3) (i64.const 0) (f32.const 0)) (struct.new $other (i32.const 4))
    (array.new_default $arr (i32.const 2)) (ref.i31 (i32.const 6))))
  (type $objArray (array anyref))
  (func $fn (type $f) (i32.const 1))
  (func $gn (type $g) (i32.const 2))
  (elem declare func $fn $gn)
  (func $obj (param i32) (result anyref) (array.get $objArray (global.get $objects) (local.get 0)))
  (func (export "isBase") (param i32) (result i32) (ref.test (ref $base) (call $obj (local.get 0))))
  (func (export "isMid") (param i32) (result i32) (ref.test (ref $mid) (call $obj (local.get 0))))
  (func (export "isLeaf") (param i32) (result i32) (ref.test (ref $leaf) (call $obj (local.get 0))))
  (func (export "isOther") (param i32) (result i32) (ref.test (ref $other) (call $obj (local.get 0))))
  (func (export "isStruct") (param i32) (result i32) (ref.test (ref struct) (call $obj (local.get 0))))
  (func (export "isArray") (param i32) (result i32) (ref.test (ref array) (call $obj (local.get 0))))
  (func (export "isArr") (param i32) (result i32) (ref.test (ref $arr) (call $obj (local.get 0))))
  (func (export "isEq") (param i32) (result i32) (ref.test (ref eq) (call $obj (local.get 0))))
  (func (export "nullIsBase") (result i32) (ref.test (ref null $base) (ref.null none)))
  (func (export "castMid") (param i32) (result i32) (struct.get $mid 0 (ref.cast (ref $mid) (call $obj (local.get 0)))))
  (func (export "branchBase") (param i32) (result i32)
    (block $b (result (ref $base))
      (br_on_cast $b anyref (ref $base) (call $obj (local.get 0)))
      (drop)
      (return (i32.const -1)))
    (struct.get $base 0))
  (func (export "funcIsF") (param i32) (result i32)
    (ref.test (ref $f) (select (result funcref) (ref.func $fn) (ref.func $gn) (local.get 0))))
  (func (export "funcIsG") (param i32) (result i32)
    (ref.test (ref $g) (select (result funcref) (ref.func $fn) (ref.func $gn) (local.get 0)))))`;

describe.runIf(native)('casts against concrete types', () => {
  it('a subtype passes a test of its supertypes (up the declared chain), nothing else does', () => {
    const e = instance(CASTS);
    const table = ['isBase', 'isMid', 'isLeaf', 'isOther', 'isStruct', 'isArray', 'isArr', 'isEq'];
    const rows = [0, 1, 2, 3, 4, 5].map((i) => table.map((f) => e[f]!(i)));
    expect(rows).toEqual([
      [1, 0, 0, 0, 1, 0, 0, 1], // $base
      [1, 1, 0, 0, 1, 0, 0, 1], // $mid
      [1, 1, 1, 0, 1, 0, 0, 1], // $leaf
      [0, 0, 0, 1, 1, 0, 0, 1], // $other (the same fields as $base, but final and no subtype)
      [0, 0, 0, 0, 0, 1, 1, 1], // $arr
      [0, 0, 0, 0, 0, 0, 0, 1], // an i31
    ]);
    expect(e.nullIsBase!()).toBe(1);
  });
  it('ref.cast traps with "cast failure"; br_on_cast branches on the same test', () => {
    const e = instance(CASTS);
    expect([e.castMid!(1), e.castMid!(2)]).toEqual([2, 3]);
    for (const i of [0, 3, 4, 5]) expect(trapOf(() => e.castMid!(i)).message).toContain('cast failure');
    expect([0, 1, 2, 3, 4, 5].map((i) => e.branchBase!(i))).toEqual([1, 2, 3, -1, -1, -1]);
  });
  it('a function reference is tested by its type id and supertypes', () => {
    const e = instance(CASTS);
    expect([e.funcIsF!(1), e.funcIsF!(0), e.funcIsG!(1), e.funcIsG!(0)]).toEqual([1, 1, 0, 1]);
  });
});

describe.runIf(native)('constant expressions make objects at instantiation', () => {
  it('struct.new and array.new in globals and element segments, once per instance', () => {
    const text = `(module
      (type $p (struct (field i32) (field f64)))
      (type $a (array i16))
      (global $s (ref $p) (struct.new $p (i32.const 7) (f64.const 2.5)))
      (global $d (ref $p) (struct.new_default $p))
      (global $x (ref $a) (array.new $a (i32.const -2) (i32.const 3)))
      (table $t 2 (ref null $p))
      (elem (table $t) (i32.const 0) (ref null $p) (struct.new $p (i32.const 9) (f64.const 0)) (ref.null $p))
      (func (export "s") (result f64) (f64.add (f64.convert_i32_s (struct.get $p 0 (global.get $s))) (struct.get $p 1 (global.get $s))))
      (func (export "d") (result i32) (struct.get $p 0 (global.get $d)))
      (func (export "x") (param i32) (result i32) (array.get_s $a (global.get $x) (local.get 0)))
      (func (export "xlen") (result i32) (array.len (global.get $x)))
      (func (export "t0") (result i32) (struct.get $p 0 (table.get $t (i32.const 0))))
      (func (export "t1") (result i32) (ref.is_null (table.get $t (i32.const 1))))
      (func (export "distinct") (result i32) (ref.eq (global.get $s) (global.get $d))))`;
    const e = instance(text);
    expect([e.s!(), e.d!(), e.x!(2), e.xlen!(), e.t0!(), e.t1!(), e.distinct!()]).toEqual([9.5, 0, -2, 3, 9, 1, 0]);
  });
  it('fields from globals of every kind (a float\'s and a vector\'s bits), array.new_fixed, objects inside objects', () => {
    const text = `(module
      (type $v (struct (field f32) (field f64) (field v128) (field i64) (field i8)))
      (type $list (array (ref null $v)))
      (global $f f32 (f32.const -1.75))
      (global $d f64 (f64.const 1e300))
      (global $w v128 (v128.const i64x2 3 -4))
      (global $x (ref $v) (struct.new $v (global.get $f) (global.get $d) (global.get $w) (i64.const -5) (i32.const 0x1ff)))
      (global $l (ref $list) (array.new_fixed $list 3 (ref.null $v) (global.get $x) (struct.new_default $v)))
      (func $at (param i32) (result (ref $v)) (ref.as_non_null (array.get $list (global.get $l) (local.get 0))))
      (func (export "f") (result f32) (struct.get $v 0 (call $at (i32.const 1))))
      (func (export "d") (result f64) (struct.get $v 1 (call $at (i32.const 1))))
      (func (export "hi") (result i64) (i64x2.extract_lane 1 (struct.get $v 2 (call $at (i32.const 1)))))
      (func (export "i") (result i64) (struct.get $v 3 (call $at (i32.const 1))))
      (func (export "b") (result i32) (struct.get_s $v 4 (call $at (i32.const 1))))
      (func (export "zero") (result i64) (struct.get $v 3 (call $at (i32.const 2))))
      (func (export "same") (result i32) (ref.eq (call $at (i32.const 1)) (global.get $x)))
      (func (export "first") (result i32) (ref.is_null (array.get $list (global.get $l) (i32.const 0)))))`;
    const e = instance(text);
    expect([e.f!(), e.d!(), e.hi!(), e.i!(), e.b!(), e.zero!(), e.same!(), e.first!()]).toEqual([-1.75, 1e300, -4n, -5n, -1, 0n, 1, 1]);
  });
});

describe.runIf(native)('locals of the any hierarchy hold whole addresses', () => {
  // An object's address needs all 64 bits. The code generator sizes operands by a value's storage
  // type: a local declared anyref, eqref or (ref $t) of a struct type is stored as externref, a
  // 64-bit word (as 0x6e, anyref's own code, it was read as 32 bits: ref.eq with the local in a
  // stack slot could not even be encoded, cmp r64, m32).
  it('ref.eq and casts of locals kept in stack slots, across a call', () => {
    const e = instance(`(module
      (type $s (struct (field i32)))
      (type $refs (array (mut (ref null $s))))
      (func $g)
      (func (export "eqSlot") (result i32) (local i64 i64 i64 i64 i64 i64 i64) (local $kept eqref) (local $refs (ref null $refs))
        (local.set $kept (struct.new $s (i32.const 5)))
        (local.set $refs (array.new $refs (ref.cast (ref null $s) (local.get $kept)) (i32.const 16)))
        (call $g)
        (ref.eq (array.get $refs (local.get $refs) (i32.const 15)) (local.get $kept)))
      (func (export "castSlot") (result i32) (local i64 i64 i64 i64 i64 i64 i64) (local $a anyref) (local $c structref)
        (local.set $a (struct.new $s (i32.const 7)))
        (local.set $c (ref.cast structref (local.get $a)))
        (call $g)
        (i32.add (ref.eq (ref.cast eqref (local.get $a)) (ref.cast eqref (local.get $c)))
          (struct.get $s 0 (ref.cast (ref $s) (local.get $c))))))`);
    expect([e.eqSlot!(), e.castSlot!()]).toEqual([1, 8]);
  });
});

describe.runIf(native)('a null check passed on a local holds until the local is written, on one straight line', () => {
  // The second struct.get of the same local has no test of its own (file test gc.wat, sum_twice);
  // these are the ways the fact must be dropped, each ending in a struct.get of null that must trap.
  it('is forgotten at a merge, at a loop head and when the local is written', () => {
    const e = instance(`(module
      (type $p (struct (field i32)))
      (func (export "twice") (param $q (ref null $p)) (result i32)
        (i32.add (struct.get $p 0 (local.get $q)) (struct.get $p 0 (local.get $q))))
      (func (export "merge") (param $q (ref null $p)) (param $c i32) (result i32)
        (if (local.get $c) (then (drop (struct.get $p 0 (local.get $q)))))
        (struct.get $p 0 (local.get $q)))
      (func (export "written") (param $q (ref null $p)) (result i32)
        (drop (struct.get $p 0 (local.get $q)))
        (local.set $q (ref.null $p))
        (struct.get $p 0 (local.get $q)))
      (func (export "loop") (param $q (ref null $p)) (result i32) (local $n i32) (local $s i32)
        (local.set $s (struct.get $p 0 (local.get $q)))
        (loop $l
          (local.set $s (i32.add (local.get $s) (struct.get $p 0 (local.get $q))))
          (local.set $q (ref.null $p))
          (br_if $l (i32.lt_u (local.tee $n (i32.add (local.get $n) (i32.const 1))) (i32.const 3))))
        (local.get $s))
      (func (export "make") (result (ref $p)) (struct.new $p (i32.const 21))))`);
    const p = e.make!();
    expect(e.twice!(p)).toBe(42);
    expect(trapOf(() => e.twice!(null)).message).toContain('null structure reference');
    expect(e.merge!(p, 1)).toBe(21);
    expect(trapOf(() => e.merge!(null, 0)).message).toContain('null structure reference');
    expect(trapOf(() => e.written!(p)).message).toContain('null structure reference');
    expect(trapOf(() => e.loop!(p)).message).toContain('null structure reference');
  });
});

describe('the VMContext', () => {
  it('has GC builtins only in a module with struct or array types; other layouts are unchanged', async () => {
    const p = await requireWasmToolsTextToBinary();
    const plain = validateModule(p('(module (type (func)) (global i32 (i32.const 0)) (func))'));
    const withGc = validateModule(p('(module (type (struct)) (global i32 (i32.const 0)) (func))'));
    const plainLayout = vmContextLayoutOf(plain);
    expect(() => plainLayout.gcBuiltin(GcBuiltin.structNew)).toThrow(RangeError);
    expect(plainLayout.size).toBe(vmContextLayout({ ...plainLayout.counts, gcHeap: undefined }).size);
    const gcLayout = vmContextLayoutOf(withGc);
    // The GC builtins go where the plain module's last field, the return thunks' address, is; it follows them.
    expect(gcLayout.gcBuiltin(GcBuiltin.structNew)).toBe(plainLayout.returnThunks);
    expect(gcLayout.returnThunks).toBe(gcLayout.gcBuiltin(GcBuiltin.arrayInitElem) + 8);
    expect(gcLayout.size).toBe(plainLayout.size + 11 * 8);
  });
});
