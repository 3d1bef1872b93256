import { describe, expect, it } from 'vitest';
import {
  allOperators, ATOMIC_DISPATCH, DISPATCH_SIZE, dispatchIndex, FAMILY_ATOMIC, FAMILY_LANE, FAMILY_SPECIAL, FAMILY_TERNARY, opcodeName, operatorInfo, opFamily,
  opLaneCount, opNaturalAlign, opParam0, opParam1, opParam2, opResult, PROPOSALS, UNSUPPORTED_PREFIXES,
} from './operators.ts';

const V128 = 0x7b, I32 = 0x7f, I64 = 0x7e;
const simd = [...allOperators()].filter((o) => o.proposal === 'simd');

describe('the operator table: fixed-width SIMD', () => {
  it('has the 236 operators of 0xfd 0x00-0xff, with the gaps the spec leaves', () => {
    expect(simd).toHaveLength(236);
    const gaps = [0x9a, 0xa2, 0xa5, 0xa6, 0xaf, 0xb0, 0xb2, 0xb3, 0xb4, 0xbb, 0xc2, 0xc5, 0xc6, 0xcf, 0xd0, 0xd2, 0xd3, 0xd4, 0xe2, 0xee];
    for (let sub = 0; sub < 256; sub++) {
      expect(operatorInfo(0xfd000 | sub)?.proposal, `0x${sub.toString(16)}`).toBe(gaps.includes(sub) ? undefined : 'simd');
    }
    expect(opcodeName(0xfd000)).toBe('v128.load');
    expect(opcodeName(0xfd0ff)).toBe('f64x2.convert_low_i32x4_u');
    expect(opcodeName(0xfd05e)).toBe('f32x4.demote_f64x2_zero');
    expect(Object.keys(UNSUPPORTED_PREFIXES)).not.toContain(String(0xfd));
  });

  it('lists relaxed SIMD (0xfd 0x100-0x113) as a proposal of its own, typed like the fixed-width rows', () => {
    const relaxed = PROPOSALS['relaxed-simd'];
    expect(relaxed).toHaveLength(20);
    expect(relaxed.map((r) => r[0])).toEqual(Array.from({ length: 20 }, (_, i) => 0xfd100 + i));
    const families = relaxed.map((r) => r[3]);
    expect(families.filter((f) => f === 'unary')).toHaveLength(4); // the truncations
    expect(families.filter((f) => f === 'ternary')).toHaveLength(9); // madd, nmadd, laneselect, dot_add
    expect(families.filter((f) => f === 'binary')).toHaveLength(7);
  });

  it('gives the dispatch arrays each SIMD row at 320 + sub: types, alignment, lane counts', () => {
    const at = (name: string) => dispatchIndex(simd.find((o) => o.name === name)!.opcode);
    expect(dispatchIndex(0xfd000)).toBe(320);
    expect(dispatchIndex(0xfd0ff)).toBe(320 + 255);
    expect(dispatchIndex(0xfd113)).toBe(ATOMIC_DISPATCH - 1);
    expect(dispatchIndex(0xfd114)).toBe(-1);
    const madd = dispatchIndex(0xfd105); // f32x4.relaxed_madd
    expect([opFamily[madd], opParam0[madd], opParam1[madd], opParam2[madd], opResult[madd]]).toEqual([FAMILY_TERNARY, V128, V128, V128, V128]);
    expect(dispatchIndex(0xfc03f)).toBe(256 + 63);
    // Natural alignment as log2: 16 bytes for v128.load, 8 for the extending loads, the lane's size for lane accesses.
    expect([at('v128.load'), at('v128.load8x8_s'), at('v128.load16_splat'), at('v128.load32_zero'), at('v128.load8_lane'), at('v128.store64_lane')]
      .map((i) => opNaturalAlign[i])).toEqual([4, 3, 1, 2, 0, 3]);
    expect([at('i8x16.extract_lane_s'), at('i16x8.replace_lane'), at('f32x4.extract_lane'), at('i64x2.replace_lane'), at('v128.load16_lane'), at('v128.store32_lane')]
      .map((i) => opLaneCount[i])).toEqual([16, 8, 4, 2, 8, 4]);
    const shl = at('i32x4.shl');
    expect([opParam0[shl], opParam1[shl], opResult[shl]]).toEqual([V128, I32, V128]);
    const bitselect = at('v128.bitselect');
    expect(opFamily[bitselect]).toBe(FAMILY_TERNARY);
    expect([opParam0[bitselect], opParam1[bitselect], opParam2[bitselect], opResult[bitselect]]).toEqual([V128, V128, V128, V128]);
    const replace = at('i64x2.replace_lane');
    expect(opFamily[replace]).toBe(FAMILY_LANE);
    expect([opParam0[replace], opParam1[replace], opResult[replace]]).toEqual([V128, I64, V128]);
  });

  it('types comparisons lane-wise (v128 results) and reductions to an i32', () => {
    for (const o of simd) {
      if (/\.(eq|ne|[lg][te](_[su])?)$/.test(o.name)) expect([o.family, o.results], o.name).toEqual(['binary', [V128]]);
      if (/\.(any_true|all_true|bitmask)$/.test(o.name)) expect([o.family, o.params, o.results], o.name).toEqual(['unary', [V128], [I32]]);
    }
  });
});

describe('the operator table: threads', () => {
  const threads = [...allOperators()].filter((o) => o.proposal === 'threads');

  it('has the 67 operators of 0xfe: wait/notify/fence at 0x00-0x03, then the accesses at 0x10-0x4e without a gap', () => {
    expect(threads).toHaveLength(67);
    for (let sub = 0; sub < 0x4f; sub++) {
      expect(operatorInfo(0xfe000 | sub)?.proposal, `0x${sub.toString(16)}`).toBe(sub < 4 || sub >= 0x10 ? 'threads' : undefined);
    }
    expect(opcodeName(0xfe010)).toBe('i32.atomic.load');
    expect(opcodeName(0xfe04e)).toBe('i64.atomic.rmw32.cmpxchg_u');
    expect(Object.keys(UNSUPPORTED_PREFIXES)).not.toContain(String(0xfe));
    expect(dispatchIndex(0xfe04e)).toBe(DISPATCH_SIZE - 1);
    expect(dispatchIndex(0xfe04f)).toBe(-1);
  });

  it('gives each access its natural alignment (the only one valid), the fence a rule of its own', () => {
    const at = (name: string) => dispatchIndex(threads.find((o) => o.name === name)!.opcode);
    expect(['i32.atomic.load8_u', 'i64.atomic.rmw16.add_u', 'memory.atomic.notify', 'i64.atomic.rmw32.cmpxchg_u', 'memory.atomic.wait64', 'i64.atomic.store']
      .map((n) => opNaturalAlign[at(n)])).toEqual([0, 1, 2, 2, 3, 3]);
    expect(opFamily[at('atomic.fence')]).toBe(FAMILY_SPECIAL);
    const cmpxchg = at('i64.atomic.rmw8.cmpxchg_u');
    expect([opFamily[cmpxchg], opParam0[cmpxchg], opParam1[cmpxchg], opParam2[cmpxchg], opResult[cmpxchg]]).toEqual([FAMILY_ATOMIC, I32, I64, I64, I64]);
    const wait = at('memory.atomic.wait32');
    expect([opParam0[wait], opParam1[wait], opParam2[wait], opResult[wait]]).toEqual([I32, I32, I64, I32]);
  });
});
