// v128 values where the code generator moves them rather than computes them: in registers past
// the allocator's 15, in 16-byte frame slots (spilled around calls and block entries, addressed
// from rbp), as stack arguments and in the return area, in globals, through select and branches
// carrying values. Each export returns an i32 that depends on every lane, so V8 (running the same
// module) is the oracle; the spec suite covers the operators themselves.
import { describe, expect, it } from 'vitest';
import { compileModule } from './moduleCompiler.ts';
import { Instance } from '../runtime/instance.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { lightbeamEngine } from '../wast/lightbeamEngine.ts';
import { withExecution } from '../wast/node/executionEngine.ts';
import { runScript } from '../wast/runner.ts';
import { parseScript } from '../wast/script.ts';
import { loadTextToBinary } from '../wast/textFormat.ts';

/** (i32x4.add (splat x+1) (i32x4.add (splat x+2) ... (call $mix (splat x+n)))): n vectors live at the deepest point. */
function nested(n: number, inner: string): string {
  let e = inner;
  for (let k = n; k >= 1; k--) e = `(i32x4.add (i32x4.mul (i32x4.splat (i32.add (local.get 0) (i32.const ${k}))) (v128.const i32x4 1 3 5 7)) ${e})`;
  return e;
}

const MODULE = `(module
  (global $g (mut v128) (v128.const i32x4 1 2 3 4))
  (global $h (export "h") v128 (v128.const i64x2 -1 2))
  (func $lanes (param v128) (result i32)
    (i32.add (i32.add (i32x4.extract_lane 0 (local.get 0)) (i32.mul (i32x4.extract_lane 1 (local.get 0)) (i32.const 3)))
             (i32.add (i32.mul (i32x4.extract_lane 2 (local.get 0)) (i32.const 5)) (i32.mul (i32x4.extract_lane 3 (local.get 0)) (i32.const 7)))))
  (func $mix (param v128) (result v128) (i32x4.add (local.get 0) (v128.const i32x4 10 20 30 40)))
  ;; Ten v128 parameters: eight arrive in xmm0-xmm7, two on the stack.
  (func $ten (param v128 v128 v128 v128 v128 v128 v128 v128 v128 v128) (result v128)
    (i32x4.sub (i32x4.add (local.get 9) (local.get 8)) (i32x4.add (local.get 0) (local.get 7))))
  ;; Results after the first go to the return area: a v128 there takes 16 bytes.
  (func $several (param i32) (result i32 v128 i64 v128 f64)
    (local.get 0) (i32x4.splat (local.get 0)) (i64.const 7) (i32x4.splat (i32.const 5)) (f64.const 2.5))
  (func (export "stackArgs") (param i32) (result i32)
    (call $lanes (call $ten
      (i32x4.splat (local.get 0)) (i32x4.splat (i32.const 2)) (i32x4.splat (i32.const 3)) (i32x4.splat (i32.const 4))
      (i32x4.splat (i32.const 5)) (i32x4.splat (i32.const 6)) (i32x4.splat (i32.const 7)) (v128.const i32x4 8 9 10 11)
      (v128.const i32x4 100 200 300 400) (i32x4.splat (i32.mul (local.get 0) (i32.const 3))))))
  (func (export "returnArea") (param i32) (result i32)
    (local $x i32) (local $a v128) (local $b v128) (local $y i64) (local $z f64)
    (call $several (local.get 0))
    (local.set $z) (local.set $b) (local.set $y) (local.set $a) (local.set $x)
    (i32.add (i32.add (call $lanes (local.get $a)) (call $lanes (local.get $b)))
             (i32.add (i32.add (i32.wrap_i64 (local.get $y)) (i32.trunc_f64_s (local.get $z))) (local.get $x))))
  ;; Twenty vectors live across a call: more than the xmm registers, all spilled at the call.
  (func (export "spills") (param i32) (result i32)
    (call $lanes ${nested(20, '(call $mix (i32x4.splat (local.get 0)))')}))
  (func (export "global") (param i32) (result i32)
    (global.set $g (i32x4.add (global.get $g) (i32x4.splat (local.get 0))))
    (i32.add (call $lanes (global.get $g)) (call $lanes (global.get $h))))
  (func (export "select") (param i32) (result i32)
    (call $lanes (select (v128.const i32x4 1 2 3 4) (i32x4.splat (local.get 0)) (i32.and (local.get 0) (i32.const 1)))))
  ;; A block whose result is a v128, reached by a branch and by falling through, below another vector.
  (func (export "branches") (param i32) (result i32)
    (call $lanes (i32x4.add (i32x4.splat (local.get 0))
      (block (result v128)
        (drop (br_if 0 (v128.const i32x4 9 8 7 6) (i32.lt_s (local.get 0) (i32.const 10))))
        (call $mix (i32x4.splat (i32.const 1)))))))
  ;; A v128 local never written reads as zero; one written in a loop keeps its value across iterations.
  (func (export "locals") (param i32) (result i32)
    (local $zero v128) (local $acc v128) (local $i i32)
    (loop $next
      (local.set $acc (i32x4.add (local.get $acc) (i32x4.splat (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_s (local.get $i) (local.get 0))))
    (i32.add (call $lanes (local.get $zero)) (call $lanes (local.get $acc))))
)`;

describe('v128 values moved, spilled, passed and returned (against V8)', () => {
  it.runIf(process.arch === 'x64' && process.platform === 'linux')('every export agrees with V8 on several inputs', async () => {
    const bytes = await watToWasm(MODULE);
    const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource)).exports as Record<string, (x: number) => number>;
    const ours = new Instance(compileModule(bytes)).exports as Record<string, (x: number) => number>;
    const names = ['stackArgs', 'returnArea', 'spills', 'global', 'select', 'branches', 'locals'];
    for (const name of names) {
      for (const x of [0, 1, 7, 13, -5, 100]) expect(ours[name]!(x), `${name}(${x})`).toBe(v8[name]!(x));
    }
  });

  it('a function holding vectors addresses their slots from rbp, and pops it in every epilogue', async () => {
    const compiled = compileModule(await watToWasm(MODULE), { notes: true });
    expect(compiled.stubbed.size).toBe(0);
    // The spilling function's frame has a frame pointer: `push rbp` in its prologue.
    const index = compiled.info.exports.find((e) => e.name === 'spills')!.index;
    const spills = compiled.functions.find((f) => f.funcIndex === index)!;
    const code = compiled.code.subarray(spills.offset, spills.offset + spills.size);
    expect([...code]).toContain(0x55); // push rbp
    expect([...code]).toContain(0x5d); // pop rbp
  });

  // v128 cannot cross the JS API, so a call between instances (the switch stub copies the stack
  // arguments, the callee's results come back through the return area) and a shared v128 global
  // are checked with the spec runner, whose expected values are the script's.
  it.runIf(process.arch === 'x64' && process.platform === 'linux')('between instances: ten v128 arguments, v128 results after the first, an imported v128 global', async () => {
    const script = `(module $A
      (func (export "f") (param v128 v128 v128 v128 v128 v128 v128 v128 v128 v128) (result v128 i32 v128)
        (i32x4.add (local.get 9) (local.get 8)) (i32x4.extract_lane 0 (local.get 0)) (i32x4.sub (local.get 7) (local.get 9)))
      (global (export "g") (mut v128) (v128.const i32x4 5 6 7 8)))
    (register "A" $A)
    (module $B
      (import "A" "f" (func $f (param v128 v128 v128 v128 v128 v128 v128 v128 v128 v128) (result v128 i32 v128)))
      (import "A" "g" (global $g (mut v128)))
      (func (export "call") (result v128 i32 v128)
        (call $f (v128.const i32x4 1 2 3 4) (i32x4.splat (i32.const 2)) (i32x4.splat (i32.const 3)) (i32x4.splat (i32.const 4))
                 (i32x4.splat (i32.const 5)) (i32x4.splat (i32.const 6)) (i32x4.splat (i32.const 7)) (i32x4.splat (i32.const 8))
                 (v128.const i32x4 100 200 300 400) (global.get $g)))
      (func (export "bump") (global.set $g (i32x4.mul (global.get $g) (i32x4.splat (i32.const 10))))))
    (assert_return (invoke "call") (v128.const i32x4 105 206 307 408) (i32.const 1) (v128.const i32x4 3 2 1 0))
    (invoke "bump")
    (assert_return (invoke "call") (v128.const i32x4 150 260 370 480) (i32.const 1) (v128.const i32x4 -42 -52 -62 -72))
    (assert_return (get $A "g") (v128.const i32x4 50 60 70 80))`;
    const outcomes = runScript(parseScript(script), { engine: withExecution(lightbeamEngine()), textToBinary: await loadTextToBinary() });
    expect(outcomes.map((o) => `${o.status}${o.reason ? `: ${o.reason}` : ''}`)).toEqual(Array(7).fill('passed'));
  });
});
