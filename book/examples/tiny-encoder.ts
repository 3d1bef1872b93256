// Chapter 4's starting point: an x86-64 encoder for one instruction, `add`, grown in four steps
// (registers 0-7; all sixteen registers; immediates; memory operands). Teaching code, not the
// compiler's: registers are plain numbers (0 = rax ... 15 = r15) and each step is one function.
// Every step is checked here by iced-x86, an independent disassembler, and against the bytes
// Lightbeam's own table-driven assembler (compiler/x64) emits for the same instruction.
import { Assembler, GPR64, disassemble, loadIced, mem } from '../../compiler/x64/index.ts';
import type { Output } from '../../src/lib/exampleOutput.ts';

/** 0 = rax, 1 = rcx, ... 15 = r15: the number that goes into the instruction. */
export const NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];

// #region add-legacy
/** `add dst, src` for 64-bit registers 0-7 (rax ... rdi): three bytes. */
export function addRegReg8(dst: number, src: number): number[] {
  if (dst > 7 || src > 7) throw new Error('this first version knows registers 0-7 only');
  const rexW = 0x48; // 0100 1000: the REX prefix with W=1, "the operation is 64 bits wide"
  const opcode = 0x01; // ADD r/m64, r64: add the register in ModRM.reg to the one in ModRM.rm
  const modrm = (0b11 << 6) | (src << 3) | dst; // mod=11: rm is a register; reg=src; rm=dst
  return [rexW, opcode, modrm];
}
// #endregion add-legacy

// #region add-rex
/** `add dst, src` for all sixteen registers: the fourth bit of each number goes into REX. */
export function addRegReg(dst: number, src: number): number[] {
  const rex = 0x48 | ((src >> 3) << 2) | (dst >> 3); // 0100 W R X B: R extends reg, B extends rm
  return [rex, 0x01, 0xc0 | ((src & 7) << 3) | (dst & 7)];
}
// #endregion add-rex

// #region add-immediate
const fits8 = (v: number): boolean => v >= -128 && v <= 127;
/** The four bytes of a 32-bit value, lowest first (x86 is little-endian). */
const le32 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];

/** `add dst, imm`: the shortest of three forms. The constant is sign-extended to 64 bits. */
export function addRegImm(dst: number, imm: number): number[] {
  if (imm !== (imm | 0)) throw new Error('add takes at most a 32-bit immediate');
  const rex = 0x48 | (dst >> 3);
  const modrm = 0xc0 | (0 << 3) | (dst & 7); // reg holds /0, the number of add in its group
  if (fits8(imm)) return [rex, 0x83, modrm, imm & 0xff]; // 83 /0 ib: one byte
  if (dst === 0) return [rex, 0x05, ...le32(imm)]; // 05 id: rax has a form without ModRM
  return [rex, 0x81, modrm, ...le32(imm)]; // 81 /0 id: four bytes
}
// #endregion add-immediate

// #region add-memory-naive
/** `add dst, [base + disp]`, the obvious way: rm names the base, mod the size of disp. */
export function addRegMemNaive(dst: number, base: number, disp: number): number[] {
  const rex = 0x48 | ((dst >> 3) << 2) | (base >> 3);
  const mod = disp === 0 ? 0b00 : fits8(disp) ? 0b01 : 0b10; // no disp, disp8 or disp32
  const bytes = [rex, 0x03, (mod << 6) | ((dst & 7) << 3) | (base & 7)]; // 03: ADD r64, r/m64
  if (mod === 0b01) bytes.push(disp & 0xff);
  if (mod === 0b10) bytes.push(...le32(disp));
  return bytes;
}
// #endregion add-memory-naive

// #region add-memory
export interface Address {
  base: number;
  index?: number;
  scale?: 1 | 2 | 4 | 8;
  disp: number;
}

/** `add dst, [base + index*scale + disp]`, with the two special cases of rm = 100 and 101. */
export function addRegMem(dst: number, m: Address): number[] {
  const index = m.index ?? -1;
  if (index === 4) throw new Error('rsp cannot be an index register');
  const rex = 0x48 | ((dst >> 3) << 2) | (index >= 8 ? 0b10 : 0) | (m.base >> 3); // X extends the index
  const b3 = m.base & 7;
  // mod=00 with rm=101 means [rip + disp32], so rbp and r13 always carry a displacement (0).
  const mod = m.disp === 0 && b3 !== 0b101 ? 0b00 : fits8(m.disp) ? 0b01 : 0b10;
  const bytes = [rex, 0x03];
  if (index >= 0 || b3 === 0b100) {
    // rm=100 means "a SIB byte follows": the only way to have an index, or rsp/r12 as the base.
    const scaleBits = [1, 2, 4, 8].indexOf(m.scale ?? 1);
    bytes.push((mod << 6) | ((dst & 7) << 3) | 0b100);
    bytes.push((scaleBits << 6) | ((index >= 0 ? index & 7 : 0b100) << 3) | b3); // index 100: none
  } else {
    bytes.push((mod << 6) | ((dst & 7) << 3) | b3);
  }
  if (mod === 0b01) bytes.push(m.disp & 0xff);
  if (mod === 0b10) bytes.push(...le32(m.disp));
  return bytes;
}
// #endregion add-memory

// ---- The checks: every step against iced-x86 and against Lightbeam's assembler ----

const hex = (bytes: readonly number[]): string => bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');

/** What iced-x86 reads in `bytes`: one instruction's text, or why not. */
function decode(bytes: readonly number[]): string {
  const lines = disassemble(Uint8Array.from(bytes));
  if (lines.length === 1 && !lines[0]!.text.startsWith('(bad)')) return lines[0]!.text;
  // Followed by more bytes (nops), does the instruction start here but need more of them?
  const [first] = disassemble(Uint8Array.from([...bytes, ...new Array<number>(16).fill(0x90)]));
  if (first && !first.text.startsWith('(bad)') && first.length > bytes.length) {
    const more = first.length - bytes.length;
    return `cut short: ${more} more byte${more > 1 ? 's' : ''} wanted`;
  }
  return `not one instruction: ${lines.map((l) => l.text).join('; ')}`;
}

/**
 * iced-x86 writes numbers in hex (a negative immediate as its 64-bit two's complement) and
 * leaves out `*1`; the text we ask for uses signed decimal.
 */
function sameText(decoded: string, asked: string): boolean {
  const signed = (h: string): string => {
    const v = BigInt(h);
    return String(v >= 2n ** 63n ? v - 2n ** 64n : v);
  };
  const norm = (s: string) => s.replace(/0x[0-9a-f]+/g, signed).replace(/\*1\b/g, '').replace(/\s+/g, '');
  return norm(decoded) === norm(asked);
}

function lightbeam(emit: (a: Assembler) => void): number[] {
  const a = new Assembler();
  emit(a);
  return [...a.finish().code];
}

const addressText = (m: Address): string =>
  `[${NAMES[m.base]}${m.index !== undefined ? `+${NAMES[m.index]}*${m.scale ?? 1}` : ''}${m.disp ? (m.disp > 0 ? `+${m.disp}` : m.disp) : ''}]`;
const addressOperand = (m: Address) => mem(GPR64[m.base]!, m.disp, m.index === undefined ? undefined : GPR64[m.index]!, m.scale ?? 1);

export interface Tally {
  cases: number;
  /** iced-x86 decoded exactly the instruction asked for. */
  decoded: number;
  /** ...and Lightbeam's assembler emitted the same bytes. */
  sameAsLightbeam: number;
  /** The first few that iced-x86 read differently. */
  wrong: { asked: string; bytes: string; iced: string }[];
}

function tally(cases: { asked: string; bytes: number[]; reference: number[] }[]): Tally {
  const t: Tally = { cases: cases.length, decoded: 0, sameAsLightbeam: 0, wrong: [] };
  for (const c of cases) {
    const iced = decode(c.bytes);
    if (sameText(iced, c.asked)) t.decoded++;
    else t.wrong.push({ asked: c.asked, bytes: hex(c.bytes), iced });
    if (hex(c.bytes) === hex(c.reference)) t.sameAsLightbeam++;
  }
  return t;
}

const registers = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const DISPS = [0, 8, -8, 1024];

type Steps = Record<'legacy' | 'rex' | 'immediate' | 'memoryNaive' | 'memory', Tally>;
let checked: Promise<Steps> | undefined;
/** Every step over every operand combination it covers (computed once per process). */
export function checkSteps(): Promise<Steps> {
  return (checked ??= runChecks());
}

async function runChecks(): Promise<Steps> {
  await loadIced();
  const reg = (n: number) => GPR64[n]!;
  const legacy = registers(8).flatMap((d) => registers(8).map((s) => ({
    asked: `add ${NAMES[d]}, ${NAMES[s]}`, bytes: addRegReg8(d, s), reference: lightbeam((a) => a.add(reg(d), reg(s))),
  })));
  const rex = registers(16).flatMap((d) => registers(16).map((s) => ({
    asked: `add ${NAMES[d]}, ${NAMES[s]}`, bytes: addRegReg(d, s), reference: lightbeam((a) => a.add(reg(d), reg(s))),
  })));
  const immediate = registers(16).flatMap((d) => [1, -1, 127, 128, -129, 1000, -2147483648].map((v) => ({
    asked: `add ${NAMES[d]}, ${v}`, bytes: addRegImm(d, v), reference: lightbeam((a) => a.add(reg(d), v)),
  })));
  const memoryNaive = registers(16).flatMap((d) => registers(16).flatMap((b) => DISPS.map((disp) => ({
    asked: `add ${NAMES[d]}, ${addressText({ base: b, disp })}`, bytes: addRegMemNaive(d, b, disp), reference: lightbeam((a) => a.add(reg(d), addressOperand({ base: b, disp }))),
  }))));
  const addresses: Address[] = registers(16).flatMap((b) => [
    ...DISPS.map((disp) => ({ base: b, disp })),
    ...registers(16).filter((i) => i !== 4).flatMap((i) => ([1, 8] as const).map((scale) => ({ base: b, index: i, scale, disp: 16 }))),
  ]);
  const memory = registers(16).flatMap((d) => addresses.map((m) => ({
    asked: `add ${NAMES[d]}, ${addressText(m)}`, bytes: addRegMem(d, m), reference: lightbeam((a) => a.add(reg(d), addressOperand(m))),
  })));
  return { legacy: tally(legacy), rex: tally(rex), immediate: tally(immediate), memoryNaive: tally(memoryNaive), memory: tally(memory) };
}

const summary = (t: Tally): string => `${t.decoded} of ${t.cases} decoded as asked; ${t.sameAsLightbeam} of ${t.cases} byte for byte what Lightbeam's assembler emits`;

/** A few instructions from one step, with their bytes and what iced-x86 reads in them. */
function sample(asked: string[], encode: (i: number) => number[]): (string | number)[][] {
  return asked.map((text, i) => {
    const bytes = encode(i);
    const iced = decode(bytes);
    return [text, hex(bytes), iced, sameText(iced, text) ? '✓' : '✗'];
  });
}
const columns = ['asked', 'bytes', 'iced-x86 reads', ''];

/** A few register pairs from one step, then the tally over all of them. */
function registerPairs(pairs: [number, number][], encode: (dst: number, src: number) => number[], t: Tally, title: string): Output[] {
  return [
    { kind: 'table', columns, rows: sample(pairs.map(([d, s]) => `add ${NAMES[d]}, ${NAMES[s]}`), (i) => encode(...pairs[i]!)), nowrap: [0, 1, 2] },
    { kind: 'text', title, text: summary(t) },
  ];
}

/** Step 1: registers 0-7. */
export async function legacy(): Promise<Output[]> {
  return registerPairs([[0, 1], [1, 0], [3, 7], [7, 7]], addRegReg8, (await checkSteps()).legacy, 'All 8 × 8 register pairs');
}

/** Step 2: all sixteen registers. */
export async function rex(): Promise<Output[]> {
  return registerPairs([[0, 1], [9, 1], [1, 9], [15, 12]], addRegReg, (await checkSteps()).rex, 'All 16 × 16 register pairs');
}

/** Step 3: immediates. */
export async function immediate(): Promise<Output[]> {
  const { immediate: t } = await checkSteps();
  const cases: [number, number][] = [[1, 1], [1, -1], [1, 1000], [0, 1000], [9, -129]];
  return [
    { kind: 'table', columns, rows: sample(cases.map(([d, v]) => `add ${NAMES[d]}, ${v}`), (i) => addRegImm(...cases[i]!)), nowrap: [0, 1, 2] },
    { kind: 'text', title: 'Every register with 1, -1, 127, 128, -129, 1000 and -2^31', text: summary(t) },
  ];
}

/** Step 4a: memory operands, the obvious way. */
export async function memoryNaive(): Promise<Output[]> {
  const { memoryNaive: t } = await checkSteps();
  const cases: [number, number, number][] = [[0, 1, 0], [0, 1, 8], [0, 4, 0], [0, 5, 0], [0, 12, 8], [0, 13, 0]];
  return [
    { kind: 'table', columns, rows: sample(cases.map(([d, b, disp]) => `add ${NAMES[d]}, ${addressText({ base: b, disp })}`), (i) => addRegMemNaive(...cases[i]!)), nowrap: [0, 1, 2] },
    { kind: 'text', title: 'Every register with every base and displacements 0, 8, -8, 1024', text: `${summary(t)}\nwrong for the bases: ${[...new Set(t.wrong.map((w) => /\[(\w+)/.exec(w.asked)![1]))].join(', ')}` },
  ];
}

/** Step 4b: memory operands with the special cases and SIB. */
export async function memory(): Promise<Output[]> {
  const { memory: t } = await checkSteps();
  const cases: Address[] = [{ base: 4, disp: 0 }, { base: 5, disp: 0 }, { base: 13, disp: 0 }, { base: 12, disp: 8 }, { base: 12, index: 1, scale: 8, disp: 16 }, { base: 5, index: 12, scale: 4, disp: -8 }];
  return [
    { kind: 'table', columns, rows: sample(cases.map((m) => `add rax, ${addressText(m)}`), (i) => addRegMem(0, cases[i]!)), nowrap: [0, 1, 2] },
    { kind: 'text', title: 'Every register with every base, alone (displacements 0, 8, -8, 1024) or with every index (×1, ×8, +16)', text: summary(t) },
  ];
}
