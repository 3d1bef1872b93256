// Exception handling runs natively: throw and catch in one function, across frames, instances
// and JS; payloads of every type; catch_ref and throw_ref; branches out of try_tables unlinking
// their records; traps never caught; deep recursion and stack exhaustion with a try_table in every
// frame. (Node 20's V8 has no exnref, so there is no oracle here: the expected values are written out.)
import { describe, expect, it } from 'vitest';
import { Exception, Instance, JSTag, Module, RuntimeError, Tag } from '../api/index.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';
import { EXCEPTION_STATE } from '../abi/index.ts';
import { getRuntime } from '../runtime/runtime.ts';
import { getNative } from '../runtime/native.ts';

const native = process.arch === 'x64' && process.platform === 'linux';

async function instance(wat: string, imports: Record<string, Record<string, unknown>> = {}): Promise<Record<string, any>> {
  return new Instance(new Module(await watToWasm(wat)), imports).exports as Record<string, any>;
}

describe.runIf(native)('exceptions', () => {
  it('catches a throw in the same function, with its payload, and falls through when nothing is thrown', async () => {
    const e = await instance(`(module
      (tag $t (param i32 i64))
      (func (export "f") (param $x i32) (result i64)
        (local $sum i64) (local $p i64)
        (block $caught (result i32 i64)
          (try_table (catch $t $caught)
            (local.set $sum (i64.const 100))
            (if (local.get $x) (then (throw $t (i32.add (local.get $x) (i32.const 1)) (i64.const 7)))))
          (return (i64.add (local.get $sum) (i64.const 1))))
        (local.set $p)
        (i64.add (i64.extend_i32_u) (local.get $p))
        (i64.add (local.get $sum))))`);
    expect(e.f(0)).toBe(101n);
    // Payload 42 + 7, plus the local written in the try_table before the throw.
    expect(e.f(41)).toBe(149n);
  });

  it('unwinds several frames to the handler, and values below the try_table survive', async () => {
    const e = await instance(`(module
      (tag $t (param i32))
      (func $deep (param i32)
        (if (i32.eqz (local.get 0)) (then (throw $t (i32.const 5))))
        (call $deep (i32.sub (local.get 0) (i32.const 1))))
      (func (export "f") (param i32) (result i32)
        (i32.const 1000) ;; below the try_table's block
        (block $h (result i32)
          (try_table (result i32) (catch $t $h)
            (call $deep (local.get 0))
            (i32.const -1)))
        (i32.add)))`);
    expect(e.f(0)).toBe(1005);
    expect(e.f(50)).toBe(1005);
  });

  it('carries payloads of every type exactly (NaN bits, v128, references, exnref)', async () => {
    const e = await instance(`(module
      (tag $t (param i32 i64 f32 f64 v128 externref funcref i64 f64 i32))
      (tag $wrap (param exnref))
      (type $r (func (result i32)))
      (table $tab 1 funcref)
      (func $g (result i32) (i32.const 77))
      (elem declare func $g)
      (func $throw (param externref)
        (throw $t (i32.const -3) (i64.const 0x123456789abcdef0) (f32.const nan:0x200001) (f64.const nan:0x8000000000001)
          (v128.const i32x4 1 2 3 4) (local.get 0) (ref.func $g) (i64.const -9) (f64.const 2.5) (i32.const 11)))
      (func (export "f") (param externref) (result i32 i64 i32 i64 i32 externref i32 i64 f64 i32)
        (local $a i32) (local $b i64) (local $c f32) (local $d f64) (local $v v128) (local $x externref)
        (local $g funcref) (local $k i64) (local $i f64) (local $j i32)
        (block $h (result i32 i64 f32 f64 v128 externref funcref i64 f64 i32)
          (try_table (catch $t $h) (call $throw (local.get 0)))
          (unreachable))
        (local.set $j) (local.set $i) (local.set $k) (local.set $g) (local.set $x)
        (local.set $v) (local.set $d) (local.set $c) (local.set $b) (local.set $a)
        (table.set $tab (i32.const 0) (local.get $g))
        (local.get $a) (local.get $b) (i32.reinterpret_f32 (local.get $c)) (i64.reinterpret_f64 (local.get $d))
        (i32.add (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
                 (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v))))
        (local.get $x) (call_indirect (type $r) (i32.const 0)) (local.get $k) (local.get $i) (local.get $j))
      ;; An exnref as a payload: caught, unwrapped, rethrown, caught again.
      (func (export "wrapped") (result i32)
        (block $inner (result i32 i64 f32 f64 v128 externref funcref i64 f64 i32)
          (try_table (catch $t $inner)
            (block $w (result exnref)
              (try_table (catch $wrap $w)
                (block $r (result exnref)
                  (try_table (catch_all_ref $r) (call $throw (ref.null extern)))
                  (unreachable))
                (throw $wrap))
              (unreachable))
            (throw_ref))
          (unreachable))
        (return (i32.add (i32.const 100))) (drop) (drop) (drop) (drop) (drop) (drop) (drop) (drop) (drop)))`);
    const ref = { tag: 'ref' };
    expect(e.f(ref)).toEqual([-3, 0x123456789abcdef0n, 0x7fa00001, 0x7ff8000000000001n, 10, ref, 77, -9n, 2.5, 11]);
    expect(e.wrapped()).toBe(111);
  });

  it('catch_ref and throw_ref rethrow the same exception; catch_all catches any', async () => {
    const e = await instance(`(module
      (tag $t (param i32))
      (tag $u)
      (func (export "payloadAndRef") (param i32) (result i32)
        (block $h (result i32 exnref)
          (try_table (catch_ref $t $h) (throw $t (local.get 0)))
          (unreachable))
        (drop))
      (func (export "rethrow") (param i32) (result i32)
        (block $h (result i32)
          (try_table (catch $t $h)
            (block $r (result exnref)
              (try_table (catch_all_ref $r) (throw $t (local.get 0)))
              (unreachable))
            (throw_ref))
          (i32.const -1)))
      (func (export "all") (result i32)
        (block $h
          (try_table (catch_all $h) (throw $u))
          (return (i32.const -1)))
        (i32.const 9))
      (func (export "null") (throw_ref (ref.null exn))))`);
    expect(e.rethrow(12)).toBe(12);
    expect(e.payloadAndRef(13)).toBe(13);
    expect(e.all()).toBe(9);
    expect(() => e.null()).toThrow(/null exception reference/);
  });

  it('chooses the first matching clause of the innermost try_table, nested', async () => {
    const e = await instance(`(module
      (tag $a (param i32))
      (tag $b (param i32))
      (func (export "f") (param i32) (result i32)
        (block $outer (result i32)
          (block $inner (result i32)
            (try_table (catch $a $outer)
              (try_table (catch $b $inner)
                (if (i32.eq (local.get 0) (i32.const 0)) (then (throw $a (i32.const 10))))
                (throw $b (i32.const 20))))
            (unreachable))
          (i32.add (i32.const 1000))
          (return))
        (i32.add (i32.const 2000))))`);
    expect(e.f(0)).toBe(2010);
    expect(e.f(1)).toBe(1020);
  });

  it('unlinks records on every way out: br, br_if, br_table, return, a loop, a tail call', async () => {
    const e = await instance(`(module
      (tag $t)
      (func $throw (throw $t))
      (func $leave (param $how i32) (result i32)
        (block $out
          (block $caught
            (try_table (catch_all $caught)
              (br_if $out (i32.eq (local.get $how) (i32.const 1)))
              (br_table $out $out $out $out (local.get $how))))
          (return (i32.const -1)))
        (i32.const 1))
      (func $ret (result i32)
        (block $caught
          (try_table (catch_all $caught) (return (i32.const 2))))
        (i32.const -2))
      (func $loop (result i32) (local $i i32)
        (loop $again
          (block $caught
            (try_table (catch_all $caught)
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $again (i32.lt_u (local.get $i) (i32.const 5)))))
          )
        (local.get $i))
      (func $tail (result i32)
        (block $caught
          (try_table (catch_all $caught) (return_call $three)))
        (i32.const -3))
      (func $three (result i32) (call $throw) (i32.const 3))
      ;; Each leaves its try_table some way, then a throw must reach the JS caller, not a dead frame.
      (func (export "after") (param $how i32) (result i32)
        (if (i32.lt_u (local.get $how) (i32.const 4)) (then (drop (call $leave (local.get $how)))))
        (if (i32.eq (local.get $how) (i32.const 4)) (then (drop (call $ret))))
        (if (i32.eq (local.get $how) (i32.const 5)) (then (drop (call $loop))))
        (if (i32.eq (local.get $how) (i32.const 6)) (then (return (call $tail))))
        (call $throw)
        (i32.const 0))
      (func (export "loop") (result i32) (call $loop))
      (func (export "leave") (param i32) (result i32) (call $leave (local.get 0))))`);
    for (let how = 0; how <= 6; how++) expect(() => e.after(how), `way ${how}`).toThrow(Exception);
    expect(e.loop()).toBe(5);
    expect(e.leave(1)).toBe(1);
    expect(e.leave(3)).toBe(1);
  });

  it('return_call_ref out of a try_table (or a legacy try) unlinks its record first, on each of its paths', async () => {
    // The GC fuzzer's gc-seed2648: a return_call_ref left its try_table's record linked. The next
    // throw landed in the dead frame (a crash), or a later trap walked a record that had come to
    // point at itself, forever. Here: the callee's throw is not the caller's to catch, and while the
    // activation goes on after the tail call the chain's head is back to what it was (0).
    const parse = await requireWasmToolsTextToBinary();
    const other = new Instance(new Module(parse(`(module
      (tag $x)
      (func (export "ok") (result i32) (i32.const 9))
      (func (export "throw") (result i32) (throw $x)))`))).exports as Record<string, any>;
    const state = (getRuntime() as unknown as { state: number }).state;
    const handlers = (): bigint => new DataView(getNative().view(state, 256)).getBigUint64(EXCEPTION_STATE.HANDLERS, true);
    const seen: bigint[] = [];
    const e = new Instance(new Module(parse(`(module
      (type $r (func (result i32)))
      (type $many (func (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i32)))
      (import "m" "ok" (func $otherOk (type $r)))
      (import "m" "throw" (func $otherThrow (type $r)))
      (import "m" "check" (func $check))
      (tag $t)
      (func $ok (type $r) (i32.const 7))
      (func $throws (type $r) (throw $t))
      (func $okMany (type $many) (i32.const 8))
      (func $throwsMany (type $many) (throw $t))
      (elem declare func $ok $throws $okMany $throwsMany $otherOk $otherThrow)
      (func $ref (param $which i32) (result funcref)
        (select (result funcref) (ref.func $ok) (ref.func $throws) (i32.eqz (i32.and (local.get $which) (i32.const 1)))))
      ;; 0/1: the callee fits the frame (a jump); 2/3: it needs more stack arguments (a call, then a
      ;; return); 4/5: another instance's function; 6/7: inside a legacy try. Odd: the callee throws.
      (func $tail (param $which i32) (result i32)
        (block $caught
          (try_table (catch_all $caught)
            (if (i32.lt_u (local.get $which) (i32.const 2))
              (then (return_call_ref $r (ref.cast (ref $r) (call $ref (local.get $which))))))
            (if (i32.eq (local.get $which) (i32.const 2))
              (then (return_call_ref $many (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5)
                (i64.const 6) (i64.const 7) (i64.const 8) (i64.const 9) (i64.const 10) (ref.func $okMany))))
            (if (i32.eq (local.get $which) (i32.const 3))
              (then (return_call_ref $many (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5)
                (i64.const 6) (i64.const 7) (i64.const 8) (i64.const 9) (i64.const 10) (ref.func $throwsMany))))
            (if (i32.eq (local.get $which) (i32.const 4)) (then (return_call_ref $r (ref.func $otherOk))))
            (if (i32.eq (local.get $which) (i32.const 5)) (then (return_call_ref $r (ref.func $otherThrow))))
            try
              (return_call_ref $r (ref.cast (ref $r) (call $ref (local.get $which))))
            catch_all
            end))
        (i32.const -1))
      (func (export "tail") (param i32) (result i32) (call $tail (local.get 0)))
      ;; After a tail call that returned: the chain as the activation found it, and a throw reaches JS.
      (func (export "after") (param i32) (result i32)
        (drop (call $tail (local.get 0)))
        (call $check)
        (throw $t))
      (func (export "trap") (unreachable)))`)), { m: { ok: other.ok, throw: other.throw, check: () => seen.push(handlers()) } })
      .exports as Record<string, any>;
    const stale = getRuntime().staleHandlerChains;
    const before = handlers();
    for (const which of [0, 2, 4, 6]) {
      expect(e.tail(which), `way ${which}`).toBe(which === 4 ? 9 : which === 2 ? 8 : 7);
      expect(() => e.tail(which + 1), `way ${which + 1}`).toThrow(Exception);
      expect(() => e.after(which), `after ${which}`).toThrow(Exception);
    }
    expect(seen).toEqual([before, before, before, before]);
    expect(getRuntime().staleHandlerChains).toBe(stale);
    expect(handlers()).toBe(before);
    expect(() => e.trap()).toThrow(RuntimeError);
  });

  it('crosses instances by tag identity, and JS in both directions', async () => {
    const tag = new Tag({ parameters: ['i32', 'f64'] });
    const thrower = await instance(`(module
      (import "m" "t" (tag $t (param i32 f64)))
      (tag $own (param i32 f64))
      (export "own" (tag $own))
      (func (export "throw") (param i32) (throw $t (local.get 0) (f64.const 1.5)))
      (func (export "throwOwn") (throw $own (i32.const 1) (f64.const 2))))`, { m: { t: tag } });
    expect(thrower.own).toBeInstanceOf(Tag);
    const catcher = await instance(`(module
      (import "m" "t" (tag $t (param i32 f64)))
      (import "m" "throw" (func $throw (param i32)))
      (import "m" "throwOwn" (func $throwOwn))
      (import "m" "js" (func $js))
      (func (export "catch") (param i32) (result i32)
        (block $h (result i32 f64)
          (try_table (catch $t $h) (call $throw (local.get 0)))
          (return (i32.const -1)))
        (drop))
      (func (export "other") (result i32)
        (block $h (result i32 f64)
          (try_table (catch $t $h) (call $throwOwn))
          (return (i32.const -1)))
        (drop))
      (func (export "js") (result i32)
        (block $h (result i32 f64)
          (try_table (catch $t $h) (call $js))
          (return (i32.const -1)))
        (drop))
      (func (export "jsAll") (result externref)
        (block $h (result exnref)
          (try_table (catch_all_ref $h) (call $js))
          (return (ref.null extern)))
        (throw_ref)))`, {
      m: {
        t: tag, throw: thrower.throw, throwOwn: thrower.throwOwn,
        js: () => { throw jsThrown; },
      },
    });
    let jsThrown: unknown = new Exception(tag, [33, 0.5]);
    expect(catcher.catch(8)).toBe(8);
    // Another tag of the same type is another tag: not caught here, and JS sees it.
    let seen: unknown;
    try { catcher.other(); } catch (err) { seen = err; }
    expect(seen).toBeInstanceOf(Exception);
    expect((seen as Exception).is(thrower.own)).toBe(true);
    expect((seen as Exception).getArg(thrower.own, 1)).toBe(2);
    // A WebAssembly.Exception from JS is caught by its tag.
    expect(catcher.js()).toBe(33);
    // A plain JS value: caught by catch_all_ref, rethrown by throw_ref, the same object in JS.
    jsThrown = { plain: true };
    try { catcher.jsAll(); } catch (err) { seen = err; }
    expect(seen).toBe(jsThrown);
    expect(JSTag).toBeInstanceOf(Tag);
  });

  it('never catches a trap, even in a try_table with catch_all, nor one crossing JS', async () => {
    const inner = await instance(`(module (func (export "trap") (unreachable)))`);
    const e = await instance(`(module
      (import "m" "trap" (func $trapViaJs))
      (func (export "f") (result i32)
        (block $h
          (try_table (catch_all $h) (unreachable)))
        (i32.const 1))
      (func (export "viaJs") (result i32)
        (block $h
          (try_table (catch_all $h) (call $trapViaJs)))
        (i32.const 1)))`, { m: { trap: () => inner.trap() } });
    expect(() => e.f()).toThrow(RuntimeError);
    expect(() => e.viaJs()).toThrow(RuntimeError);
  });

  it('recurses deeply with a try_table in every frame; exhausts the stack cleanly', async () => {
    const e = await instance(`(module
      (tag $t (param i32))
      (func $down (export "down") (param i32) (result i32)
        (block $h (result i32)
          (try_table (result i32) (catch $t $h)
            (if (result i32) (i32.eqz (local.get 0))
              (then (throw $t (i32.const 1)))
              (else (call $down (i32.sub (local.get 0) (i32.const 1))))))
          (return))
        ;; caught one level down from the throw: rethrow one more, until the top
        (i32.add (i32.const 1))
        (local.get 0)
        (i32.const 5000)
        (i32.lt_u)
        (if (param i32) (result i32) (then (throw $t)))
      )
      (func $forever (export "forever") (param i32) (result i32)
        (block $h
          (try_table (catch_all $h) (return (call $forever (i32.add (local.get 0) (i32.const 1))))))
        (i32.const -1))
      (func (export "catchAfter") (result i32)
        (block $h (result i32)
          (try_table (catch $t $h) (throw $t (i32.const 4)))
          (i32.const -1))))`);
    // Every level catches (the bottom its own throw) and adds one; those below 5000 throw again.
    expect(e.down(5000)).toBe(5002);
    expect(() => e.forever(0)).toThrow(/call stack exhausted/);
    // The records the exhausted frames left are gone: a throw still lands where it should.
    expect(e.catchAfter()).toBe(4);
    expect(() => e.down(3)).toThrow(Exception);
  });

  it('keeps exnrefs in globals and tables, and rethrows them from there', async () => {
    const e = await instance(`(module
      (tag $t (param i32))
      (global $g (mut exnref) (ref.null exn))
      (table $tab 2 exnref)
      (func (export "f") (result i32)
        (block $h (result i32 exnref)
          (try_table (catch_ref $t $h) (throw $t (i32.const 5)))
          (unreachable))
        (global.set $g)
        (table.set $tab (i32.const 1) (global.get $g))
        (drop)
        (block $h2 (result i32)
          (try_table (catch $t $h2) (throw_ref (table.get $tab (i32.const 1))))
          (unreachable)))
      (func (export "isNull") (result i32) (ref.is_null (table.get $tab (i32.const 0)))))`);
    expect(e.isNull()).toBe(1);
    expect(e.f()).toBe(5);
  });

  it('catches JS values by JSTag when a module imports it, and throws them back as themselves', async () => {
    const thrown = new Error('from JS');
    const e = await instance(`(module
      (import "js" "tag" (tag $js (param externref)))
      (import "js" "f" (func $f))
      (func (export "catch") (result externref)
        (block $h (result externref)
          (try_table (catch $js $h) (call $f))
          (return (ref.null extern))))
      (func (export "throw") (param externref) (throw $js (local.get 0))))`, { js: { tag: JSTag, f: () => { throw thrown; } } });
    expect(e.catch()).toBe(thrown);
    const value = { any: 'value' };
    let seen: unknown;
    try { e.throw(value); } catch (err) { seen = err; }
    expect(seen).toBe(value);
    // And a WebAssembly.Exception of JSTag cannot be made from JS.
    expect(() => new Exception(JSTag, [1])).toThrow(TypeError);
  });

  it('a landing pad sees every local as the throw left it, and the values below the try_table', async () => {
    // More locals of each class than there are home registers; some written before the call
    // that throws, some after another call, some never written; a float and a vector below.
    const e = await instance(`(module
      (tag $t (param i32))
      (func $id (param i32) (result i32) (local.get 0))
      (func $maybe (param i32) (if (local.get 0) (then (throw $t (i32.mul (local.get 0) (i32.const 10))))))
      (func (export "f") (param $a i32) (param $b f64) (result f64)
        (local $c i64) (local $d f32) (local $e i32) (local $f f64) (local $v v128)
        (local $g i32) (local $h i32) (local $i i32) (local $j i32) (local $k i32) (local $z f64)
        (local $x1 f64) (local $x2 f64) (local $x3 f64) (local $x4 f64) (local $x5 f64) (local $x6 f64) (local $x7 f64)
        (f64.const 0.5)
        (v128.const f64x2 0.25 0.125)
        (block $caught (result i32)
          (try_table (result i32) (catch $t $caught)
            (local.set $c (i64.const 3)) (local.set $d (f32.const 4)) (local.set $g (call $id (i32.const 6)))
            (local.set $h (i32.const 7)) (local.set $x1 (f64.const 100)) (local.set $x7 (f64.const 700))
            (local.set $v (v128.const i32x4 1 2 3 4))
            (local.set $i (call $id (i32.const 8)))
            (local.set $b (f64.add (local.get $b) (f64.const 1)))
            (call $maybe (local.get $a))
            (local.set $e (i32.const 99)) (local.set $c (i64.const 99))
            (i32.const 0)))
        (f64.convert_i32_s)
        (f64.add (f64.convert_i32_s (local.get $a)))
        (f64.add (local.get $b))
        (f64.add (f64.convert_i64_s (local.get $c)))
        (f64.add (f64.promote_f32 (local.get $d)))
        (f64.add (f64.convert_i32_s (local.get $e)))
        (f64.add (local.get $f))
        (f64.add (f64.convert_i32_s (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))
        (f64.add (f64.convert_i32_s (i32.add (i32.add (local.get $g) (local.get $h)) (i32.add (local.get $i) (i32.add (local.get $j) (local.get $k))))))
        (f64.add (f64.add (local.get $x1) (local.get $x7)))
        (f64.add (f64.add (local.get $z) (f64.add (local.get $x2) (local.get $x6))))
        (local.set $z)
        (local.set $v)
        (f64.add (f64.add (local.get $z) (f64x2.extract_lane 0 (local.get $v))) (f64x2.extract_lane 1 (local.get $v)))
        (f64.add)))`);
    // Thrown (a = 2): payload 20; e and c keep their values from before the throw (0 and 3).
    expect(e.f(2, 1.5)).toBe(20 + 2 + 2.5 + 3 + 4 + 0 + 0 + 5 + (6 + 7 + 8) + 800 + 0.25 + 0.125 + 0.5);
    // Not thrown: the try_table's 0, e = 99, c = 99.
    expect(e.f(0, 1.5)).toBe(0 + 0 + 2.5 + 99 + 4 + 99 + 0 + 5 + (6 + 7 + 8) + 800 + 0.25 + 0.125 + 0.5);
  });

  it('a payload of a typed reference lands as that type, whatever ids the process gave other types first', async () => {
    const parse = await requireWasmToolsTextToBinary();
    // Types interned before this module's: its (func) is then not process-wide type id 1.
    new Instance(new Module(parse('(module (type (func (param i32 i64 f32))) (type (func (result f64 f64))))')));
    const e = new Instance(new Module(parse(`(module
      (type $t (func))
      (func $dummy) (elem declare func $dummy)
      (tag $e (param (ref $t)))
      (func $throw (throw $e (ref.func $dummy)))
      (func (export "caught") (result (ref null $t))
        (block $l (result (ref null $t)) (try_table (catch $e $l) (call $throw)) (unreachable))))`))).exports as Record<string, any>;
    expect(typeof e.caught()).toBe('function');
  });
});
