// Real C programs (n-body, CRC-32, sorting through function pointers, float conversions, matrix
// multiply), built by clang four ways (freestanding, freestanding with bulk memory, sign-ext and
// non-trapping float-to-int, the same with SIMD, and against wasi-libc: see
// scripts/build-cprograms.sh and this folder's README), run under V8 and under Lightbeam: every
// exported kernel is called with the same arguments and the results must be identical (numbers
// bit for bit, NaN by bit pattern; i64 as BigInt).
//
// A function compiled as a "not implemented yet" stub fails the "compiles without stubs" test,
// naming the function and the reason, so these cannot pass on stubs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { instantiate } from '../../api/index.ts';
import { compileModule } from '../../codegen/moduleCompiler.ts';

const here = new URL('./', import.meta.url);
const wasmBytes = (file: string): Uint8Array => new Uint8Array(readFileSync(new URL(file, here)));

type Arg = number | bigint;
type Kernels = Record<string, Arg[][]>;

/** Bits of a double, as a BigInt, for exact comparison. */
function bitsOf(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0);
}
const f64FromBits = (bits: bigint): number => {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt.asUintN(64, bits));
  return view.getFloat64(0);
};
const f32Bits = (x: number): number => {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x);
  return view.getInt32(0);
};

/** A result as a comparable string: numbers by their bit pattern (so NaNs compare by payload, -0 is not 0). */
function canonical(v: unknown): string {
  if (typeof v === 'number') return `f64:${bitsOf(v).toString(16)} (${v})`;
  if (typeof v === 'bigint') return `i64:${v}`;
  return `${typeof v}:${String(v)}`;
}

const TWO63 = 1n << 63n;
const I64_EDGES = [0n, 1n, -1n, (1n << 53n) + 1n, -TWO63, TWO63 - 1n, 0x7fffffffffffffffn - 1023n, (1n << 63n) - 1024n, 0x1234_5678_9abc_def1n, -(0x20000000000001n << 9n),
  (1n << 60n) + (1n << 36n) + 1n /* rounds differently through a double */];
const DOUBLE_BITS = [1.5, 2 ** 63, 2 ** 64 - 2048, 2 ** 64, -0.5, -1, 0, -0, 1e-310, Infinity, NaN, 4503599627370497.5].map((d) => BigInt.asIntN(64, bitsOf(d)));
const FLOAT_BITS = [-(2 ** 31), 2 ** 31, 2 ** 31 - 128, -(2 ** 31) - 256, 3.7, -3.7, 0.5, -0, Infinity, NaN, 1e-40].map(f32Bits);

/** Each program's kernels and the argument sets each is called with. */
const PROGRAMS: Record<string, Kernels> = {
  intonly: {
    gcd: [[12, 18], [-48, 180], [0, 0], [0, 7], [-2147483648, 6], [1071, 462]],
    collatz_total: [[1], [2], [1000], [20000]],
    isqrt_sum: [[0, 1000], [123456, 5000], [-5, 10]],
    xorshift_mix: [[1000, 1], [0, 0], [77, -3]],
  },
  nbody: {
    nbody_energy: [[5, 0, 1], [5, 100, 1], [12, 50, 7], [32, 20, 3], [0, 3, 0]],
    nbody_positions: [[5, 100, 1], [20, 30, 9]],
    nbody_energy_bits: [[5, 100, 1], [8, 10, 42]],
  },
  crc32: {
    crc32_table: [[0, 1], [1, 1], [1000, 7], [65536, 123], [-3, 2]],
    crc32_bitwise: [[0, 1], [1, 1], [1000, 7], [65536, 123]],
    adler32: [[0, 1], [1000, 7], [65536, 123]],
    mixed_loads: [[1000, 7, 0], [1000, 7, 3], [4097, 9, 5], [65536, 1, 7]],
    store_widths: [[0, 1], [1024, 3], [65536, 11]],
  },
  sort: {
    sort_ints: [[0, 1, 0], [1, 1, 0], [10, 3, 1], [1000, 5, 0], [1000, 5, 1], [1000, 5, 2], [1000, 5, 3], [4096, 9, 2], [4096, 9, -1]],
    sort_ints_libc: [[10, 3, 1], [1000, 5, 0], [1000, 5, 1], [1000, 5, 2], [1000, 5, 3], [4096, 9, 2]],
    sort_floats: [[1, 1, 0], [100, 1, 0], [1000, 2, 1], [4096, 3, 0]],
    sort_doubles: [[100, 1, 0], [1000, 3, 0], [1000, 3, 1]],
    sort_records: [[2, 1, 0], [1000, 4, 0], [1000, 4, 1], [4096, 5, 1]],
    fold_ops: [[0, 1], [100, 1], [10000, 2]],
  },
  fconv: {
    conv_mix: [[0, 1], [1, 1], [1000, 2], [5000, 3]],
    rounding_mix: [[1000, 1], [3000, 9]],
    minmax_mix: [[0, 1], [16, 1], [1000, 2], [3000, 5]],
    u64_to_f64: I64_EDGES.map((x) => [x]),
    u64_to_f32: I64_EDGES.map((x) => [x]),
    i64_to_f32: I64_EDGES.map((x) => [x]),
    f64_bits_to_u64: DOUBLE_BITS.map((x) => [x]),
    f32_bits_to_i32: FLOAT_BITS.map((x) => [x]),
    float_series: [[0], [10], [10000]],
  },
  matmul: {
    matmul_f64: [[1, 1, 1], [16, 2, 3], [64, 3, 2], [96, 4, 1]],
    matmul_f32: [[1, 1, 1], [16, 2, 3], [64, 3, 2], [96, 4, 1]],
    matmul_mixed_transposed: [[16, 1], [96, 2]],
    matmul_i64: [[16, 1], [80, 2]],
  },
};
const BUILDS = ['bare', 'ext', 'wasi', 'simd'] as const;
/** Exports that are not kernels: the memory, and the wasi reactor's initializer (called first). */
const NOT_KERNELS = new Set(['memory', '_initialize']);

type Exports = Record<string, unknown>;
type Call = { name: string; args: Arg[] };

function callsOf(program: string, exports: Exports): Call[] {
  const kernels = PROGRAMS[program]!;
  const calls: Call[] = [];
  for (const [name, argSets] of Object.entries(kernels)) {
    if (typeof exports[name] !== 'function') continue; // sort_ints_libc is in the wasi build only
    for (const args of argSets) calls.push({ name, args });
  }
  return calls;
}

/** Calls every kernel on one instance, in order; a throw becomes a result ("throws: ..."). */
function runAll(exports: Exports, calls: Call[]): string[] {
  if (typeof exports._initialize === 'function') (exports._initialize as () => void)();
  return calls.map(({ name, args }) => {
    try {
      return canonical((exports[name] as (...a: Arg[]) => unknown)(...args));
    } catch (e) {
      return `throws: ${(e as Error).message}`;
    }
  });
}

function v8Exports(bytes: Uint8Array): Exports {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), {}).exports as Exports;
}

function stubReport(bytes: Uint8Array): string[] {
  const compiled = compileModule(bytes);
  const names = compiled.info.names.functions; // the decoder reads the name section
  return [...compiled.stubbed].map(([index, reason]) => `func ${index} <${names.get(index) ?? '?'}>: ${reason}`);
}

describe('C programs: the harness on V8 alone', () => {
  for (const program of Object.keys(PROGRAMS)) {
    it(`${program}: every export is a listed kernel, and all three builds give V8 the same stable results`, () => {
      const results: string[][] = [];
      for (const build of BUILDS) {
        const bytes = wasmBytes(`${program}.${build}.wasm`);
        const exports = v8Exports(bytes);
        const listed = new Set(Object.keys(PROGRAMS[program]!));
        const unlisted = Object.keys(exports).filter((name) => !NOT_KERNELS.has(name) && !listed.has(name));
        expect(unlisted, `${program}.${build}.wasm exports kernels the test does not call`).toEqual([]);
        // The same calls on a fresh instance give the same answers (no state leaks between calls).
        const calls = callsOf(program, exports).filter((c) => c.name !== 'sort_ints_libc');
        const first = runAll(exports, calls);
        expect(first.filter((r) => r.startsWith('throws')), `${program}.${build}.wasm under V8`).toEqual([]);
        expect(runAll(v8Exports(bytes), calls)).toEqual(first);
        results.push(first);
      }
      // One C source, four builds (own memcpy vs libc's, static arrays vs malloc, trunc vs trunc_sat, loops vectorized): one answer.
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
      expect(results[3]).toEqual(results[0]);
    });
  }

  it('results compare bit for bit: -0 is not 0, NaNs by payload, f64 never equals i64', () => {
    expect(canonical(-0)).not.toBe(canonical(0));
    expect(canonical(f64FromBits(0x7ff8000000000001n))).not.toBe(canonical(f64FromBits(0x7ff8000000000000n)));
    expect(canonical(f64FromBits(0x7ff8000000000001n))).toBe(canonical(f64FromBits(0x7ff8000000000001n)));
    expect(canonical(1)).not.toBe(canonical(1n));
  });

  it('the sorts check themselves, and agree with wasi-libc qsort', () => {
    const exports = v8Exports(wasmBytes('sort.wasi.wasm'));
    (exports._initialize as () => void)();
    for (const [n, seed, which] of PROGRAMS.sort!.sort_ints_libc!) {
      const ours = (exports.sort_ints as (...a: Arg[]) => bigint)(n!, seed!, which!);
      const libc = (exports.sort_ints_libc as (...a: Arg[]) => bigint)(n!, seed!, which!);
      expect(ours).not.toBe(-1n); // -1 means a neighbouring pair was out of order
      expect(ours).toBe(libc);
    }
    expect((exports.sort_doubles as (...a: Arg[]) => number)(1000, 3, 0)).not.toBe(-1);
    expect((exports.sort_records as (...a: Arg[]) => bigint)(1000, 4, 1)).not.toBe(-1n);
  });

  it('V8 agrees with references computed in JS (CRC-32, gcd, Collatz, u64 conversions)', () => {
    const crc = v8Exports(wasmBytes('crc32.bare.wasm'));
    for (const [len, seed] of [[0, 1], [1, 1], [1000, 7], [65536, 123]] as const) {
      expect((crc.crc32_table as (a: number, b: number) => number)(len, seed)).toBe(crc32Reference(len, seed) | 0);
    }
    const ints = v8Exports(wasmBytes('intonly.bare.wasm'));
    const gcd = (a: number, b: number): number => (b === 0 ? Math.abs(a) : gcd(b, a % b));
    expect((ints.gcd as (a: number, b: number) => number)(1071, 462)).toBe(gcd(1071, 462));
    let steps = 0n;
    for (let start = 1n; start < 1000n; start++) for (let x = start; x !== 1n; steps++) x = x & 1n ? 3n * x + 1n : x / 2n;
    expect((ints.collatz_total as (n: number) => bigint)(1000)).toBe(steps);
    const conv = v8Exports(wasmBytes('fconv.bare.wasm'));
    for (const x of I64_EDGES) {
      const unsigned = BigInt.asUintN(64, x);
      expect((conv.u64_to_f64 as (x: bigint) => number)(x)).toBe(Number(unsigned));
      expect((conv.u64_to_f32 as (x: bigint) => number)(x)).toBe(toFloat32(unsigned));
      expect((conv.i64_to_f32 as (x: bigint) => number)(x)).toBe(toFloat32(x));
    }
    for (const bits of DOUBLE_BITS) {
      const d = f64FromBits(bits);
      const want = d > -1 && d < 2 ** 64 ? BigInt.asIntN(64, BigInt(Math.trunc(d))) : 0n;
      expect((conv.f64_bits_to_u64 as (x: bigint) => bigint)(bits)).toBe(want);
    }
  });
});

/** A BigInt rounded once to the nearest float (ties to even): not through a double, which can round twice. */
function toFloat32(x: bigint): number {
  if (x < 0n) return -toFloat32(-x);
  const length = x.toString(2).length;
  if (length <= 24) return Number(x);
  const shift = BigInt(length - 24);
  let mantissa = x >> shift;
  const rest = x - (mantissa << shift), half = 1n << (shift - 1n);
  if (rest > half || (rest === half && (mantissa & 1n) === 1n)) mantissa++;
  return Number(mantissa) * 2 ** Number(shift);
}

/** CRC-32 over the same generated bytes, written independently of the C. */
function crc32Reference(len: number, seed: number): number {
  let s = seed >>> 0;
  let c = 0xffffffff;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    c ^= s >>> 24;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('C programs: Lightbeam agrees with V8', () => {
  for (const program of Object.keys(PROGRAMS)) {
    for (const build of BUILDS) {
      const file = `${program}.${build}.wasm`;
      it(`${file} compiles without stubs`, () => {
        expect(stubReport(wasmBytes(file)), `${file}: functions compiled as stubs`).toEqual([]);
      });
      it(`${file}: every kernel gives V8's result`, async () => {
        const bytes = wasmBytes(file);
        const want = v8Exports(bytes);
        const { instance } = await instantiate(bytes, {});
        const calls = callsOf(program, want);
        const expected = runAll(want, calls);
        const actual = runAll(instance.exports as Exports, calls);
        const mismatches = calls
          .map((c, i) => ({ call: `${c.name}(${c.args.join(', ')})`, v8: expected[i], lightbeam: actual[i] }))
          .filter((m) => m.v8 !== m.lightbeam);
        // The first few are enough to see what is wrong.
        expect(mismatches.slice(0, 4), `${file}: ${mismatches.length} of ${calls.length} calls differ`).toEqual([]);
      });
    }
  }
});
