// The JS string builtins and imported string constants (compile options `builtins` and
// `importedStringConstants`): the type checks at compile time, Module.imports, what instances
// get, and that a builtin's trap is a trap (wasm's catch_all does not catch it).
import { beforeAll, describe, expect, it } from 'vitest';
import type { TextToBinary } from '../wast/textFormatError.ts';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';
import { CompileError, instantiate, Instance, Module, RuntimeError, validate } from './index.ts';
import { JS_STRING_BUILTINS } from './jsStringBuiltins.ts';

const native = process.arch === 'x64' && process.platform === 'linux';

let parse: TextToBinary;
beforeAll(async () => {
  parse = await requireWasmToolsTextToBinary();
});

const JS_STRING = { builtins: ['js-string'] };
type Exports = Record<string, (...args: unknown[]) => unknown>;

/** Every builtin but the two that take GC arrays, imported and called through an export of its own. */
const STRINGS = `(module
  (import "wasm:js-string" "test" (func $test (param externref) (result i32)))
  (import "wasm:js-string" "cast" (func $cast (param externref) (result (ref extern))))
  (import "wasm:js-string" "fromCharCode" (func $fromCharCode (param i32) (result (ref extern))))
  (import "wasm:js-string" "fromCodePoint" (func $fromCodePoint (param i32) (result (ref extern))))
  (import "wasm:js-string" "charCodeAt" (func $charCodeAt (param externref i32) (result i32)))
  (import "wasm:js-string" "codePointAt" (func $codePointAt (param externref i32) (result i32)))
  (import "wasm:js-string" "length" (func $length (param externref) (result i32)))
  (import "wasm:js-string" "concat" (func $concat (param externref externref) (result (ref extern))))
  (import "wasm:js-string" "substring" (func $substring (param externref i32 i32) (result (ref extern))))
  (import "wasm:js-string" "equals" (func $equals (param externref externref) (result i32)))
  (import "wasm:js-string" "compare" (func $compare (param externref externref) (result i32)))
  (func (export "test") (param externref) (result i32) (call $test (local.get 0)))
  (func (export "cast") (param externref) (result externref) (call $cast (local.get 0)))
  (func (export "fromCharCode") (param i32) (result externref) (call $fromCharCode (local.get 0)))
  (func (export "fromCodePoint") (param i32) (result externref) (call $fromCodePoint (local.get 0)))
  (func (export "charCodeAt") (param externref i32) (result i32) (call $charCodeAt (local.get 0) (local.get 1)))
  (func (export "codePointAt") (param externref i32) (result i32) (call $codePointAt (local.get 0) (local.get 1)))
  (func (export "length") (param externref) (result i32) (call $length (local.get 0)))
  (func (export "concat") (param externref externref) (result externref) (call $concat (local.get 0) (local.get 1)))
  (func (export "substring") (param externref i32 i32) (result externref) (call $substring (local.get 0) (local.get 1) (local.get 2)))
  (func (export "equals") (param externref externref) (result i32) (call $equals (local.get 0) (local.get 1)))
  (func (export "compare") (param externref externref) (result i32) (call $compare (local.get 0) (local.get 1)))
  ;; A trap in a builtin is not an exception: catch_all must not see it.
  (func (export "lengthCaught") (param externref) (result i32)
    (block $caught (try_table (catch_all $caught) (return (call $length (local.get 0)))))
    (i32.const -1)))`;

const reasonOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof RuntimeError) return `trap: ${e.reason}`;
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  return 'no trap';
};

describe('JS string builtins', () => {
  it('are the engine\'s: hidden from Module.imports, supplied without an import object', () => {
    const module = new Module(parse(STRINGS), JS_STRING);
    expect(Module.imports(module)).toEqual([]);
    expect(() => new Instance(module)).not.toThrow();
    // Without the option they are ordinary imports (a polyfill may supply them).
    expect(Module.imports(new Module(parse(STRINGS))).length).toBe(11);
  });

  it.runIf(native)('compute what JS String operations do, and trap where the JS API says', () => {
    const e = new Instance(new Module(parse(STRINGS), JS_STRING)).exports as Exports;
    expect([e.test!('a'), e.test!(null), e.test!(1), e.test!(new String('a'))]).toEqual([1, 0, 0, 0]);
    expect(e.cast!('hi')).toBe('hi');
    expect(reasonOf(() => e.cast!(null))).toBe('trap: wasm:js-string cast: not a string');
    expect([e.fromCharCode!(0x41), e.fromCharCode!(0x10041)]).toEqual(['A', 'A']); // truncated to 16 bits
    expect(e.fromCodePoint!(0x1f600)).toBe('\u{1f600}');
    expect(reasonOf(() => e.fromCodePoint!(0x110000))).toMatch(/^trap: .*not a code point/);
    expect(reasonOf(() => e.fromCodePoint!(-1))).toMatch(/^trap: .*4294967295 is not a code point/);
    expect([e.charCodeAt!('\u{1f600}', 0), e.codePointAt!('\u{1f600}', 0), e.codePointAt!('\u{1f600}', 1)]).toEqual([0xd83d, 0x1f600, 0xde00]);
    expect(reasonOf(() => e.charCodeAt!('ab', 2))).toMatch(/^trap: .*out of bounds/);
    expect(reasonOf(() => e.charCodeAt!('ab', -1))).toMatch(/^trap: .*index 4294967295 out of bounds/);
    expect(reasonOf(() => e.codePointAt!(7, 0))).toMatch(/^trap: .*not a string/);
    expect([e.length!(''), e.length!('\u{1f600}')]).toEqual([0, 2]);
    expect(e.concat!('light', 'beam')).toBe('lightbeam');
    expect(reasonOf(() => e.concat!('a', undefined))).toMatch(/^trap: .*not a string/);
    expect([e.substring!('lightbeam', 5, 9), e.substring!('lightbeam', 5, 100), e.substring!('abc', 2, 1), e.substring!('abc', 4, 4)])
      .toEqual(['beam', 'beam', '', '']);
    expect([e.equals!('a', 'a'), e.equals!('a', 'b'), e.equals!(null, null), e.equals!(null, 'a')]).toEqual([1, 0, 1, 0]);
    expect(reasonOf(() => e.equals!({}, null))).toMatch(/^trap: .*not a string/);
    expect([e.compare!('a', 'b'), e.compare!('b', 'a'), e.compare!('x', 'x')]).toEqual([-1, 1, 0]);
    expect(e.lengthCaught!('four')).toBe(4);
    expect(reasonOf(() => e.lengthCaught!(42))).toMatch(/^trap: .*length: not a string/);
  });

  it.runIf(native)('fromCharCodeArray and intoCharCodeArray copy between strings and arrays wasm makes and reads', () => {
    const e = new Instance(new Module(parse(`(module
      (type $a (array (mut i16)))
      (import "wasm:js-string" "fromCharCodeArray" (func $from (param (ref null $a) i32 i32) (result (ref extern))))
      (import "wasm:js-string" "intoCharCodeArray" (func $into (param externref (ref null $a) i32) (result i32)))
      (func (export "make") (param i32) (result (ref $a)) (array.new_default $a (local.get 0)))
      (func (export "get") (param (ref $a) i32) (result i32) (array.get_u $a (local.get 0) (local.get 1)))
      (func (export "from") (param (ref null $a) i32 i32) (result externref) (call $from (local.get 0) (local.get 1) (local.get 2)))
      (func (export "into") (param externref (ref null $a) i32) (result i32) (call $into (local.get 0) (local.get 1) (local.get 2)))
      ;; "hi" made in wasm, read as a string
      (func (export "hi") (result externref)
        (call $from (array.new_fixed $a 2 (i32.const 0x68) (i32.const 0x69)) (i32.const 0) (i32.const 2))))`), JS_STRING)).exports as Exports;
    const array = e.make!(5);
    expect(e.into!('\u{1f600}!', array, 1)).toBe(3);
    expect([0, 1, 2, 3, 4].map((i) => e.get!(array, i))).toEqual([0, 0xd83d, 0xde00, 0x21, 0]);
    expect(e.from!(array, 1, 4)).toBe('\u{1f600}!');
    expect(e.hi!()).toBe('hi');
    expect(reasonOf(() => e.from!(array, 4, 6))).toMatch(/^trap: .*fromCharCodeArray: \[4, 6\) is not inside the array/);
    expect(reasonOf(() => e.into!('abc', array, 3))).toMatch(/^trap: .*intoCharCodeArray: 3 codes from 3 do not fit/);
    expect(reasonOf(() => e.from!(null, 0, 0))).toMatch(/^trap: .*null array/);
    expect(reasonOf(() => e.into!(1, array, 0))).toMatch(/^trap: .*not a string/);
    // A JS object is no array: the JS API's check of a (ref null $a) argument refuses it before wasm runs.
    expect(reasonOf(() => e.from!({}, 0, 0))).toMatch(/^TypeError/);
  });

  it('are checked when the module is compiled: names, types, the set named twice', () => {
    const importing = (name: string, type: string) => parse(`(module (import "wasm:js-string" "${name}" ${type}))`);
    const refused = (bytes: Uint8Array, options: object = JS_STRING) => {
      expect(validate(bytes, options)).toBe(false);
      expect(() => new Module(bytes, options)).toThrow(CompileError);
    };
    refused(importing('lenght', '(func (param externref) (result i32))'));
    refused(importing('length', '(func (param externref) (result i64))'));
    refused(importing('length', '(func (param (ref extern)) (result i32))'));
    refused(importing('cast', '(func (param externref) (result externref))')); // the result is (ref extern)
    refused(importing('length', '(global externref)'));
    // The right parameters and results, but not the builtin's type: in a recursion group with
    // another type, or not final.
    refused(parse(`(module (rec (type $t (func (param externref) (result i32))) (type (struct)))
      (import "wasm:js-string" "length" (func (type $t))))`));
    refused(parse(`(module (type $t (sub (func (param externref) (result i32))))
      (import "wasm:js-string" "length" (func (type $t))))`));
    // The array builtins take `(ref null $a)`, $a an `(array (mut i16))` alone in its group and final.
    const arrayImport = (array: string, param = '(ref null $a)') => parse(`(module (type $a ${array})
      (import "wasm:js-string" "fromCharCodeArray" (func (param ${param} i32 i32) (result (ref extern))))
      (import "wasm:js-string" "intoCharCodeArray" (func (param externref ${param} i32) (result i32))))`);
    expect(validate(arrayImport('(array (mut i16))'), JS_STRING)).toBe(true);
    refused(arrayImport('(array i16)'));
    refused(arrayImport('(array (mut i8))'));
    refused(arrayImport('(sub (array (mut i16)))'));
    refused(arrayImport('(array (mut i16))', '(ref $a)'));
    refused(arrayImport('(array (mut i16))', 'arrayref'));
    refused(parse(`(module (rec (type $a (array (mut i16))) (type (struct)))
      (import "wasm:js-string" "fromCharCodeArray" (func (param (ref null $a) i32 i32) (result (ref extern)))))`));
    expect(JS_STRING_BUILTINS.fromCharCodeArray!.params.length).toBe(3);
    const good = importing('length', '(func (param externref) (result i32))');
    expect(validate(good, JS_STRING)).toBe(true);
    refused(good, { builtins: ['js-string', 'js-string'] });
    // A set this engine does not know is ignored; so is the builtins' module when its set is not enabled.
    expect(Module.imports(new Module(good, { builtins: ['no-such-set'] }))).toEqual([{ module: 'wasm:js-string', name: 'length', kind: 'function' }]);
    expect(() => new Module(good, { builtins: 'js-string' })).toThrow(TypeError);
    expect(() => new Module(good, 7 as never)).toThrow(TypeError);
  });
});

describe('imported string constants', () => {
  const CONSTANTS = `(module
    (import "'" "hello, world" (global $a externref))
    (import "'" "" (global $b (ref extern)))
    (import "env" "other" (global $c externref))
    (func (export "a") (result externref) (global.get $a))
    (func (export "b") (result externref) (global.get $b))
    (func (export "c") (result externref) (global.get $c)))`;

  it.runIf(native)('are globals whose value is their name; other imports are read as before', async () => {
    const { module, instance } = await instantiate(parse(CONSTANTS), { env: { other: 'from env' } }, { importedStringConstants: "'" });
    expect(Module.imports(module)).toEqual([{ module: 'env', name: 'other', kind: 'global' }]);
    const e = instance.exports as Exports;
    expect([e.a!(), e.b!(), e.c!()]).toEqual(['hello, world', '', 'from env']);
  });

  it('must be immutable globals of type externref or (ref extern)', () => {
    for (const type of ['(mut externref)', 'funcref', 'i32', '(func)']) {
      const kind = type === '(func)' ? 'func (type 0)' : `global ${type}`;
      const bytes = parse(`(module (type (func)) (import "s" "x" (${kind})))`);
      expect(validate(bytes, { importedStringConstants: 's' })).toBe(false);
      expect(validate(bytes)).toBe(true);
    }
  });
});
