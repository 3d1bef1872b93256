// The legacy exception instructions run natively, checked against Node 20's V8, which runs them
// too: the same module on both engines, every export called with the same arguments, the results
// (or what was thrown) compared. The cases are the ones the machinery could get wrong: payloads
// of every type and locals written before the throw, throws from callees, branches out of try
// bodies and catch bodies (a record left linked would catch a later throw), delegate to each kind
// of label, rethrow across nested catches, and trys in a loop.
import { describe, expect, it } from 'vitest';
import { Instance, Module } from '../api/index.ts';
import { watToWasm } from '../text/watToWasm.ts';

const native = process.arch === 'x64' && process.platform === 'linux';

const MODULE = `(module
  (import "js" "fail" (func $fail (param i32)))
  (tag $i (param i32))
  (tag $mixed (param i64 f32 f64 i32))
  (tag $none)
  (func $throwIf (param $x i32)
    (if (i32.eq (local.get $x) (i32.const 1)) (then (throw $i (i32.const 11))))
    (if (i32.eq (local.get $x) (i32.const 2)) (then (throw $mixed (i64.const -5) (f32.const 1.5) (f64.const 2.25) (i32.const 7))))
    (if (i32.eq (local.get $x) (i32.const 3)) (then (throw $none)))
    (if (i32.eq (local.get $x) (i32.const 4)) (then (call $fail (local.get $x)))))

  ;; Which clause catches, with its payload; locals written in the body before the throw.
  (func (export "clauses") (param $x i32) (result i64)
    (local $seen i64) (local $y i32) (local $w i64) (local $f f32) (local $d f64)
    (i64.const 1000)
    (try (result i64)
      (do
        (local.set $seen (i64.const 1))
        (local.set $y (i32.mul (local.get $x) (i32.const 3)))
        (call $throwIf (local.get $x))
        (local.set $seen (i64.const 2))
        (i64.extend_i32_u (local.get $y)))
      (catch $i (i64.add (i64.extend_i32_u) (i64.const 100)))
      (catch $mixed
        (local.set $y) (local.set $d) (local.set $f) (local.set $w)
        (i64.add (i64.add (local.get $w) (i64.trunc_f64_s (local.get $d)))
          (i64.add (i64.trunc_f32_s (local.get $f)) (i64.add (local.get $seen) (i64.extend_i32_u (local.get $y))))))
      (catch_all (i64.add (local.get $seen) (i64.extend_i32_u (local.get $y)))))
    (i64.add)
    (i64.add (local.get $seen)))

  ;; A branch out of the body, and out of a catch body, must leave no record behind.
  (func (export "branches") (param $x i32) (result i32)
    (local $r i32)
    (block $out
      (try (do (br_if $out (i32.eqz (local.get $x))) (call $throwIf (local.get $x)))
        (catch_all (local.set $r (i32.const 10)) (br $out))))
    (try (result i32)
      (do (call $throwIf (i32.const 1)) (i32.const 0))
      (catch $i (i32.add (local.get $r))))
    (block $away (try (do (throw $none)) (catch_all (br $away))))
    (i32.add (i32.const 1000)))

  ;; delegate to a try, a block inside a try, the function (out to the caller, caught here by the export).
  (func $delegates (param $x i32) (param $to i32) (result i32)
    (try $outer (result i32)
      (do
        (try $middle (result i32)
          (do
            (block $b
              (if (i32.eqz (local.get $to))
                (then (try (do (call $throwIf (local.get $x))) (delegate $outer))))
              (if (i32.eq (local.get $to) (i32.const 1))
                (then (try (do (call $throwIf (local.get $x))) (delegate $b))))
              (if (i32.eq (local.get $to) (i32.const 2))
                (then (try (do (call $throwIf (local.get $x))) (delegate 3)))))
            (i32.const 1))
          (catch_all (i32.const 20))))
      (catch_all (i32.const 30))))
  (func (export "delegates") (param $x i32) (param $to i32) (result i32)
    (try (result i32) (do (call $delegates (local.get $x) (local.get $to))) (catch_all (i32.const 40))))

  ;; rethrow from nested catches, caught again further out.
  (func (export "rethrows") (param $x i32) (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (call $throwIf (local.get $x)) (i32.const 0))
          (catch $i
            (drop)
            (try (result i32)
              (do (throw $none))
              (catch_all (if (i32.eq (local.get $x) (i32.const 1)) (then (rethrow 1))) (rethrow 0))))
          (catch_all (rethrow 0))))
      (catch $i (i32.add (i32.const 500)))
      (catch $none (i32.const 600))
      (catch_all (i32.const 700))))

  ;; Trys in a loop, values below the try surviving the catch.
  (func (export "loop") (param $n i32) (result i32)
    (local $sum i32)
    (loop $next
      (local.set $sum
        (i32.add (local.get $sum)
          (i32.mul (i32.const 2)
            (try (result i32)
              (do (call $throwIf (i32.and (local.get $n) (i32.const 3))) (i32.const 1))
              (catch $i)
              (catch_all (i32.const 5))))))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum)))`;

type Exports = Record<string, (...a: number[]) => unknown>;
const CALLS: [string, number[]][] = [];
for (let x = 0; x <= 4; x++) {
  CALLS.push(['clauses', [x]], ['branches', [x]], ['rethrows', [x]]);
  for (let to = 0; to <= 2; to++) CALLS.push(['delegates', [x, to]]);
}
CALLS.push(['loop', [1]], ['loop', [12]], ['loop', [100]]);

function outcome(f: () => unknown): string {
  try {
    const r = f();
    return `returned ${typeof r === 'bigint' ? `${r}n` : String(r)}`;
  } catch (e) {
    return `threw ${e === FAIL ? 'the import\'s error' : (e as Error).constructor.name}`;
  }
}
const FAIL = new Error('from JS');
const imports = { js: { fail: () => { throw FAIL; } } };

describe.runIf(native)('legacy exception handling', () => {
  it('gives what V8 gives for every export and argument', async () => {
    const bytes = await watToWasm(MODULE);
    const v8 = (await WebAssembly.instantiate(bytes, imports)).instance.exports as unknown as Exports;
    const ours = new Instance(new Module(bytes), imports).exports as unknown as Exports;
    const rows = CALLS.map(([name, args]) => `${name}(${args}) ${outcome(() => ours[name]!(...args))}`);
    expect(rows).toEqual(CALLS.map(([name, args]) => `${name}(${args}) ${outcome(() => v8[name]!(...args))}`));
    // Not all the same answer: the cases reach different clauses.
    expect(new Set(rows.map((r) => r.split(' ').slice(1).join(' '))).size).toBeGreaterThan(10);
  });

  it('rethrows a JS exception caught by catch_all as itself', async () => {
    const bytes = await watToWasm(`(module
      (import "js" "fail" (func $fail (param i32)))
      (func (export "f") (try (do (call $fail (i32.const 0))) (catch_all (rethrow 0))))
      (func (export "g") (try (do (try (do (call $fail (i32.const 0))) (delegate 0))) (catch_all (rethrow 0)))))`);
    const ours = new Instance(new Module(bytes), imports).exports as unknown as Exports;
    expect(outcome(() => ours.f!())).toBe('threw the import\'s error');
    expect(outcome(() => ours.g!())).toBe('threw the import\'s error');
  });
});
