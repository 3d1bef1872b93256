// A generator of random, valid programs aimed at what the code generator finds hard and binaryen's
// fuzzer rarely makes: functions with many parameters and several results, deep multi-value blocks
// (left on the stack, then taken apart through locals), many values live across calls (register
// pressure: a call in the middle of a long row of pending operands), br_table and br_if carrying
// several values, and locals updated inside (nested) counted loops. Integers and f64 only, no
// division: every program terminates and never traps, so each call compares values, not traps.
// Flat (stack-form) WAT, so values can stay on the stack across any instruction.

import { rng } from '../../testing/rng.ts';

type T = 'i32' | 'i64' | 'f64';
const TYPES: readonly T[] = ['i32', 'i64', 'f64'];
const OPS: Readonly<Record<T, readonly string[]>> = {
  i32: ['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl'],
  i64: ['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr_u', 'rotr'],
  f64: ['add', 'sub', 'mul', 'min', 'max'],
};
const CONSTS: Readonly<Record<T, readonly string[]>> = {
  i32: ['0', '1', '-1', '7', '0x7fffffff', '-2147483648', '1000003'],
  i64: ['0', '1', '-1', '9', '0x7fffffffffffffff', '-9223372036854775808', '0x123456789'],
  f64: ['0', '-0', '1.5', '-2.25', '1e300', '0x1p-1074', 'inf'],
};
/** Converts the value on top of the stack from one type to another. */
const CONVERT: Readonly<Record<T, Readonly<Record<T, string[]>>>> = {
  i32: { i32: [], i64: ['i64.extend_i32_s'], f64: ['f64.convert_i32_s'] },
  i64: { i32: ['i32.wrap_i64'], i64: [], f64: ['f64.convert_i64_s'] },
  f64: { i32: ['i32.trunc_sat_f64_s'], i64: ['i64.trunc_sat_f64_u'], f64: [] },
};
/** Scratch locals per type, enough to take apart any multi-value result. */
const SCRATCH = 6;
const MAX_RESULTS = 5;

interface Sig { readonly params: readonly T[]; readonly results: readonly T[] }

class StressGen {
  private loops = 0;
  constructor(private readonly r: () => number, private readonly helpers: Sig[]) {}
  int(n: number): number { return Math.floor(this.r() * n); }
  pick<X>(xs: readonly X[]): X { return xs[this.int(xs.length)]!; }
  types(min: number, max: number): T[] { return Array.from({ length: min + this.int(max - min + 1) }, () => this.pick(TYPES)); }

  /** Instructions that push one value of type `t`; `locals` are the readable locals by type; `callable` helpers below this one. */
  expr(t: T, d: number, locals: Readonly<Record<T, readonly string[]>>, callable: number): string[] {
    const k = d <= 0 ? this.int(2) : this.int(9);
    const sub = (u: T = t) => this.expr(u, d - 1 - this.int(2), locals, callable);
    switch (k) {
      case 0: return [`${t}.const ${this.pick(CONSTS[t])}`];
      case 1: return locals[t].length ? [`local.get ${this.pick(locals[t])}`] : [`${t}.const ${this.pick(CONSTS[t])}`];
      case 2: case 3: return [...sub(), ...sub(), `${t}.${this.pick(OPS[t])}`];
      case 4: { const u = this.pick(TYPES); return [...sub(u), ...CONVERT[u][t]]; }
      case 5: {
        if (!callable) return sub();
        const h = this.int(callable);
        const sig = this.helpers[h]!;
        return [...sig.params.flatMap((p) => sub(p)), `call $h${h}`, ...this.consume(sig.results, t)];
      }
      case 6: {
        // A row of pending operands, a call in the middle of it, then the row folded.
        const n = 3 + this.int(8);
        const row = Array.from({ length: n }, () => sub());
        const at = this.int(n);
        if (callable) {
          const h = this.int(callable);
          const sig = this.helpers[h]!;
          row[at] = [...sig.params.flatMap((p) => this.expr(p, 0, locals, 0)), `call $h${h}`, ...this.consume(sig.results, t)];
        }
        return [...row.flat(), ...Array.from({ length: n - 1 }, () => `${t}.${this.pick(OPS[t])}`)];
      }
      case 7: {
        // A multi-value block, maybe left early by br_if carrying all its values.
        const rs = this.types(2, MAX_RESULTS);
        const body = rs.flatMap((u) => sub(u));
        const exit = this.r() < 0.5 ? [...sub('i32'), 'br_if 0'] : [];
        return [`block (result ${rs.join(' ')})`, ...body, ...exit, 'end', ...this.consume(rs, t)];
      }
      default: return this.brTable(t, sub);
    }
  }

  /** br_table carrying (t, i64) to one of three nested blocks, each exit adjusting the pair differently. */
  private brTable(t: T, sub: (u?: T) => string[]): string[] {
    const pair = `(result ${t} i64)`;
    const adjust = (c: string) => [`local.set $si64_0`, `${t}.const ${c}`, `${t}.${this.pick(OPS[t])}`, 'local.get $si64_0', `i64.const ${c}`, 'i64.xor'];
    const targets = Array.from({ length: 2 + this.int(5) }, () => this.int(3)).join(' ');
    return [
      `block ${pair}`, `block ${pair}`, `block ${pair}`,
      ...sub(), ...sub('i64'), ...sub('i32'), `br_table ${targets}`,
      'end', ...adjust('3'), 'end', ...adjust('5'), 'end',
      ...this.consume([t, 'i64'], t),
    ];
  }

  /** Instructions that take `types` off the stack (top last) and leave one `t` made of all of them. */
  consume(types: readonly T[], t: T): string[] {
    const used: Record<T, number> = { i32: 0, i64: 0, f64: 0 };
    const names = types.map((u) => `$s${u}_${used[u]++}`);
    const out = [...names].reverse().map((n) => `local.set ${n}`);
    names.forEach((n, i) => {
      out.push(`local.get ${n}`, ...CONVERT[types[i]!][t]);
      if (i > 0) out.push(t === 'f64' ? 'f64.add' : `${t}.xor`);
    });
    return out;
  }

  /** A statement over the function's mutable locals: an assignment or a counted loop of statements. */
  statement(locals: Readonly<Record<T, readonly string[]>>, callable: number, loopDepth: number): string[] {
    if (loopDepth < 2 && this.r() < 0.25) {
      const c = `$c${this.loops++}`;
      const body = Array.from({ length: 1 + this.int(3) }, () => this.statement(locals, callable, loopDepth + 1)).flat();
      return ['i32.const 3', `local.set ${c}`, 'loop', ...body,
        `local.get ${c}`, 'i32.const 1', 'i32.sub', `local.tee ${c}`, 'br_if 0', 'end'];
    }
    const t = this.pick(TYPES);
    const target = this.pick(locals[t]);
    return [...this.expr(t, 2 + this.int(3), locals, callable), `local.set ${target}`];
  }
  get loopCounters(): number { return this.loops; }
}

const scratchDecl = TYPES.flatMap((t) => Array.from({ length: SCRATCH }, (_, i) => `(local $s${t}_${i} ${t})`)).join(' ');

/** One stress module for `seed`: helpers $h0.. (each may call the ones before it) and an exported "f". */
export function stressProgram(seed: number): string {
  const r = rng(seed * 7919 + 13);
  const helpers: Sig[] = [];
  const g = new StressGen(r, helpers);
  const funcs: string[] = [];
  const helperCount = 2 + g.int(5);
  for (let h = 0; h < helperCount; h++) {
    const sig: Sig = { params: g.types(1, 20), results: g.types(1, MAX_RESULTS) };
    const locals: Record<T, string[]> = { i32: [], i64: [], f64: [] };
    sig.params.forEach((p, i) => locals[p].push(`$p${i}`));
    const body = sig.results.flatMap((t) => g.expr(t, 3, locals, h));
    const params = sig.params.map((p, i) => `(param $p${i} ${p})`).join(' ');
    const exported = h >= helperCount - 2 ? ` (export "h${h}")` : '';
    funcs.push(`(func $h${h}${exported} ${params} (result ${sig.results.join(' ')}) ${scratchDecl}\n    ${body.join('\n    ')})`);
    helpers.push(sig);
  }
  // f: many locals of each type (more than there are registers), statements, then every local folded into the result.
  const locals: Record<T, string[]> = { i32: ['$a', '$c'], i64: ['$b'], f64: [] };
  const decl: string[] = [];
  for (const t of TYPES) {
    for (let i = 0; i < 6; i++) {
      locals[t].push(`$${t}_${i}`);
      decl.push(`(local $${t}_${i} ${t})`);
    }
  }
  const body = Array.from({ length: 4 + g.int(6) }, () => g.statement(locals, helperCount, 0)).flat();
  const counters = Array.from({ length: g.loopCounters }, (_, i) => `(local $c${i} i32)`).join(' ');
  const fold = TYPES.flatMap((t) => locals[t].flatMap((l) => [`local.get ${l}`, ...CONVERT[t].i64, 'i64.add']));
  funcs.push(`(func (export "f") (param $a i32) (param $b i64) (param $c i32) (result i64) ${decl.join(' ')} ${counters} ${scratchDecl}
    ${body.join('\n    ')}
    i64.const 0
    ${fold.join('\n    ')})`);
  return `(module\n  ${funcs.join('\n  ')})\n`;
}
