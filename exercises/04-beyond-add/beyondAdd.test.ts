// Checks for exercise 4. The judge is iced-x86, not our assembler: it decodes the bytes and we
// compare the instruction it sees, field by field, with the one that was asked for; its encoder
// tells us the shortest length.
import { expect } from 'vitest';
import { loadIced, type Iced } from '../../compiler/x64/index.ts';
import { defineExercise, type Check } from '../harness.ts';
import { CONDITIONS, type Condition, type Shift, type Width } from './beyondAdd.ts';

interface Impl {
  shiftImm(op: Shift, width: Width, dst: number, count: number): number[];
  imulImm(width: Width, dst: number, src: number, imm: number): number[];
  setcc(cond: Condition, dst: number): number[];
}

const NAMES64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const NAMES32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', ...NAMES64.slice(8).map((r) => `${r}d`)];
const NAMES8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil', ...NAMES64.slice(8).map((r) => `${r}b`)];
const ALL = NAMES64.map((_, i) => i);
const WIDTHS: Width[] = [32, 64];
const SHIFTS: Shift[] = ['shl', 'shr', 'sar'];

const nameOf = (bits: 8 | Width, n: number): string => (bits === 64 ? NAMES64 : bits === 32 ? NAMES32 : NAMES8)[n]!;

/** iced-x86's register number for one of ours (iced spells r8b as R8L). */
function icedRegister(x: Iced, bits: 8 | Width, n: number): number {
  const name = nameOf(bits, n).toUpperCase().replace(/^(R\d+)B$/, '$1L');
  return (x.Register as unknown as Record<string, number>)[name]!;
}

function icedCode(x: Iced, name: string): number {
  const code = (x.Code as unknown as Record<string, number>)[name];
  if (code === undefined) throw new Error(`iced-x86 has no Code.${name}`);
  return code;
}

/** Decodes `bytes`; fails unless they are exactly one instruction. */
function decodeOne(x: Iced, bytes: number[], what: string) {
  expect(Array.isArray(bytes) && bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255), `${what}: bytes must be numbers 0-255, got ${JSON.stringify(bytes)}`).toBe(true);
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const decoder = new x.Decoder(64, new Uint8Array(bytes), x.DecoderOptions.None);
  const instr = decoder.decode();
  expect(instr.code, `${what}: iced-x86 cannot decode [${hex}]`).not.toBe(x.Code.INVALID);
  expect(instr.length, `${what}: [${hex}] holds more than one instruction (the first is ${instr.length} bytes)`).toBe(bytes.length);
  const text = new x.Formatter(x.FormatterSyntax.Intel).format(instr);
  return { instr, hex, text, codeName: x.Code[instr.code]! };
}

/** Fails if iced-x86's encoder writes `shortest` (the instruction as it should be) in fewer bytes. */
function expectShortest(x: Iced, what: string, hex: string, shortest: InstanceType<Iced['Instruction']>): void {
  const length = new x.Encoder(64).encode(shortest, 0n);
  expect(hex.split(' ').length, `${what}: [${hex}] is correct but longer than needed (${length} bytes is possible)`).toBe(length);
}

const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);

function checkShift(x: Iced, impl: Impl, op: Shift, width: Width, dst: number, count: number): void {
  const what = `${op} ${nameOf(width, dst)}, ${count}`;
  const { instr, hex, text, codeName } = decodeOne(x, impl.shiftImm(op, width, dst, count), what);
  const byOne = codeName.endsWith('_1');
  const seen = {
    instruction: codeName.replace(/_(1|imm8)$/, ''), // Shl_rm64_1 and Shl_rm64_imm8 are both `shl r/m64`
    dst: x.Register[instr.op0Register],
    count: byOne ? 1 : instr.opCount === 2 && instr.opKind(1) === x.OpKind.Immediate8 ? instr.immediate8 : `not an immediate`,
  };
  const meant = { instruction: `${capital(op)}_rm${width}`, dst: x.Register[icedRegister(x, width, dst)], count };
  expect(seen, `${what}: [${hex}] decodes as '${text}'`).toEqual(meant);
  const form = icedCode(x, `${meant.instruction}_${count === 1 ? '1' : 'imm8'}`);
  expectShortest(x, what, hex, x.Instruction.createRegI32(form, icedRegister(x, width, dst), count));
}

function checkImul(x: Iced, impl: Impl, width: Width, dst: number, src: number, imm: number): void {
  const what = `imul ${nameOf(width, dst)}, ${nameOf(width, src)}, ${imm}`;
  const { instr, hex, text, codeName } = decodeOne(x, impl.imulImm(width, dst, src, imm), what);
  const seen = {
    instruction: codeName.replace(/_imm(8|32)$/, ''),
    dst: x.Register[instr.op0Register],
    src: instr.opCount === 3 ? x.Register[instr.op1Register] : 'none',
    imm: instr.opCount === 3 ? BigInt.asIntN(width, instr.immediate(2)) : 'none',
  };
  const meant = {
    instruction: `Imul_r${width}_rm${width}`,
    dst: x.Register[icedRegister(x, width, dst)],
    src: x.Register[icedRegister(x, width, src)],
    imm: BigInt(imm),
  };
  expect(seen, `${what}: [${hex}] decodes as '${text}'`).toEqual(meant);
  const form = icedCode(x, `${meant.instruction}_imm${imm >= -128 && imm <= 127 ? 8 : 32}`);
  expectShortest(x, what, hex, x.Instruction.createRegRegI32(form, icedRegister(x, width, dst), icedRegister(x, width, src), imm));
}

function checkSetcc(x: Iced, impl: Impl, cond: Condition, dst: number): void {
  const what = `set${cond} ${nameOf(8, dst)}`;
  const { instr, hex, text, codeName } = decodeOne(x, impl.setcc(cond, dst), what);
  const form = icedCode(x, `Set${cond}_rm8`);
  expect({ instruction: codeName, dst: x.Register[instr.op0Register] }, `${what}: [${hex}] decodes as '${text}'`)
    .toEqual({ instruction: x.Code[form], dst: x.Register[icedRegister(x, 8, dst)] });
  expectShortest(x, what, hex, x.Instruction.createReg(form, icedRegister(x, 8, dst)));
}

const checks: Check<Impl>[] = [
  {
    name: 'shiftImm: shl, shr and sar by 2 to width-1, on every register, 32 and 64 bits',
    run: async (impl) => {
      const x = await loadIced();
      for (const width of WIDTHS)
        for (const op of SHIFTS) for (const dst of ALL) for (const count of [2, 5, width - 1]) checkShift(x, impl, op, width, dst, count);
    },
  },
  {
    name: 'shiftImm: a count of 1 has a shorter form of its own',
    run: async (impl) => {
      const x = await loadIced();
      for (const width of WIDTHS) for (const op of SHIFTS) for (const dst of ALL) checkShift(x, impl, op, width, dst, 1);
    },
  },
  {
    name: 'imulImm: every pair of registers, 32 and 64 bits',
    run: async (impl) => {
      const x = await loadIced();
      for (const width of WIDTHS) for (const dst of ALL) for (const src of ALL) checkImul(x, impl, width, dst, src, 10);
    },
  },
  {
    name: 'imulImm: immediates take 1 or 4 bytes, whichever is shortest',
    run: async (impl) => {
      const x = await loadIced();
      for (const imm of [1, -1, 127, -128, 128, -129, 255, 1000, -0x80000000, 0x7fffffff])
        for (const width of WIDTHS) for (const [dst, src] of [[0, 1], [5, 13], [12, 4], [9, 9]] as const) checkImul(x, impl, width, dst, src, imm);
    },
  },
  {
    name: 'setcc: all sixteen conditions',
    run: async (impl) => {
      const x = await loadIced();
      for (const cond of CONDITIONS) for (const dst of [0, 3, 9]) checkSetcc(x, impl, cond, dst);
    },
  },
  {
    name: 'setcc: every byte register, spl, bpl, sil and dil included',
    run: async (impl) => {
      const x = await loadIced();
      for (const dst of ALL) for (const cond of ['e', 'l', 'a'] as const) checkSetcc(x, impl, cond, dst);
    },
  },
];

defineExercise<Impl>({
  dir: 'exercises/04-beyond-add',
  checks,
  solution: () => import('./beyondAdd.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
});
