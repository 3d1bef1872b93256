// Tail calls run natively: deep chains in constant stack (a million calls deep, on an 8 MiB
// stack, would need at least 16 MB if each kept a frame), arguments on the stack, results in the
// return area, floats and vectors, tables, hosts, other instances, traps and interruption. V8
// (Node 20 has tail calls on by default) runs the same module as the oracle where it can.
import { describe, expect, it } from 'vitest';
import { Instance, Module, RuntimeError, withTimeout } from '../api/index.ts';
import { trapOf } from './testing/trapOf.ts';
import { Instance as NativeInstance } from '../runtime/instance.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { compileModule } from './moduleCompiler.ts';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';
import { getRuntime } from '../runtime/runtime.ts';
import { getGcHeap } from '../runtime/gcHeap.ts';

const native = process.arch === 'x64' && process.platform === 'linux';

/** Ten i64 parameters, a..j: six in registers, four on the stack (32 bytes). */
const TEN = Array.from('abcdefghij', (c) => `(param $${c} i64)`).join(' ');
/** Seven: one on the stack (16 bytes, rounded). */
const SEVEN = Array.from('abcdefg', (c) => `(param $${c} i64)`).join(' ');
const get = (names: string): string => Array.from(names, (c) => `(local.get $${c})`).join(' ');

const MODULE = `(module
  (import "js" "host" (func $host (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (type $ii (func (param i64) (result i64)))
  (type $host8 (func (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (table $t 8 funcref)
  (elem (i32.const 0) $even $odd $host)
  (func $even (export "even") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
  (func $odd (export "odd") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 0))
      (else (return_call $even (i64.sub (local.get 0) (i64.const 1))))))
  ;; The same through the table: element 0 is even, 1 odd.
  (func $evenI (export "evenIndirect") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (return_call_indirect (type $ii) (i64.sub (local.get 0) (i64.const 1)) (i32.const 3)))))
  (func $oddI (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 0))
      (else (return_call_indirect (type $ii) (i64.sub (local.get 0) (i64.const 1)) (i32.const 4)))))
  (elem (i32.const 3) $oddI $evenI)
  (type $tenT (func (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (elem (i32.const 6) $ten)
  ;; From no stack arguments to four through the table: through a return thunk.
  (func (export "indirectToTen") (param $n i64) (result i64)
    (return_call_indirect (type $tenT) (local.get $n) (i64.const 2) (i64.const 3) (i64.const 5) (i64.const 7) (i64.const 11)
      (i64.const 13) (i64.const 17) (i64.const 19) (i64.const 23) (i64.const 29) (i32.const 6)))

  ;; Stack arguments. ten -> ten and ten -> seven fit in the area ten's caller reserved (32
  ;; bytes); seven -> ten does not (16 < 32) and goes through a return thunk.
  (func $ten (export "ten") (param $n i64) ${TEN} (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.add (i64.add (i64.add (local.get $a) (i64.mul (local.get $b) (i64.const 3))) (i64.mul (local.get $e) (i64.const 5)))
                     (i64.add (i64.mul (local.get $i) (i64.const 7)) (i64.mul (local.get $j) (i64.const 11)))))
      (else (return_call $ten (i64.sub (local.get $n) (i64.const 1)) ${get('bcdefghij')} (i64.add (local.get $a) (local.get $n))))))
  (func $tenToSeven (export "tenToSeven") (param $n i64) ${TEN} (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.add (local.get $a) (i64.mul (local.get $j) (i64.const 1000))))
      (else (return_call $seven (i64.sub (local.get $n) (i64.const 1)) ${get('jihgfe')} (i64.add (local.get $a) (local.get $n))))))
  (func $seven (param $n i64) ${SEVEN} (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.add (local.get $a) (i64.mul (local.get $g) (i64.const 100))))
      (else (return_call $tenToSeven (i64.sub (local.get $n) (i64.const 1)) ${get('gfedcba')} (i64.const 1) (local.get $n) (i64.const 3)))))

  ;; Floats: ten of them, two on the stack, rotated on every call.
  (func $floats (export "floats") (param $n i32) (param $a f32) (param $b f64) (param $c f32) (param $d f64) (param $e f32)
    (param $f f64) (param $g f32) (param $h f64) (param $i f64) (param $j f32) (result f64)
    (if (result f64) (i32.eqz (local.get $n))
      (then (f64.add (f64.add (f64.promote_f32 (local.get $a)) (f64.mul (local.get $b) (f64.const 3)))
                     (f64.add (f64.mul (local.get $i) (f64.const 7)) (f64.promote_f32 (local.get $j)))))
      (else (return_call $floats (i32.sub (local.get $n) (i32.const 1))
        (local.get $c) (local.get $d) (local.get $e) (local.get $f) (local.get $g) (local.get $h)
        (f32.add (local.get $a) (f32.const 0.5)) (local.get $i) (f64.add (local.get $b) (f64.const 0.25)) (local.get $j)))))

  ;; The same with vectors in between: a v128 on the stack where two floats were, and back (the
  ;; slots overlap only in part, so the stack arguments are parked before they are copied).
  (func $floatsVec (export "floatsVec") (param $n i32) (param $a f32) (param $b f64) (param $c f32) (param $d f64) (param $e f32)
    (param $f f64) (param $g f32) (param $h f64) (param $i f64) (param $j f32) (result f64)
    (if (result f64) (i32.eqz (local.get $n))
      (then (f64.add (f64.add (f64.promote_f32 (local.get $a)) (f64.mul (local.get $b) (f64.const 3)))
                     (f64.add (f64.mul (local.get $i) (f64.const 7)) (f64.promote_f32 (local.get $j)))))
      (else (return_call $vecSum (i32.sub (local.get $n) (i32.const 1))
        (f32x4.splat (local.get $j)) (f64x2.splat (local.get $i)) (f32x4.splat (f32.add (local.get $a) (local.get $g)))
        (f64x2.splat (local.get $b)) (f32x4.splat (local.get $c)) (f64x2.splat (local.get $d)) (f32x4.splat (local.get $e))
        (f64x2.splat (local.get $f)) (f64x2.splat (f64.add (local.get $h) (f64.const 0.5)))))))
  (func $vecSum (param $n i32) (param $a v128) (param $b v128) (param $c v128) (param $d v128) (param $e v128)
    (param $f v128) (param $g v128) (param $h v128) (param $i v128) (result f64)
    (return_call $floatsVec (local.get $n)
      (f32x4.extract_lane 0 (local.get $c)) (f64x2.extract_lane 1 (local.get $i)) (f32x4.extract_lane 2 (local.get $e))
      (f64x2.extract_lane 0 (local.get $b)) (f32x4.extract_lane 1 (local.get $g)) (f64x2.extract_lane 1 (local.get $d))
      (f32x4.extract_lane 3 (local.get $a)) (f64x2.extract_lane 0 (local.get $f)) (f64x2.extract_lane 1 (local.get $h))
      (f32x4.extract_lane 0 (local.get $c))))

  ;; Nine v128 parameters (one on the stack), three results (two in the return area, a v128 among them).
  (func $vectors (param $n i32) (param $a v128) (param $b v128) (param $c v128) (param $d v128) (param $e v128)
    (param $f v128) (param $g v128) (param $h v128) (param $i v128) (result i32 v128 i64)
    (if (result i32 v128 i64) (i32.eqz (local.get $n))
      (then (i32x4.extract_lane 0 (local.get $a)) (i32x4.add (local.get $b) (local.get $i)) (i64x2.extract_lane 1 (local.get $h)))
      (else (return_call $vectors (i32.sub (local.get $n) (i32.const 1))
        (local.get $i) (local.get $a) (local.get $b) (local.get $c) (local.get $d) (local.get $e) (local.get $f) (local.get $g)
        (i32x4.add (local.get $h) (i32x4.splat (local.get $n)))))))
  (func (export "vectors") (param $n i32) (result i64)
    (local $v v128) (local $x i64)
    (call $vectors (local.get $n)
      (i32x4.splat (i32.const 1)) (i32x4.splat (i32.const 2)) (i32x4.splat (i32.const 3)) (i32x4.splat (i32.const 4))
      (i32x4.splat (i32.const 5)) (i32x4.splat (i32.const 6)) (i32x4.splat (i32.const 7)) (i64x2.splat (i64.const 8))
      (v128.const i32x4 9 10 11 12))
    (local.set $x) (local.set $v)
    (i64.add (i64.extend_i32_u)
      (i64.add (local.get $x) (i64.extend_i32_u (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))))

  ;; Multiple results of scalar types, passed through the return area of whoever called first.
  (func $multi (export "multi") (param $n i32) (param $a i64) (param $b f64) (result i32 i64 f64)
    (if (result i32 i64 f64) (i32.eqz (local.get $n))
      (then (i32.const -1) (local.get $a) (local.get $b))
      (else (return_call $multi2 (i32.sub (local.get $n) (i32.const 1)) (i64.add (local.get $a) (i64.extend_i32_u (local.get $n))) (local.get $b)))))
  (func $multi2 (param $n i32) (param $a i64) (param $b f64) (result i32 i64 f64)
    (return_call $multi (local.get $n) (local.get $a) (f64.add (local.get $b) (f64.const 0.5))))

  ;; Hosts: a tail call of the import and through the table to it: its record is this instance's,
  ;; so both jump into the call-out stub (with two stack arguments).
  (func (export "hostDirect") (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
    (return_call $host (local.get 7) (local.get 6) (local.get 5) (local.get 4) (local.get 3) (local.get 2) (local.get 1) (local.get 0)))
  (func (export "hostIndirect") (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
    (return_call_indirect (type $host8) (local.get 7) (local.get 6) (local.get 5) (local.get 4) (local.get 3) (local.get 2) (local.get 1) (local.get 0) (i32.const 2)))

  ;; Traps: in a tail-called function, and call_indirect's checks.
  (func $divide (export "divide") (param i32) (result i32) (i32.div_s (i32.const 100) (local.get 0)))
  (func (export "tailDivide") (param i32) (result i32) (return_call $divide (local.get 0)))
  (func (export "tailAt") (param i64 i32) (result i64) (return_call_indirect (type $ii) (local.get 0) (local.get 1)))
  (func $spin (export "spin") (param i32) (result i32) (return_call $spin (i32.add (local.get 0) (i32.const 1))))
)`;

const bytesOf = (() => {
  let made: Promise<Uint8Array> | undefined;
  return () => (made ??= watToWasm(MODULE));
})();

type Exports = Record<string, (...args: unknown[]) => unknown>;
const host = (...a: number[]): number => a.reduce((s, x, i) => s + x * (i + 1), 0);

async function both(): Promise<[Exports, Exports]> {
  const bytes = await bytesOf();
  const ours = new Instance(new Module(bytes), { js: { host } }).exports as Exports;
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), { js: { host } }).exports as Exports;
  return [ours, v8];
}


describe.runIf(native)('tail calls', () => {
  it('even/odd a million deep, directly and through the table, in constant stack', async () => {
    const [ours, v8] = await both();
    expect(ours.even!(1_000_000n)).toBe(1n);
    expect(ours.odd!(1_000_001n)).toBe(1n);
    expect(ours.even!(999_999n)).toBe(0n);
    expect(ours.evenIndirect!(1_000_000n)).toBe(1n);
    expect(ours.evenIndirect!(1_000_001n)).toBe(0n);
    for (const n of [0n, 1n, 7n, 100n]) expect(ours.evenIndirect!(n)).toBe(v8.evenIndirect!(n));
  });

  it('stack arguments: to a callee with as many, fewer, and more (through a thunk), a million deep', async () => {
    const [ours, v8] = await both();
    const args = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n];
    for (const n of [0n, 1n, 2n, 9n, 10n, 11n, 1000n]) {
      expect(ours.ten!(n, ...args), `ten(${n})`).toBe(v8.ten!(n, ...args));
      expect(ours.tenToSeven!(n, ...args), `tenToSeven(${n})`).toBe(v8.tenToSeven!(n, ...args));
    }
    expect(ours.ten!(1_000_000n, ...args)).toBe(v8.ten!(1_000_000n, ...args));
    expect(ours.tenToSeven!(1_000_000n, ...args)).toBe(v8.tenToSeven!(1_000_000n, ...args));
    for (const n of [0n, 3n, 1000n]) expect(ours.indirectToTen!(n)).toBe(v8.ten!(n, ...args));
  });

  it('f32 and f64 parameters, two on the stack, a million deep; and to v128 parameters and back', async () => {
    const [ours, v8] = await both();
    const args = [1.5, 2.25, 3.5, 4.75, 5.5, 6.125, 7.5, 8.875, 9.5, 10.25];
    for (const n of [0, 1, 5, 11, 1_000_000]) expect(ours.floats!(n, ...args), `floats(${n})`).toBe(v8.floats!(n, ...args));
    for (const n of [0, 1, 2, 3, 10, 1_000_000]) expect(ours.floatsVec!(n, ...args), `floatsVec(${n})`).toBe(v8.floatsVec!(n, ...args));
  });

  it('v128 parameters (one on the stack) and results in the return area, a million deep', async () => {
    const [ours, v8] = await both();
    for (const n of [0, 1, 2, 9, 10, 1_000_000]) expect(ours.vectors!(n), `vectors(${n})`).toBe(v8.vectors!(n));
  });

  it('multiple results through the return area of the first caller, a million deep', async () => {
    const [ours, v8] = await both();
    for (const n of [0, 1, 2, 3, 1_000_000]) expect(ours.multi!(n, 5n, 0.25), `multi(${n})`).toEqual(v8.multi!(n, 5n, 0.25));
  });

  it('a host function: as an import and through the table (jumped to), with stack arguments', async () => {
    const [ours] = await both();
    const args = [1, 2, 3, 4, 5, 6, 7, 8];
    const expected = host(...args.slice().reverse());
    expect(ours.hostDirect!(...args)).toBe(expected);
    expect(ours.hostIndirect!(...args)).toBe(expected);
  });

  it('a trap in a tail-called function is reported as when it is called', async () => {
    const [ours] = await both();
    expect(ours.tailDivide!(4)).toBe(25);
    const direct = trapOf(() => ours.divide!(0));
    const tail = trapOf(() => ours.tailDivide!(0));
    expect(tail.reason).toBe('integer divide by zero');
    expect([tail.funcIndex, tail.offset]).toEqual([direct.funcIndex, direct.offset]);
  });

  it("return_call_indirect checks as call_indirect: bounds, null, type", async () => {
    const [ours] = await both();
    expect(ours.tailAt!(10n, 0)).toBe(1n);
    expect(trapOf(() => ours.tailAt!(1n, 8)).reason).toBe('undefined element');
    expect(trapOf(() => ours.tailAt!(1n, 5)).reason).toBe('uninitialized element');
    expect(trapOf(() => ours.tailAt!(1n, 2)).reason).toBe('indirect call type mismatch');
  });

  it('through a table64: the whole i64 index is checked', async () => {
    // wabt's validator does not know table64 indices for return_call_indirect; ours checks it.
    const bytes = await watToWasm(`(module
      (type $ii (func (param i64) (result i64)))
      (table $t i64 4 funcref)
      (elem (table $t) (i64.const 1) func $dbl)
      (func $dbl (param i64) (result i64) (i64.mul (local.get 0) (i64.const 2)))
      (func (export "at") (param i64 i64) (result i64) (return_call_indirect $t (type $ii) (local.get 0) (local.get 1)))
      (func (export "one") (param i64) (result i64) (return_call_indirect $t (type $ii) (local.get 0) (i64.const 1))))`, { validate: false });
    const e = new NativeInstance(compileModule(bytes)).exports as Exports;
    expect(e.at!(21n, 1n)).toBe(42n);
    expect(e.one!(5n)).toBe(10n);
    expect(trapOf(() => e.at!(1n, 0x1_0000_0001n)).reason).toBe('undefined element'); // not element 1
    expect(trapOf(() => e.at!(1n, 0n)).reason).toBe('uninitialized element');
  });

  it('an endless chain of tail calls is interruptible', async () => {
    const bytes = await bytesOf();
    const ours = new Instance(new Module(bytes, { interruptible: true }), { js: { host } }).exports as Exports;
    const e = trapOf(() => withTimeout(50, () => ours.spin!(0)));
    expect(e.reason).toBe('interrupted');
    expect(ours.even!(10n)).toBe(1n);
  });
});

// Two instances share a table. A function of B reaches A's through it by return_call_indirect:
// A's code must run with A's VMContext and memory, and B's direct caller must get B's back.
const A = `(module
  (type $acc (func (param i32 i64) (result i64)))
  (table $t (export "table") 4 funcref)
  (memory 1)
  (data (i32.const 0) "\\e8\\03\\00\\00\\00\\00\\00\\00") ;; 1000
  (type $nine (func (param i32 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (elem (i32.const 0) $fromA $ping)
  (elem (i32.const 3) $nine)
  (func $fromA (param i32 i64) (result i64) (i64.add (local.get 1) (i64.load (i32.const 0))))
  ;; Nine parameters, three on the stack: 3a + 5b + ... + 19h + 23i - n + 1000
  (func $nine (param $n i32) (param $a i64) (param $b i64) (param $c i64) (param $d i64) (param $e i64) (param $f i64)
    (param $g i64) (param $h i64) (result i64)
    (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $a) (i64.const 3)) (i64.mul (local.get $b) (i64.const 5)))
                               (i64.add (i64.mul (local.get $c) (i64.const 7)) (i64.mul (local.get $d) (i64.const 11))))
                      (i64.add (i64.add (i64.mul (local.get $e) (i64.const 13)) (i64.mul (local.get $f) (i64.const 17)))
                               (i64.add (i64.mul (local.get $g) (i64.const 19)) (i64.mul (local.get $h) (i64.const 23)))))
             (i64.sub (i64.load (i32.const 0)) (i64.extend_i32_u (local.get $n)))))
  ;; ping-pong with B's pong (element 2): adds A's 1000 at each of its turns
  (func $ping (param $n i32) (param $acc i64) (result i64)
    (if (result i64) (i32.eqz (local.get $n)) (then (local.get $acc))
      (else (return_call_indirect (type $acc) (i32.sub (local.get $n) (i32.const 1))
        (i64.add (local.get $acc) (i64.load (i32.const 0))) (i32.const 2))))))`;
const B = `(module
  (type $acc (func (param i32 i64) (result i64)))
  (import "a" "table" (table $t 4 funcref))
  (memory 1)
  (data (i32.const 0) "\\05\\00\\00\\00\\00\\00\\00\\00") ;; 5
  (global $g (mut i64) (i64.const 70000))
  (elem (i32.const 2) $pong)
  (type $nine (func (param i32 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (func $toA (param i64) (result i64) (return_call_indirect (type $acc) (i32.const 0) (local.get 0) (i32.const 0)))
  ;; Stack arguments to another instance: placed in the incoming area, then staged below the frame for the thunk's copy.
  (func $toNine (param $n i32) (param $a i64) (param $b i64) (param $c i64) (param $d i64) (param $e i64) (param $f i64)
    (param $g i64) (param $h i64) (result i64)
    (return_call_indirect (type $nine) (local.get $n) (local.get $h) (local.get $g) (local.get $f) (local.get $e)
      (local.get $d) (local.get $c) (local.get $b) (local.get $a) (i32.const 3)))
  (func (export "nine") (param i64) (result i64)
    (i64.add (call $toNine (i32.const 4) (local.get 0) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5) (i64.const 6)
      (i64.const 7) (i64.const 8)) (i64.load (i32.const 0))))
  ;; After the call, B's memory and global must be B's again: 1000 from A, then 5 and 70000 from B.
  (func (export "viaA") (param i64) (result i64)
    (i64.add (i64.add (call $toA (local.get 0)) (i64.load (i32.const 0))) (global.get $g)))
  (func $pong (param $n i32) (param $acc i64) (result i64)
    (if (result i64) (i32.eqz (local.get $n)) (then (local.get $acc))
      (else (return_call_indirect (type $acc) (i32.sub (local.get $n) (i32.const 1))
        (i64.add (local.get $acc) (i64.load (i32.const 0))) (i32.const 1)))))
  (func (export "pingPong") (param i32) (result i64)
    (i64.add (call $pong (local.get 0) (i64.const 0)) (global.get $g))))`;

describe.runIf(native)('tail calls into another instance', () => {
  it('switch to the callee instance and give the direct caller its own back', async () => {
    const a = new Instance(new Module(await watToWasm(A)));
    const b = new Instance(new Module(await watToWasm(B)), { a: { table: a.exports.table } }).exports as Exports;
    expect(b.viaA!(1n)).toBe(1n + 1000n + 5n + 70000n);
    const x = 100n; // the arguments reversed: h..a = 8..2, x
    expect(b.nine!(x)).toBe(3n * 8n + 5n * 7n + 7n * 6n + 11n * 5n + 13n * 4n + 17n * 3n + 19n * 2n + 23n * x + 1000n - 4n + 5n);
    // pong (B) -> ping (A) -> pong ...: B's turns add 5, A's 1000; in constant stack (through a thunk).
    for (const n of [0, 1, 2, 3, 1001, 1_000_000]) {
      const bTurns = BigInt(Math.ceil(n / 2));
      const aTurns = BigInt(Math.floor(n / 2));
      expect(b.pingPong!(n), `pingPong(${n})`).toBe(5n * bTurns + 1000n * aTurns + 70000n);
    }
  });
});

// Return thunks (returnThunks.ts): a callee with more stack arguments than its tail caller was
// given, and a callee of another instance, in constant stack too. Before them each such tail call
// kept a frame, and a million of them ended in "call stack exhausted". The text is WebAssembly
// 3.0 (return_call_ref), read by wasm-tools' parser; the expected values come from a model in JS.
const ELEVEN = Array.from({ length: 11 }, (_, i) => `(param $x${i + 1} i64)`).join(' ');
/** big's arguments for small(n): n - 1, then n + 1 .. n + 11. */
const bigArgs = Array.from({ length: 11 }, (_, i) => `(i64.add (local.get $n) (i64.const ${i + 1}))`).join(' ');
/** Non-zero unless big(m, x1..x11) got x_i = m + 1 + i. */
const wrongArgs = Array.from({ length: 11 }, (_, i) => `(i64.sub (local.get $x${i + 1}) (i64.add (local.get $m) (i64.const ${i + 2})))`)
  .reduce((a, b) => `(i64.or ${a} ${b})`);
const weighted = Array.from({ length: 11 }, (_, i) => `(i64.mul (local.get $x${i + 1}) (i64.const ${i + 1}))`).reduce((a, b) => `(i64.add ${a} ${b})`);

/** One parameter against twelve (six of them on the stack, 48 bytes), tail-calling each other. */
const pair = (suffix: string, toBig: string, toSmall: string, results = '(result i64)', done = ['(i64.const -7)', weighted, '(i64.const -1)']): string => `
  (func $small${suffix} (export "small${suffix}") (param $n i64) ${results}
    (if ${results} (i64.eqz (local.get $n)) (then ${done[0]})
      (else ${toBig.replace('ARGS', `(i64.sub (local.get $n) (i64.const 1)) ${bigArgs}`)})))
  (func $big${suffix} (export "big${suffix}") (param $m i64) ${ELEVEN} ${results}
    (if ${results} (i64.eqz (local.get $m)) (then ${done[1]})
      (else (if ${results} (i64.ne ${wrongArgs} (i64.const 0)) (then ${done[2]})
        (else ${toSmall.replace('ARGS', '(i64.sub (local.get $m) (i64.const 1))')})))))`;

const GROWING = `(module
  (type $one (func (param i64) (result i64)))
  (type $twelve (func (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (type $one3 (func (param i64) (result i64 f64 i32)))
  (type $twelve3 (func (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64 f64 i32)))
  (table 4 funcref)
  (elem (i32.const 0) $smallI $bigI)
  (elem declare func $smallR $bigR)
  ${pair('', '(return_call $big ARGS)', '(return_call $small ARGS)')}
  ${pair('I', '(return_call_indirect (type $twelve) ARGS (i32.const 1))', '(return_call_indirect (type $one) ARGS (i32.const 0))')}
  ${pair('R', '(return_call_ref $twelve ARGS (ref.func $bigR))', '(return_call_ref $one ARGS (ref.func $smallR))')}
  ;; Three results: the return area's address is an argument too, on the stack for big3.
  ${pair('3', '(return_call $big3 ARGS)', '(return_call $small3 ARGS)', '(result i64 f64 i32)',
    ['(i64.const -7) (f64.const 0.5) (i32.const 3)', `${weighted} (f64.const 1.5) (i32.const 4)`, '(i64.const -1) (f64.const 0) (i32.const 0)'])}
  ;; A trap in a callee reached through a thunk, and a chain that can only be interrupted.
  (func $divide (param $m i64) ${ELEVEN} (result i64) (i64.div_s (i64.const 100) (local.get $x11)))
  (func (export "tailDivide") (param $n i64) (result i64)
    (return_call $divide (i64.const 0) ${Array.from({ length: 10 }, () => '(i64.const 1)').join(' ')} (local.get $n)))
  (func $spinBig (param $m i64) ${ELEVEN} (result i64) (return_call $spinSmall (local.get $x3)))
  (func $spinSmall (export "spin") (param $n i64) (result i64)
    (return_call $spinBig ${Array.from({ length: 12 }, () => '(local.get $n)').join(' ')})))`;

/** The model: small(n) and big(m, ...) as the module computes them, for the arguments small passes. */
function growingModel(n: number): bigint {
  let small = true;
  let k = n;
  for (;;) {
    if (k === 0) return small ? -7n : Array.from({ length: 11 }, (_, i) => BigInt((i + 2) * (i + 1))).reduce((a, b) => a + b);
    k -= 1;
    small = !small;
  }
}

// Two instances tail-calling each other a million times: A's f reaches B's g through A's table
// (element 0, set once B exists), B's g reaches A's f as its import. f adds A's memory word (1000),
// g adds B's global (5) and B's memory word (70000): each must run with its own VMContext. g
// takes twelve parameters (six on the stack), so the hop A -> B also needs more stack arguments.
const CROSS_A = `(module
  (type $f (func (param i32 i64) (result i64)))
  (type $g (func (param i32 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (table $t (export "table") 2 funcref)
  (memory 1)
  (data (i32.const 0) "\\e8\\03\\00\\00\\00\\00\\00\\00") ;; 1000
  (global $toB (export "toB") (mut funcref) (ref.null func))
  (elem declare func $f)
  (func $f (export "f") (param $n i32) (param $acc i64) (result i64)
    (if (result i64) (i32.eqz (local.get $n)) (then (local.get $acc))
      (else (return_call_indirect (type $g) (i32.sub (local.get $n) (i32.const 1)) (i64.add (local.get $acc) (i64.load (i32.const 0)))
        ${Array.from({ length: 10 }, (_, i) => `(i64.const ${i + 1})`).join(' ')} (i32.const 0)))))
  ;; The same hop through a funcref global and return_call_ref.
  (func $fRef (export "fRef") (param $n i32) (param $acc i64) (result i64)
    (if (result i64) (i32.eqz (local.get $n)) (then (local.get $acc))
      (else (return_call_ref $g (i32.sub (local.get $n) (i32.const 1)) (i64.add (local.get $acc) (i64.load (i32.const 0)))
        ${Array.from({ length: 10 }, (_, i) => `(i64.const ${i + 1})`).join(' ')} (ref.cast (ref $g) (global.get $toB))))))
  ;; A's caller gets A's VMContext back: its memory word after the chain.
  (func (export "runF") (param i32) (result i64)
    (i64.add (call $f (local.get 0) (i64.const 0)) (i64.load (i32.const 0)))))`;
const CROSS_B = `(module
  (type $f (func (param i32 i64) (result i64)))
  (import "a" "f" (func $f (type $f)))
  (import "a" "fRef" (func $fRef (type $f)))
  (memory 1)
  (data (i32.const 0) "\\70\\11\\01\\00\\00\\00\\00\\00") ;; 70000
  (global $five i64 (i64.const 5))
  (func $g (export "g") (param $n i32) (param $acc i64) ${Array.from({ length: 10 }, (_, i) => `(param $c${i + 1} i64)`).join(' ')} (result i64)
    (if (result i64) (i64.ne (i64.add (local.get $c1) (local.get $c10)) (i64.const 11)) (then (i64.const -1))
      (else (if (result i64) (i32.eqz (local.get $n)) (then (local.get $acc))
        (else (return_call $f (i32.sub (local.get $n) (i32.const 1))
          (i64.add (i64.add (local.get $acc) (global.get $five)) (i64.load (i32.const 0)))))))))
  (func (export "gRef") (param $n i32) (param $acc i64) ${Array.from({ length: 10 }, (_, i) => `(param $c${i + 1} i64)`).join(' ')} (result i64)
    (if (result i64) (i32.eqz (local.get $n)) (then (local.get $acc))
      (else (return_call $fRef (i32.sub (local.get $n) (i32.const 1))
        (i64.add (i64.add (local.get $acc) (global.get $five)) (i64.load (i32.const 0)))))))
  ;; B's caller gets B's VMContext back: its global and memory word after the chain.
  (func (export "runG") (param i32) (result i64)
    (i64.add (call $g (local.get 0) (i64.const 0) ${Array.from({ length: 10 }, (_, i) => `(i64.const ${i + 1})`).join(' ')})
      (i64.add (global.get $five) (i64.load (i32.const 0))))))`;

/** The model of the chain from A's f (fromA) or B's g with n hops to go: each of A's turns adds 1000, each of B's 70005. */
function crossModel(n: number, fromA: boolean): bigint {
  const first = BigInt(Math.ceil(n / 2));
  const second = BigInt(Math.floor(n / 2));
  return fromA ? 1000n * first + 70005n * second : 70005n * first + 1000n * second;
}

describe.runIf(native)('tail calls through return thunks', () => {
  let parse: (text: string) => Uint8Array;
  const growing = async (options?: { interruptible: boolean }): Promise<Exports> => {
    parse ??= await requireWasmToolsTextToBinary();
    return new Instance(new Module(parse(GROWING), options)).exports as Exports;
  };
  const cross = async (): Promise<[Exports, Exports]> => {
    parse ??= await requireWasmToolsTextToBinary();
    const a = new Instance(new Module(parse(CROSS_A))).exports as Exports & { table: WebAssembly.Table; toB: WebAssembly.Global };
    const b = new Instance(new Module(parse(CROSS_B)), { a: { f: a.f, fRef: a.fRef } }).exports as Exports;
    a.table.set(0, b.g as never);
    a.toB.value = b.gRef;
    return [a, b];
  };

  it('one stack parameter against six, a million deep: directly, through the table, through references', async () => {
    const e = await growing();
    for (const suffix of ['', 'I', 'R']) {
      for (const n of [0, 1, 2, 3, 10, 1_000_000, 1_000_001]) {
        expect(e[`small${suffix}`]!(BigInt(n)), `small${suffix}(${n})`).toBe(growingModel(n));
      }
      // big's own caller gave it 48 bytes of stack arguments: to small and back fits them again.
      const args = Array.from({ length: 11 }, (_, i) => BigInt(1_000_000 + i + 1));
      expect(e[`big${suffix}`]!(999_999n, ...args), `big${suffix}`).toBe(growingModel(1_000_000));
    }
  });

  it('three results (the return area on the stack for one of the two), a million deep', async () => {
    const e = await growing();
    for (const n of [0, 1, 2, 1_000_000, 1_000_001]) {
      const first = growingModel(n);
      const expected = n % 2 === 0 ? [first, 0.5, 3] : [first, 1.5, 4];
      expect(e.small3!(BigInt(n)), `small3(${n})`).toEqual(expected);
    }
  });

  it('a trap in a callee reached through a thunk is reported in that callee, and the chain is interruptible', async () => {
    const e = await growing();
    expect(e.tailDivide!(7n)).toBe(14n);
    expect(trapOf(() => e.tailDivide!(0n)).reason).toBe('integer divide by zero');
    const slow = await growing({ interruptible: true });
    expect(trapOf(() => withTimeout(50, () => slow.spin!(0n))).reason).toBe('interrupted');
    expect(slow.small!(1001n)).toBe(growingModel(1001));
  });

  it('between two instances, a million deep, each with its own VMContext; the callers get theirs back', async () => {
    const [a, b] = await cross();
    for (const n of [0, 1, 2, 3, 1_000_000, 1_000_001]) {
      expect(a.f!(n, 0n), `f(${n})`).toBe(crossModel(n, true));
      expect(a.fRef!(n, 0n), `fRef(${n})`).toBe(crossModel(n, true));
      expect(a.runF!(n), `runF(${n})`).toBe(crossModel(n, true) + 1000n);
      expect(b.runG!(n), `runG(${n})`).toBe(crossModel(n, false) + 70005n);
    }
  });
});

const CONSTS = (n: number, from = 1): string => Array.from({ length: n }, (_, i) => `(i64.const ${i + from})`).join(' ');

// Exceptions, hosts and GC along chains of tail calls through thunks.
const AROUND = `(module
  (type $one (func (param i64) (result i64)))
  (type $box (struct (field i64)))
  (type $boxes (func (param i64 (ref $box) (ref $box) (ref $box) (ref $box) (ref $box) (ref $box) (ref $box) (ref $box) (ref $box) (ref $box) (ref $box)) (result i64)))
  (import "js" "twelve" (func $twelve (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (import "js" "hop" (func $hop (param i64) (result i64)))
  (import "js" "collect" (func $collect))
  (tag $e (param i64))
  (func $thrower (param $m i64) ${ELEVEN} (result i64) (throw $e (i64.add (local.get $m) (local.get $x11))))
  ;; The try_table here does not catch: its record goes before the tail call.
  (func $tailThrow (param $n i64) (result i64)
    (block $mine (result i64)
      (try_table (result i64) (catch $e $mine) (return_call $thrower (local.get $n) ${CONSTS(10)} (i64.const 100))))
    (drop) (i64.const -1))
  (func (export "outer") (param i64) (result i64)
    (block $caught (result i64)
      (try_table (result i64) (catch $e $caught) (call $tailThrow (local.get 0)))
      (return))
    (i64.add (i64.const 1000)))
  ;; A host function with six stack arguments, from a function with none; one that throws, caught here.
  (func $toTwelve (export "toTwelve") (param $n i64) (result i64) (return_call $twelve (local.get $n) ${CONSTS(11)}))
  (func (export "hostThrows") (param $n i64) (result i64)
    (block $caught
      (try_table (catch_all $caught) (return (i64.add (call $toTwelve (local.get $n)) (i64.const 1)))))
    (i64.const -5))
  ;; Through the host and back: hop(n) is JS calling hopper(n) again, plus one.
  (func (export "hopper") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n)) (then (i64.const 0)) (else (return_call $hop (i64.sub (local.get $n) (i64.const 1))))))
  ;; Boxes on the stack through thunks while the heap collects (every 10,000 turns): each box holds its predecessor's value + 1.
  (func $boxSmall (export "boxes") (param $n i64) (param $acc (ref $box)) (result i64)
    (local $v i64)
    (local.set $v (struct.get $box 0 (local.get $acc)))
    (if (result i64) (i64.eqz (local.get $n)) (then (local.get $v))
      (else (return_call $boxBig (i64.sub (local.get $n) (i64.const 1))
        ${Array.from({ length: 11 }, (_, i) => `(struct.new $box (i64.add (local.get $v) (i64.const ${i + 1})))`).join(' ')}))))
  (func $boxBig (type $boxes)
    (if (i64.eqz (i64.rem_u (local.get 0) (i64.const 10000))) (then (call $collect)))
    (if (result i64) (i64.ne
          (i64.sub (struct.get $box 0 (local.get 11)) (struct.get $box 0 (local.get 1)))
          (i64.const 10))
      (then (i64.const -1))
      (else (return_call $boxSmall (local.get 0) (struct.new $box (i64.sub (struct.get $box 0 (local.get 11)) (i64.const 10)))))))
  (func (export "boxChain") (param $n i64) (result i64) (return_call $boxSmall (local.get $n) (struct.new $box (i64.const 0)))))`;

describe.runIf(native)('exceptions, hosts and the GC heap along tail calls through thunks', () => {
  const make = async (imports: Record<string, unknown>): Promise<Exports> => {
    const parse = await requireWasmToolsTextToBinary();
    return new Instance(new Module(parse(AROUND)), { js: imports } as never).exports as Exports;
  };
  const twelve = (...a: bigint[]): bigint => a.reduce((s, x, i) => s + x * BigInt(i + 1), 0n);

  it("an exception thrown through a thunk lands in the caller's handler, not the tail caller's", async () => {
    const e = await make({ twelve, hop: () => 0n, collect: () => {} });
    const stale = getRuntime().staleHandlerChains;
    expect(e.outer!(5n)).toBe(5n + 100n + 1000n);
    expect(e.outer!(-7n)).toBe(-7n + 100n + 1000n);
    expect(getRuntime().staleHandlerChains).toBe(stale);
  });

  it('a host function with stack arguments, and one that throws; a chain through the host and back', async () => {
    let throwIt = false;
    let e: Exports;
    const hop = (n: bigint): bigint => (e.hopper!(n) as bigint) + 1n;
    e = await make({ twelve: (...a: bigint[]) => { if (throwIt) throw new Error('no'); return twelve(...a); }, hop, collect: () => {} });
    const expected = twelve(9n, ...Array.from({ length: 11 }, (_, i) => BigInt(i + 1)));
    expect(e.toTwelve!(9n)).toBe(expected);
    throwIt = true;
    expect(e.hostThrows!(9n)).toBe(-5n);
    throwIt = false;
    expect(e.hostThrows!(9n)).toBe(expected + 1n);
    expect(e.hopper!(300n)).toBe(300n);
  });

  it('references on the stack survive collections along a million thunked tail calls', async () => {
    let collections = 0;
    const e = await make({ twelve, hop: () => 0n, collect: () => { collections++; getGcHeap().collect(); } });
    expect(e.boxChain!(1_000_000n)).toBe(1_000_000n);
    expect(collections).toBe(100); // boxBig at 990,000, ..., 10,000, 0 turns to go
  });
});

/** s(n) tail-calls w(n - 1, n + 1, ..., n + k), which checks three of them and tail-calls s(n - 2); w has k + 1 parameters. */
function wideModule(k: number): string {
  const xs = Array.from({ length: k }, (_, i) => `(param $x${i + 1} i64)`).join(' ');
  const args = Array.from({ length: k }, (_, i) => `(i64.add (local.get $n) (i64.const ${i + 1}))`).join(' ');
  const half = k >> 1;
  const off = (i: number) => `(i64.sub (local.get $x${i}) (i64.add (local.get $m) (i64.const ${i + 1})))`;
  return `(module
    (func $s (export "s") (param $n i64) (result i64)
      (if (result i64) (i64.eqz (local.get $n)) (then (i64.const -7))
        (else (return_call $w (i64.sub (local.get $n) (i64.const 1)) ${args}))))
    (func $w (param $m i64) ${xs} (result i64)
      (if (result i64) (i64.eqz (local.get $m)) (then (i64.add (local.get $x1) (local.get $x${k})))
        (else (if (result i64) (i64.ne (i64.or (i64.or ${off(1)} ${off(half)}) ${off(k)}) (i64.const 0)) (then (i64.const -1))
          (else (return_call $s (i64.sub (local.get $m) (i64.const 1)))))))))`;
}

describe.runIf(native)('tail calls with many stack arguments through thunks', () => {
  it('41 parameters (288 bytes on the stack, copied in a loop) a million deep; 1,000 (7,952 bytes) twenty thousand deep', async () => {
    for (const [k, n] of [[40, 1_000_001], [40, 1_000_000], [999, 20_001], [999, 20_000]] as const) {
      const e = new Instance(new Module(await watToWasm(wideModule(k)))).exports as Exports;
      expect(e.s!(BigInt(n)), `k = ${k}, n = ${n}`).toBe(n % 2 === 0 ? -7n : BigInt(k + 3));
    }
  }, 60_000);
});
