// Scalar SSE arithmetic by operation and type, through the assembler's typed methods.

import { type Assembler, type Mem, type Xmm } from '../../x64/index.ts';

const F32 = 0x7d;

export type ScalarOp = 'add' | 'sub' | 'mul' | 'div' | 'sqrt' | 'min' | 'max';

// #region scalar-ops
/** `op{ss,sd} dst, src` through the assembler's typed methods (no mnemonic built per call). */
export function emitScalar(asm: Assembler, op: ScalarOp, type: number, d: Xmm, s: Xmm | Mem): void {
  const single = type === F32;
  switch (op) {
    case 'add': return single ? asm.addss(d, s) : asm.addsd(d, s);
    case 'sub': return single ? asm.subss(d, s) : asm.subsd(d, s);
    case 'mul': return single ? asm.mulss(d, s) : asm.mulsd(d, s);
    case 'div': return single ? asm.divss(d, s) : asm.divsd(d, s);
    case 'sqrt': return single ? asm.sqrtss(d, s) : asm.sqrtsd(d, s);
    case 'min': return single ? asm.minss(d, s) : asm.minsd(d, s);
    case 'max': return single ? asm.maxss(d, s) : asm.maxsd(d, s);
  }
}

/** `vop{ss,sd} dst, a, s` (AVX): the three-operand forms, where `a` is left as it was. */
export function emitScalar3(asm: Assembler, op: 'add' | 'sub' | 'mul' | 'div', type: number, d: Xmm, a: Xmm, s: Xmm | Mem): void {
  const single = type === F32;
  switch (op) {
    case 'add': return single ? asm.vaddss(d, a, s) : asm.vaddsd(d, a, s);
    case 'sub': return single ? asm.vsubss(d, a, s) : asm.vsubsd(d, a, s);
    case 'mul': return single ? asm.vmulss(d, a, s) : asm.vmulsd(d, a, s);
    case 'div': return single ? asm.vdivss(d, a, s) : asm.vdivsd(d, a, s);
  }
}
// #endregion scalar-ops
