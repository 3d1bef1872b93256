// call_indirect and call_ref take two paths (ops/table.ts, callThroughRecord): a callee of the
// caller's own instance is called as it is, one of another instance through an instance switch
// kept out of line. Both paths run here through one table that holds functions of both
// instances, alternately and in one loop, each callee reading its own memory and global and the
// caller reading its own after every call; with stack arguments (the switch's slot sits above
// them); and a trap in either kind of callee leaves the caller's instance intact for the next
// call. Also the bounds check of a table of fixed size (an immediate, or none for a constant
// index), and an index whose register's upper half is not clear (it must not be taken as clear).
import { beforeAll, describe, expect, it } from 'vitest';
import { Instance, Module } from '../api/index.ts';
import { compileModule } from './moduleCompiler.ts';
import { formatFunction, listFunctions } from './listing.ts';
import { loadIced } from '../x64/disassemble.ts';
import { trapOf } from './testing/trapOf.ts';
import type { TextToBinary } from '../wast/textFormatError.ts';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';

const native = process.arch === 'x64' && process.platform === 'linux';

let parse: TextToBinary;
beforeAll(async () => {
  parse = await requireWasmToolsTextToBinary();
  await loadIced();
});

type Exports = Record<string, (...args: unknown[]) => unknown>;
const instance = (text: string, imports: Record<string, Record<string, unknown>> = {}): Exports =>
  new Instance(new Module(parse(text)), imports as never).exports as Exports;

/** The library: its memory byte 0 is 7, its global 1000; `many` takes stack arguments. */
const LIB = `(module
  (type $un (func (param i32) (result i32)))
  (type $many (func (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (memory 1) (data (i32.const 0) "\\07")
  (global $bias i32 (i32.const 1000))
  (table (export "table") 6 6 funcref)
  (elem (i32.const 0) func $lib $libMany $libTrap)
  (func $lib (type $un)
    (i32.add (i32.mul (local.get 0) (i32.const 10)) (i32.add (i32.load8_u (i32.const 0)) (global.get $bias))))
  (func $libMany (type $many)
    (i32.add (i32.sub (local.get 0) (local.get 7)) (i32.add (i32.load8_u (i32.const 0)) (global.get $bias))))
  (func $libTrap (type $un) (unreachable)))`;

/** The user: its memory byte 0 is 2, its global 50; it puts its own functions into the library's table. */
const USER = `(module
  (type $un (func (param i32) (result i32)))
  (type $many (func (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "lib" "table" (table $t 6 6 funcref))
  (memory 1) (data (i32.const 0) "\\02")
  (global $bias i32 (i32.const 50))
  (elem (table $t) (i32.const 3) func $own $ownMany $ownTrap)
  (elem declare func $own)
  (func $own (type $un)
    (i32.add (i32.mul (local.get 0) (i32.const 100)) (i32.add (i32.load8_u (i32.const 0)) (global.get $bias))))
  (func $ownMany (type $many)
    (i32.add (i32.sub (local.get 0) (local.get 7)) (i32.add (i32.load8_u (i32.const 0)) (global.get $bias))))
  (func $ownTrap (type $un) (unreachable))
  ;; after each call, our own memory and global: + 2 * 50
  (func (export "call") (param $i i32) (param $x i32) (result i32)
    (i32.add (call_indirect $t (type $un) (local.get $x) (local.get $i))
      (i32.mul (i32.load8_u (i32.const 0)) (global.get $bias))))
  (func (export "callMany") (param $i i32) (result i32)
    (i32.add
      (call_indirect $t (type $many) (i32.const 100) (i32.const 2) (i32.const 3) (i32.const 4)
        (i32.const 5) (i32.const 6) (i32.const 7) (i32.const 8) (local.get $i))
      (i32.mul (i32.load8_u (i32.const 0)) (global.get $bias))))
  ;; n calls alternating between element 0 (the library's) and 3 (ours), each result folded in
  (func (export "alternate") (param $n i32) (result i32) (local $acc i32) (local $k i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc)
        (i32.add (call_indirect $t (type $un) (i32.const 1) (i32.mul (i32.and (local.get $k) (i32.const 1)) (i32.const 3)))
          (i32.load8_u (i32.const 0)))))
      (br_if $l (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))
    (local.get $acc))
  (func (export "callRef") (param $f funcref) (param $x i32) (result i32)
    (i32.add (call_ref $un (local.get $x) (ref.cast (ref null $un) (local.get $f)))
      (i32.mul (i32.load8_u (i32.const 0)) (global.get $bias))))
  (func (export "ownRef") (result funcref) (ref.func $own))
  (func (export "element") (param $i i32) (result funcref) (table.get $t (local.get $i))))`;

describe.runIf(native)('call_indirect and call_ref, same instance and other', () => {
  it('each callee runs with its own memory and global, the caller gets its own back', () => {
    const lib = instance(LIB);
    const user = instance(USER, { lib: { table: lib.table } });
    const after = 2 * 50;
    expect(user.call!(0, 4)).toBe(40 + 7 + 1000 + after); // the library's function
    expect(user.call!(3, 4)).toBe(400 + 2 + 50 + after); // ours
    expect(user.call!(0, 5)).toBe(50 + 7 + 1000 + after);
    // Stack arguments: the saved VMContext's slot is above them.
    expect(user.callMany!(1)).toBe(92 + 7 + 1000 + after);
    expect(user.callMany!(4)).toBe(92 + 2 + 50 + after);
    // Alternating in one loop: the library's gives 10 + 1007, ours 100 + 52; each + our byte 2.
    expect(user.alternate!(1000)).toBe(500 * (1017 + 2) + 500 * (152 + 2));
    expect(user.callRef!(user.ownRef!(), 3)).toBe(300 + 52 + after);
    expect(user.callRef!(user.element!(0), 3)).toBe(30 + 1007 + after);
  });

  it('a trap in either kind of callee leaves the caller whole for the next call', () => {
    const lib = instance(LIB);
    const user = instance(USER, { lib: { table: lib.table } });
    expect(trapOf(() => user.call!(2, 0)).message).toMatch(/unreachable/);
    expect(user.call!(3, 1)).toBe(152 + 100);
    expect(trapOf(() => user.call!(5, 0)).message).toMatch(/unreachable/);
    expect(user.call!(0, 1)).toBe(1017 + 100);
    expect(trapOf(() => user.call!(1, 0)).message).toMatch(/indirect call type mismatch/);
  });
});

const FIXED = `(module
  (type $un (func (param i32) (result i32)))
  (table $fixed 3 3 funcref)
  (table $growable 3 funcref)
  (elem (table $fixed) (i32.const 0) func $f $f)
  (elem (table $growable) (i32.const 0) func $f $f)
  (func $f (type $un) (i32.add (local.get 0) (i32.const 1)))
  (func $wide (result i64) (i64.const 0x100000001))
  (func (export "fixed") (param $i i32) (result i32) (call_indirect $fixed (type $un) (i32.const 41) (local.get $i)))
  (func (export "growable") (param $i i32) (result i32) (call_indirect $growable (type $un) (i32.const 41) (local.get $i)))
  (func (export "fixedAt1") (result i32) (call_indirect $fixed (type $un) (i32.const 41) (i32.const 1)))
  (func (export "fixedAt3") (result i32) (call_indirect $fixed (type $un) (i32.const 41) (i32.const 3)))
  (func (export "get") (param $i i32) (result funcref) (table.get $fixed (local.get $i)))
  ;; the index 1 in a register whose upper half is 1: the call's i64 result, wrapped
  (func (export "wrapped") (result i32) (call_indirect $fixed (type $un) (i32.const 41) (i32.wrap_i64 (call $wide)))))`;

describe.runIf(native)('a table of fixed size', () => {
  it('is bounds-checked against its length as an immediate, a constant index at compile time', () => {
    const e = instance(FIXED);
    expect(e.fixed!(1)).toBe(42);
    expect(trapOf(() => e.fixed!(2)).message).toMatch(/uninitialized element/);
    for (const i of [3, 4, -1, 0x7fffffff]) {
      expect(trapOf(() => e.fixed!(i)).message).toMatch(/undefined element/);
      expect(trapOf(() => e.growable!(i)).message).toMatch(/undefined element/);
      expect(trapOf(() => e.get!(i)).message).toMatch(/out of bounds table access/);
    }
    expect(e.fixedAt1!()).toBe(42);
    expect(trapOf(() => e.fixedAt3!()).message).toMatch(/undefined element/);
  });

  it('an index in a register with its upper half set is zero-extended first', () => {
    expect(instance(FIXED).wrapped!()).toBe(42);
  });

  it('the listing shows the immediate and no check for a constant index in bounds', () => {
    const listing = listFunctions(compileModule(parse(FIXED), { notes: true })).map((f) => formatFunction(f)).join('\n');
    expect(listing).toMatch(/cmp eax, 3\b/);
    const at1 = listing.slice(listing.indexOf('(fixedAt1)'), listing.indexOf('(fixedAt3)'));
    expect(at1).not.toMatch(/cmp (eax, 3|dword ptr \[r11\+8\])/);
    expect(at1).toMatch(/cmp r15, \[r11\+8\]/);
  });
});
