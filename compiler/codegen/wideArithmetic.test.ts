// Wide arithmetic runs natively, with its operands wherever the value stack may hold them:
// parameters, constants (folded, immediate, 64-bit), frame slots of locals beyond the register
// homes, rax and rdx (a division's results, the registers mul's product needs), and a
// comparison still in the flags. Node 20's V8 has no wide arithmetic, so BigInt is the oracle.
import { describe, expect, it } from 'vitest';
import { Instance, Module } from '../api/index.ts';
import { rng } from '../testing/rng.ts';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';

const native = process.arch === 'x64' && process.platform === 'linux';

const s64 = (v: bigint) => BigInt.asIntN(64, v);
const halves = (v: bigint): [bigint, bigint] => [s64(v), s64(v >> 64n)];
const u128 = (lo: bigint, hi: bigint) => (BigInt.asUintN(64, hi) << 64n) | BigInt.asUintN(64, lo);
const add128 = (a: bigint, b: bigint, c: bigint, d: bigint) => halves(u128(a, b) + u128(c, d));
const sub128 = (a: bigint, b: bigint, c: bigint, d: bigint) => halves(u128(a, b) - u128(c, d));
const mulS = (a: bigint, b: bigint) => halves(a * b);
const mulU = (a: bigint, b: bigint) => halves(BigInt.asUintN(64, a) * BigInt.asUintN(64, b));

const MODULE = `(module
  (func (export "add") (param i64 i64 i64 i64) (result i64 i64) (i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "sub") (param i64 i64 i64 i64) (result i64 i64) (i64.sub128 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "mulS") (param i64 i64) (result i64 i64) (i64.mul_wide_s (local.get 0) (local.get 1)))
  (func (export "mulU") (param i64 i64) (result i64 i64) (i64.mul_wide_u (local.get 0) (local.get 1)))
  ;; Constants: all four (folded), a small immediate and one beyond 32 bits.
  (func (export "addConsts") (result i64 i64)
    (i64.add128 (i64.const -1) (i64.const 0x7fffffffffffffff) (i64.const 1) (i64.const 0)))
  (func (export "subMixed") (param i64 i64) (result i64 i64)
    (i64.sub128 (local.get 0) (local.get 1) (i64.const 5) (i64.const 0x123456789)))
  (func (export "mulConst") (param i64) (result i64 i64) (i64.mul_wide_s (i64.const -3) (local.get 0)))
  (func (export "mulUConsts") (result i64 i64) (i64.mul_wide_u (i64.const -1) (i64.const -1)))
  ;; Operands in rax and rdx: a quotient and a remainder, in both orders.
  (func (export "mulDivRem") (param i64 i64 i64) (result i64 i64)
    (i64.mul_wide_u (i64.rem_u (local.get 0) (local.get 2)) (i64.div_u (local.get 1) (local.get 2))))
  (func (export "mulLocalQuotient") (param i64 i64 i64) (result i64 i64)
    (i64.mul_wide_s (local.get 0) (i64.div_s (local.get 1) (local.get 2))))
  ;; A condition left in the flags under the operands; the sums chained (a 128-bit accumulator).
  (func (export "carryChain") (param i64 i64 i64) (result i64 i64)
    (local $lo i64) (local $hi i64)
    (i64.add128 (local.get 0) (i64.extend_i32_u (i64.lt_u (local.get 0) (local.get 1))) (local.get 1) (local.get 2))
    (local.set $hi) (local.set $lo)
    (i64.add128 (local.get $lo) (local.get $hi) (local.get $lo) (local.get $hi)))
  ;; Locals in frame slots: more live i64s than registers.
  (func (export "manyLocals") (param i64 i64) (result i64 i64)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64) (local $e i64) (local $f i64) (local $g i64) (local $h i64)
    (local.set $a (i64.add (local.get 0) (i64.const 1))) (local.set $b (i64.add (local.get 1) (i64.const 2)))
    (local.set $c (i64.mul (local.get 0) (local.get 1))) (local.set $d (i64.xor (local.get 0) (local.get 1)))
    (local.set $e (i64.sub (local.get 0) (local.get 1))) (local.set $f (i64.or (local.get 0) (i64.const 3)))
    (local.set $g (i64.and (local.get 1) (i64.const -16))) (local.set $h (i64.rotl (local.get 0) (i64.const 7)))
    (i64.mul_wide_u (local.get $g) (local.get $h))
    (i64.add128 (local.get $e) (local.get $f))
    (i64.mul_wide_s (local.get $c) (local.get $d))
    (i64.sub128 (local.get $a) (local.get $b))
    (i64.add128)))`;

describe.runIf(native)('wide arithmetic', () => {
  const exports = (async () => {
    const parse = await requireWasmToolsTextToBinary();
    return new Instance(new Module(parse(MODULE))).exports as Record<string, (...a: bigint[]) => bigint[]>;
  })();
  const edges = [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 32n, 0xffffffffn, -0x80000000n];
  const r = rng(20261205);
  const random = () => s64((BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32)));
  const values = [...edges, ...Array.from({ length: 12 }, random)];

  it('adds, subtracts and multiplies parameters, edges and random values', async () => {
    const e = await exports;
    for (const a of values) {
      for (const b of values) {
        expect(e.mulS!(a, b), `mul_wide_s ${a} ${b}`).toEqual(mulS(a, b));
        expect(e.mulU!(a, b), `mul_wide_u ${a} ${b}`).toEqual(mulU(a, b));
        const c = values[(values.indexOf(a) * 7 + 3) % values.length]!, d = values[(values.indexOf(b) * 5 + 1) % values.length]!;
        expect(e.add!(a, b, c, d), `add128 ${a} ${b} ${c} ${d}`).toEqual(add128(a, b, c, d));
        expect(e.sub!(a, b, c, d), `sub128 ${a} ${b} ${c} ${d}`).toEqual(sub128(a, b, c, d));
      }
    }
  });

  it('takes constants folded, as immediates and beyond 32 bits', async () => {
    const e = await exports;
    expect(e.addConsts!()).toEqual(add128(-1n, 2n ** 63n - 1n, 1n, 0n));
    expect(e.mulUConsts!()).toEqual(mulU(-1n, -1n));
    for (const a of values) {
      for (const b of values) expect(e.subMixed!(a, b)).toEqual(sub128(a, b, 5n, 0x123456789n));
      expect(e.mulConst!(a)).toEqual(mulS(-3n, a));
    }
  });

  it('takes operands from rax and rdx, under a condition in the flags, and from frame slots', async () => {
    const e = await exports;
    for (const a of values) {
      for (const b of values) {
        const c = b === 0n ? 7n : b;
        const urem = s64(BigInt.asUintN(64, a) % BigInt.asUintN(64, c)), udiv = s64(BigInt.asUintN(64, b) / BigInt.asUintN(64, c));
        expect(e.mulDivRem!(a, b, c)).toEqual(mulU(urem, udiv));
        if (!(b === -(2n ** 63n) && c === -1n)) expect(e.mulLocalQuotient!(a, b, c)).toEqual(mulS(a, b / c));
        const carry = BigInt.asUintN(64, a) < BigInt.asUintN(64, b) ? 1n : 0n;
        const [lo, hi] = add128(a, carry, b, c);
        expect(e.carryChain!(a, b, c)).toEqual(add128(lo, hi, lo, hi));
        const [pLo, pHi] = mulU(b & -16n, s64((BigInt.asUintN(64, a) << 7n) | (BigInt.asUintN(64, a) >> 57n)));
        const [sLo, sHi] = add128(pLo, pHi, a - b, a | 3n);
        const [qLo, qHi] = mulS(s64(a * b), a ^ b);
        const [dLo, dHi] = sub128(qLo, qHi, s64(a + 1n), s64(b + 2n));
        expect(e.manyLocals!(a, b)).toEqual(add128(sLo, sHi, dLo, dHi));
      }
    }
  });
});
