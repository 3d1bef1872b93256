// Matching a value an engine returned against what assert_return expects, bit-exactly,
// and printing both for failure messages. Browser-safe.

import type { RefValue, WasmValue } from './engine.ts';
import type { Expected, FloatPattern } from './script.ts';

const F32_EXP = 0x7f800000;
const F32_QUIET = 0x00400000;
const F64_EXP = 0x7ff0000000000000n;
const F64_QUIET = 0x0008000000000000n;

// #region nan-patterns
/** nan:canonical is exactly the quiet bit as payload; nan:arithmetic any NaN with the quiet bit set. Sign is free. */
function matchF32(bits: number, p: FloatPattern): boolean {
  if ('bits' in p) return bits >>> 0 === Number(p.bits);
  const magnitude = bits & 0x7fffffff;
  if (p.nan === 'canonical') return magnitude === (F32_EXP | F32_QUIET);
  return (magnitude & (F32_EXP | F32_QUIET)) === (F32_EXP | F32_QUIET);
}

function matchF64(bits: bigint, p: FloatPattern): boolean {
  if ('bits' in p) return bits === p.bits;
  const magnitude = bits & 0x7fffffffffffffffn;
  if (p.nan === 'canonical') return magnitude === (F64_EXP | F64_QUIET);
  return (magnitude & (F64_EXP | F64_QUIET)) === (F64_EXP | F64_QUIET);
}
// #endregion nan-patterns

const LANE_BITS: Record<string, number> = { i8x16: 8, i16x8: 16, i32x4: 32, i64x2: 64, f32x4: 32, f64x2: 64 };

/** The lanes of 16 little-endian bytes, as unsigned bigints. */
export function lanesOf(bytes: Uint8Array, shape: string): bigint[] {
  const bits = LANE_BITS[shape]!;
  const width = bits / 8;
  const out: bigint[] = [];
  for (let k = 0; k < 16 / width; k++) {
    let v = 0n;
    for (let b = width - 1; b >= 0; b--) v = (v << 8n) | BigInt(bytes[k * width + b]!);
    out.push(v);
  }
  return out;
}

const INTERNAL = new Set(['struct', 'array', 'i31', 'any']);

function matchRef(ref: RefValue, e: Expected): boolean {
  switch (e.kind) {
    case 'ref.null':
      return ref.kind === 'null';
    case 'ref.extern':
      if (e.host !== undefined) return ref.kind === 'extern' && ref.host === e.host;
      return ref.kind !== 'null' && ref.kind !== 'func' && ref.kind !== 'exn';
    case 'ref.category':
      switch (e.category) {
        case 'func':
          return ref.kind === 'func';
        case 'eq':
          return ref.kind === 'struct' || ref.kind === 'array' || ref.kind === 'i31';
        case 'any':
          return INTERNAL.has(ref.kind);
        default:
          return ref.kind === e.category;
      }
    default:
      return false;
  }
}

// #region match-result
/** Does one result match one expectation? */
export function matches(v: WasmValue | undefined, e: Expected): boolean {
  if (v === undefined) return false;
  switch (e.kind) {
    case 'either':
      return e.options.some((o) => matches(v, o));
    case 'i32':
      return v.type === 'i32' && (v.value | 0) === e.value;
    case 'i64':
      return v.type === 'i64' && BigInt.asIntN(64, v.value) === e.value;
    case 'f32':
      return v.type === 'f32' && matchF32(v.bits, e.pattern);
    case 'f64':
      return v.type === 'f64' && matchF64(v.bits, e.pattern);
    case 'v128': {
      if (v.type !== 'v128') return false;
      const got = lanesOf(v.bytes, e.shape);
      return e.lanes.every((lane, k) => {
        const g = got[k]!;
        if (typeof lane === 'bigint') return g === lane;
        return e.shape === 'f32x4' ? matchF32(Number(g), lane) : matchF64(g, lane);
      });
    }
    default:
      return v.type === 'ref' && matchRef(v.ref, e);
  }
}
// #endregion match-result

function hex(n: bigint, digits: number): string {
  return '0x' + n.toString(16).padStart(digits, '0');
}

function f32Text(bits: number): string {
  const f = new Float32Array(new Uint32Array([bits >>> 0]).buffer)[0]!;
  return Number.isNaN(f) ? `nan(${hex(BigInt(bits >>> 0), 8)})` : `${Object.is(f, -0) ? '-0' : f}`;
}

function f64Text(bits: bigint): string {
  const f = new Float64Array(new BigUint64Array([bits]).buffer)[0]!;
  return Number.isNaN(f) ? `nan(${hex(bits, 16)})` : `${Object.is(f, -0) ? '-0' : f}`;
}

/** A value as a script would write it (floats with their bits when they are NaN). */
export function formatValue(v: WasmValue): string {
  switch (v.type) {
    case 'i32':
      return `(i32.const ${v.value | 0})`;
    case 'i64':
      return `(i64.const ${v.value})`;
    case 'f32':
      return `(f32.const ${f32Text(v.bits)})`;
    case 'f64':
      return `(f64.const ${f64Text(v.bits)})`;
    case 'v128':
      return `(v128.const i32x4 ${lanesOf(v.bytes, 'i32x4').map((l) => hex(l, 8)).join(' ')})`;
    case 'ref':
      return v.ref.kind === 'null' ? '(ref.null)' : v.ref.kind === 'extern' ? `(ref.extern ${v.ref.host})` : `(ref.${v.ref.kind})`;
  }
}

function formatPattern(p: FloatPattern, f32: boolean): string {
  if ('nan' in p) return `nan:${p.nan}`;
  return f32 ? f32Text(Number(p.bits)) : f64Text(p.bits);
}

export function formatExpected(e: Expected): string {
  switch (e.kind) {
    case 'i32':
    case 'i64':
      return `(${e.kind}.const ${e.value})`;
    case 'f32':
    case 'f64':
      return `(${e.kind}.const ${formatPattern(e.pattern, e.kind === 'f32')})`;
    case 'v128':
      return `(v128.const ${e.shape} ${e.lanes
        .map((l) => (typeof l === 'bigint' ? hex(l, LANE_BITS[e.shape]! / 4) : formatPattern(l, e.shape === 'f32x4')))
        .join(' ')})`;
    case 'ref.null':
      return `(ref.null${e.heap ? ' ' + e.heap : ''})`;
    case 'ref.extern':
      return `(ref.extern${e.host === undefined ? '' : ' ' + e.host})`;
    case 'ref.category':
      return `(ref.${e.category})`;
    case 'either':
      return `(either ${e.options.map(formatExpected).join(' ')})`;
  }
}
