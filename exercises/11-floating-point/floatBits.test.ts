// Checks for exercise 11. Every expected result comes from running the real thing: a small module
// of f32.copysign, f64.min and f64.max on reinterpreted bits, compiled by Lightbeam and run natively.
// NaN results are also held to the spec's rule directly (arithmetic NaN; canonical when every NaN
// going in was canonical), and the compiled code is held to it too, so neither side is trusted blindly.
import { expect } from 'vitest';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { defineExercise, needsNativeX64, type Check } from '../harness.ts';

interface Impl {
  f32Copysign(a: number, b: number): number;
  f64Min(a: bigint, b: bigint): bigint;
  f64Max(a: bigint, b: bigint): bigint;
}

const wat = `(module
  (func (export "copysign") (param i32 i32) (result i32)
    (i32.reinterpret_f32 (f32.copysign (f32.reinterpret_i32 (local.get 0)) (f32.reinterpret_i32 (local.get 1)))))
  (func (export "min") (param i64 i64) (result i64)
    (i64.reinterpret_f64 (f64.min (f64.reinterpret_i64 (local.get 0)) (f64.reinterpret_i64 (local.get 1)))))
  (func (export "max") (param i64 i64) (result i64)
    (i64.reinterpret_f64 (f64.max (f64.reinterpret_i64 (local.get 0)) (f64.reinterpret_i64 (local.get 1))))))`;

interface Compiled {
  copysign(a: number, b: number): number;
  min(a: bigint, b: bigint): bigint;
  max(a: bigint, b: bigint): bigint;
}

let compiled: Promise<Compiled> | undefined;
/** The module, compiled by Lightbeam and instantiated once; results as unsigned bit patterns. */
function lightbeam(): Promise<Compiled> {
  compiled ??= (async () => {
    const { Instance } = await import('../../compiler/runtime/instance.ts');
    const e = new Instance(compileModule(await watToWasm(wat, { name: 'float-bits.wat' }))).exports as Record<string, (...a: unknown[]) => unknown>;
    const s64 = (x: bigint) => BigInt.asIntN(64, x);
    return {
      copysign: (a, b) => (e.copysign!(a | 0, b | 0) as number) >>> 0,
      min: (a, b) => BigInt.asUintN(64, e.min!(s64(a), s64(b)) as bigint),
      max: (a, b) => BigInt.asUintN(64, e.max!(s64(a), s64(b)) as bigint),
    };
  })();
  return compiled;
}

const f32Bits = [
  0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x00000001, 0x807fffff, 0x7f7fffff, 0x7f800000, 0xff800000,
  0x7fc00000, 0xffc00000, 0x7fa00001, 0xff800123, 0x40490fdb,
];
const f64Numbers = [
  0x0000000000000000n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n, 0x4004000000000000n, 0xc004000000000000n,
  0x0000000000000001n, 0x8000000000000001n, 0x000fffffffffffffn, 0x7fefffffffffffffn, 0xffefffffffffffffn,
  0x7ff0000000000000n, 0xfff0000000000000n, 0x3ff0000000000001n,
];
const CANONICAL = 0x7ff8000000000000n;
const f64NaNs = [CANONICAL, 0xfff8000000000000n, 0x7ff8000000000123n, 0x7ff0000000000001n, 0xfff4000000000000n, 0x7fffffffffffffffn];

const MAGNITUDE = (1n << 63n) - 1n;
const isNaN64 = (x: bigint) => (x & MAGNITUDE) > 0x7ff0000000000000n;
const hex = (x: number | bigint) => '0x' + x.toString(16).padStart(typeof x === 'bigint' ? 16 : 8, '0');

/** The spec's rule for a NaN result of f64.min/max, as a failure message, or undefined if it holds. */
function breaksNaNRule(result: bigint, inputs: bigint[]): string | undefined {
  if (!isNaN64(result)) return 'is not a NaN, but an operand was';
  if (!(result & (1n << 51n))) return 'is a NaN without the quiet bit (not an arithmetic NaN)';
  const nans = inputs.filter(isNaN64);
  if (nans.every((n) => (n & MAGNITUDE) === CANONICAL) && (result & MAGNITUDE) !== CANONICAL) return 'must be the canonical NaN: every NaN operand was canonical';
  return undefined;
}

const pairs = <T,>(xs: T[], ys: T[]): [T, T][] => xs.flatMap((x) => ys.map((y): [T, T] => [x, y]));

const checks: Check<Impl>[] = [
  {
    name: `f32Copysign gives the compiled code's bits for ${f32Bits.length}² pairs, NaNs included`,
    run: async (impl) => {
      const lb = await lightbeam();
      for (const [a, b] of pairs(f32Bits, f32Bits)) {
        expect(hex(impl.f32Copysign(a, b)), `f32Copysign(${hex(a)}, ${hex(b)})`).toBe(hex(lb.copysign(a, b)));
      }
    },
  },
  {
    name: `f64Min and f64Max give the compiled code's bits for ${f64Numbers.length}² pairs of numbers (zeros, infinities, subnormals)`,
    run: async (impl) => {
      const lb = await lightbeam();
      for (const [a, b] of pairs(f64Numbers, f64Numbers)) {
        expect(hex(impl.f64Min(a, b)), `f64Min(${hex(a)}, ${hex(b)})`).toBe(hex(lb.min(a, b)));
        expect(hex(impl.f64Max(a, b)), `f64Max(${hex(a)}, ${hex(b)})`).toBe(hex(lb.max(a, b)));
      }
    },
  },
  {
    name: 'with a NaN operand, f64Min and f64Max return a NaN the spec allows (arithmetic; canonical from canonical)',
    run: async (impl) => {
      const lb = await lightbeam();
      const cases = [...pairs(f64NaNs, f64Numbers), ...pairs(f64Numbers, f64NaNs), ...pairs(f64NaNs, f64NaNs)];
      for (const [a, b] of cases) {
        for (const [name, mine, theirs] of [['f64Min', impl.f64Min(a, b), lb.min(a, b)], ['f64Max', impl.f64Max(a, b), lb.max(a, b)]] as const) {
          const call = `${name}(${hex(a)}, ${hex(b)})`;
          expect(breaksNaNRule(theirs, [a, b]), `the compiled code's ${call} = ${hex(theirs)}`).toBeUndefined();
          expect(breaksNaNRule(mine, [a, b]), `${call} = ${hex(mine)}`).toBeUndefined();
        }
      }
    },
  },
  {
    name: "with one NaN operand, f64Min and f64Max give the compiled code's exact NaN (its payload kept)",
    run: async (impl) => {
      const lb = await lightbeam();
      for (const [a, b] of [...pairs(f64NaNs, f64Numbers), ...pairs(f64Numbers, f64NaNs)]) {
        expect(hex(impl.f64Min(a, b)), `f64Min(${hex(a)}, ${hex(b)})`).toBe(hex(lb.min(a, b)));
        expect(hex(impl.f64Max(a, b)), `f64Max(${hex(a)}, ${hex(b)})`).toBe(hex(lb.max(a, b)));
      }
    },
  },
];

defineExercise<Impl>({
  dir: 'exercises/11-floating-point',
  checks,
  solution: () => import('./floatBits.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
  unavailable: () => needsNativeX64("the checks run Lightbeam's code natively"),
});
