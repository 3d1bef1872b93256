// Typed function references run natively: call_ref within and across instances (each callee runs
// with its own VMContext and memory), null traps, return_call_ref in constant stack, br_on_null and
// br_on_non_null carrying values, tables with initializers, and the JS boundary's checks. The text
// is WebAssembly 3.0, which wabt cannot read (wasm-tools' parser assembles it); Node 20's V8 knows
// typed references only under their old opcodes, so the expected values are written out.
import { beforeAll, describe, expect, it } from 'vitest';
import { Instance, Module, RuntimeError } from '../api/index.ts';
import { trapOf } from './testing/trapOf.ts';
import type { TextToBinary } from '../wast/textFormatError.ts';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';

const native = process.arch === 'x64' && process.platform === 'linux';

let parse: TextToBinary;
beforeAll(async () => {
  parse = await requireWasmToolsTextToBinary();
});

type Exports = Record<string, (...args: unknown[]) => unknown>;
const instance = (text: string, imports: Record<string, Record<string, unknown>> = {}): Exports =>
  new Instance(new Module(parse(text)), imports as never).exports as Exports;


/** A module with its own memory and global: its functions read them, so they show which VMContext they run with. */
const LIB = `(module
  (type $binop (func (param i32 i32) (result i32)))
  (memory 1) (data (i32.const 0) "\\07")
  (global $bias i32 (i32.const 1000))
  (func $mix (export "mix") (type $binop)
    (i32.add (i32.add (i32.mul (local.get 0) (i32.const 10)) (local.get 1))
      (i32.add (i32.load8_u (i32.const 0)) (global.get $bias))))
  (func (export "mixRef") (result (ref $binop)) (ref.func $mix)))`;

const USER = `(module
  (type $binop (func (param i32 i32) (result i32)))
  (import "lib" "mix" (func $mix (type $binop)))
  (memory 1) (data (i32.const 0) "\\02")
  (global $bias i32 (i32.const 50))
  (func $own (type $binop)
    (i32.add (i32.sub (local.get 0) (local.get 1)) (i32.add (i32.load8_u (i32.const 0)) (global.get $bias))))
  (elem declare func $own $mix)
  (func $apply (export "apply") (param $f (ref null $binop)) (param $a i32) (param $b i32) (result i32)
    ;; after the call, our own memory and global again
    (i32.add (call_ref $binop (local.get $a) (local.get $b) (local.get $f))
      (i32.mul (i32.load8_u (i32.const 0)) (global.get $bias))))
  (func (export "applyOwn") (param i32 i32) (result i32) (call $apply (ref.func $own) (local.get 0) (local.get 1)))
  (func (export "applyImported") (param i32 i32) (result i32) (call $apply (ref.func $mix) (local.get 0) (local.get 1)))
  (func (export "applyNull") (result i32) (call_ref $binop (i32.const 1) (i32.const 2) (ref.null $binop)))
  (func (export "asNonNull") (param funcref) (result funcref) (ref.as_non_null (local.get 0))))`;

describe.runIf(native)('call_ref', () => {
  it('calls a function of this instance, of another (through an import), and one handed in from JS', () => {
    const lib = instance(LIB);
    const user = instance(USER, { lib: { mix: lib.mix } });
    const after = 2 * 50; // the caller's memory byte times its global, read after each call
    expect(user.applyOwn!(9, 4)).toBe(9 - 4 + 2 + 50 + after);
    expect(user.applyImported!(9, 4)).toBe(94 + 7 + 1000 + after);
    // The library's function, as a reference made there and passed through JS as an argument.
    expect(user.apply!(lib.mixRef!(), 3, 1)).toBe(31 + 7 + 1000 + after);
    expect(user.apply!(lib.mix, 3, 1)).toBe(31 + 7 + 1000 + after);
  });

  it('traps on null with the spec\'s messages', () => {
    const user = instance(USER, { lib: { mix: instance(LIB).mix } });
    expect(trapOf(() => user.applyNull!()).message).toMatch(/null function reference/);
    expect(trapOf(() => user.apply!(null, 1, 2)).message).toMatch(/null function reference/);
    expect(trapOf(() => user.asNonNull!(null)).message).toMatch(/null reference/);
    expect(user.asNonNull!(user.applyOwn)).toBe(user.applyOwn);
  });
});

describe.runIf(native)('return_call_ref', () => {
  it('runs a million calls deep in constant stack, and into another instance', () => {
    const e = instance(`(module
      (type $step (func (param i64 i64) (result i64)))
      (import "lib" "mix" (func $mix (param i32 i32) (result i32)))
      (elem declare func $count $mix)
      (func $count (type $step)
        (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
          (else (return_call_ref $step (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 3))
            (ref.func $count)))))
      (func (export "count") (param i64) (result i64) (return_call_ref $step (local.get 0) (i64.const 0) (ref.func $count)))
      (type $binop (func (param i32 i32) (result i32)))
      (func $mixAt (param i32) (result i32) (return_call_ref $binop (local.get 0) (i32.const 0) (ref.func $mix)))
      (func (export "mixAt") (param i32) (result i32) (call $mixAt (local.get 0)))
      (func (export "null") (result i64) (return_call_ref $step (i64.const 0) (i64.const 0) (ref.null $step))))`,
    { lib: { mix: instance(LIB).mix } });
    expect(e.count!(1_000_000n)).toBe(3_000_000n);
    expect(e.mixAt!(5)).toBe(50 + 7 + 1000);
    expect(trapOf(() => e.null!()).message).toMatch(/null function reference/);
  });
});

describe.runIf(native)('br_on_null and br_on_non_null', () => {
  const e = () => instance(`(module
    (type $t (func (result i32)))
    (func $seven (type $t) (i32.const 7))
    (elem declare func $seven)
    ;; null: the label gets the two values below the reference; else the call's result joins them
    (func $onNull (param $f (ref null $t)) (result i32 i64)
      (block $null (result i32 i64)
        i32.const 40
        i64.const 2
        local.get $f
        br_on_null $null
        call_ref $t
        i64.extend_i32_u
        i64.add
        return))
    (func (export "onNull") (param (ref null $t)) (result i64)
      (local $a i32) (local $b i64)
      (call $onNull (local.get 0)) (local.set $b) (local.set $a)
      (i64.add (i64.extend_i32_u (local.get $a)) (i64.mul (local.get $b) (i64.const 100))))
    ;; non-null: the label gets 5 and the reference; null: it is dropped, 5 stays
    (func (export "onNonNull") (param $f (ref null $t)) (result i32)
      (block $some (result i32 (ref $t))
        i32.const 5
        local.get $f
        br_on_non_null $some
        i32.const -6
        i32.add
        return)
      call_ref $t
      i32.add)
    (func (export "seven") (result (ref $t)) (ref.func $seven)))`);

  it('carry their values to the label, or keep them on the way on', () => {
    const x = e();
    const seven = x.seven!();
    expect(x.onNull!(null)).toBe(40n + 2n * 100n);
    expect(x.onNull!(seven)).toBe(40n + (2n + 7n) * 100n);
    expect(x.onNonNull!(seven)).toBe(5 + 7);
    expect(x.onNonNull!(null)).toBe(-1);
  });
});

describe.runIf(native)('tables and globals of typed references, and the JS boundary', () => {
  const text = `(module
    (type $t (func (result i32)))
    (type $u (func (param i32) (result i32)))
    (func $one (type $t) (i32.const 1))
    (func $inc (type $u) (i32.add (local.get 0) (i32.const 1)))
    (table $tab (export "tab") 3 (ref $t) (ref.func $one))
    (global $g (export "g") (mut (ref null $t)) (ref.null $t))
    (func (export "callAt") (param i32) (result i32) (call_ref $t (table.get $tab (local.get 0))))
    (func (export "takeT") (param (ref $t)) (result i32) (call_ref $t (local.get 0)))
    (func (export "takeExtern") (param (ref extern)) (result i32) (i32.const 1))
    (func (export "inc") (type $u) (call $inc (local.get 0)))
    (func (export "one") (type $t) (call $one)))`;

  it('a table with an initializer starts filled with it', () => {
    const x = new Instance(new Module(parse(text)));
    const e = x.exports as Exports;
    expect(e.callAt!(2)).toBe(1);
    const tab = x.exports.tab as { get(i: number): unknown; length: number };
    expect(tab.length).toBe(3);
    expect(typeof tab.get(0)).toBe('function');
  });

  it('a non-nullable or concrete parameter checks what JS passes: TypeError otherwise', () => {
    const e = instance(text);
    expect(e.takeT!(e.one)).toBe(1);
    expect(() => e.takeT!(null)).toThrow(TypeError);
    expect(() => e.takeT!(e.inc)).toThrow(TypeError); // a wasm function of another type
    expect(() => e.takeT!(() => 1)).toThrow(TypeError); // not a wasm function
    expect(e.takeExtern!({})).toBe(1);
    expect(() => e.takeExtern!(null)).toThrow(TypeError);
  });

  it('so do a global\'s and a table\'s setters', () => {
    const x = new Instance(new Module(parse(text)));
    const e = x.exports as Exports;
    const g = x.exports.g as { value: unknown };
    const tab = x.exports.tab as { set(i: number, v: unknown): void };
    expect(g.value).toBe(null);
    g.value = e.one;
    expect(g.value).toBe(e.one);
    expect(() => { g.value = e.inc; }).toThrow(TypeError);
    expect(() => tab.set(0, null)).toThrow(TypeError);
    expect(() => tab.set(0, e.inc)).toThrow(TypeError);
  });

  it('imports match by type across modules: equal function types in two modules are one type', () => {
    const a = new Instance(new Module(parse(text)));
    const importer = (type: string) => `(module (type $other (func (param i64))) ${type}
      (import "a" "g" (global (mut (ref null $t)))))`;
    expect(() => new Instance(new Module(parse(importer('(type $t (func (result i32)))'))), { a: { g: a.exports.g } } as never)).not.toThrow();
    expect(() => new Instance(new Module(parse(importer('(type $t (func (result i64)))'))), { a: { g: a.exports.g } } as never))
      .toThrow(/incompatible import type/);
  });
});
