// Test-only: random memory programs for memoryDifferential.test.ts. Loads and stores of every
// width through locals, locals plus constants, constants and wrapped i64s, with offsets near 0,
// 64 KiB and 4 GiB, inside ifs, blocks, loops and around calls and memory.grow. Seeded.

import { rng } from '../../testing/rng.ts';

const LOADS = ['i32.load', 'i64.load', 'f32.load', 'f64.load', 'i32.load8_s', 'i32.load8_u', 'i32.load16_s', 'i32.load16_u',
  'i64.load8_s', 'i64.load8_u', 'i64.load16_s', 'i64.load16_u', 'i64.load32_s', 'i64.load32_u'];
const STORES = ['i32.store', 'i64.store', 'f32.store', 'f64.store', 'i32.store8', 'i32.store16', 'i64.store8', 'i64.store16', 'i64.store32'];
// Each list: values that stay in bounds for most arguments, then (picked rarely) ones that do not.
const OFFSETS = [[0, 0, 0, 1, 4, 7, 16, 1000], [65528, 65535, 0xfffffff0]];
const ADDENDS = [[0, 1, 3, 4, 8, 12, -1, -4], [65530, 0x7ffffff0, -65536]];
const CONSTS = [[0, 8, 100, 4096, 65528], [65535, 65536, 131064, -8, 0x7fffffff]];

/**
 * Add what a load read to the accumulator. A float goes through memory at 24 and comes back as
 * its bits (a store and a load of floats preserve every bit, NaN payloads included).
 */
function accumulate(op: string, load: string): string {
  const add = (v: string): string => `(local.set $acc (i64.add (i64.rotl (local.get $acc) (i64.const 7)) ${v}))`;
  if (op === 'f32.load') return `(f32.store (i32.const 24) ${load}) ${add('(i64.load32_u (i32.const 24))')}`;
  if (op === 'f64.load') return `(f64.store (i32.const 24) ${load}) ${add('(i64.load (i32.const 24))')}`;
  return add(op.startsWith('i64') ? load : `(i64.extend_i32_u ${load})`);
}

/** The value a store writes: the accumulator, or for floats the bits at 32. */
function storeValue(op: string): string {
  if (op.startsWith('i64')) return '(local.get $acc)';
  if (op === 'f32.store') return '(f32.load (i32.const 32))';
  if (op === 'f64.store') return '(f64.load (i32.const 32))';
  return '(i32.wrap_i64 (local.get $acc))';
}

export function memoryProgram(seed: number): string {
  const r = rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const value = (lists: number[][]): number => pick(lists[r() < 0.04 ? 1 : 0]!);
  const address = (): string => {
    const k = r();
    if (k < 0.3) return `(local.get ${pick(['$p', '$p', '$q'])})`;
    if (k < 0.6) return `(i32.add (local.get ${pick(['$p', '$q'])}) (i32.const ${value(ADDENDS)}))`;
    if (k < 0.75) return `(i32.const ${value(CONSTS)})`;
    if (k < 0.85) return '(i32.wrap_i64 (local.get $r))';
    return `(i32.and (local.get $q) (i32.const ${pick([0xfff8, 0x1fff0, 0xffff])}))`;
  };
  const memarg = (): string => {
    const o = value(OFFSETS);
    return o === 0 ? '' : ` offset=${o}`;
  };
  const statement = (depth: number): string => {
    const k = r();
    if (k < 0.35) {
      const op = pick(LOADS);
      return accumulate(op, `(${op}${memarg()} ${address()})`);
    }
    if (k < 0.6) {
      const op = pick(STORES);
      return `(${op}${memarg()} ${address()} ${storeValue(op)})`;
    }
    if (k < 0.7) return `(local.set $p (i32.add (local.get $p) (i32.const ${pick([1, 4, 8, -4, 16])})))`;
    if (k < 0.74) return '(local.set $q (local.get $p))';
    if (k < 0.77) return '(local.set $acc (i64.add (local.get $acc) (i64.extend_i32_s (memory.grow (i32.const 1)))))';
    if (k < 0.8) return `(local.set $acc (i64.add (local.get $acc) (call $g (local.get $p) (local.get $acc))))`;
    if (depth >= 2) return '(nop)';
    const body = (): string => Array.from({ length: 1 + Math.floor(r() * 3) }, () => statement(depth + 1)).join(' ');
    if (k < 0.88) return `(if (i32.and (local.get $q) (i32.const ${1 << Math.floor(r() * 8)})) (then ${body()}) (else ${body()}))`;
    if (k < 0.94) return `(block (br_if 0 (i32.and (local.get $p) (i32.const ${1 << Math.floor(r() * 4)}))) ${body()})`;
    // Each nesting depth counts with its own local, so an inner loop cannot restart an outer one.
    const n = `$n${depth}`;
    return `(local.set ${n} (i32.const 3)) (loop $l ${body()} (local.set ${n} (i32.sub (local.get ${n}) (i32.const 1))) (br_if $l (local.get ${n})))`;
  };
  const body = Array.from({ length: 12 }, () => statement(0)).join('\n    ');
  return `(module
  (memory (export "mem") 1 3)
  (func $g (param $a i32) (param $v i64) (result i64)
    (i64.store16 offset=2 (local.get $a) (local.get $v))
    (i64.load8_u (local.get $a)))
  (func (export "f") (param $p i32) (param $q i32) (param $r i64) (result i64) (local $acc i64) (local $n0 i32) (local $n1 i32)
    ${body}
    (local.get $acc))
  (func (export "hash") (result i64) (local $i i32) (local $h i64)
    (loop $l
      (local.set $h (i64.add (i64.mul (local.get $h) (i64.const 31)) (i64.load (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (memory.size) (i32.const 16)))))
    (local.get $h)))`;
}
