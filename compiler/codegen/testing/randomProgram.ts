// A generator of random, valid programs (wat text) for differential testing against V8.
//
// Integer programs (the default, and what bench/compile.ts measures): expressions over i32/i64,
// locals, blocks with results, br_if/br_table carrying values, if/else, select, a call with three
// results, and right-nested chains that keep many values live. For a given seed the default
// output never changes, so compile-speed numbers stay comparable across commits.
//
// Optional features (each adds to the integer programs, and any combination is valid):
// - floats: f32/f64 params, locals, globals, constants (NaNs with payloads, -0, infinities,
//   subnormals, values at the integer limits), every f32/f64 operator of WebAssembly 2.0,
//   conversions in every direction (trapping and saturating), reinterpret, promote/demote, float
//   blocks, loops, selects and multi-value calls.
// - memory: a memory of 1 page growing to at most 3 (so memory.grow is deterministic), active data
//   segments, loads and stores of every width, offsets and addresses in and out of range and near
//   the end of memory, memory.size and memory.grow.
// - bulkMemory: passive data segments, memory.fill, memory.copy (overlapping), memory.init,
//   data.drop (implies a memory).
// - callIndirect: a funcref table (10 entries, at most 20) with active, passive and declarative
//   element segments over helpers of several types; call_indirect with matching and mismatching
//   types, null entries and out-of-range indices; table.get/set/size/grow/fill/copy/init,
//   elem.drop, ref.null/ref.is_null/ref.func, a funcref local and typed select.
// - tailCalls (WebAssembly 3.0): return_call in the arm of an if, to a helper with the function's
//   own results, with register arguments only (a real tail call) or with stack arguments (more
//   than the function received: through a return thunk), which itself tail-calls with fewer stack
//   arguments than it received; return_call_indirect through the table (with callIndirect);
//   a helper that counts down by tail-calling itself up to 1023 times.
//
// Every program terminates: loops count down from 3 and never nest, and nothing recurses (table
// entries and ref.func only name the non-recursive helpers) but the bounded countdown.
//
// NaN bits: where the spec lets a NaN's sign and payload vary (the result of arithmetic), V8 and
// we may legitimately differ, so a computed float is canonicalized (any NaN becomes one fixed NaN)
// before its bits can be observed: before reinterpret to an integer, before a float store, and as
// copysign's sign operand. Values whose bits the spec fixes (constants, also with NaN payloads,
// their abs/neg, reinterpreted integers) are observed as they are.

import { rng } from '../../testing/rng.ts';

type T = 'i32' | 'i64';
type F = 'f32' | 'f64';
type N = T | F;

/** Which optional parts of WebAssembly 2.0 the generated programs use. All off: integer programs. */
export interface Features {
  readonly floats?: boolean;
  readonly memory?: boolean;
  readonly bulkMemory?: boolean;
  readonly callIndirect?: boolean;
  readonly tailCalls?: boolean;
  /** The legacy exception instructions (try, catch, catch_all, delegate, rethrow), which Node 20's V8 runs. */
  readonly exceptions?: boolean;
}
export const FEATURE_NAMES = ['floats', 'memory', 'bulkMemory', 'callIndirect', 'tailCalls', 'exceptions'] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** "floats,memory" -> { floats: true, memory: true }; "all" turns on everything; "" or "integer" none. */
export function parseFeatures(list: string): Features {
  const out: Record<string, boolean> = {};
  for (const word of list.split(',').map((s) => s.trim()).filter((s) => s && s !== 'integer')) {
    if (word === 'all') for (const n of FEATURE_NAMES) out[n] = true;
    else if ((FEATURE_NAMES as readonly string[]).includes(word)) out[word] = true;
    else throw new Error(`unknown feature "${word}" (known: ${FEATURE_NAMES.join(', ')}, all, integer)`);
  }
  return out;
}

/** The canonical name of a feature set: "integer", or the names that are on, comma-separated. */
export function featuresName(f: Features): string {
  const on = FEATURE_NAMES.filter((n) => f[n]);
  return on.length ? on.join(',') : 'integer';
}

/** Parameter types of every exported function of a program with these features. */
export function exportedParams(f: Features = {}): readonly N[] {
  return f.floats ? ['i32', 'i64', 'i32', 'f32', 'f64'] : ['i32', 'i64', 'i32'];
}

/** Where each kind of local lives (function-local indices); data, so one generator serves every layout. */
interface LocalLayout {
  readonly read: Readonly<Record<N, readonly number[]>>;
  readonly mut: Readonly<Record<N, readonly number[]>>;
  /** The loop counter: nothing else writes it. */
  readonly counter: number;
  /** Scratch for canonicalizing NaNs. */
  readonly scratch: Readonly<Record<F, number>>;
  readonly funcref: number;
  readonly decl: string;
}

const INTEGER_LAYOUT: LocalLayout = {
  read: { i32: [0, 2, 3, 4], i64: [1, 5, 6], f32: [], f64: [] },
  mut: { i32: [3, 4], i64: [5, 6], f32: [], f64: [] },
  counter: 7, scratch: { f32: -1, f64: -1 }, funcref: 8,
  decl: '(param i32 i64 i32)',
};
// Params i32 i64 i32 f32 f64; locals i32 i32 i64 i64 i32(counter) f32 f32 f64 f64 f32(scratch) f64(scratch).
const FLOAT_LAYOUT: LocalLayout = {
  read: { i32: [0, 2, 5, 6], i64: [1, 7, 8], f32: [3, 10, 11], f64: [4, 12, 13] },
  mut: { i32: [5, 6], i64: [7, 8], f32: [10, 11], f64: [12, 13] },
  counter: 9, scratch: { f32: 14, f64: 15 }, funcref: 16,
  decl: '(param i32 i64 i32 f32 f64)',
};

const F32_CONSTS = [
  '0', '-0', '1', '-1', '0.5', '-0.5', '1.5', '2.5', '-2.5', '3.75', '1e10', '-7e-3', 'inf', '-inf',
  'nan', '-nan', 'nan:0x1', 'nan:0x200001', '-nan:0x7fffff', '0x1p-149', '-0x1p-149', '0x1.fffffcp-127', '0x1p-126',
  '0x1.fffffep127', '-0x1.fffffep127', '2147483520', '2147483648', '-2147483648', '-2147483904', '4294967040',
  '4294967296', '9223371487098961920', '9223372036854775808', '-9223372036854775808', '18446742974197923840',
  '18446744073709551616', '8388607.5', '16777217',
];
const F64_CONSTS = [
  '0', '-0', '1', '-1', '0.5', '-0.5', '1.5', '2.5', '-2.5', '3.75', '1e100', '-7e-3', 'inf', '-inf',
  'nan', '-nan', 'nan:0x1', 'nan:0x4000000000001', '-nan:0xfffffffffffff', '0x1p-1074', '-0x1p-1074',
  '0x0.fffffffffffffp-1022', '0x1p-1022', '0x1.fffffffffffffp1023', '-0x1.fffffffffffffp1023',
  '2147483647', '2147483647.9', '2147483648', '-2147483648.9', '-2147483649', '4294967295.9', '4294967296', '-0.9',
  '9223372036854774784', '9223372036854775808', '-9223372036854775808', '-9223372036854777856',
  '18446744073709549568', '18446744073709551616', '4503599627370495.5', '0x1p52',
];

const LOADS: Readonly<Record<N, readonly [string, number][]>> = {
  i32: [['i32.load', 4], ['i32.load8_s', 1], ['i32.load8_u', 1], ['i32.load16_s', 2], ['i32.load16_u', 2]],
  i64: [['i64.load', 8], ['i64.load8_s', 1], ['i64.load8_u', 1], ['i64.load16_s', 2], ['i64.load16_u', 2], ['i64.load32_s', 4], ['i64.load32_u', 4]],
  f32: [['f32.load', 4]],
  f64: [['f64.load', 8]],
};
const STORES: Readonly<Record<N, readonly [string, number][]>> = {
  i32: [['i32.store', 4], ['i32.store8', 1], ['i32.store16', 2]],
  i64: [['i64.store', 8], ['i64.store8', 1], ['i64.store16', 2], ['i64.store32', 4]],
  f32: [['f32.store', 4]],
  f64: [['f64.store', 8]],
};

/** Helpers that may sit in the table, by type; none calls anything, so nothing recurses. */
const TABLE_TYPES = ['ti', 'tl', 'tv', 'tm', 'tf', 'td'] as const;
type TableType = (typeof TABLE_TYPES)[number];

/** A data segment the generated code may name. */
interface Segment { readonly name: string; readonly bytes: number[]; readonly active: number | null }

// #region program-generator
export class Gen {
  private inLoop = false;
  private readonly L: LocalLayout;
  private readonly extended: boolean;
  readonly features: Features;
  readonly segments: Segment[] = [];
  /** Helpers that may be placed in the table or named by ref.func. */
  readonly tableFuncs: string[] = [];
  /** The functions the active element segment puts at table index 1, 2, ... */
  elems: string[] = [];
  /** The results of the function being generated (tail calls must return them). */
  fnResults: readonly N[] = [];
  /** The result lists tail-call helpers are needed for, as `i32_f64` (tailCalls). */
  readonly tailResults = new Set<string>();
  constructor(private readonly r: () => number, features: Features = {}) {
    this.features = { ...features, memory: !!(features.memory || features.bulkMemory) };
    this.extended = FEATURE_NAMES.some((n) => features[n]);
    this.L = features.floats ? FLOAT_LAYOUT : INTEGER_LAYOUT;
    if (this.features.memory) {
      const bytes = (n: number) => Array.from({ length: n }, () => this.int(256));
      this.segments.push({ name: '$a0', bytes: bytes(16), active: 0 });
      this.segments.push({ name: '$a1', bytes: bytes(6), active: 65530 });
      if (features.bulkMemory) {
        this.segments.push({ name: '$p0', bytes: bytes(8), active: null });
        this.segments.push({ name: '$p1', bytes: bytes(37), active: null });
      }
    }
    if (features.callIndirect) {
      for (const t of TABLE_TYPES) {
        if ((t === 'tf' || t === 'td') && !features.floats) continue;
        this.tableFuncs.push(`$${t}0`, `$${t}1`);
      }
      // Entries 1..7: functions of every type in a shuffled order; entry 0 and the tail stay null.
      const shuffled = [...this.tableFuncs];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = this.int(i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      this.elems = shuffled.slice(0, 7);
    }
  }
  pick<X>(xs: readonly X[]): X { return xs[Math.floor(this.r() * xs.length)]!; }
  int(n: number): number { return Math.floor(this.r() * n); }

  constant(t: N): string {
    if (t === 'f32') return `(f32.const ${this.pick(F32_CONSTS)})`;
    if (t === 'f64') return `(f64.const ${this.pick(F64_CONSTS)})`;
    const v = this.pick(['0', '1', '-1', '2', '7', '31', '32', '63', '-2147483648', '2147483647', '0x7f', '-13', '1000003', '0xff00']);
    if (t === 'i64' && this.r() < 0.3) return `(i64.const ${this.pick(['-9223372036854775808', '9223372036854775807', '0x100000000', '-4294967296', '123456789012'])})`;
    return `(${t}.const ${v})`;
  }
  leaf(t: N): string {
    if (this.r() < 0.4) return this.constant(t);
    if (this.extended && this.r() < 0.1) return `(global.get $g${t})`;
    return `(local.get ${this.pick(this.L.read[t])})`;
  }
  expr(t: N, d: number): string {
    if (d <= 0) return this.leaf(t);
    if (t === 'f32' || t === 'f64') return this.floatExpr(t, d);
    if (this.extended && this.r() < 0.3) return this.featureExpr(t, d);
    return this.intExpr(this.int(20), t, d);
  }
  private intExpr(k: number, t: T, d: number): string {
    const e = (tt: N = t) => this.expr(tt, d - 1 - this.int(2));
    switch (k) {
      case 0: case 1: case 2: case 3:
        return `(${t}.${this.pick(['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr', 'div_s', 'div_u', 'rem_s', 'rem_u'])} ${e()} ${e()})`;
      case 4: {
        if (t === 'i64') return `(i64.extend_i32_${this.pick(['s', 'u'])} ${e('i32')})`;
        const u: T = this.pick(['i32', 'i64']);
        if (this.r() < 0.3) return `(${u}.eqz ${this.expr(u, d - 1)})`;
        return `(${u}.${this.pick(['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'])} ${this.expr(u, d - 1)} ${this.expr(u, d - 1)})`;
      }
      case 5:
        return t === 'i32' ? `(i32.${this.pick(['clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s'])} ${e()})` + '' : `(i64.${this.pick(['clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s', 'extend32_s'])} ${e()})`;
      case 6:
        return t === 'i32' ? `(i32.wrap_i64 ${e('i64')})` : `(select ${e()} ${e()} ${e('i32')})`;
      case 7:
        return `(select ${e()} ${e()} (${t}.${this.pick(['lt_s', 'gt_u', 'eq', 'ne'])} ${e()} ${e()}))`;
      case 8: case 9: case 10: case 11:
        return this.structured(k, t, e);
      case 12:
        // multi-value: a call with three results (the last two through the return area).
        return t === 'i64'
          ? `(block (result i64) (call $multi ${e('i32')} ${e('i64')}) (i32.add) (i64.extend_i32_u) (i64.add))`
          : `(block (result i32) (call $multi ${e('i32')} ${e('i64')}) (i32.sub) (local.set ${this.L.mut.i32[1]}) (i32.wrap_i64) (local.get ${this.L.mut.i32[1]}) (i32.xor))`;
      case 14:
        return this.loop(t, e);
      case 15:
        // Eight arguments: two travel on the stack.
        return `(call $many${t === 'i32' ? '32' : '64'} ${e('i32')} ${e('i64')} ${e('i32')} ${e('i64')} ${e('i32')} ${e('i64')} ${e('i32')} ${e('i64')})`;
      case 16:
        return `(block (result ${t}) (global.set $g${t} ${e()}) (${t}.sub (global.get $g${t}) ${e()}))`;
      case 17:
        // Block and if with parameters; a br out of two blocks carrying a value.
        return this.r() < 0.5
          ? `(block (result ${t}) ${e()} (block (param ${t}) (result ${t}) ${e()} (${t}.xor) (if (param ${t}) (result ${t}) ${e('i32')} (then (${t}.add ${e()})) (else (${t}.mul ${e()}))) ${e()} (drop)))`
          : `(block $o (result ${t}) (block (result ${t}) (br_if 1 ${e()} ${e('i32')}) (drop) (br $o ${e()})) (${t}.add ${e()}))`;
      case 18:
        return this.update(t, ['add', 'sub', 'mul', 'and', 'or', 'xor'], e);
      default: {
        // A right-nested chain keeps many values live at once: registers run out and spill.
        if (d > 3 || d < 2) return `(${t}.add ${e()} ${e()})`;
        let s = e();
        for (let i = 0; i < 12; i++) s = `(${t}.${this.pick(['add', 'xor', 'sub'])} ${this.expr(t, 1)} ${s})`;
        return s;
      }
    }
  }

  /** A counted loop with a parameter (the counter local is written by nothing else). */
  private loop(t: N, e: () => string): string {
    if (this.inLoop) return e();
    this.inLoop = true;
    const body = `(${t}.add ${e()})`;
    const c = this.L.counter;
    const s = `(block (result ${t}) (local.set ${c} (i32.const 3)) ${e()} (loop (param ${t}) (result ${t}) ${body} (br_if 0 (local.tee ${c} (i32.sub (local.get ${c}) (i32.const 1))))))`;
    this.inLoop = false;
    return s;
  }

  /** x = x op y, and x = y op x, with x possibly also read before (a deferred copy to settle). */
  private update(t: N, ops: readonly string[], e: () => string): string {
    const x = this.pick(this.L.mut[t]);
    const op = this.pick(ops);
    const upd = this.r() < 0.5 ? `(${t}.${op} (local.get ${x}) ${e()})` : `(${t}.${op} ${e()} (local.get ${x}))`;
    const set = `(block (result ${t}) (local.set ${x} ${upd}) (local.get ${x}))`;
    return this.r() < 0.5 ? set : `(${t}.sub (local.get ${x}) ${set})`;
  }

  /** `x` with any NaN replaced by one fixed NaN, unless the spec already fixes x's bits. */
  canon(t: F, x: string): string {
    if (bitExact(x)) return x;
    const s = this.L.scratch[t];
    return `(select (${t}.const nan) (local.tee ${s} ${x}) (${t}.ne (local.get ${s}) (local.get ${s})))`;
  }

  /** Shapes every type shares (tee, br_if with a value, if, br_table with a value): cases 8-11 of both expression switches. */
  private structured(k: number, t: N, e: (tt?: N) => string): string {
    switch (k) {
      case 8:
        return `(local.tee ${this.pick(this.L.mut[t])} ${e()})`;
      case 9:
        return `(block (result ${t}) (drop (br_if 0 ${e()} ${e('i32')})) ${e()})`;
      case 10:
        return `(if (result ${t}) ${e('i32')} (then ${e()}) (else ${e()}))`;
      default:
        return `(block (result ${t}) (${t}.add (block (result ${t}) (br_table 0 1 0 ${e()} ${e('i32')})) ${e()}))`;
    }
  }

  private floatExpr(t: F, d: number): string {
    const e = (tt: N = t) => this.expr(tt, d - 1 - this.int(2));
    const o: F = t === 'f32' ? 'f64' : 'f32';
    const bits: T = t === 'f32' ? 'i32' : 'i64';
    const k = this.int(21);
    switch (k) {
      case 0: case 1: case 2: {
        const op = this.pick(['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign']);
        return op === 'copysign' ? `(${t}.copysign ${e()} ${this.canon(t, e())})` : `(${t}.${op} ${e()} ${e()})`;
      }
      case 3:
        return `(${t}.${this.pick(['abs', 'neg', 'sqrt', 'ceil', 'floor', 'trunc', 'nearest'])} ${e()})`;
      case 4: {
        const from: T = this.pick(['i32', 'i64']);
        return `(${t}.convert_${from}_${this.pick(['s', 'u'])} ${e(from)})`;
      }
      case 5:
        if (this.r() < 0.5) return t === 'f32' ? `(f32.demote_f64 ${e('f64')})` : `(f64.promote_f32 ${e('f32')})`;
        // The bits of a NaN constant survive reinterpret and abs/neg exactly.
        if (this.r() < 0.3) return `(${t}.${this.pick(['abs', 'neg'])} ${this.constant(t)})`;
        return `(${t}.reinterpret_${bits} ${e(bits)})`;
      case 6:
        return this.r() < 0.5 ? `(select ${e()} ${e()} ${e('i32')})` : `(select (result ${t}) ${e()} ${e()} ${e('i32')})`;
      case 7: {
        const u: F = this.pick([t, o]);
        return `(select ${e()} ${e()} (${u}.${this.pick(['eq', 'ne', 'lt', 'gt', 'le', 'ge'])} ${e(u)} ${e(u)}))`;
      }
      case 8: case 9: case 10: case 11:
        return this.structured(k, t, e);
      case 12: {
        // $multif returns f32 f64 i32: the last two through the return area.
        const m = this.pick(this.L.mut[t]);
        return t === 'f64'
          ? `(block (result f64) (call $multif ${e('f64')} ${e('f32')}) (f64.convert_i32_s) (f64.add) (local.set ${m}) (f64.promote_f32) (local.get ${m}) (f64.sub))`
          : `(block (result f32) (call $multif ${e('f64')} ${e('f32')}) (f32.convert_i32_u) (local.set ${m}) (f32.demote_f64) (f32.sub) (local.get ${m}) (f32.mul))`;
      }
      case 13:
        // A block with two results (float and integer), left by a br_if or by falling through.
        return `(block (result ${t}) (block (result ${t} i32) (br_if 0 ${e()} ${e('i32')} ${e('i32')}) (drop) (drop) ${e()} ${e('i32')}) (${t}.convert_i32_s) (${t}.${this.pick(['add', 'sub', 'min', 'max'])}))`;
      case 14:
        return this.loop(t, e);
      case 15: {
        // Twelve arguments, eight of them floats: some travel on the stack.
        const call = `(call $manyf ${e('f32')} ${e('f64')} ${e('i32')} ${e('f64')} ${e('f32')} ${e('f64')} ${e('f32')} ${e('f64')} ${e('f32')} ${e('f64')} ${e('i64')} ${e('f32')})`;
        return t === 'f64' ? call : `(f32.demote_f64 ${call})`;
      }
      case 16:
        return `(block (result ${t}) (global.set $g${t} ${e()}) (${t}.sub (global.get $g${t}) ${e()}))`;
      case 17:
        return this.r() < 0.5
          ? `(block (result ${t}) ${e()} (block (param ${t}) (result ${t}) ${e()} (${t}.min) (if (param ${t}) (result ${t}) ${e('i32')} (then (${t}.add ${e()})) (else (${t}.mul ${e()}))) ${e()} (drop)))`
          : `(block $o (result ${t}) (block (result ${t}) (br_if 1 ${e()} ${e('i32')}) (drop) (br $o ${e()})) (${t}.add ${e()}))`;
      case 18:
        return this.update(t, ['add', 'sub', 'mul', 'div', 'min', 'max'], e);
      case 19:
        if (this.r() < 0.6) return this.featureExpr(t, d);
        return `(${t}.${this.pick(['add', 'mul', 'sub'])} ${e()} ${e()})`;
      default: {
        if (d > 3 || d < 2) return `(${t}.add ${e()} ${e()})`;
        let s = e();
        for (let i = 0; i < 10; i++) s = `(${t}.${this.pick(['add', 'sub', 'max', 'mul'])} ${this.expr(t, 1)} ${s})`;
        return s;
      }
    }
  }

  /** An expression of type t using an enabled optional feature (or a plain one if none fits). */
  private featureExpr(t: N, d: number): string {
    const e = (tt: N = t) => this.expr(tt, d - 1 - this.int(2));
    const f = this.features;
    const choices: (() => string)[] = [];
    if (f.floats && (t === 'i32' || t === 'i64')) {
      choices.push(() => {
        const u: F = this.pick(['f32', 'f64']);
        const cmp = `(${u}.${this.pick(['eq', 'ne', 'lt', 'gt', 'le', 'ge'])} ${e(u)} ${e(u)})`;
        return t === 'i32' ? cmp : `(i64.extend_i32_u ${cmp})`;
      });
      choices.push(() => {
        const u: F = this.pick(['f32', 'f64']);
        // Often a constant in range, sometimes one near the limits: a trapping conversion of a
        // random value would end most calls.
        const r = this.r();
        const x = r < 0.4 ? `(${u}.const ${this.pick(['0', '-0', '-0.75', '1.5', '-7.25', '1e3', '65535.9', '2147483520'])})` : r < 0.55 ? this.constant(u) : e(u);
        return `(${t}.trunc_${this.r() < 0.5 ? 'sat_' : ''}${u}_${this.pick(['s', 'u'])} ${x})`;
      });
      choices.push(() => (t === 'i32' ? `(i32.reinterpret_f32 ${this.canon('f32', e('f32'))})` : `(i64.reinterpret_f64 ${this.canon('f64', e('f64'))})`));
    }
    if (f.memory) {
      choices.push(() => this.load(t, d));
      choices.push(() => this.sameBase(t, d));
      choices.push(() => `(block (result ${t}) ${this.store(d)} ${e()})`);
      if (t === 'i32') choices.push(() => this.r() < 0.5 ? '(memory.size)' : `(memory.grow ${this.pick(['(i32.const 0)', '(i32.const 1)', '(i32.const 2)', '(i32.const -1)', `(i32.and ${e('i32')} (i32.const 1))`])})`);
    }
    if (f.bulkMemory) choices.push(() => `(block (result ${t}) ${this.bulkStatement(d)} ${e()})`);
    if (f.callIndirect) {
      choices.push(() => this.callIndirect(t, d));
      choices.push(() => `(block (result ${t}) ${this.tableStatement(d)} ${e()})`);
      if (t === 'i32') {
        choices.push(() => this.pick([
          () => '(table.size $tab)',
          () => `(table.grow $tab ${this.ref(d - 1)} ${this.pick(['(i32.const 0)', '(i32.const 1)', '(i32.const 3)', '(i32.const 100)', `(i32.and ${e('i32')} (i32.const 3))`])})`,
          () => `(ref.is_null ${this.ref(d - 1)})`,
        ])());
      }
    }
    if (f.exceptions) choices.push(() => this.tryExpr(t, d));
    // Now and then: a taken tail call ends the function, and what follows it is not compared.
    if (f.tailCalls && this.r() < 0.3) {
      choices.push(() => `(if (result ${t}) ${e('i32')} (then ${this.tailCall(d)}) (else ${e()}))`);
      if (t === 'i64') choices.push(() => `(call $countdown (i32.and ${e('i32')} (i32.const 1023)) ${e('i64')})`);
    }
    if (choices.length === 0) return t === 'i32' || t === 'i64' ? this.intExpr(this.int(20), t, d) : `(${t}.add ${e()} ${e()})`;
    return this.pick(choices)();
  }

  /**
   * A legacy try of type t whose body may throw ($ex with an i32, $ex0, or from $thrower), caught
   * by a catch, a catch_all, through a rethrow or a delegate, or left by a branch; every
   * exception is caught inside the expression, so none reaches JS.
   */
  private tryExpr(t: N, d: number): string {
    const e = (tt: N = t) => this.expr(tt, d - 1 - this.int(2));
    const cond = () => `(i32.eqz (i32.and ${e('i32')} (i32.const ${this.pick([1, 3, 7])})))`;
    const raise = this.pick([
      () => `(if ${cond()} (then (throw $ex ${e('i32')})))`,
      () => `(if ${cond()} (then (throw $ex0)))`,
      () => `(drop (call $thrower ${e('i32')}))`,
    ])();
    let body = `(block (result ${t}) ${raise} ${e()})`;
    switch (this.int(4)) {
      case 0: body = `(try (result ${t}) (do ${body}) (catch_all (rethrow 0)))`; break;
      case 1: body = `(try (result ${t}) (do ${body}) (delegate 0))`; break;
      case 2: body = `(block (result ${t}) (try (result ${t}) (do (drop (br_if 1 ${e()} ${cond()})) ${body}) (catch_all ${e()})))`; break;
    }
    const payload = t === 'i32' ? `(i32.add ${e('i32')})` : t === 'i64' ? '(i64.extend_i32_s)' : `(${t}.convert_i32_s)`;
    const clauses = [`(catch $ex ${payload})`, `(catch $ex0 ${e()})`].filter(() => this.r() < 0.7);
    return `(try (result ${t}) (do ${body}) ${clauses.join(' ')} (catch_all ${e()}))`;
  }

  /**
   * A 32-bit address and memarg for an access of `width` bytes. Mostly in range of the first page
   * (a program makes many accesses, and the first out of range ends the call); otherwise out of
   * range in one of several ways: a constant, a large offset, the last bytes of memory, anything.
   */
  private access(width: number, d: number): [memarg: string, address: string] {
    const aligns = [1, 2, 4, 8].filter((a) => a <= width);
    const align = this.r() < 0.5 ? width : this.pick(aligns);
    const alignText = align !== width ? ` align=${align}` : '';
    const withOffset = (offset: number) => `${offset ? ` offset=${offset}` : ''}${alignText}`;
    if (this.r() < 0.06) {
      switch (this.int(5)) {
        case 0: return [withOffset(0), `(i32.const ${this.pick([65537 - width, 65535, 65536, 131072 - width, 196608 - width, 196608, -1, -8])})`];
        case 1: return [withOffset(this.pick([65535, 65536, 4294967295])), `(i32.and ${this.expr('i32', d - 1)} (i32.const 0xff))`];
        case 2: return [withOffset(this.pick([0, 1])), `(i32.sub (i32.shl (memory.size) (i32.const 16)) (i32.const ${this.pick([1, width - 1, width])}))`];
        default: return [withOffset(this.pick([0, 3])), this.expr('i32', d - 1)];
      }
    }
    switch (this.int(4)) {
      case 0: return [withOffset(this.pick([0, 0, 4, 64])), `(i32.const ${this.pick([0, 1, 3, 8, 100, 1021, 65528 - width, 65536 - width])})`];
      case 1: return [withOffset(this.pick([0, 0, 1, 7, 1000])), `(i32.and ${this.expr('i32', d - 1)} (i32.const ${this.pick([0xff, 0xfff, 0x7fff])}))`];
      // The last bytes of memory, whatever its size now.
      case 2: return [withOffset(this.pick([0, 1, 2])), `(i32.sub (i32.shl (memory.size) (i32.const 16)) (i32.const ${width + this.pick([2, 3, 8])}))`];
      default: return [withOffset(this.pick([0, 16])), `(i32.add (i32.const ${this.pick([0, 16, 65000, 65400])}) (i32.and ${this.expr('i32', d - 1)} (i32.const 63)))`];
    }
  }
  private load(t: N, d: number): string {
    const [op, width] = this.pick(LOADS[t]);
    const [memarg, address] = this.access(width, d);
    return `(${op}${memarg} ${address})`;
  }
  /**
   * Accesses through one base local at several offsets, the base sometimes moved in between: a
   * code generator that skips bounds checks it has already done on that base must still trap at
   * the first access out of range, and must not skip one after the base changed.
   */
  private sameBase(t: N, d: number): string {
    const x = this.pick(this.L.mut.i32);
    const base = this.pick([
      `(i32.sub (i32.shl (memory.size) (i32.const 16)) (i32.const ${this.pick([64, 108, 112, 128, 256])}))`,
      `(i32.and ${this.expr('i32', d - 1)} (i32.const 0xfff))`,
      `(i32.const ${this.pick([0, 100, 65300, 65420])})`,
    ]);
    const offset = () => this.pick([0, 1, 4, 8, 12, 40, 56, 60, 61, 64, 92, 96, 100]);
    const steps: string[] = [`(local.set ${x} ${base})`];
    for (let i = 0, n = 1 + this.int(3); i < n; i++) {
      const u: N = this.pick(this.features.floats ? ['i32', 'i64', 'f32', 'f64'] as const : ['i32', 'i64'] as const);
      if (this.r() < 0.5) {
        const [op, width] = this.pick(STORES[u]);
        let value = this.expr(u, d - 2);
        if (u === 'f32' || u === 'f64') value = this.canon(u, value);
        steps.push(`(${op} offset=${offset()}${width > 1 && this.r() < 0.3 ? ' align=1' : ''} (local.get ${x}) ${value})`);
      } else {
        const [op] = this.pick(LOADS[u]);
        steps.push(`(drop (${op} offset=${offset()} (local.get ${x})))`);
      }
      if (this.r() < 0.25) steps.push(`(local.set ${x} (i32.add (local.get ${x}) (i32.const ${this.pick([4, 8, 64, -64])})))`);
    }
    const [op] = this.pick(LOADS[t]);
    return `(block (result ${t}) ${steps.join(' ')} (${op} offset=${offset()} (local.get ${x})))`;
  }
  private store(d: number): string {
    const t: N = this.pick(this.features.floats ? ['i32', 'i64', 'f32', 'f64'] as const : ['i32', 'i64'] as const);
    const [op, width] = this.pick(STORES[t]);
    let value = this.expr(t, d - 1 - this.int(2));
    if (t === 'f32' || t === 'f64') value = this.canon(t, value);
    const [memarg, address] = this.access(width, d);
    return `(${op}${memarg} ${address} ${value})`;
  }
  /** Where a bulk operation starts: mostly well inside the first page, sometimes anywhere. */
  private bulkAddress(d: number): string {
    if (this.r() < 0.1) return this.r() < 0.5 ? this.expr('i32', d - 1) : `(i32.const ${this.pick([65000, 65535, 65536, 131072, -1])})`;
    return this.r() < 0.5 ? `(i32.const ${this.pick([0, 1, 5, 100, 4000, 60000])})` : `(i32.and ${this.expr('i32', d - 1)} (i32.const 0x7fff))`;
  }
  /** A byte count: mostly small, sometimes one that runs past the end. */
  private length(d: number, max = 127): string {
    if (this.r() < 0.1) return `(i32.const ${this.pick([65536, 70000, -1])})`;
    return this.r() < 0.7
      ? `(i32.const ${this.pick([0, 1, 2, 7, 16, 100, 1000])})`
      : `(i32.and ${this.expr('i32', d - 1)} (i32.const ${max}))`;
  }
  private bulkStatement(d: number): string {
    const passive = this.segments.filter((s) => s.active === null);
    switch (this.int(8)) {
      case 0: case 5: case 6: return `(memory.fill ${this.bulkAddress(d)} ${this.expr('i32', d - 1)} ${this.length(d)})`;
      case 1: case 2: {
        // Overlapping both ways: source and destination a few bytes apart around one base.
        const base = this.pick([0, 8, 300, 65000, 65520]);
        const a = base + this.int(12), b = base + this.int(12);
        return this.r() < 0.8
          ? `(memory.copy (i32.const ${a}) (i32.const ${b}) ${this.length(d, 31)})`
          : `(memory.copy ${this.bulkAddress(d)} ${this.bulkAddress(d)} ${this.length(d)})`;
      }
      case 3: case 4: {
        // From a passive segment, rarely an active one (dropped at instantiation); past its end rarely.
        const s = this.pick(this.r() < 0.9 ? passive : this.segments);
        const n = s.bytes.length;
        const [from, count] = this.r() < 0.9
          ? this.pick([[0, n], [0, 1], [1, n - 1], [2, 3], [n, 0], [n - 1, 1]])
          : this.pick([[n, 1], [n + 1, 0], [0, n + 1], [1, n]]);
        return `(memory.init ${s.name} ${this.bulkAddress(d)} (i32.const ${from}) (i32.const ${count}))`;
      }
      // Rare: once a segment is dropped, every later non-empty init from it traps (in later calls too).
      default: return `(data.drop ${this.pick(this.r() < 0.8 ? passive.slice(0, 1) : this.segments).name})`;
    }
  }

  /** A table index: mostly in range (entries null or not), sometimes past the end or far out. */
  private tableIndex(d: number): string {
    if (this.r() < 0.1) return this.r() < 0.5 ? this.expr('i32', d - 1) : `(i32.const ${this.pick([10, 11, 19, 20, 100, -1])})`;
    return this.r() < 0.6 ? `(i32.const ${this.int(10)})` : `(i32.and ${this.expr('i32', d - 1)} (i32.const 7))`;
  }
  /** A funcref. */
  private ref(d: number): string {
    const fr = this.L.funcref;
    switch (d <= 0 ? this.int(2) : this.int(6)) {
      case 0: return '(ref.null func)';
      case 1: return `(ref.func ${this.pick(this.tableFuncs)})`;
      case 2: return `(table.get $tab ${this.tableIndex(d)})`;
      case 3: return `(select (result funcref) ${this.ref(d - 1)} ${this.ref(d - 1)} ${this.expr('i32', d - 1)})`;
      case 4: return `(local.get ${fr})`;
      default: return `(local.tee ${fr} ${this.ref(d - 1)})`;
    }
  }
  private callIndirect(t: N, d: number): string {
    const e = (tt: N) => this.expr(tt, d - 1 - this.int(2));
    const type = t === 'i32' ? (this.r() < 0.6 ? 'ti' : 'tm') : t === 'i64' ? 'tl' : t === 'f32' ? 'tf' : 'td';
    // Mostly an entry that held a function of the right type at instantiation (the table may
    // have changed since); otherwise any index: null entries, other types, out of range.
    const matching = this.elems.flatMap((name, k) => (name.startsWith(`$${type}`) ? [k + 1] : []));
    const i = matching.length && this.r() < 0.85 ? `(i32.const ${this.pick(matching)})` : this.tableIndex(d);
    switch (t) {
      case 'i32':
        return type === 'ti'
          ? `(call_indirect $tab (type $ti) ${e('i32')} ${i})`
          : `(block (result i32) (call_indirect $tab (type $tm) ${e('i32')} ${i}) (i32.wrap_i64) (i32.add))`;
      case 'i64': return `(call_indirect $tab (type $tl) ${e('i64')} ${e('i32')} ${i})`;
      case 'f32': return `(call_indirect $tab (type $tf) ${e('f32')} ${i})`;
      case 'f64': return `(call_indirect $tab (type $td) ${e('f64')} ${e('i32')} ${i})`;
    }
  }
  /** A tail call returning the function's results: to a helper with register or stack arguments, or through the table. */
  private tailCall(d: number): string {
    const e = (tt: N) => this.expr(tt, d - 1 - this.int(2));
    const sig = this.fnResults.join('_');
    const ti = this.elems.flatMap((name, k) => (name.startsWith('$ti') ? [k + 1] : []));
    if (this.features.callIndirect && sig === 'i32' && this.r() < 0.3) {
      const i = ti.length && this.r() < 0.85 ? `(i32.const ${this.pick(ti)})` : this.tableIndex(d);
      return `(return_call_indirect $tab (type $ti) ${e('i32')} ${i})`;
    }
    this.tailResults.add(sig);
    const floats = this.features.floats ? ` ${e('f32')} ${e('f64')}` : '';
    if (this.r() < 0.5) return `(return_call $tr_${sig} ${e('i32')} ${e('i64')}${floats})`;
    return `(return_call $ts_${sig} ${e('i32')} ${e('i64')} ${e('i32')} ${e('i64')} ${e('i32')} ${e('i64')} ${e('i32')} ${e('i64')})`;
  }
  private tableStatement(d: number): string {
    const n = () => `(i32.const ${this.r() < 0.9 ? this.pick([0, 1, 2, 3]) : this.pick([5, 11, 21])})`;
    switch (this.int(12)) {
      case 0: case 1: case 2: return `(table.set $tab ${this.tableIndex(d)} ${this.ref(d - 1)})`;
      case 3: return `(table.fill $tab ${this.tableIndex(d)} ${this.ref(d - 1)} ${n()})`;
      case 4: return `(table.copy $tab $tab ${this.tableIndex(d)} ${this.tableIndex(d)} ${n()})`;
      case 5: case 6: {
        // $pe has three entries: mostly within it, sometimes past its end.
        const [from, count] = this.r() < 0.9 ? this.pick([[0, 3], [0, 1], [1, 2], [2, 1], [3, 0]]) : this.pick([[3, 1], [4, 0], [0, 4]]);
        return `(table.init $tab $pe ${this.tableIndex(d)} (i32.const ${from}) (i32.const ${count}))`;
      }
      // Rare: after it, every later non-empty table.init traps.
      case 7: return this.r() < 0.3 ? '(elem.drop $pe)' : `(table.set $tab ${this.tableIndex(d)} ${this.ref(d - 1)})`;
      default: {
        const matching = this.elems.flatMap((name, k) => (name.startsWith('$tv') ? [k + 1] : []));
        const i = matching.length && this.r() < 0.85 ? `(i32.const ${this.pick(matching)})` : this.tableIndex(d);
        return `(call_indirect $tab (type $tv) ${this.expr('i32', d - 1)} ${i})`;
      }
    }
  }
}
// #endregion program-generator

/** Whether the spec fixes every bit of this float expression (no arithmetic NaN can come out). */
function bitExact(x: string): boolean {
  if (/^\(f(32|64)\.(const [^()]*|reinterpret_i(32|64) .*)\)$/.test(x)) return true;
  const m = /^\(f(?:32|64)\.(?:abs|neg) (.*)\)$/.exec(x);
  return m !== null && bitExact(m[1]!);
}

/** A random function named `name` whose result type and body come from `g`. */
function randomFunction(g: Gen, name: string): string {
  const f = g.features;
  if (!FEATURE_NAMES.some((n) => f[n])) {
    const t: T = g.pick(['i32', 'i64']);
    // Keep programs small enough for wabt's parser (deep nesting overflows its stack).
    let body = g.expr(t, 5);
    while (body.length > 30000) body = g.expr(t, 4);
    return `(func (export "${name}") (param i32 i64 i32) (result ${t}) (local i32 i32 i64 i64 i32)
    ${body})`;
  }
  const types: N[] = f.floats ? ['i32', 'i64', 'f32', 'f64'] : ['i32', 'i64'];
  // Sometimes two results (returned to JS as an array).
  const results: N[] = f.floats && g.int(5) === 0 ? [g.pick(types), g.pick(types)] : [g.pick(types)];
  g.fnResults = results;
  const bodies = results.map((t) => {
    let body = g.expr(t, 5);
    while (body.length > 20000) body = g.expr(t, 4);
    return body;
  });
  const locals = `${f.floats ? 'i32 i32 i64 i64 i32 f32 f32 f64 f64 f32 f64' : 'i32 i32 i64 i64 i32'}${f.callIndirect ? ' funcref' : ''}`;
  return `(func (export "${name}") ${(f.floats ? FLOAT_LAYOUT : INTEGER_LAYOUT).decl} (result ${results.join(' ')}) (local ${locals})
    ${bodies.join('\n    ')})`;
}

/** What a tail-call helper returns for a result of type t, from its parameters (i32 i64 [f32 f64]). */
const TAIL_RESULT: Readonly<Record<N, string>> = {
  i32: '(i32.add (local.get 0) (i32.wrap_i64 (local.get 1)))',
  i64: '(i64.sub (local.get 1) (i64.extend_i32_s (local.get 0)))',
  f32: '(f32.add (local.get 2) (f32.const 1.5))',
  f64: '(f64.mul (local.get 3) (f64.const -2))',
};

/**
 * The helpers of tail calls: for each result list used, $tr_ (register arguments: i32 i64, and f32
 * f64 with floats); $ts_ (eight integer arguments, two on the stack), which tail-calls $tq_ (seven,
 * one on the stack: rewritten in place, its sources stack parameters too), which tail-calls $tr_;
 * and $countdown.
 */
function tailCallHelpers(g: Gen): string[] {
  const floats = g.features.floats;
  const out = [`(func $countdown (param i32 i64) (result i64)
    (if (result i64) (i32.eqz (local.get 0)) (then (local.get 1))
      (else (return_call $countdown (i32.sub (local.get 0) (i32.const 1)) (i64.add (i64.rotl (local.get 1) (i64.const 5)) (i64.extend_i32_u (local.get 0)))))))`];
  for (const sig of g.tailResults) {
    const results = `(result ${sig.split('_').join(' ')})`;
    out.push(`(func $tr_${sig} (param i32 i64${floats ? ' f32 f64' : ''}) ${results} ${sig.split('_').map((t) => TAIL_RESULT[t as N]).join(' ')})`);
    out.push(`(func $ts_${sig} (param i32 i64 i32 i64 i32 i64 i32 i64) ${results}
    (return_call $tq_${sig} (i32.xor (local.get 6) (local.get 0)) (i64.add (local.get 7) (local.get 3)) (local.get 4) (local.get 5) (local.get 2) (local.get 1) (local.get 7)))`);
    const args = `(i32.sub (local.get 0) (local.get 4)) (i64.xor (local.get 1) (local.get 6))${floats ? ' (f32.convert_i32_s (local.get 2)) (f64.convert_i64_s (local.get 3))' : ''}`;
    out.push(`(func $tq_${sig} (param i32 i64 i32 i64 i32 i64 i64) ${results} (return_call $tr_${sig} ${args}))`);
  }
  return out;
}

const hexBytes = (bytes: readonly number[]): string => bytes.map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');

/** The module-level parts the optional features need: types, helpers, globals, memory, data, table, elements. */
function featureDeclarations(g: Gen): string {
  const f = g.features;
  const out: string[] = [];
  if (f.floats) {
    out.push(
      '(global $gf32 (export "gf32") (mut f32) (f32.const -1.5))',
      '(global $gf64 (export "gf64") (mut f64) (f64.const 0x1p-1060))',
      // f32 f64 i32: the last two through the return area.
      `(func $multif (param f64 f32) (result f32 f64 i32)
    (f32.add (local.get 1) (f32.const 1.5)) (f64.mul (local.get 0) (f64.const -2)) (i32.trunc_sat_f64_s (local.get 0)))`,
      `(func $manyf (param f32 f64 i32 f64 f32 f64 f32 f64 f32 f64 i64 f32) (result f64)
    (f64.add (f64.sub (f64.promote_f32 (local.get 0)) (local.get 1))
      (f64.add (f64.mul (local.get 9) (f64.convert_i32_s (local.get 2)))
        (f64.add (f64.promote_f32 (local.get 11)) (f64.sub (f64.convert_i64_s (local.get 10)) (f64.promote_f32 (local.get 8)))))))`,
    );
  }
  if (f.memory) {
    out.push('(memory $mem (export "mem") 1 3)');
    for (const s of g.segments) {
      out.push(s.active === null ? `(data ${s.name} "${hexBytes(s.bytes)}")` : `(data ${s.name} (i32.const ${s.active}) "${hexBytes(s.bytes)}")`);
    }
  }
  if (f.tailCalls) out.push(...tailCallHelpers(g));
  if (f.exceptions) {
    out.push(
      '(tag $ex (param i32))',
      '(tag $ex0)',
      '(func $thrower (param i32) (result i32) (if (i32.eqz (i32.and (local.get 0) (i32.const 3))) (then (throw $ex (local.get 0)))) (i32.add (local.get 0) (i32.const 1)))',
    );
  }
  if (f.callIndirect) {
    out.push(
      '(type $ti (func (param i32) (result i32)))',
      '(type $tl (func (param i64 i32) (result i64)))',
      '(type $tv (func (param i32)))',
      '(type $tm (func (param i32) (result i32 i64)))',
      '(func $ti0 (type $ti) (i32.add (local.get 0) (i32.const 1)))',
      // A trap inside the callee (or a load anywhere in memory).
      f.memory ? '(func $ti1 (type $ti) (i32.load8_s (local.get 0)))' : '(func $ti1 (type $ti) (i32.div_u (i32.const 1000) (local.get 0)))',
      '(func $tl0 (type $tl) (i64.sub (local.get 0) (i64.extend_i32_s (local.get 1))))',
      '(func $tl1 (type $tl) (i64.rotl (local.get 0) (i64.extend_i32_u (local.get 1))))',
      '(func $tv0 (type $tv) (global.set $gi32 (i32.xor (global.get $gi32) (local.get 0))))',
      '(func $tv1 (type $tv) (if (i32.eq (local.get 0) (i32.const 7)) (then unreachable)))',
      '(func $tm0 (type $tm) (local.get 0) (i64.extend_i32_s (local.get 0)))',
      '(func $tm1 (type $tm) (i32.const -3) (i64.shl (i64.extend_i32_u (local.get 0)) (i64.const 33)))',
    );
    if (f.floats) {
      out.push(
        '(type $tf (func (param f32) (result f32)))',
        '(type $td (func (param f64 i32) (result f64)))',
        '(func $tf0 (type $tf) (f32.sqrt (local.get 0)))',
        '(func $tf1 (type $tf) (f32.neg (local.get 0)))',
        '(func $td0 (type $td) (f64.add (local.get 0) (f64.convert_i32_s (local.get 1))))',
        '(func $td1 (type $td) (f64.div (f64.convert_i32_u (local.get 1)) (local.get 0)))',
      );
    }
    out.push('(table $tab (export "tab") 10 20 funcref)');
    out.push(`(elem (i32.const 1) func ${g.elems.join(' ')})`);
    out.push(`(elem $pe func ${g.pick(g.tableFuncs)} ${g.pick(g.tableFuncs)} ${g.pick(g.tableFuncs)})`);
    out.push(`(elem declare func ${g.tableFuncs.join(' ')})`);
  }
  return out.join('\n  ');
}

/**
 * A module of `count` random functions ("f" alone, or "f0", "f1", ...) and the helpers they call.
 * With features off (the default) the text for a given seed and count never changes.
 */
export function programModule(seed: number, count = 1, features: Features = {}): string {
  const g = new Gen(rng(seed), features);
  const funcs = Array.from({ length: count }, (_, i) => randomFunction(g, count === 1 ? 'f' : `f${i}`));
  const extended = FEATURE_NAMES.some((n) => features[n]);
  const globals = extended
    ? `(global $gi32 (export "gi32") (mut i32) (i32.const 7))
  (global $gi64 (export "gi64") (mut i64) (i64.const -9))`
    : `(global $gi32 (mut i32) (i32.const 7))
  (global $gi64 (mut i64) (i64.const -9))`;
  return `(module
  (func $multi (param i32 i64) (result i64 i32 i32)
    (i64.add (local.get 1) (i64.extend_i32_s (local.get 0))) (local.get 0) (i32.const 5))
  ${globals}
  (func $many32 (param i32 i64 i32 i64 i32 i64 i32 i64) (result i32)
    (i32.add (i32.sub (local.get 6) (i32.wrap_i64 (local.get 7))) (i32.xor (local.get 0) (i32.wrap_i64 (i64.mul (local.get 5) (local.get 1))))))
  (func $many64 (param i32 i64 i32 i64 i32 i64 i32 i64) (result i64)
    (i64.add (i64.sub (i64.extend_i32_s (local.get 6)) (local.get 7)) (i64.xor (local.get 3) (i64.extend_i32_u (local.get 4)))))
  ${extended ? `${featureDeclarations(g)}\n  ` : ''}${funcs.join('\n  ')})`;
}

/** One random program: a module whose export "f" the differential test runs. */
export function program(seed: number, features: Features = {}): string {
  return programModule(seed, 1, features);
}
