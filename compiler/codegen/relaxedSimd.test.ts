// The relaxed SIMD operators run natively, each against a model of the one result Lightbeam
// chose among those the spec allows (ops/simdRelaxed.ts names the choices). V8 may choose
// differently, so it is no oracle here; the spec's allowed sets are, written out below for
// the choice made, on random and edge-case inputs.
import { describe, expect, it } from 'vitest';
import { rng } from '../testing/rng.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { Instance } from '../runtime/instance.ts';
import { compileModule } from './moduleCompiler.ts';

type Bytes = Uint8Array;
/** The expected result; lanes of `nanLanes` (f32 or f64 by `nanWidth`) need only hold some NaN. */
interface Expected { bytes: Bytes; nanWidth?: 4 | 8; nanLanes?: number[] }

const i8 = (b: Bytes) => new Int8Array(b.buffer, b.byteOffset, 16);
const i16 = (b: Bytes) => new Int16Array(b.buffer, b.byteOffset, 8);
const i32 = (b: Bytes) => new Int32Array(b.buffer, b.byteOffset, 4);
const u32 = (b: Bytes) => new Uint32Array(b.buffer, b.byteOffset, 4);
const u64 = (b: Bytes) => new BigUint64Array(b.buffer, b.byteOffset, 2);
const f32 = (b: Bytes) => new Float32Array(b.buffer, b.byteOffset, 4);
const f64 = (b: Bytes) => new Float64Array(b.buffer, b.byteOffset, 2);

const INT32_MIN = -0x80000000;

/** Truncation of each float lane (`lanes` of them) into i32 lanes, the rest zero. */
function truncLanes(values: ArrayLike<number>, lanes: number, lane: (x: number) => number): Expected {
  const out = new Uint8Array(16);
  for (let k = 0; k < lanes; k++) i32(out)[k] = lane(values[k]!);
  return { bytes: out };
}

// R_trunc_s = 1: NaN and out of range give INT32_MIN.
const truncS = (x: number) => {
  const t = Math.trunc(x);
  return Number.isNaN(x) || t < -(2 ** 31) || t >= 2 ** 31 ? INT32_MIN : t;
};
// R_trunc_u = 0: saturating.
const truncU = (x: number) => (Number.isNaN(x) || x <= -1 ? 0 : x >= 2 ** 32 ? -1 : Math.trunc(x) | 0);

/** madd/nmadd, unfused (R_fmadd = 0): each multiply and add rounded to the lane's width. */
function multiplyAdd(a: Bytes, b: Bytes, c: Bytes, wide: boolean, negate: boolean): Expected {
  const out = new Uint8Array(16);
  const [fa, fb, fc, fo] = wide ? [f64(a), f64(b), f64(c), f64(out)] : [f32(a), f32(b), f32(c), f32(out)];
  const round = wide ? (x: number) => x : Math.fround;
  const nanLanes: number[] = [];
  for (let k = 0; k < fo.length; k++) {
    const r = round(round((negate ? -fa[k]! : fa[k]!) * fb[k]!) + fc[k]!);
    fo[k] = r;
    if (Number.isNaN(r)) nanLanes.push(k);
  }
  return { bytes: out, nanWidth: wide ? 8 : 4, nanLanes };
}

/** relaxed_min/max (R = 2): the second operand where either is NaN or both are zeros, bits as they were. */
function minMax(a: Bytes, b: Bytes, wide: boolean, max: boolean): Expected {
  const out = new Uint8Array(16);
  const width = wide ? 8 : 4;
  const [fa, fb] = wide ? [f64(a), f64(b)] : [f32(a), f32(b)];
  for (let k = 0; k < fa.length; k++) {
    const x = fa[k]!, y = fb[k]!;
    const second = Number.isNaN(x) || Number.isNaN(y) || (x === 0 && y === 0) || (max ? y > x : y < x);
    out.set((second ? b : a).subarray(k * width, (k + 1) * width), k * width);
  }
  return { bytes: out };
}

/** The i16 dot products of adjacent byte pairs, b's bytes unsigned (R_idot = 1), saturated. */
function dotPairs(a: Bytes, b: Bytes): number[] {
  const sa = i8(a);
  return Array.from({ length: 8 }, (_, k) => {
    const sum = sa[2 * k]! * b[2 * k]! + sa[2 * k + 1]! * b[2 * k + 1]!;
    return Math.max(-32768, Math.min(32767, sum));
  });
}

const MODELS: Record<string, (a: Bytes, b: Bytes, c: Bytes) => Expected> = {
  // R_swizzle = 1: an index below 128 takes lane index % 16; 128 and up give 0.
  'i8x16.relaxed_swizzle': (a, s) => ({ bytes: s.map((j) => (j >= 128 ? 0 : a[j % 16]!)) }),
  'i32x4.relaxed_trunc_f32x4_s': (a) => truncLanes(f32(a), 4, truncS),
  'i32x4.relaxed_trunc_f32x4_u': (a) => truncLanes(f32(a), 4, truncU),
  'i32x4.relaxed_trunc_f64x2_s_zero': (a) => truncLanes(f64(a), 2, truncS),
  'i32x4.relaxed_trunc_f64x2_u_zero': (a) => truncLanes(f64(a), 2, truncU),
  'f32x4.relaxed_madd': (a, b, c) => multiplyAdd(a, b, c, false, false),
  'f32x4.relaxed_nmadd': (a, b, c) => multiplyAdd(a, b, c, false, true),
  'f64x2.relaxed_madd': (a, b, c) => multiplyAdd(a, b, c, true, false),
  'f64x2.relaxed_nmadd': (a, b, c) => multiplyAdd(a, b, c, true, true),
  // R_laneselect = 0: bitselect, whatever the lane width.
  'i8x16.relaxed_laneselect': (a, b, m) => ({ bytes: a.map((x, k) => (x & m[k]!) | (b[k]! & ~m[k]!)) }),
  'i16x8.relaxed_laneselect': (a, b, m) => ({ bytes: a.map((x, k) => (x & m[k]!) | (b[k]! & ~m[k]!)) }),
  'i32x4.relaxed_laneselect': (a, b, m) => ({ bytes: a.map((x, k) => (x & m[k]!) | (b[k]! & ~m[k]!)) }),
  'i64x2.relaxed_laneselect': (a, b, m) => ({ bytes: a.map((x, k) => (x & m[k]!) | (b[k]! & ~m[k]!)) }),
  'f32x4.relaxed_min': (a, b) => minMax(a, b, false, false),
  'f32x4.relaxed_max': (a, b) => minMax(a, b, false, true),
  'f64x2.relaxed_min': (a, b) => minMax(a, b, true, false),
  'f64x2.relaxed_max': (a, b) => minMax(a, b, true, true),
  // R_iq15mulr = 1: INT16_MIN * INT16_MIN wraps to INT16_MIN.
  'i16x8.relaxed_q15mulr_s': (a, b) => {
    const out = new Uint8Array(16);
    const [x, y, o] = [i16(a), i16(b), i16(out)];
    for (let k = 0; k < 8; k++) o[k] = (x[k]! * y[k]! + 0x4000) >> 15;
    return { bytes: out };
  },
  'i16x8.relaxed_dot_i8x16_i7x16_s': (a, b) => {
    const out = new Uint8Array(16);
    i16(out).set(dotPairs(a, b));
    return { bytes: out };
  },
  'i32x4.relaxed_dot_i8x16_i7x16_add_s': (a, b, c) => {
    const out = new Uint8Array(16);
    const pairs = dotPairs(a, b);
    for (let k = 0; k < 4; k++) i32(out)[k] = pairs[2 * k]! + pairs[2 * k + 1]! + i32(c)[k]!;
    return { bytes: out };
  },
};

const ARITY: Record<string, number> = {};
for (const name of Object.keys(MODELS)) ARITY[name] = /trunc/.test(name) ? 1 : /madd|laneselect|_add_s/.test(name) ? 3 : 2;

/**
 * Each operator twice: on operands just loaded (registers of their own) and on locals, with the
 * result written back to the first operand's local (computed in its home where the lowering can).
 */
function moduleText(): string {
  const funcs = Object.keys(MODELS).map((name) => {
    const n = ARITY[name]!;
    const loads = Array.from({ length: n }, (_, k) => `(v128.load (i32.const ${16 * k}))`).join(' ');
    const gets = Array.from({ length: n }, (_, k) => `(local.get ${k})`).join(' ');
    const sets = Array.from({ length: n }, (_, k) => `(local.set ${k} (v128.load (i32.const ${16 * k})))`).join(' ');
    return `(func (export "${name}") (v128.store (i32.const 48) (${name} ${loads})))
  (func (export "${name} locals") (local v128 v128 v128) ${sets}
    (local.set 0 (${name} ${gets})) (v128.store (i32.const 48) (local.get 0)))`;
  });
  return `(module (memory (export "memory") 1)\n  ${funcs.join('\n  ')})`;
}

/** Floats a conversion or a NaN rule cares about, as f32 and f64 bit patterns. */
const F32_EDGES = [0x7fc00000, 0xffc00000, 0x7fa00001, 0x7f800000, 0xff800000, 0, 0x80000000, 0x4f000000, 0x4effffff,
  0xcf000000, 0xcf000001, 0x4f800000, 0x4f7fffff, 0xbf800000, 0xbf000000, 0x3f000000, 0x00000001];
const F64_EDGES = [0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff4000000000001n, 0x7ff0000000000000n, 0n, 0x8000000000000000n,
  0x41dfffffffc00000n, 0x41e0000000000000n, 0xc1e0000000000000n, 0xc1e0000000200000n, 0x41efffffffe00000n,
  0x41f0000000000000n, 0xbff0000000000000n, 0xbfe0000000000000n, 0x41dfffffffffffffn];

function randomOperand(next: () => number, name: string): Bytes {
  const b = new Uint8Array(16);
  const kind = Math.floor(next() * 4);
  if (kind === 0) for (let k = 0; k < 16; k++) b[k] = Math.floor(next() * 256); // any bits
  else if (name.startsWith('f64') || name.includes('f64x2')) {
    for (let k = 0; k < 2; k++) {
      if (kind === 1) u64(b)[k] = F64_EDGES[Math.floor(next() * F64_EDGES.length)]!;
      else f64(b)[k] = (next() - 0.5) * 2 ** (kind === 2 ? 34 : 4);
    }
  } else if (name.startsWith('f32') || name.includes('f32x4')) {
    for (let k = 0; k < 4; k++) {
      if (kind === 1) u32(b)[k] = F32_EDGES[Math.floor(next() * F32_EDGES.length)]!;
      else f32(b)[k] = (next() - 0.5) * 2 ** (kind === 2 ? 34 : 4);
    }
  } else {
    // Integers: 16-bit lanes at the extremes (INT16_MIN for q15mulr; bytes 0x80 and 0xff for dot),
    // or small bytes (swizzle indices in range, and just beyond it).
    const edges = [-32768, -32767, 32767, -1, 1, 0, 0x7f80];
    if (kind === 1) for (let k = 0; k < 8; k++) i16(b)[k] = edges[Math.floor(next() * edges.length)]!;
    else for (let k = 0; k < 16; k++) b[k] = Math.floor(next() * 32);
  }
  return b;
}

function matches(got: Bytes, e: Expected): boolean {
  const nan = new Set(e.nanLanes ?? []);
  const w = e.nanWidth ?? 16;
  for (let k = 0; k < 16; k += w) {
    const lane = k / w;
    if (nan.has(lane)) {
      if (!Number.isNaN(w === 4 ? f32(got)[lane]! : f64(got)[lane]!)) return false;
      continue;
    }
    for (let j = k; j < k + w && j < 16; j++) if (got[j] !== e.bytes[j]) return false;
  }
  return true;
}

const hex = (b: Bytes) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

describe('relaxed SIMD, run natively against the choices made among the spec\'s results', () => {
  it.runIf(process.arch === 'x64' && process.platform === 'linux')('every operator, loaded operands and locals, 400 inputs each', async () => {
    const instance = new Instance(compileModule(await watToWasm(moduleText())));
    const exports = instance.exports as Record<string, () => void>;
    const memory = new Uint8Array(instance.memory!.arrayBuffer);
    const next = rng(20261205);
    for (const [name, model] of Object.entries(MODELS)) {
      for (let i = 0; i < 400; i++) {
        const [a, b, c] = [randomOperand(next, name), randomOperand(next, name), randomOperand(next, name)];
        const expected = model(a.slice(), b.slice(), c.slice());
        for (const variant of [name, `${name} locals`]) {
          memory.set(a, 0); memory.set(b, 16); memory.set(c, 32);
          exports[variant]!();
          const got = memory.slice(48, 64);
          const ok = matches(got, expected);
          expect(ok, `${variant}(${hex(a)}, ${hex(b)}, ${hex(c)}) gave ${hex(got)}, the choice made is ${hex(expected.bytes)}`).toBe(true);
        }
      }
    }
  });

  it('has a model for each of the 20 operators', async () => {
    const { allOperators } = await import('../binary/operators.ts');
    const relaxed = [...allOperators()].filter((o) => o.proposal === 'relaxed-simd').map((o) => o.name);
    expect(Object.keys(MODELS).sort()).toEqual(relaxed.sort());
  });
});
