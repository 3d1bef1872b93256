// Tables, references and call_indirect across instances, through the WebAssembly-like API:
// the same two modules run on Lightbeam and on V8, and every observable result must agree.
// A function called through another instance's table must see its own instance (its globals)
// and the caller must get its own back afterwards; an externref must come back as the same value.
import { beforeAll, describe, expect, it } from 'vitest';
import * as LB from '../../api/index.ts';
import { loadWatToWasm } from '../../text/watToWasm.ts';

let wat2wasm: (text: string) => Uint8Array<ArrayBuffer>;
beforeAll(async () => {
  const assemble = await loadWatToWasm();
  wat2wasm = (text) => assemble(text, { name: 'test.wat' });
});

const A = `(module
  (type $un (func (param i32) (result i32)))
  (global $g (mut i32) (i32.const 100))
  (table (export "tab") 4 funcref)
  (elem (i32.const 0) $fromA)
  (func $fromA (export "fromA") (type $un)
    (global.set $g (i32.add (global.get $g) (local.get 0)))
    (global.get $g))
  (func (export "callA") (param $i i32) (param $x i32) (result i32)
    (i32.add (call_indirect (type $un) (local.get $x) (local.get $i)) (i32.mul (global.get $g) (i32.const 1000)))))`;

const B = `(module
  (type $un (func (param i32) (result i32)))
  (type $many (func (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32 i64 i32)))
  (import "a" "tab" (table $shared 4 funcref))
  (import "a" "fromA" (func $fromAimp (type $un)))
  (elem declare func $fromAimp)
  (table $own 3 funcref)
  (table $ext 2 externref)
  (global $g (mut i32) (i32.const 7))
  (elem (table $shared) (i32.const 1) func $fromB)
  (elem (table $own) (i32.const 1) func $many)
  (func $fromB (type $un)
    (global.set $g (i32.add (global.get $g) (local.get 0)))
    (global.get $g))
  (func $many (type $many)
    (i32.sub (local.get 0) (local.get 7))
    (i64.extend_i32_u (i32.add (local.get 6) (local.get 5)))
    (i32.xor (local.get 1) (local.get 4)))
  (func (export "callB") (param $i i32) (param $x i32) (result i32)
    (i32.add (call_indirect $shared (type $un) (local.get $x) (local.get $i)) (i32.mul (global.get $g) (i32.const 1000))))
  (func (export "store") (param $f funcref) (table.set $own (i32.const 0) (local.get $f)))
  (func (export "callOwn") (param $x i32) (result i32) (call_indirect $own (type $un) (local.get $x) (i32.const 0)))
  (func (export "loadOwn") (param $i i32) (result funcref) (table.get $own (local.get $i)))
  (func (export "callMany") (param $i i32) (result i32 i64 i32)
    (call_indirect $own (type $many)
      (i32.const 100) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5) (i32.const 6) (i32.const 7) (i32.const 8)
      (local.get $i)))
  (func (export "echo") (param externref) (result externref) (local.get 0))
  (func (export "isNull") (param externref) (result i32) (ref.is_null (local.get 0)))
  (func (export "keep") (param $i i32) (param $r externref) (table.set $ext (local.get $i) (local.get $r)))
  (func (export "fetch") (param $i i32) (result externref) (table.get $ext (local.get $i)))
  (func (export "grow") (param $r externref) (param $n i32) (result i32) (table.grow $ext (local.get $r) (local.get $n)))
  (func (export "size") (result i32) (table.size $ext))
  (func (export "imported") (result funcref) (ref.func $fromAimp))
  (func (export "pick") (param $a externref) (param $b externref) (param $c i32) (result externref)
    (select (result externref) (local.get $a) (local.get $b) (local.get $c)))
  (func (export "pickFunc") (param $c i32) (result funcref)
    (select (result funcref) (ref.func $fromAimp) (ref.null func) (i32.eqz (local.get $c)))))`;

type Api = {
  Module: new (b: Uint8Array) => unknown;
  Instance: new (m: never, i: object) => { exports: Record<string, unknown> };
};

/** V8 words its trap messages its own way: compare the error classes, check ours on the side. */
const messages: string[] = [];

function run(api: Api): unknown[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const a = new api.Instance(new api.Module(wat2wasm(A)) as never, {}).exports as Record<string, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const b = new api.Instance(new api.Module(wat2wasm(B)) as never, { a: { tab: a.tab, fromA: a.fromA } }).exports as Record<string, any>;
  const trap = (f: () => unknown): unknown => {
    try {
      return f();
    } catch (err) {
      if (api === (LB as unknown as Api)) messages.push((err as Error).message.replace(/ \(.*$/, ''));
      return (err as Error).constructor.name;
    }
  };
  const out: unknown[] = [];
  // Each side calls the other's function through the shared table, then reads its own global.
  out.push(b.callB(0, 5), a.callA(1, 3), b.callB(0, 1), a.callA(0, 2));
  // A function of A stored by B into B's own table, called from there.
  b.store(a.fromA);
  out.push(b.callOwn(10), b.loadOwn(0) === a.fromA, b.loadOwn(2));
  // Stack arguments and several results through call_indirect; a type mismatch; null; out of bounds.
  out.push(b.callMany(1), trap(() => b.callMany(0)), trap(() => b.callMany(2)), trap(() => b.callMany(3)));
  out.push(trap(() => b.callB(2, 0)), trap(() => b.callB(-1, 0)), trap(() => b.loadOwn(3)));
  // externref: the same JS value back, through a local, a table and table.grow.
  const obj = { any: 'thing' };
  const fn = (): number => 1;
  out.push(b.echo(obj) === obj, b.echo(fn) === fn, b.echo(null), b.echo(undefined), b.echo(42), b.echo('s'));
  out.push(b.isNull(null), b.isNull(obj), b.isNull(0));
  b.keep(1, obj);
  out.push(b.fetch(1) === obj, b.fetch(0), trap(() => b.keep(2, obj)), trap(() => b.fetch(5)));
  out.push(b.grow(fn, 3), b.size(), b.fetch(4) === fn, b.grow(null, 0), b.size());
  // ref.func of an imported function is that function; typed select on references.
  out.push(b.imported() === a.fromA, b.pick(obj, fn, 1) === obj, b.pick(obj, fn, 0) === fn, b.pickFunc(0) === a.fromA, b.pickFunc(3));
  return out;
}

describe('tables and references across instances', () => {
  it('behave as on V8', () => {
    const ours = run(LB as unknown as Api);
    const v8 = run(WebAssembly as unknown as Api);
    if (process.env.SHOW) console.log(ours);
    expect(ours).toEqual(v8);
    expect(messages).toEqual([
      'indirect call type mismatch', 'uninitialized element', 'undefined element', 'uninitialized element',
      'undefined element', 'out of bounds table access', 'out of bounds table access', 'out of bounds table access',
    ]);
  });
});
