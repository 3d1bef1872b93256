// A generator of random, valid integer programs (wat text) for differential testing against V8:
// expressions over i32/i64, locals, blocks with results, br_if/br_table carrying values, if/else,
// select, a call with three results, and right-nested chains that keep many values live.

import { rng } from '../../testing/rng.ts';

type T = 'i32' | 'i64';

// #region program-generator
export class Gen {
  private inLoop = false;
  /** `tables`: also call_indirect, table.get/set, ref.func, ref.is_null (the module needs TABLE_DECLS). */
  constructor(private readonly r: () => number, private readonly tables = false) {}
  pick<X>(xs: readonly X[]): X { return xs[Math.floor(this.r() * xs.length)]!; }
  int(n: number): number { return Math.floor(this.r() * n); }

  constant(t: T): string {
    const v = this.pick(['0', '1', '-1', '2', '7', '31', '32', '63', '-2147483648', '2147483647', '0x7f', '-13', '1000003', '0xff00']);
    if (t === 'i64' && this.r() < 0.3) return `(i64.const ${this.pick(['-9223372036854775808', '9223372036854775807', '0x100000000', '-4294967296', '123456789012'])})`;
    return `(${t}.const ${v})`;
  }
  leaf(t: T): string {
    if (this.r() < 0.4) return this.constant(t);
    return `(local.get ${t === 'i32' ? this.pick([0, 2, 3, 4]) : this.pick([1, 5, 6])})`;
  }
  expr(t: T, d: number): string {
    if (d <= 0) return this.leaf(t);
    const k = this.int(20);
    const e = (tt: T = t) => this.expr(tt, d - 1 - this.int(2));
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
      case 8:
        return `(local.tee ${t === 'i32' ? this.pick([3, 4]) : this.pick([5, 6])} ${e()})`;
      case 9:
        return `(block (result ${t}) (drop (br_if 0 ${e()} ${e('i32')})) ${e()})`;
      case 10:
        return `(if (result ${t}) ${e('i32')} (then ${e()}) (else ${e()}))`;
      case 11:
        return `(block (result ${t}) (${t}.add (block (result ${t}) (br_table 0 1 0 ${e()} ${e('i32')})) ${e()}))`;
      case 12:
        // multi-value: a call with three results (the last two through the return area).
        return t === 'i64'
          ? `(block (result i64) (call $multi ${e('i32')} ${e('i64')}) (i32.add) (i64.extend_i32_u) (i64.add))`
          : `(block (result i32) (call $multi ${e('i32')} ${e('i64')}) (i32.sub) (local.set 4) (i32.wrap_i64) (local.get 4) (i32.xor))`;
      case 13:
        if (this.tables) return this.tableExpr(t, e);
        return this.chain(t, d, e);
      case 14: {
        // A counted loop with a parameter (local 7 is the counter, nothing else writes it).
        if (this.inLoop) return e();
        this.inLoop = true;
        const body = `(${t}.add ${e()})`;
        const s = `(block (result ${t}) (local.set 7 (i32.const 3)) ${e()} (loop (param ${t}) (result ${t}) ${body} (br_if 0 (local.tee 7 (i32.sub (local.get 7) (i32.const 1))))))`;
        this.inLoop = false;
        return s;
      }
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
      case 18: {
        // x = x op y, and x = y op x, with x possibly also read before (a deferred copy to settle).
        const x = t === 'i32' ? this.pick([3, 4]) : this.pick([5, 6]);
        const op = this.pick(['add', 'sub', 'mul', 'and', 'or', 'xor']);
        const upd = this.r() < 0.5 ? `(${t}.${op} (local.get ${x}) ${e()})` : `(${t}.${op} ${e()} (local.get ${x}))`;
        const set = `(block (result ${t}) (local.set ${x} ${upd}) (local.get ${x}))`;
        return this.r() < 0.5 ? set : `(${t}.sub (local.get ${x}) ${set})`;
      }
      default:
        return this.chain(t, d, e);
    }
  }

  /** A right-nested chain keeps many values live at once: registers run out and spill. */
  private chain(t: T, d: number, e: (tt?: T) => string): string {
    if (d > 3 || d < 2) return `(${t}.add ${e()} ${e()})`;
    let s = e();
    for (let i = 0; i < 12; i++) s = `(${t}.${this.pick(['add', 'xor', 'sub'])} ${this.expr(t, 1)} ${s})`;
    return s;
  }

  /**
   * Through the table of TABLE_DECLS (elements 0-3 set, 4-5 null, 6-7 out of bounds): indirect
   * calls that may trap (type mismatch, null, bounds), reads and writes of elements, grow,
   * size, fill and copy.
   */
  private tableExpr(t: T, e: (tt?: T) => string): string {
    const index = this.r() < 0.85 ? `(i32.and ${e('i32')} (i32.const 7))` : e('i32');
    const many = `${e('i32')} ${e('i64')} ${e('i32')} ${e('i64')} ${e('i32')} ${e('i64')} ${e('i32')} ${e('i64')}`;
    const ref = (): string => this.pick(['(ref.func $un32)', '(ref.func $many32)', '(ref.null func)', `(table.get 0 (i32.and ${e('i32')} (i32.const 3)))`]);
    const small = (): string => `(i32.and ${e('i32')} (i32.const 3))`;
    switch (this.int(6)) {
      case 0:
        return t === 'i32'
          ? `(call_indirect (type $tmany32) ${many} ${index})`
          : `(call_indirect (type $tmany64) ${many} ${index})`;
      case 1:
        return t === 'i32'
          ? `(call_indirect (type $tun) ${e()} ${index})`
          : `(block (result i64) (call_indirect (type $tmulti) ${e('i32')} ${e('i64')} ${index}) (i32.add) (i64.extend_i32_u) (i64.add))`;
      case 2:
        return `(block (result ${t}) (table.set 0 ${index} ${ref()}) ${e()})`;
      case 3: {
        // Builtins: the table index goes in under operands that may be anywhere (spilled too).
        const grown = `(table.grow 0 ${ref()} ${small()})`;
        const size = '(table.size 0)';
        return t === 'i32' ? `(i32.add ${this.pick([grown, size])} ${e()})` : `(i64.sub ${e()} (i64.extend_i32_s ${this.pick([grown, size])}))`;
      }
      case 4: {
        const op = this.r() < 0.5 ? `(table.fill 0 ${index} ${ref()} ${small()})` : `(table.copy 0 0 ${index} ${small()} ${small()})`;
        return `(block (result ${t}) ${op} ${e()})`;
      }
      default: {
        const isNull = `(ref.is_null (table.get 0 ${index}))`;
        return t === 'i32' ? `(i32.add ${isNull} ${e()})` : `(select ${e()} ${e()} ${isNull})`;
      }
    }
  }
}

/** What tableExpr expects in the module (next to the helpers of programModule). */
const TABLE_DECLS = `(type $tun (func (param i32) (result i32)))
  (type $tmulti (func (param i32 i64) (result i64 i32 i32)))
  (type $tmany32 (func (param i32 i64 i32 i64 i32 i64 i32 i64) (result i32)))
  (type $tmany64 (func (param i32 i64 i32 i64 i32 i64 i32 i64) (result i64)))
  (func $un32 (type $tun) (i32.sub (i32.const 41) (local.get 0)))
  (table 6 funcref)
  (elem (i32.const 0) $many32 $many64 $un32 $multi)`;
// #endregion program-generator

/** A random function named `name` whose result type and body come from `g`. */
function randomFunction(g: Gen, name: string): string {
  const t: T = g.pick(['i32', 'i64']);
  // Keep programs small enough for wabt's parser (deep nesting overflows its stack).
  let body = g.expr(t, 5);
  while (body.length > 30000) body = g.expr(t, 4);
  return `(func (export "${name}") (param i32 i64 i32) (result ${t}) (local i32 i32 i64 i64 i32)
    ${body})`;
}

/** A module of `count` random functions ("f" alone, or "f0", "f1", ...) and the helpers they call. */
export function programModule(seed: number, count = 1, tables = false): string {
  const g = new Gen(rng(seed), tables);
  const funcs = Array.from({ length: count }, (_, i) => randomFunction(g, count === 1 ? 'f' : `f${i}`));
  return `(module
  (func $multi (param i32 i64) (result i64 i32 i32)
    (i64.add (local.get 1) (i64.extend_i32_s (local.get 0))) (local.get 0) (i32.const 5))
  (global $gi32 (mut i32) (i32.const 7))
  (global $gi64 (mut i64) (i64.const -9))
  (func $many32 (param i32 i64 i32 i64 i32 i64 i32 i64) (result i32)
    (i32.add (i32.sub (local.get 6) (i32.wrap_i64 (local.get 7))) (i32.xor (local.get 0) (i32.wrap_i64 (i64.mul (local.get 5) (local.get 1))))))
  (func $many64 (param i32 i64 i32 i64 i32 i64 i32 i64) (result i64)
    (i64.add (i64.sub (i64.extend_i32_s (local.get 6)) (local.get 7)) (i64.xor (local.get 3) (i64.extend_i32_u (local.get 4)))))
  ${tables ? `${TABLE_DECLS}\n  ` : ''}${funcs.join('\n  ')})`;
}

/** One random program: a module whose export "f" the differential test runs. */
export function program(seed: number): string {
  return programModule(seed);
}

/** One random program that also uses a table: call_indirect, table.get/set/grow/size/fill/copy, ref.func, ref.is_null. */
export function tableProgram(seed: number): string {
  return programModule(seed, 1, true);
}
