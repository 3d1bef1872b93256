// memory64, table64 and multi-memory run natively: i64 addresses checked in all 64 bits, and
// memories other than memory 0 reached through the VMContext. Node 20's V8 has neither proposal
// without a flag, so the expected values are written out. The cases are the ones a
// 32-bit check would get wrong: addresses of 2^32 and more (a zero extension would drop the
// upper half), of 2^63 and more (a signed compare would let them through), address plus offset
// past 2^64 (the carry), offsets above 2^32, and i64 sizes from memory.size, memory.grow and
// table.size/grow; and, with three memories, each operator reaching its own memory and bounds.
import { describe, expect, it } from 'vitest';
import { watToWasm } from '../text/watToWasm.ts';
import { Instance } from '../runtime/instance.ts';
import { compileModule } from './moduleCompiler.ts';

type Fn = (...a: unknown[]) => unknown;

/** wabt's own validator knows no multi-memory: ours checks the module. */
async function instantiate(wat: string): Promise<Record<string, Fn>> {
  const bytes = await watToWasm(wat, { validate: false });
  return new Instance(compileModule(bytes)).exports as Record<string, Fn>;
}

function trapOf(f: () => unknown): string {
  try {
    return `returned ${String(f())}`;
  } catch (e) {
    return (e as Error).message;
  }
}

const OOB = /out of bounds memory access/;
const TOP = -(2n ** 63n); // 2^63 as an i64 argument

describe('memory64', () => {
  const module = instantiate(`(module
    (memory i64 1 3)
    (data (i64.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08")
    (data (i64.const 65528) "\\11\\12\\13\\14\\15\\16\\17\\18")
    (func (export "load32") (param i64) (result i32) (i32.load (local.get 0)))
    (func (export "load8") (param i64) (result i32) (i32.load8_u (local.get 0)))
    (func (export "load64_at_4") (param i64) (result i64) (i64.load offset=4 (local.get 0)))
    (func (export "load8_far") (param i64) (result i32) (i32.load8_u offset=0x100000000 (local.get 0)))
    (func (export "load8_top") (param i64) (result i32) (i32.load8_u offset=0xffffffffffffffff (local.get 0)))
    (func (export "load_const_high") (result i32) (i32.load (i64.const 0x100000000)))
    (func (export "store16") (param i64 i32) (i32.store16 (local.get 0) (local.get 1)))
    (func (export "size") (result i64) (memory.size))
    (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
    (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2))))`);

  it('loads and stores in bounds, with data segments at i64 offsets', async () => {
    const m = await module;
    expect(m.load32!(0n)).toBe(0x04030201);
    expect(m.load64_at_4!(65524n)).toBe(0x1817161514131211n);
    m.store16!(65534n, 0xabcd);
    expect(m.load8!(65535n)).toBe(0xab);
  });

  it('traps on addresses a 32-bit check would pass: 2^32 + a, 2^63 and up, the carry past 2^64', async () => {
    const m = await module;
    expect(trapOf(() => m.load32!(65533n))).toMatch(OOB);
    expect(trapOf(() => m.load32!(2n ** 32n))).toMatch(OOB); // zero extension would read byte 0
    expect(trapOf(() => m.load8!(2n ** 32n))).toMatch(OOB);
    expect(trapOf(() => m.load32!(TOP))).toMatch(OOB); // a signed compare would let 2^63 through
    expect(trapOf(() => m.load32!(-1n))).toMatch(OOB);
    expect(trapOf(() => m.load64_at_4!(-4n))).toMatch(OOB); // 2^64 - 4 + 4 + 8 wraps to 8
    expect(trapOf(() => m.load8_far!(0n))).toMatch(OOB);
    expect(trapOf(() => m.load8_top!(1n))).toMatch(OOB);
    expect(trapOf(() => m.load_const_high!())).toMatch(OOB);
  });

  it('memory.size and memory.grow are i64, bulk operators take i64 addresses and lengths', async () => {
    const m = await module;
    expect(m.size!()).toBe(1n);
    expect(m.grow!(1n)).toBe(1n);
    expect(m.size!()).toBe(2n);
    expect(m.grow!(2n)).toBe(-1n); // past the maximum of 3
    expect(m.grow!(2n ** 40n)).toBe(-1n);
    expect(m.grow!(-1n)).toBe(-1n);
    expect(m.load8!(65536n + 100n)).toBe(0);
    m.fill!(131070n, 0x5a, 2n);
    expect(m.load8!(131071n)).toBe(0x5a);
    expect(trapOf(() => m.fill!(131071n, 1, 2n))).toMatch(OOB);
    expect(trapOf(() => m.fill!(0n, 1, -1n))).toMatch(OOB);
    m.copy!(65536n, 0n, 4n);
    expect(m.load32!(65536n)).toBe(0x04030201);
    expect(trapOf(() => m.copy!(0n, 2n ** 32n, 1n))).toMatch(OOB);
  });
});

describe('table64', () => {
  const module = instantiate(`(module
    (type $t (func (result i32)))
    (table $tab i64 2 4 funcref)
    (elem (table $tab) (i64.const 0) func $one $two)
    (func $one (result i32) (i32.const 1))
    (func $two (result i32) (i32.const 2))
    (func (export "call") (param i64) (result i32) (call_indirect $tab (type $t) (local.get 0)))
    ;; Arguments that swap registers: the index joins the parallel move that breaks the cycle.
    (type $sub (func (param i64 i64) (result i64)))
    (elem (table $tab) (i64.const 1) func $minus)
    (func $minus (param i64 i64) (result i64) (i64.sub (local.get 0) (local.get 1)))
    (func (export "swapped") (param i64 i64 i64) (result i64) (call_indirect $tab (type $sub) (local.get 1) (local.get 0) (local.get 2)))
    (func (export "is_null") (param i64) (result i32) (ref.is_null (table.get $tab (local.get 0))))
    (func (export "size") (result i64) (table.size $tab))
    (func (export "grow") (param i64) (result i64) (table.grow $tab (ref.null func) (local.get 0))))`);

  it('call_indirect, table.get, size and grow with i64 indices', async () => {
    const m = await module;
    expect(m.call!(0n)).toBe(1);
    expect(m.swapped!(1n, 10n, 1n)).toBe(9n);
    expect(trapOf(() => m.swapped!(1n, 10n, 2n ** 32n + 1n))).toMatch(/undefined element/); // not element 1
    expect(trapOf(() => m.call!(1n))).toMatch(/indirect call type mismatch/); // $minus replaced $two
    expect(trapOf(() => m.call!(2n))).toMatch(/undefined element/);
    expect(trapOf(() => m.call!(2n ** 32n))).toMatch(/undefined element/); // the low half is 0
    expect(trapOf(() => m.call!(TOP))).toMatch(/undefined element/);
    expect(m.is_null!(1n)).toBe(0);
    expect(trapOf(() => m.is_null!(2n ** 32n + 1n))).toMatch(/out of bounds table access/);
    expect(m.size!()).toBe(2n);
    expect(m.grow!(2n)).toBe(2n);
    expect(m.grow!(1n)).toBe(-1n);
    expect(m.size!()).toBe(4n);
    expect(m.is_null!(3n)).toBe(1);
  });
});

describe('multi-memory', () => {
  // Memory 1 is a memory64 memory, memory 2 a 32-bit one: each access goes to its own memory,
  // with its own bounds, whatever memory 0's size.
  const module = instantiate(`(module
    (memory $a 1)
    (memory $b i64 1 2)
    (memory $c 2 4)
    (data $seg "\\01\\02\\03\\04")
    (func (export "init") (memory.init $c $seg (i32.const 65536) (i32.const 0) (i32.const 4)))
    (func (export "store_b") (param i64 i32) (i32.store $b (local.get 0) (local.get 1)))
    (func (export "load_a") (param i32) (result i32) (i32.load $a (local.get 0)))
    (func (export "load_b") (param i64) (result i32) (i32.load $b (local.get 0)))
    (func (export "load_c") (param i32) (result i32) (i32.load $c (local.get 0)))
    (func (export "load_c_high") (result i32) (i32.load8_u $c (i32.const 131071)))
    (func (export "sizes") (result i32)
      (i32.add (i32.add (memory.size $a) (i32.wrap_i64 (memory.size $b))) (i32.mul (memory.size $c) (i32.const 100))))
    (func (export "grow_b") (param i64) (result i64) (memory.grow $b (local.get 0)))
    (func (export "grow_c") (param i32) (result i32) (memory.grow $c (local.get 0)))
    (func (export "fill_c") (param i32 i32 i32) (memory.fill $c (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy_c_to_b") (param i64 i32 i32) (memory.copy $b $c (local.get 0) (local.get 1) (local.get 2))))`);

  it('loads, stores, size, grow, fill, copy and init each reach their own memory', async () => {
    const m = await module;
    expect(m.sizes!()).toBe(1 + 1 + 200);
    m.init!();
    expect(m.load_c!(65536)).toBe(0x04030201);
    expect(m.load_a!(65532)).toBe(0); // memory 0 untouched
    m.store_b!(65532n, 0x11223344);
    expect(m.load_b!(65532n)).toBe(0x11223344);
    expect(m.load_c!(65532)).toBe(0);
    expect(m.load_c_high!()).toBe(0);
    // Each memory's own size bounds its accesses.
    expect(trapOf(() => m.load_a!(65533))).toMatch(OOB);
    expect(trapOf(() => m.load_b!(65533n))).toMatch(OOB);
    expect(trapOf(() => m.load_b!(2n ** 32n))).toMatch(OOB);
    expect(m.load_c!(131068)).toBe(0);
    expect(trapOf(() => m.load_c!(131069))).toMatch(OOB);
    expect(trapOf(() => m.load_c!(-1))).toMatch(OOB);
    expect(m.grow_c!(2)).toBe(2);
    expect(m.grow_c!(1)).toBe(-1);
    expect(m.load_c!(262140)).toBe(0);
    expect(m.grow_b!(1n)).toBe(1n);
    expect(m.grow_b!(1n)).toBe(-1n);
    expect(m.sizes!()).toBe(1 + 2 + 400);
    m.fill_c!(10, 0x7f, 4);
    expect(m.load_c!(10)).toBe(0x7f7f7f7f);
    expect(trapOf(() => m.fill_c!(262143, 0, 2))).toMatch(OOB);
    m.copy_c_to_b!(131068n, 10, 4);
    expect(m.load_b!(131068n)).toBe(0x7f7f7f7f);
    expect(trapOf(() => m.copy_c_to_b!(131069n, 10, 4))).toMatch(OOB);
    expect(trapOf(() => m.copy_c_to_b!(0n, 262143, 2))).toMatch(OOB);
  });
});

describe('bounds facts of memory64 and of other memories', () => {
  const counts = async (wat: string) => compileModule(await watToWasm(wat, { validate: false })).boundsChecks;

  it('a check proves the later accesses through the same local to the same memory, and no other', async () => {
    // memory64: the widest access first, then two narrower ones through $p, then $p + 16 and $p + 24.
    expect(await counts(`(module (memory i64 1)
      (func (param $p i64) (result i64)
        (i64.add (i64.add (i64.load offset=16 (local.get $p)) (i64.load offset=8 (local.get $p))) (i64.load (local.get $p))))
      (func (param $p i64) (result i64)
        (i64.add (i64.load offset=8 (i64.add (local.get $p) (i64.const 16))) (i64.load (i64.add (local.get $p) (i64.const 24))))))`))
      .toEqual({ kept: 2, removed: 3 });
    // Memory 1 twice through $p (one check), then memory 0 through $p (its own check) twice.
    expect(await counts(`(module (memory 1) (memory 1)
      (func (param $p i32) (result i32)
        (i32.store 0 (local.get $p) (i32.add (i32.load 1 offset=4 (local.get $p)) (i32.load 1 (local.get $p))))
        (i32.load 0 (local.get $p))))`))
      .toEqual({ kept: 2, removed: 2 });
  });

  const module = instantiate(`(module
    (memory $a 1)
    (memory $b 2)
    (memory $c i64 1)
    (memory $d i64 2)
    (func (export "b_then_a") (param $p i32) (result i32)
      (i32.add (i32.load $b (local.get $p)) (i32.load $a (local.get $p))))
    (func (export "d_then_c") (param $p i64) (result i32)
      (i32.add (i32.load $d (local.get $p)) (i32.load $c (local.get $p))))
    (func (export "c_plus") (param $p i64) (result i64)
      (i64.add (i64.load $c offset=8 (i64.add (local.get $p) (i64.const 16))) (i64.load $c (i64.add (local.get $p) (i64.const 32)))))
    (func (export "c_written") (param $p i64) (result i64)
      (drop (i64.load $c (local.get $p)))
      (local.set $p (i64.add (local.get $p) (i64.const 8)))
      (i64.load $c (local.get $p)))
    (func (export "d_high") (param $p i64) (result i32)
      (i32.add (i32.load $d (local.get $p)) (i32.load $d (i64.add (local.get $p) (i64.const 0xfffffffc))))))`);

  it('still traps where the memory checked is larger, the constant larger or the local written', async () => {
    const m = await module;
    expect(m.b_then_a!(65532)).toBe(0);
    expect(trapOf(() => m.b_then_a!(65536))).toMatch(OOB); // in memory 1, not in memory 0
    expect(m.d_then_c!(65532n)).toBe(0);
    expect(trapOf(() => m.d_then_c!(65536n))).toMatch(OOB);
    expect(m.c_plus!(65536n - 40n)).toBe(0n);
    expect(trapOf(() => m.c_plus!(65536n - 32n))).toMatch(OOB); // p + 16 + 16 fits, p + 32 + 8 does not
    expect(m.c_written!(65536n - 16n)).toBe(0n);
    expect(trapOf(() => m.c_written!(65536n - 8n))).toMatch(OOB);
    // A constant beyond int32 is added in a register: the sum is checked, not taken from $p's fact.
    expect(trapOf(() => m.d_high!(0n))).toMatch(OOB);
  });

  it('compares 4- and 8-byte accesses with the bound beside the size, unsigned, when the minimum covers them', async () => {
    const wat = (min: number) => `(module (memory i64 ${min} 2)
      (func (export "load64") (param i64) (result i64) (i64.load (local.get 0)))
      (func (export "load32") (param i64) (result i32) (i32.load (local.get 0)))
      (func (export "grow") (result i64) (memory.grow (i64.const 1))))`;
    expect(await counts(wat(1))).toEqual({ kept: 2, removed: 0 });
    for (const min of [0, 1]) {
      const m = await instantiate(wat(min));
      if (min === 0) {
        expect(trapOf(() => m.load64!(0n))).toMatch(OOB); // size 0: the bounds are negative
        expect(m.grow!()).toBe(0n);
      }
      expect(m.load64!(65528n)).toBe(0n);
      expect(m.load32!(65532n)).toBe(0);
      for (const a of [65529n, -8n, -1n, TOP, 2n ** 32n]) expect(trapOf(() => m.load64!(a))).toMatch(OOB);
      for (const a of [65533n, -4n, TOP]) expect(trapOf(() => m.load32!(a))).toMatch(OOB);
      expect(m.grow!()).toBe(1n);
      expect(m.load64!(131064n)).toBe(0n);
      expect(trapOf(() => m.load64!(131065n))).toMatch(OOB);
    }
  });
});
