// Checks for exercise 4. The judge is iced-x86, not our assembler: it decodes the bytes and we
// compare the instruction it sees, field by field, with the one that was asked for; its encoder
// tells us the shortest length.
import { expect } from 'vitest';
import { loadIced, type Iced } from '../../compiler/x64/index.ts';
import { defineExercise, type Check } from '../harness.ts';
import type { Address } from './encodeAdd.ts';

interface Impl {
  addRegReg(dst: number, src: number): number[];
  addRegMem(dst: number, address: Address): number[];
}

const NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const ALL = NAMES.map((_, i) => i);

function icedRegister(x: Iced, n: number): number {
  return (x.Register as unknown as Record<string, number>)[NAMES[n]!.toUpperCase()]!;
}

function describe(dst: number, m: Address): string {
  const parts = [NAMES[m.base]!];
  if (m.index !== undefined) parts.push(`${NAMES[m.index]}*${m.scale ?? 1}`);
  if (m.disp) parts.push(String(m.disp));
  return `add ${NAMES[dst]}, qword [${parts.join(' + ')}]`;
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
  return { instr, hex, text };
}

function checkRegReg(x: Iced, impl: Impl, dst: number, src: number): void {
  const what = `add ${NAMES[dst]}, ${NAMES[src]}`;
  const { instr, hex, text } = decodeOne(x, impl.addRegReg(dst, src), what);
  expect(`${instr.code === x.Code.Add_rm64_r64 ? 'ADD r/m64, r64' : text} ${x.Register[instr.op0Register]} ${x.Register[instr.op1Register]}`,
    `${what}: [${hex}] decodes as '${text}'`).toBe(`ADD r/m64, r64 ${NAMES[dst]!.toUpperCase()} ${NAMES[src]!.toUpperCase()}`);
}

function checkRegMem(x: Iced, impl: Impl, dst: number, m: Address): void {
  const what = describe(dst, m);
  const { instr, hex, text } = decodeOne(x, impl.addRegMem(dst, m), what);
  const seen = {
    form: instr.code === x.Code.Add_r64_rm64 ? 'ADD r64, r/m64' : text,
    dst: instr.op0Register,
    base: instr.memoryBase,
    index: instr.memoryIndex,
    scale: instr.memoryIndex === x.Register.None ? 1 : instr.memoryIndexScale,
    disp: Number(BigInt.asIntN(64, instr.memoryDisplacement)),
  };
  const meant = {
    form: 'ADD r64, r/m64',
    dst: icedRegister(x, dst),
    base: icedRegister(x, m.base),
    index: m.index === undefined ? x.Register.None : icedRegister(x, m.index),
    scale: m.index === undefined ? 1 : (m.scale ?? 1),
    disp: m.disp ?? 0,
  };
  expect(seen, `${what}: [${hex}] decodes as '${text}'`).toEqual(meant);
  // Shortest: what iced-x86's own encoder produces for the same instruction.
  // (iced wants a displacement size hint: none for 0, else the smallest signed size that holds it.)
  const hint = meant.disp === 0 ? 0 : meant.disp >= -128 && meant.disp <= 127 ? 1 : 8; // 8: 64-bit addressing
  const operand = new x.MemoryOperand(meant.base, meant.index, meant.scale, BigInt(meant.disp), hint, false, x.Register.None);
  const encoder = new x.Encoder(64);
  const shortest = encoder.encode(x.Instruction.createRegMem(x.Code.Add_r64_rm64, meant.dst, operand), 0n);
  expect(hex.split(' ').length, `${what}: [${hex}] is correct but longer than needed (${shortest} bytes is possible)`).toBe(shortest);
}

const checks: Check<Impl>[] = [
  {
    name: 'addRegReg: every pair of registers, rax to r15',
    run: async (impl) => {
      const x = await loadIced();
      for (const dst of ALL) for (const src of ALL) checkRegReg(x, impl, dst, src);
    },
  },
  {
    name: 'addRegMem: [base] for every base register, including rsp, rbp, r12, r13',
    run: async (impl) => {
      const x = await loadIced();
      for (const base of ALL) for (const dst of [0, 3, 9, 15]) checkRegMem(x, impl, dst, { base });
    },
  },
  {
    name: 'addRegMem: displacements take 0, 1 or 4 bytes, whichever is shortest',
    run: async (impl) => {
      const x = await loadIced();
      for (const disp of [1, -1, 127, -128, 128, -129, 4096, -0x80000000, 0x7fffffff])
        for (const base of [1, 4, 5, 12, 13]) checkRegMem(x, impl, 2, { base, disp });
    },
  },
  {
    name: 'addRegMem: base + index*scale + disp, with every index register and scale',
    run: async (impl) => {
      const x = await loadIced();
      for (const index of ALL.filter((r) => r !== 4))
        for (const scale of [1, 2, 4, 8] as const)
          for (const base of [0, 4, 5, 13]) checkRegMem(x, impl, (index + 3) % 16, { base, index, scale, disp: scale === 8 ? 200 : 0 });
    },
  },
];

defineExercise<Impl>({
  dir: 'exercises/04-encode-add',
  checks,
  solution: () => import('./encodeAdd.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
});
