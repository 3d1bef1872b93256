import { describe, expect, it } from 'vitest';
import { ValType } from '../binary/types.ts';
import { Reg, signatureLayout, vmContextLayout, VMCTX, BUILTIN_COUNT, Builtin, TRAP_MESSAGES, TrapCode } from './index.ts';

const { i32, i64, f32, f64, externref } = ValType;

describe('signatureLayout', () => {
  it('puts integer and float params in their own register sequences, like SysV', () => {
    const l = signatureLayout({ params: [i32, f64, i64, f32], results: [f32] });
    expect(l.params).toEqual([
      { kind: 'gpr', reg: Reg.rdi },
      { kind: 'xmm', reg: Reg.xmm0 },
      { kind: 'gpr', reg: Reg.rsi },
      { kind: 'xmm', reg: Reg.xmm1 },
    ]);
    expect(l.results).toEqual([{ kind: 'xmm', reg: Reg.xmm0 }]);
    expect(l.returnAreaPointer).toBeUndefined();
    expect(l.stackBytes).toBe(0);
  });

  it('spills the seventh integer and ninth float param to the stack in order', () => {
    const params = [...Array(7).fill(i64), ...Array(9).fill(f64)];
    const l = signatureLayout({ params, results: [] });
    expect(l.params[6]).toEqual({ kind: 'stack', offset: 0 });
    expect(l.params[15]).toEqual({ kind: 'stack', offset: 8 });
    expect(l.stackBytes).toBe(16);
  });

  it('passes the return area as one more integer argument and numbers its slots', () => {
    const l = signatureLayout({ params: [externref], results: [f64, i32, i64] });
    expect(l.returnAreaPointer).toEqual({ kind: 'gpr', reg: Reg.rsi });
    expect(l.results).toEqual([
      { kind: 'xmm', reg: Reg.xmm0 },
      { kind: 'returnArea', offset: 0 },
      { kind: 'returnArea', offset: 8 },
    ]);
    expect(l.returnAreaBytes).toBe(16);
  });

  it('rounds an odd number of stack slots up to 16 bytes', () => {
    const l = signatureLayout({ params: Array(7).fill(i32), results: [i32, i32] });
    expect(l.returnAreaPointer).toEqual({ kind: 'stack', offset: 8 });
    expect(l.stackBytes).toBe(16);
  });
});

describe('vmContextLayout', () => {
  it('lays areas out one after the other without overlap', () => {
    const l = vmContextLayout({ importedFunctions: 2, functions: 5, types: 3, tables: 2, globals: 4 });
    const offsets = [
      ...Array.from({ length: BUILTIN_COUNT }, (_, i) => l.builtin(i as Builtin)),
      l.importedFunction(0), l.importedFunction(1),
      ...[0, 1, 2, 3, 4].map((i) => l.funcRef(i)),
      l.table(0), l.table(1),
      ...[0, 1, 2, 3].map((g) => l.global(g)),
    ];
    expect(new Set(offsets).size).toBe(offsets.length);
    expect(Math.min(...offsets)).toBe(VMCTX.HEADER_SIZE);
    expect(l.typeId(2) + 4).toBeLessThanOrEqual(l.table(0));
    expect(l.returnThunks).toBe(l.global(3) + 8); // last, after every other area
    expect(l.size).toBe(l.returnThunks + 8);
    for (const o of offsets) expect(o % 8).toBe(0);
  });

  it('rejects indices outside the module', () => {
    const l = vmContextLayout({ importedFunctions: 0, functions: 1, types: 1, tables: 0, globals: 0 });
    expect(() => l.importedFunction(0)).toThrow(RangeError);
    expect(() => l.table(0)).toThrow(RangeError);
  });
});

it('has a spec message for every trap code but none, jsException and caught (statuses, not traps)', () => {
  for (const [name, code] of Object.entries(TrapCode)) {
    if (code === TrapCode.none || code === TrapCode.jsException || code === TrapCode.caught) continue;
    expect(TRAP_MESSAGES[code], name).toBeTruthy();
  }
});
