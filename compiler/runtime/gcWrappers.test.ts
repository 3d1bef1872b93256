// GC objects at the JS boundary, with objects made directly on the heap (no generated code): their
// wrappers' identity and opacity, the JS API's type checks of a wrapper passed as a typed
// reference, and the roots wrappers make for the collector.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { headerWord, structLayout } from '../abi/gcObjects.ts';
import { ANYREF } from '../binary/refTypes.ts';
import { ValType } from '../binary/types.ts';
import { validateModule } from '../validate/index.ts';
import { textVerdicts } from '../wast/node/textVerdicts.ts';
import { getGcHeap } from './gcHeap.ts';
import { i16Elements, objectAddress, wrappedCount } from './gcWrappers.ts';
import { fromBits, toBits } from './instance.ts';
import { collectGarbage } from './reclaim.ts';
import { moduleTypes } from './typeIds.ts';
import * as api from '../api/index.ts';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';
import { JS_STRING_BUILTINS } from '../api/jsStringBuiltins.ts';

/** The parameter types of the module's function, in global form, by name. */
let types: Record<string, number>;
let ids: { s: number; t: number; a: number; u: number };

beforeAll(async () => {
  const text = await textVerdicts();
  const info = validateModule(text.parse(`(module
    (type $s (sub (struct (field i32))))
    (type $t (sub $s (struct (field i32) (field i64))))
    (type $a (array (mut i16)))
    (type $u (struct (field f32)))
    (func (param (ref $s) (ref $t) (ref null $a) (ref $u) structref arrayref eqref i31ref (ref any) (ref extern) (ref none))))`));
  const mt = moduleTypes(info);
  const names = ['s', 't', 'a', 'u', 'struct', 'array', 'eq', 'i31', 'any', 'extern', 'none'];
  types = Object.fromEntries(info.types[4]!.params.map((t, i) => [names[i]!, mt.global(t)]));
  ids = { s: mt.ids[0]!, t: mt.ids[1]!, a: mt.ids[2]!, u: mt.ids[3]! };
  const heap = getGcHeap();
  heap.registerType(ids.s, { kind: 'struct', size: 16, refOffsets: [] });
  heap.registerType(ids.t, { kind: 'struct', size: 24, refOffsets: [] });
  heap.registerType(ids.a, { kind: 'array', elementSize: 2, elementIsRef: false });
  heap.registerType(ids.u, { kind: 'struct', size: 16, refOffsets: [] });
});

/**
 * For tests that hold objects by their addresses in JS variables, which are no roots: no
 * collection while they run (a collector would free an object before its wrapper is made).
 */
function holdAddresses(): void {
  beforeEach(() => void getGcHeap().noCollection++);
  afterEach(() => void getGcHeap().noCollection--);
}

const newStruct = (id: number, fields: number) =>
  getGcHeap().allocate(headerWord(id, 'struct'), 0, structLayout(Array.from({ length: fields }, () => ({ type: ValType.i64, mutable: false }))).size);
const newI16Array = (length: number) => getGcHeap().allocate(headerWord(ids.a, 'array'), length, (8 + 2 * length + 7) & -8);
const wrap = (address: number) => fromBits(ANYREF as ValType, BigInt(address)) as object;
const pass = (type: string, value: unknown) => Number(toBits(types[type]! as ValType, value));

describe('wrappers of GC objects', () => {
  holdAddresses();
  it('are one object per GC object, and give back its address', () => {
    const a = newStruct(ids.s, 1), b = newStruct(ids.s, 1);
    const wa = wrap(a);
    expect(wrap(a)).toBe(wa);
    expect(wrap(b)).not.toBe(wa);
    expect(objectAddress(wa)).toBe(a);
    expect(pass('any', wa)).toBe(a);
    // extern.convert_any's word is the object's: the same wrapper comes back as an externref.
    expect(pass('extern', wa)).toBe(a);
    expect(fromBits(ValType.externref, BigInt(a))).toBe(wa);
  });

  it('are opaque: no prototype, no properties, and every change refused with a TypeError', () => {
    const w = wrap(newStruct(ids.s, 1)) as Record<string | number, unknown>;
    expect(typeof w).toBe('object');
    expect(Object.getPrototypeOf(w)).toBe(null);
    expect(Object.getOwnPropertyNames(w)).toEqual([]);
    expect(w.foo).toBe(undefined);
    expect(w[0]).toBe(undefined);
    expect(Object.isExtensible(w)).toBe(false);
    expect(() => Reflect.set(w, 'foo', 5)).toThrow(TypeError); // throws even where a plain non-extensible object returns false
    expect(() => Object.defineProperty(w, 'foo', { value: 1 })).toThrow(TypeError);
    expect(() => Reflect.deleteProperty(w, 0)).toThrow(TypeError);
    expect(() => Object.setPrototypeOf(w, {})).toThrow(TypeError);
    expect(() => Object.preventExtensions(w)).toThrow(TypeError);
    expect(() => Object.seal(w)).toThrow(TypeError);
    expect(Object.prototype.toString.call(w)).toBe('[object Object]');
    expect(new WeakMap([[w, 1]]).get(w)).toBe(1);
  });
});

describe('wrappers passed to WebAssembly as typed references', () => {
  holdAddresses();
  it('are checked by their header: kind, and the type id or a declared subtype', () => {
    const s = newStruct(ids.s, 1), t = newStruct(ids.t, 2), u = newStruct(ids.u, 1), a = newI16Array(3);
    const [ws, wt, wu, wa] = [s, t, u, a].map(wrap);
    expect(pass('s', ws)).toBe(s);
    expect(pass('s', wt)).toBe(t); // $t <: $s
    expect(() => pass('t', ws)).toThrow(TypeError);
    // The message names the type by its kind, not by its process-wide id (which differs between processes).
    expect(() => pass('t', ws)).toThrow('the value is not of type (ref <struct type>)');
    expect(() => pass('a', ws)).toThrow('the value is not of type (ref null <array type>)');
    expect(() => pass('s', null)).toThrow('null is not a value of the non-nullable type (ref <struct type>)');
    expect(() => pass('s', wu)).toThrow(TypeError); // same shape of header, another id
    expect(() => pass('s', wa)).toThrow(TypeError);
    expect(pass('a', wa)).toBe(a);
    expect(() => pass('a', ws)).toThrow(TypeError);
    expect(pass('struct', wu)).toBe(u);
    expect(() => pass('struct', wa)).toThrow(TypeError);
    expect(pass('array', wa)).toBe(a);
    expect(() => pass('array', ws)).toThrow(TypeError);
    expect(pass('eq', wa)).toBe(a);
    expect(pass('eq', ws)).toBe(s);
    expect(() => pass('i31', ws)).toThrow(TypeError);
    expect(() => pass('none', ws)).toThrow(TypeError);
  });

  it('leave the other rules as they were: i31 numbers, host values only for anyref and externref', () => {
    expect(pass('eq', 42)).toBe(85);
    expect(() => pass('eq', {})).toThrow(TypeError);
    expect(() => pass('struct', 42)).toThrow(TypeError);
    expect(() => pass('s', {})).toThrow(TypeError);
    const host = pass('any', { not: 'a wrapper' });
    expect(host & 3).toBe(2);
    expect(() => pass('s', null)).toThrow(TypeError);
  });
});

describe('wrappers through generated code', () => {
  holdAddresses();
  it('come back as themselves from a function, extern.convert_any and a table', async () => {
    const parse = await requireWasmToolsTextToBinary();
    const e = new api.Instance(new api.Module(parse(`(module
      (table (export "t") 2 anyref)
      (func (export "id") (param anyref) (result anyref) (local.get 0))
      (func (export "toExtern") (param anyref) (result externref) (extern.convert_any (local.get 0))))`)), {}).exports as Record<string, unknown>;
    const w = wrap(newStruct(ids.u, 1));
    expect((e.id as (x: unknown) => unknown)(w)).toBe(w);
    expect((e.toExtern as (x: unknown) => unknown)(w)).toBe(w);
    const table = e.t as api.Table;
    table.set(1, w);
    expect(table.get(1)).toBe(w);
  });
});

describe('wrappers through imported JS functions', () => {
  it('are what a JS function gets and returns, the same wrapper for the same object', async () => {
    const parse = await requireWasmToolsTextToBinary();
    const seen: unknown[] = [];
    const e = new api.Instance(new api.Module(parse(`(module
      (type $box (struct (field i64)))
      (import "js" "see" (func $see (param (ref $box)) (result (ref null $box))))
      (func (export "box") (param i64) (result (ref $box)) (struct.new $box (local.get 0)))
      (func (export "unbox") (param (ref $box)) (result i64) (struct.get $box 0 (local.get 0)))
      ;; gives JS a new box, and returns what JS gives back
      (func (export "pass") (param i64) (result (ref null $box)) (call $see (struct.new $box (local.get 0)))))`)), {
      js: { see: (b: unknown) => (seen.push(b), seen[0]) },
    }).exports as Record<string, (...a: unknown[]) => unknown>;
    const first = e.pass!(11n);
    expect(first).toBe(seen[0]);
    expect(e.pass!(12n)).toBe(first);
    expect(seen[1]).not.toBe(first);
    expect(e.unbox!(first)).toBe(11n);
    expect(e.unbox!(seen[1])).toBe(12n);
    expect(() => e.unbox!(e.box)).toThrow(TypeError);
  });
});

describe('references in exceptions JS makes', () => {
  it('reach wasm as what JS gave, and getArg gives them back (a host value and a GC object in anyref)', async () => {
    const parse = await requireWasmToolsTextToBinary();
    let thrown: unknown;
    const e = new api.Instance(new api.Module(parse(`(module
      (type $box (struct (field i64)))
      (tag $t (export "t") (param anyref))
      (import "js" "throw" (func $throw))
      (func (export "box") (param i64) (result anyref) (struct.new $box (local.get 0)))
      (func (export "unbox") (param anyref) (result i64) (struct.get $box 0 (ref.cast (ref $box) (local.get 0))))
      (func (export "catch") (result anyref)
        (block $h (result anyref) (try_table (catch $t $h) (call $throw)) (ref.null any))))`)), {
      js: { throw: () => { throw thrown; } },
    }).exports as Record<string, (...a: unknown[]) => unknown>;
    const tag = e.t as unknown as api.Tag;
    const host = { a: 1 };
    thrown = new api.Exception(tag, [host]);
    expect(e.catch!()).toBe(host);
    expect((thrown as api.Exception).getArg(tag, 0)).toBe(host);
    const box = e.box!(5n);
    thrown = new api.Exception(tag, [box]);
    expect(e.catch!()).toBe(box);
    expect(e.unbox!(e.catch!())).toBe(5n);
    expect((thrown as api.Exception).getArg(tag, 0)).toBe(box);
    expect(new api.Exception(tag, [42]).getArg(tag, 0)).toBe(42);
  });
});

describe('wrappers as roots', () => {
  holdAddresses();
  const marked = () => {
    const words = new Set<number>();
    for (const marker of getGcHeap().markers) marker((w) => words.add(w));
    return words;
  };

  it('mark the object of every live wrapper, and forget it once the wrapper is collected', async () => {
    const kept = newStruct(ids.s, 1);
    const dropped = newStruct(ids.s, 1);
    const keep = wrap(kept);
    (() => void wrap(dropped))();
    expect(marked().has(kept)).toBe(true);
    expect(marked().has(dropped)).toBe(true);
    const before = wrappedCount();
    expect(collectGarbage()).toBe(true);
    for (let i = 0; i < 50 && marked().has(dropped); i++) {
      await new Promise((r) => setTimeout(r, 10));
      collectGarbage();
    }
    expect(marked().has(dropped)).toBe(false);
    expect(wrappedCount()).toBeLessThan(before);
    expect(marked().has(kept)).toBe(true);
    expect(wrap(kept)).toBe(keep);
  });
});

describe('i16Elements', () => {
  holdAddresses();
  it('is a view of an i16 array\'s elements, and undefined for anything else', () => {
    const a = newI16Array(3);
    const view = i16Elements(wrap(a))!;
    expect(view.length).toBe(3);
    view.set([0x41, 0xffff, 0x263a]);
    expect([...i16Elements(wrap(a))!]).toEqual([0x41, 0xffff, 0x263a]);
    expect(i16Elements(wrap(newI16Array(0)))!.length).toBe(0);
    expect(i16Elements(wrap(newStruct(ids.s, 1)))).toBe(undefined);
    expect(i16Elements({})).toBe(undefined);
    expect(i16Elements(null)).toBe(undefined);
  });
});

describe('the js-string builtins over arrays of i16', () => {
  holdAddresses();
  const trap = (message: string): never => {
    throw new Error(`trap: ${message}`);
  };
  const from = JS_STRING_BUILTINS.fromCharCodeArray!.make(trap, { i16Elements }) as (a: unknown, start: number, end: number) => string;
  const into = JS_STRING_BUILTINS.intoCharCodeArray!.make(trap, { i16Elements }) as (s: unknown, a: unknown, start: number) => number;

  it('copy a string\'s char codes into an array and back, lone surrogates and all', () => {
    const a = wrap(newI16Array(4));
    expect(into('h\u263a\ud800', a, 1)).toBe(3);
    expect([...i16Elements(a)!]).toEqual([0, 0x68, 0x263a, 0xd800]);
    expect(from(a, 1, 4)).toBe('h\u263a\ud800');
    expect(from(a, 2, 2)).toBe('');
    expect(into('', a, 4)).toBe(0);
    // Longer than one argument list's slice.
    const long = 'ab'.repeat(10_000);
    const b = wrap(newI16Array(long.length));
    expect(into(long, b, 0)).toBe(long.length);
    expect(from(b, 0, long.length)).toBe(long);
  });

  it('trap on null, on a range outside the array (indices unsigned), and on a non-string', () => {
    const a = wrap(newI16Array(2));
    expect(() => from(null, 0, 0)).toThrow(/^trap: fromCharCodeArray: null array/);
    expect(() => from(a, 0, 3)).toThrow(/^trap: /);
    expect(() => from(a, 2, 1)).toThrow(/^trap: /);
    expect(() => from(a, -1, 1)).toThrow(/^trap: /);
    expect(() => into('abc', a, 0)).toThrow(/^trap: /);
    expect(() => into('a', a, -1)).toThrow(/^trap: /);
    expect(() => into('a', null, 0)).toThrow(/^trap: intoCharCodeArray: null array/);
    expect(() => into(42, a, 0)).toThrow(/^trap: intoCharCodeArray: not a string/);
    expect([...i16Elements(a)!]).toEqual([0, 0]);
  });
});

describe('wrappers and the collector', () => {
  it('keep their objects alive and intact while allocations go on, and let them go once dropped', async () => {
    const parse = await requireWasmToolsTextToBinary();
    const e = new api.Instance(new api.Module(parse(`(module
      (type $box (struct (field i64)))
      (type $junk (array (mut i64)))
      (func (export "box") (param i64) (result (ref $box)) (struct.new $box (local.get 0)))
      (func (export "unbox") (param (ref $box)) (result i64) (struct.get $box 0 (local.get 0)))
      ;; n arrays of 8 KiB that nothing keeps
      (func (export "churn") (param $n i32)
        (loop $again
          (drop (array.new $junk (i64.const -1) (i32.const 1024)))
          (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))`)), {}).exports as Record<string, (...a: unknown[]) => unknown>;
    const intact = (boxes: readonly unknown[], first: number) => boxes.every((b, i) => e.unbox!(b) === BigInt(first + i));
    let boxes = Array.from({ length: 1000 }, (_, i) => e.box!(BigInt(i + 1)));
    e.churn!(4096); // 32 MiB: several collections for a collector
    expect(intact(boxes, 1)).toBe(true);
    // Half the wrappers dropped: the other half's objects stay, whatever takes the freed space.
    const kept = boxes.slice(0, 500);
    boxes = [];
    const before = wrappedCount();
    expect(collectGarbage()).toBe(true);
    for (let i = 0; i < 50 && wrappedCount() > before - 500; i++) {
      await new Promise((r) => setTimeout(r, 10));
      collectGarbage();
    }
    expect(wrappedCount()).toBeLessThanOrEqual(before - 500);
    e.churn!(4096);
    const more = Array.from({ length: 1000 }, (_, i) => e.box!(BigInt(5000 + i)));
    expect(intact(kept, 1)).toBe(true);
    expect(intact(more, 5000)).toBe(true);
  }, 60_000);

  it('set from JS into a table or global, leave their objects to it (a root of its own)', async () => {
    const parse = await requireWasmToolsTextToBinary();
    const e = new api.Instance(new api.Module(parse(`(module
      (type $box (struct (field i64)))
      (type $junk (array (mut i64)))
      (global (export "g") (mut anyref) (ref.null any))
      (table (export "t") 2 anyref)
      (func (export "box") (param i64) (result anyref) (struct.new $box (local.get 0)))
      (func (export "unbox") (param anyref) (result i64) (struct.get $box 0 (ref.cast (ref $box) (local.get 0))))
      (func (export "churn") (param $n i32)
        (loop $again
          (drop (array.new $junk (i64.const -1) (i32.const 1024)))
          (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))`)), {}).exports as Record<string, (...a: unknown[]) => unknown>;
    const global = e.g as unknown as api.Global, table = e.t as unknown as api.Table;
    const before = wrappedCount();
    global.value = e.box!(7n);
    table.set(1, e.box!(8n));
    // Their wrappers gone and forgotten: only the global and the table hold the two objects.
    expect(collectGarbage()).toBe(true);
    for (let i = 0; i < 50 && wrappedCount() > before; i++) {
      await new Promise((r) => setTimeout(r, 10));
      collectGarbage();
    }
    expect(wrappedCount()).toBeLessThanOrEqual(before);
    e.churn!(4096);
    expect(e.unbox!(global.value)).toBe(7n);
    expect(e.unbox!(table.get(1))).toBe(8n);
  }, 60_000);
});
