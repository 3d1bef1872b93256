// Plausible wrong solutions; the checks must catch each one.
import type { Address } from './encodeAdd.ts';

type Mistake = 'no REX.B' | 'no SIB for rsp/r12' | 'rbp/r13 without displacement' | 'always disp32' | 'reg and rm swapped' | 'disp8 range off by one';

function make(mistake: Mistake) {
  const rex = (r: number, x: number, b: number) => 0x48 | ((r >> 3) << 2) | ((x >> 3) << 1) | (mistake === 'no REX.B' ? 0 : b >> 3);
  return {
    addRegReg(dst: number, src: number): number[] {
      const [rm, reg] = mistake === 'reg and rm swapped' ? [src, dst] : [dst, src];
      return [rex(reg, 0, rm), 0x01, 0xc0 | ((reg & 7) << 3) | (rm & 7)];
    },
    addRegMem(dst: number, m: Address): number[] {
      const disp = m.disp ?? 0;
      const b3 = m.base & 7;
      const fits8 = mistake === 'disp8 range off by one' ? disp >= -127 && disp <= 128 : disp >= -128 && disp <= 127;
      let mod = disp === 0 && (b3 !== 5 || mistake === 'rbp/r13 without displacement') ? 0 : fits8 ? 1 : 2;
      if (mistake === 'always disp32') mod = 2;
      const out = [rex(dst, m.index ?? 0, m.base), 0x03];
      const needSib = m.index !== undefined || (b3 === 4 && mistake !== 'no SIB for rsp/r12');
      if (needSib) {
        const scaleBits = { 1: 0, 2: 1, 4: 2, 8: 3 }[m.scale ?? 1];
        out.push((mod << 6) | ((dst & 7) << 3) | 4, (scaleBits << 6) | (((m.index ?? 4) & 7) << 3) | b3);
      } else out.push((mod << 6) | ((dst & 7) << 3) | b3);
      if (mod === 1) out.push(disp & 0xff);
      if (mod === 2) out.push(disp & 0xff, (disp >> 8) & 0xff, (disp >> 16) & 0xff, (disp >>> 24) & 0xff);
      return out;
    },
  };
}

export const wrongSolutions = Object.fromEntries(
  (['no REX.B', 'no SIB for rsp/r12', 'rbp/r13 without displacement', 'always disp32', 'reg and rm swapped', 'disp8 range off by one'] as const).map((m) => [m, make(m)]),
);
