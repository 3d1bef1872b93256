// GC without objects runs natively: i31 references made and read back (the 31 bits wrap, the
// signed and unsigned reads differ), ref.eq on words, tests and casts against abstract heap types
// for null, i31 and host values, br_on_cast both ways, the conversions between externref and
// anyref (free, and exact both ways), and the JS API's conversions for anyref, eqref and i31ref.
// Node 20's V8 has no GC as finished, so the expected values are written out.
import { beforeAll, describe, expect, it } from 'vitest';
import { Instance, Module } from '../api/index.ts';
import { trapOf } from './testing/trapOf.ts';
import { type Exports, textInstantiator } from '../testing/textInstance.ts';
import type { TextToBinary } from '../wast/textFormatError.ts';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';

const native = process.arch === 'x64' && process.platform === 'linux';

let parse: TextToBinary;
let instance: (text: string) => Exports;
beforeAll(async () => {
  parse = await requireWasmToolsTextToBinary();
  instance = await textInstantiator();
});

const I31 = `(module
  (func (export "roundS") (param i32) (result i32) (i31.get_s (ref.i31 (local.get 0))))
  (func (export "roundU") (param i32) (result i32) (i31.get_u (ref.i31 (local.get 0))))
  (func (export "make") (param i32) (result i31ref) (ref.i31 (local.get 0)))
  (func (export "getS") (param i31ref) (result i32) (i31.get_s (local.get 0)))
  (func (export "getNull") (result i32) (i31.get_u (ref.null i31)))
  (func (export "eq") (param i32 i32) (result i32) (ref.eq (ref.i31 (local.get 0)) (ref.i31 (local.get 1))))
  (func (export "eqNull") (param eqref) (result i32) (ref.eq (local.get 0) (ref.null none))))`;

describe.runIf(native)('i31', () => {
  it('keeps 31 bits: get_s sign-extends bit 30, get_u does not', () => {
    const e = instance(I31);
    expect(e.roundS!(5)).toBe(5);
    expect(e.roundS!(-5)).toBe(-5);
    expect(e.roundS!(0x40000000)).toBe(-0x40000000);
    expect(e.roundU!(-1)).toBe(0x7fffffff);
    expect(e.roundS!(0x7fffffff)).toBe(-1);
    expect(e.roundS!(0x80000000 | 7)).toBe(7);
  });
  it('reads as a Number in JS, and a Number in range comes back as an i31', () => {
    const e = instance(I31);
    expect(e.make!(-123)).toBe(-123);
    expect(e.getS!(0x3fffffff)).toBe(0x3fffffff);
    expect(e.getS!(-0x40000000)).toBe(-0x40000000);
    expect(() => e.getS!(0x40000000)).toThrow(TypeError);
    expect(() => e.getS!(1.5)).toThrow(TypeError);
    expect(() => e.getS!({})).toThrow(TypeError);
  });
  it('traps on null with "null i31 reference"', () => {
    const e = instance(I31);
    expect(trapOf(() => e.getNull!()).message).toContain('null i31 reference');
    expect(trapOf(() => e.getS!(null)).message).toContain('null i31 reference');
  });
  it('ref.eq compares i31 values and nulls', () => {
    const e = instance(I31);
    expect(e.eq!(7, 7)).toBe(1);
    expect(e.eq!(7, 8)).toBe(0);
    expect(e.eq!(-1, 0x7fffffff)).toBe(1); // the same 31 bits
    expect(e.eqNull!(null)).toBe(1);
    expect(e.eqNull!(0)).toBe(0);
  });
});

const CASTS = `(module
  (func (export "isAny") (param anyref) (result i32) (ref.test (ref any) (local.get 0)))
  (func (export "isEq") (param anyref) (result i32) (ref.test (ref eq) (local.get 0)))
  (func (export "isEqNull") (param anyref) (result i32) (ref.test (ref null eq) (local.get 0)))
  (func (export "isI31") (param anyref) (result i32) (ref.test (ref i31) (local.get 0)))
  (func (export "isI31Null") (param anyref) (result i32) (ref.test (ref null i31) (local.get 0)))
  (func (export "isStruct") (param anyref) (result i32) (ref.test (ref null struct) (local.get 0)))
  (func (export "isNone") (param anyref) (result i32) (ref.test (ref null none) (local.get 0)))
  (func (export "castI31") (param anyref) (result i32) (i31.get_s (ref.cast (ref i31) (local.get 0))))
  (func (export "castEq") (param anyref) (result eqref) (ref.cast (ref null eq) (local.get 0)))
  (func (export "branch") (param anyref) (result i32)
    (block $i31 (result (ref i31))
      (br_on_cast $i31 anyref (ref i31) (local.get 0))
      (drop)
      (return (i32.const -1)))
    (i31.get_u))
  (func (export "branchFail") (param anyref) (result i32)
    (block $other (result anyref)
      (br_on_cast_fail $other anyref (ref eq) (local.get 0))
      (drop)
      (return (i32.const 1)))
    (drop)
    (i32.const 0))
  (func (export "kindOf") (param anyref) (result i32)
    (if (result i32) (ref.test (ref null none) (local.get 0)) (then (i32.const 0))
      (else (if (result i32) (ref.test (ref i31) (local.get 0)) (then (i32.const 1))
        (else (if (result i32) (ref.test (ref eq) (local.get 0)) (then (i32.const 2)) (else (i32.const 3))))))))
  (func (export "internalize") (param externref) (result anyref) (any.convert_extern (local.get 0)))
  (func (export "externalize") (param anyref) (result externref) (extern.convert_any (local.get 0)))
  (func (export "i31AsExtern") (param i32) (result externref) (extern.convert_any (ref.i31 (local.get 0))))
  (func (export "externIsI31") (param externref) (result i32) (ref.test (ref i31) (any.convert_extern (local.get 0)))))`;

describe.runIf(native)('tests and casts against abstract types', () => {
  const host = { host: true };
  it('ref.test tells null, i31 and host values apart', () => {
    const e = instance(CASTS);
    const rows: [unknown, number[]][] = [
      // value: isAny isEq isEqNull isI31 isI31Null isStruct isNone
      [null, [0, 0, 1, 0, 1, 1, 1]],
      [42, [1, 1, 1, 1, 1, 0, 0]],
      [0, [1, 1, 1, 1, 1, 0, 0]],
      [-0x40000000, [1, 1, 1, 1, 1, 0, 0]],
      [host, [1, 0, 0, 0, 0, 0, 0]],
      ['text', [1, 0, 0, 0, 0, 0, 0]],
      [2 ** 40, [1, 0, 0, 0, 0, 0, 0]], // a Number outside i31 range is a host value
    ];
    for (const [value, expected] of rows) {
      const got = ['isAny', 'isEq', 'isEqNull', 'isI31', 'isI31Null', 'isStruct', 'isNone'].map((f) => e[f]!(value));
      expect([value, got]).toEqual([value, expected]);
    }
  });
  it('ref.test leaves its answer in the flags for an if', () => {
    const e = instance(CASTS);
    expect([null, 3, host].map((v) => e.kindOf!(v))).toEqual([0, 1, 3]);
  });
  it('ref.cast passes the reference on or traps with "cast failure"', () => {
    const e = instance(CASTS);
    expect(e.castI31!(-9)).toBe(-9);
    expect(trapOf(() => e.castI31!(host)).message).toContain('cast failure');
    expect(trapOf(() => e.castI31!(null)).message).toContain('cast failure');
    expect(e.castEq!(null)).toBe(null);
    expect(e.castEq!(77)).toBe(77);
    expect(trapOf(() => e.castEq!(host)).message).toContain('cast failure');
  });
  it('br_on_cast and br_on_cast_fail branch on the test', () => {
    const e = instance(CASTS);
    expect(e.branch!(12)).toBe(12);
    expect(e.branch!(host)).toBe(-1);
    expect(e.branch!(null)).toBe(-1);
    expect(e.branchFail!(3)).toBe(1);
    expect(e.branchFail!(host)).toBe(0);
    expect(e.branchFail!(null)).toBe(0);
  });
  it('any.convert_extern and extern.convert_any give back the same value', () => {
    const e = instance(CASTS);
    expect(e.internalize!(host)).toBe(host);
    expect(e.externalize!(host)).toBe(host);
    expect(e.internalize!(null)).toBe(null);
    expect(e.i31AsExtern!(-4)).toBe(-4);
    expect(e.externIsI31!(5)).toBe(1); // an integer Number in range is an i31 in externref too
    expect(e.externIsI31!(5.5)).toBe(0);
    expect(e.externIsI31!(-0)).toBe(0); // -0 stays the host value -0
    expect(Object.is(e.internalize!(-0), -0)).toBe(true);
  });
});

describe.runIf(native)('globals and tables of the any hierarchy', () => {
  it('hold i31s from constant expressions and from code', () => {
    const e = instance(`(module
      (global $g (mut anyref) (ref.i31 (i32.const 1234)))
      (table $t 3 eqref (ref.i31 (i32.const -2)))
      (func (export "get") (result i32) (i31.get_s (ref.cast i31ref (global.get $g))))
      (func (export "set") (param anyref) (global.set $g (local.get 0)))
      (func (export "at") (param i32) (result eqref) (table.get $t (local.get 0))))`);
    expect(e.get!()).toBe(1234);
    e.set!(-77);
    expect(e.get!()).toBe(-77);
    expect(e.at!(2)).toBe(-2);
  });
});

describe.runIf(native)('the JS API on tables and globals of the any hierarchy', () => {
  it('takes null as the default value of anyref (externref\'s is undefined), and i31s by range', () => {
    const e = new Instance(new Module(parse(`(module
      (table (export "any") 2 anyref)
      (table (export "anyNonNull") 1 (ref any) (ref.i31 (i32.const 42)))
      (table (export "i31s") 1 i31ref)
      (global (export "g") (mut i31ref) (ref.i31 (i32.const 0))))`)), {}).exports as unknown as Record<string, WebAssembly.Table & WebAssembly.Global>;
    e.any!.set(0, 'x');
    e.any!.set(0);
    expect(e.any!.get(0)).toBe(null);
    expect(e.anyNonNull!.get(0)).toBe(42);
    expect(() => e.anyNonNull!.grow(1)).toThrow(TypeError);
    e.anyNonNull!.grow(1, 'foo');
    expect(e.anyNonNull!.get(1)).toBe('foo');
    expect(() => e.i31s!.set(0, 2 ** 30)).toThrow(TypeError);
    e.i31s!.set(0, -5);
    expect(e.i31s!.get(0)).toBe(-5);
    expect(e.g!.value).toBe(0);
    e.g!.value = 42;
    expect(() => { e.g!.value = 'no'; }).toThrow(TypeError);
    expect(e.g!.value).toBe(42);
  });
});
