// Linear memory against V8 on the cases the bounds-check logic must get right: a local plus a
// constant that wraps at 32 bits, an i32 address from an i64 with its upper half set, facts
// that must not cross a merge or a loop head, locals zero-extended in place across calls,
// locals written by 32-bit instructions used as addresses with no zero extension, spilled
// addresses, huge offsets, constant addresses around the minimum size and after memory.grow.
// Results and traps must agree; the counts of removed checks are pinned too.
import { describe, expect, it } from 'vitest';
import { watToWasm } from '../text/watToWasm.ts';
import { Instance } from '../runtime/instance.ts';
import { compileModule } from './moduleCompiler.ts';

type Fn = (...a: unknown[]) => unknown;
type Outcome = { trap: string } | { value: string };
function run(f: Fn, args: unknown[]): Outcome {
  try {
    return { value: String(f(...args)) };
  } catch (e) {
    return { trap: /out of bounds/.test((e as Error).message) ? 'oob' : (e as Error).message };
  }
}

/** Compile `wat` with V8 and with us; call export `f` with each argument tuple; compare. */
async function agree(wat: string, argSets: unknown[][]): Promise<Outcome[]> {
  const bytes = await watToWasm(wat, { names: true });
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource)).exports;
  const ours = new Instance(compileModule(bytes)).exports;
  const seen: Outcome[] = [];
  for (const args of argSets) {
    const want = run(v8.f as Fn, args);
    const got = run(ours.f as Fn, args);
    expect(got, `f(${args.join(', ')})`).toEqual(want);
    seen.push(got);
  }
  return seen;
}

/** Memory of one page whose byte i is (i * 7 + 3) & 255, so loads see distinct values. */
const PATTERN = `(memory 1)
  (func $init (local $i i32)
    (loop $l
      (i32.store8 (local.get $i) (i32.add (i32.mul (local.get $i) (i32.const 7)) (i32.const 3)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 65536)))))
  (start $init)`;

const EDGES = [0, 1, 4, 100, 65528, 65532, 65535, 65536, -1, -4, -5, 0x7fffffff, -0x80000000];

describe('memory: addresses and bounds checks agree with V8', () => {
  it('a local plus a constant wraps at 32 bits (not folded unless proven)', async () => {
    const out = await agree(`(module ${PATTERN}
      (func (export "f") (param i32) (result i32)
        (i32.add (i32.load16_u (i32.add (local.get 0) (i32.const 5)))
                 (i32.load16_u offset=2 (i32.add (local.get 0) (i32.const -3))))
        ;; Within the end checked for p + 5: at (p + 5) + 1 without a check, wrapped or not.
        (i32.add (i32.load8_u (i32.add (local.get 0) (i32.const 6))))))`, [...EDGES, -5, -6, -7, 65529, 65530].map((p) => [p]));
    expect(out.some((o) => 'value' in o)).toBe(true);
    expect(out.some((o) => 'trap' in o)).toBe(true);
  });

  it('after a check on p, p + c folds only within the checked end', async () => {
    await agree(`(module ${PATTERN}
      (func (export "f") (param i32) (result i32)
        (i32.load offset=16 (local.get 0))
        (i32.add (i32.load (i32.add (local.get 0) (i32.const 4))))
        (i32.add (i32.load (i32.add (local.get 0) (i32.const 40))))
        (i32.add (i32.load (i32.add (local.get 0) (i32.const -4))))))`, [...EDGES, 65516, 65515, 65496, 65492, 3].map((p) => [p]));
  });

  it('an i32 address wrapped from an i64 ignores the upper half', async () => {
    await agree(`(module ${PATTERN}
      (func (export "f") (param i64) (result i32) (local $q i32)
        ;; $q's register gets the i64's upper half too (moves copy whole registers).
        (local.set $q (i32.wrap_i64 (local.get 0)))
        (i32.add (i32.load8_u (i32.wrap_i64 (local.get 0)))
                 (i32.load8_u (i32.wrap_i64 (i64.add (local.get 0) (i64.const 0x100000001)))))
        (i32.add (i32.load8_u offset=1 (local.get $q)))))`,
    [[0n], [4n], [0x100000004n], [-1n], [0xffff_0000_ffffn], [65535n], [0x7fff_ffff_0000_0010n]]);
  });

  it('a local written by a 32-bit instruction is used as an address without zero extension', async () => {
    // Each write of $q below is a 32-bit instruction (mov, lea, add in place), which clears the
    // upper half that the i64 parameter brought into the registers: the accesses through $q that
    // follow on the same straight line use its register as it is (zero-extension.wat).
    await agree(`(module ${PATTERN}
      (func (export "f") (param $x i64) (result i32) (local $q i32) (local $s i32)
        (local.set $q (i32.wrap_i64 (local.get $x)))
        (local.set $s (i32.load8_u (local.get $q)))
        (local.set $q (i32.add (local.get $q) (i32.const 3)))
        (local.set $s (i32.add (local.get $s) (i32.load8_u offset=1 (local.get $q))))
        (i32.store8 (local.tee $q (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 8)))) (local.get $s))
        (local.set $q (local.get $q))
        (i32.add (local.get $s) (i32.load16_u (local.get $q)))))`,
    [[0n], [0x1_0000_0010n], [-1n], [0xffff_ffff_0000_fff0n], [0x1234_5678_0000_1000n], [0x00ff_ff00n]]);
  });

  it('a parameter is zero-extended before its first access, whatever else was written', async () => {
    // $p arrives as the caller left it: here the low half of an i64, the upper half still in the
    // register. Only $q is written, so $p's register is zero-extended before it is an address.
    await agree(`(module ${PATTERN}
      (func $g (param $p i32) (result i32) (local $q i32)
        (local.set $q (i32.const 1))
        (i32.add (local.get $q) (i32.load8_u offset=8 (local.get $p))))
      (func (export "f") (param $x i64) (result i32)
        (call $g (i32.wrap_i64 (local.get $x)))))`,
    [[0n], [-1n], [-8n], [-9n], [0x1_0000_fff0n], [0xffff_ffff_0000_0010n], [0x7fffffffn]]);
  });

  it('a check in one arm, or before a loop, proves nothing at the merge or the loop head', async () => {
    await agree(`(module ${PATTERN}
      (func (export "f") (param $p i32) (param $c i32) (result i32) (local $s i32)
        (if (local.get $c)
          (then (local.set $s (i32.load offset=100 (local.get $p))))
          (else (local.set $s (i32.load8_u offset=100 (local.get $p)))))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
        (loop $l
          (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $s) (i32.const 5000))))
        (local.get $s)))`, [[0, 0], [0, 1], [65400, 0], [65400, 1], [65440, 0], [65434, 1], [65530, 1], [-1, 0]]);
  });

  it('a check before a loop proves nothing at its head (the back edge brings a new p)', async () => {
    await agree(`(module ${PATTERN}
      (func (export "f") (param $p i32) (result i32) (local $s i32)
        (local.set $s (i32.load8_u (local.get $p)))
        (loop $l
          (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $s) (i32.const 5000))))
        (local.get $s)))`, [[0], [65000], [65530], [65535]]);
  });

  it('a local zero-extended in place keeps its value across calls and writes', async () => {
    await agree(`(module ${PATTERN}
      (func $g (param i32) (result i32) (i32.load8_u (local.get 0)))
      (func (export "f") (param $p i32) (result i32) (local $s i32)
        (local.set $s (i32.load8_u (local.get $p)))
        (local.set $s (i32.add (local.get $s) (call $g (i32.add (local.get $p) (i32.const 1)))))
        (local.set $s (i32.add (local.get $s) (i32.load8_u offset=2 (local.get $p))))
        (local.set $p (i32.sub (local.get $p) (i32.const 3)))
        (i32.add (local.get $s) (i32.load8_u offset=2 (local.get $p)))))`, EDGES.map((p) => [p]));
  });

  it('a spilled address, huge offsets, and every store width', async () => {
    const deep = (n: number): string => (n === 0 ? '(local.get 1)' : `(i32.add (i32.mul (local.get 1) (i32.const ${n})) ${deep(n - 1)})`);
    await agree(`(module ${PATTERN}
      (func (export "f") (param $p i32) (param $v i32) (result i64)
        (i32.store16 (i32.add (local.get $p) (local.get $v)) ${deep(20)})
        (i64.store32 offset=8 (local.get $p) (i64.extend_i32_s (local.get $v)))
        (i32.store8 offset=13 (local.get $p) (local.get $v))
        (i64.add (i64.load offset=6 (local.get $p))
                 (i64.extend_i32_u (i32.load offset=0xfffffff0 (local.get $p))))))`,
    [[0, 1], [100, 7], [65520, 0], [65521, 0], [65500, 3], [-16, 0], [0x7fffffff, 1]]);
  });

  it('range facts: an address that only looks small is still checked', async () => {
    // x & 0x1ffff and x >> 15 reach past the one page; x & 0xffff does too for a 4-byte load; a
    // byte, x & 63 + 1024 and x % 1000 * 4 do not (those go unchecked). Each must trap exactly as V8 does.
    const out = await agree(`(module ${PATTERN}
      (func (export "f") (param $x i32) (result i32) (local $b i32)
        (i32.load8_u (i32.and (local.get $x) (i32.const 0x1ffff)))
        (i32.add (i32.load (i32.and (local.get $x) (i32.const 0xffff))))
        (i32.add (i32.load8_u (i32.shr_u (local.get $x) (i32.const 15))))
        (i32.add (i32.load16_u offset=65000 (i32.load8_u (i32.and (local.get $x) (i32.const 0xfff)))))
        (i32.add (i32.load8_u (i32.add (i32.and (local.get $x) (i32.const 63)) (i32.const 1024))))
        (i32.add (i32.load (i32.shl (i32.rem_u (local.get $x) (i32.const 1000)) (i32.const 2))))
        ;; A local's fact: b = x & 255 is a byte; b + 65281 ends one past the page.
        (local.set $b (i32.and (local.get $x) (i32.const 255)))
        (i32.add (i32.load8_u (i32.add (local.get $b) (i32.const 65280))))
        (i32.add (i32.load8_u (i32.add (local.get $b) (i32.const 65281))))))`,
    [0, 1, 0xfe, 0xff, 0x7fff, 0xfffc, 0xfffd, 0xffff, 0x10000, 0x1ffff, 0x7fffffff, -1, 0x8000ff00].map((x) => [x]));
    expect(out.some((o) => 'value' in o)).toBe(true);
    expect(out.some((o) => 'trap' in o)).toBe(true);
  });

  it('range facts of a local end where it is written and at merges and loop heads', async () => {
    await agree(`(module ${PATTERN}
      (func (export "f") (param $x i32) (param $c i32) (result i32) (local $b i32) (local $s i32)
        (local.set $b (i32.and (local.get $x) (i32.const 63)))
        (if (local.get $c) (then (local.set $b (local.get $x))))
        (local.set $s (i32.load8_u (local.get $b)))
        (local.set $b (i32.and (local.get $x) (i32.const 63)))
        (local.set $b (i32.add (local.get $b) (local.get $x)))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $b))))
        (local.set $b (i32.const 0))
        (loop $l
          (local.set $s (i32.add (local.get $s) (i32.load8_u offset=65000 (local.get $b))))
          (local.set $b (i32.add (local.get $b) (i32.const 256)))
          (br_if $l (i32.lt_u (local.get $b) (local.get $c))))
        (local.get $s)))`,
    [[1, 0], [70000, 0], [70000, 1], [100, 1], [5, 512], [5, 1024], [5, 600], [0x10000, 0], [-1, 0]]);
  });

  it('constant addresses around the minimum size, then after memory.grow', async () => {
    const out = await agree(`(module ${PATTERN}
      (func (export "f") (param $grow i32) (param $at i32) (result i32)
        (if (local.get $grow) (then (drop (memory.grow (i32.const 1)))))
        (i32.add (i32.load (i32.const 65532))
          (if (result i32) (i32.eq (local.get $at) (i32.const 1))
            (then (i32.load (i32.const 65533)))
            (else (if (result i32) (i32.eq (local.get $at) (i32.const 2))
              (then (i32.load offset=65536 (i32.const 100)))
              (else (i32.load offset=0xffffffff (i32.const 1)))))))))`,
    [[0, 0], [0, 1], [0, 2], [1, 1], [0, 1], [0, 2], [0, 0]]);
    expect(out.filter((o) => 'value' in o).length).toBeGreaterThan(0);
  });
});

describe('memory: bounds checks removed', () => {
  it('counts checks kept and removed over a module', async () => {
    const count = async (body: string) =>
      compileModule(await watToWasm(`(module (memory 1) (func (param $p i32) (param $q i32) (result i32) ${body}))`)).boundsChecks;
    // One check on p + 12 covers the three narrower accesses after it.
    expect(await count(`(i32.load offset=8 (local.get $p))
      (i32.add (i32.load (local.get $p))) (i32.add (i32.load offset=4 (local.get $p))) (i32.add (i32.load8_u offset=11 (local.get $p)))`))
      .toEqual({ kept: 1, removed: 3 });
    // Writing p forgets it; q is its own base.
    expect(await count(`(i32.load (local.get $p)) (local.set $p (local.get $q)) (i32.add (i32.load (local.get $p)))
      (i32.add (i32.load (local.get $q)))`)).toEqual({ kept: 3, removed: 0 });
    // Constant addresses: below the minimum size none; beyond it one, which covers what ends below.
    expect(await count(`(i32.load (i32.const 65532)) (i32.add (i32.load (i32.const 70000))) (i32.add (i32.load (i32.const 69000)))`))
      .toEqual({ kept: 1, removed: 2 });
    // A local plus a constant is a base of its own: read-modify-write of p[2] checks once.
    expect(await count(`(i32.store (i32.add (local.get $p) (i32.const 8)) (i32.add (i32.load (i32.add (local.get $p) (i32.const 8))) (i32.const 1)))
      (i32.load16_u (i32.add (local.get $p) (i32.const 10)))`)).toEqual({ kept: 1, removed: 2 });
    // Range facts: x & 63 + 1024, a byte's table entry and x % 1000 * 4 need no check; x & 0xffff as a 4-byte address does.
    expect(await count(`(i32.load8_u (i32.add (i32.and (local.get $p) (i32.const 63)) (i32.const 1024)))
      (i32.add (i32.load offset=4096 (i32.shl (i32.load8_u (local.get $q)) (i32.const 2))))
      (i32.add (i32.load (i32.shl (i32.rem_u (local.get $p) (i32.const 1000)) (i32.const 2))))
      (i32.add (i32.load (i32.and (local.get $p) (i32.const 0xffff))))`)).toEqual({ kept: 2, removed: 3 });
    // A merge forgets: the access after the if is checked again.
    expect(await count(`(i32.load (local.get $p)) (if (local.get $q) (then (nop))) (i32.add (i32.load (local.get $p)))`))
      .toEqual({ kept: 2, removed: 0 });
  });
});
