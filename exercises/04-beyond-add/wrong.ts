// Plausible wrong solutions; the checks must catch each one.
import { CONDITIONS, type Condition, type Shift, type Width } from './beyondAdd.ts';

const MISTAKES = [
  'REX on every instruction, even when no bit is set',
  'REX.W at 32 bits too',
  'a count of 1 in the C1 form',
  'sar as /6',
  'imul with dst in rm and src in reg',
  'imul imm8 for 0 to 255',
  'setcc without REX for spl, bpl, sil, dil',
  'setcc condition numbers off by one',
] as const;
type Mistake = (typeof MISTAKES)[number];

function make(mistake: Mistake) {
  const digit: Record<Shift, number> = { shl: 4, shr: 5, sar: mistake === 'sar as /6' ? 6 : 7 };
  const rex = (width: Width | 8, reg: number, rm: number): number[] => {
    const w = width === 64 || (width === 32 && mistake === 'REX.W at 32 bits too') ? 8 : 0;
    const bits = w | ((reg >> 3) << 2) | (rm >> 3);
    const needed = bits !== 0 || (width === 8 && rm >= 4 && mistake !== 'setcc without REX for spl, bpl, sil, dil');
    return needed || mistake === 'REX on every instruction, even when no bit is set' ? [0x40 | bits] : [];
  };
  const modrm = (reg: number, rm: number) => 0xc0 | ((reg & 7) << 3) | (rm & 7);
  return {
    shiftImm(op: Shift, width: Width, dst: number, count: number): number[] {
      const byOne = count === 1 && mistake !== 'a count of 1 in the C1 form';
      return [...rex(width, 0, dst), byOne ? 0xd1 : 0xc1, modrm(digit[op], dst), ...(byOne ? [] : [count])];
    },
    imulImm(width: Width, dst: number, src: number, imm: number): number[] {
      const [reg, rm] = mistake === 'imul with dst in rm and src in reg' ? [src, dst] : [dst, src];
      const short = imm >= -128 && imm <= (mistake === 'imul imm8 for 0 to 255' ? 255 : 127);
      const immediate = short ? [imm & 0xff] : [imm & 0xff, (imm >> 8) & 0xff, (imm >> 16) & 0xff, (imm >>> 24) & 0xff];
      return [...rex(width, reg, rm), short ? 0x6b : 0x69, modrm(reg, rm), ...immediate];
    },
    setcc(cond: Condition, dst: number): number[] {
      const cc = (CONDITIONS.indexOf(cond) + (mistake === 'setcc condition numbers off by one' ? 1 : 0)) & 15;
      return [...rex(8, 0, dst), 0x0f, 0x90 + cc, modrm(0, dst)];
    },
  };
}

export const wrongSolutions = Object.fromEntries(MISTAKES.map((m) => [m, make(m)]));
