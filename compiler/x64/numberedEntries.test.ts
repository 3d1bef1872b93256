// The entries that take registers by number (movRegisters, movLoad, movStore, movStoreImmediate,
// movImmediate32, leaRegisters: the moves of values, see directEncoder.ts; loadIndexed and its
// kin: the linear-memory accesses) must write what the
// table path writes for the same instruction. With the direct layer off they take the table
// path, so each script runs on an assembler with the layer on and one with it off.
import { describe, expect, it } from 'vitest';
import { Assembler } from './assembler.ts';
import { type Mem, mem, ripLabel } from './operands.ts';
import { GPR64 } from './registers.ts';

function code(direct: boolean, script: (asm: Assembler) => void): string {
  const asm = new Assembler(64);
  asm.direct = direct;
  script(asm);
  return Buffer.from(asm.buf.bytes.subarray(0, asm.buf.length)).toString('hex');
}

function same(script: (asm: Assembler) => void): void {
  const direct = code(true, script);
  expect(direct.length).toBeGreaterThan(0);
  expect(direct).toBe(code(false, script));
}

/** Addresses in the awkward roles: rsp/r12 need a SIB byte, rbp/r13 a displacement; an index; RIP. */
function addresses(asm: Assembler): Mem[] {
  const out: Mem[] = [];
  for (const base of [0, 4, 5, 12, 13, 15]) for (const disp of [0, 8, -128, 127, 128, -0x80000000]) out.push(mem(GPR64[base]!, disp, null, 1, 0));
  out.push(mem(GPR64[14]!, 16, GPR64[3]!, 1, 0), mem(GPR64[4]!, 0, GPR64[13]!, 8, 32), mem(null, 0x1000, GPR64[9]!, 4, 64));
  out.push(ripLabel(asm.newLabel(), 4));
  return out;
}

describe('entries by register number write what mov and lea write', () => {
  const widths = [true, false];
  it('movRegisters', () => same((asm) => {
    for (const wide of widths) for (let d = 0; d < 16; d++) for (let s = 0; s < 16; s++) asm.movRegisters(d, s, wide);
  }));
  it('movLoad and movStore', () => same((asm) => {
    for (const wide of widths) for (const m of addresses(asm)) for (const r of [0, 3, 4, 8, 13, 15]) {
      asm.movLoad(r, m, wide);
      asm.movStore(m, r, wide);
    }
  }));
  it('movStoreImmediate', () => same((asm) => {
    for (const wide of widths) for (const m of addresses(asm)) for (const v of [0, 1, -1, 127, -128, 0x7fffffff, -0x80000000]) asm.movStoreImmediate(m, v, wide);
    for (const m of addresses(asm)) asm.movStoreImmediate(m, 0xffffffff, false);
  }));
  it('movImmediate32', () => same((asm) => {
    for (let d = 0; d < 16; d++) for (const v of [0, 1, -1, 0x7fffffff, -0x80000000, 0xffffffff, 0x80000000]) asm.movImmediate32(d, v);
  }));
  // [base + index + disp] in the awkward roles: rsp/r12 and rbp/r13 as base, r12/r13 as index, none.
  const bases = [0, 4, 5, 12, 13, 14];
  const indices = [-1, 0, 3, 8, 12, 13, 15];
  const disps = [0, 1, -128, 127, 128, 0x7fffffff];
  const everyAddress = (f: (base: number, index: number, disp: number) => void): void => {
    for (const base of bases) for (const index of indices) for (const disp of disps) f(base, index, disp);
  };
  it('loadIndexed, storeIndexed and storeImmediateIndexed', () => same((asm) => everyAddress((base, index, disp) => {
    for (const r of [0, 3, 4, 7, 8, 15]) {
      for (const bytes of [1, 2, 4, 8] as const) {
        for (const signed of [false, true]) for (const wide of [false, true]) asm.loadIndexed(r, bytes, signed, wide, base, index, disp);
        asm.storeIndexed(r, bytes, base, index, disp);
      }
    }
    for (const v of [0, -1, 127, -128]) for (const bytes of [1, 2, 4, 8] as const) asm.storeImmediateIndexed(v, bytes, base, index, disp);
    for (const v of [0x7fff, -0x8000]) for (const bytes of [2, 4, 8] as const) asm.storeImmediateIndexed(v, bytes, base, index, disp);
    for (const v of [0x7fffffff, -0x80000000]) for (const bytes of [4, 8] as const) asm.storeImmediateIndexed(v, bytes, base, index, disp);
  })));
  it('loadFloatIndexed and storeFloatIndexed', () => same((asm) => everyAddress((base, index, disp) => {
    for (const x of [0, 5, 8, 15]) for (const bytes of [4, 8] as const) {
      asm.loadFloatIndexed(x, bytes, base, index, disp);
      asm.storeFloatIndexed(x, bytes, base, index, disp);
    }
  })));
  it('leaRegisters', () => same((asm) => {
    for (const wide of widths) for (let d = 0; d < 16; d += 3) for (let b = 0; b < 16; b++) for (const disp of [0, 1, -128, 127, 128, -0x80000000, 0x7fffffff]) asm.leaRegisters(d, b, disp, wide);
  }));
});
