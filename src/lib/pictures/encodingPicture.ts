// One x86-64 instruction, byte by byte, as our assembler emitted it: legacy prefix, REX, opcode,
// ModRM, SIB, displacement and immediate, each field's bits and what they select. The split is
// read off the bytes themselves, so a change in the encoder changes the picture.
import { box, svg, text } from './svg.ts';

const NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const bits = (v: number, n: number): string => v.toString(2).padStart(n, '0');

interface Field { name: string; bytes: number[]; lines: string[] }

/** Splits one instruction's bytes into fields (no VEX; the shapes the code generator emits). */
export function splitInstruction(code: Uint8Array): Field[] {
  const b = [...code];
  let i = 0;
  const fields: Field[] = [];
  while (b[i] === 0x66 || b[i] === 0xf2 || b[i] === 0xf3) fields.push({ name: 'prefix', bytes: [b[i++]!], lines: [b[i - 1] === 0x66 ? 'operand size 16' : 'mandatory prefix'] });
  let rex = 0;
  if (b[i]! >= 0x40 && b[i]! <= 0x4f) {
    rex = b[i++]!;
    const [W, R, X, B] = [(rex >> 3) & 1, (rex >> 2) & 1, (rex >> 1) & 1, rex & 1];
    fields.push({ name: 'REX', bytes: [rex], lines: ['0100 W R X B', `W=${W}${W ? ': 64-bit' : ''}`, `R=${R} X=${X} B=${B}`] });
  }
  const opStart = i;
  if (b[i] === 0x0f) { i++; if (b[i] === 0x38 || b[i] === 0x3a) i++; }
  const op = b[i++]!;
  fields.push({ name: 'opcode', bytes: b.slice(opStart, i), lines: [] });
  const oneByteNoModRM = opStart === i - 1 && ((op >= 0x50 && op <= 0x5f) || (op >= 0xb8 && op <= 0xbf) || op === 0xc3 || (op >= 0x70 && op <= 0x7f) || op === 0xe8 || op === 0xe9 || op === 0x90);
  if (oneByteNoModRM) {
    if ((op >= 0x50 && op <= 0x5f) || (op >= 0xb8 && op <= 0xbf)) fields[fields.length - 1]!.lines.push(`low 3 bits: ${NAMES[(op & 7) + 8 * (rex & 1)]}`);
  } else if (i < b.length) {
    const modrm = b[i++]!;
    const mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
    const R = (rex >> 2) & 1, B = rex & 1, X = (rex >> 1) & 1;
    const modText = mod === 3 ? 'register' : mod === 0 ? 'no disp' : mod === 1 ? 'disp8' : 'disp32';
    const rmText = mod !== 3 && rm === 4 ? 'SIB follows' : mod === 0 && rm === 5 ? '[rip+disp32]' : NAMES[rm + 8 * B]!;
    fields.push({ name: 'ModRM', bytes: [modrm], lines: [`mod=${bits(mod, 2)}: ${modText}`, `reg=${bits(reg, 3)}: ${NAMES[reg + 8 * R]} or /${reg}`, `rm=${bits(rm, 3)}: ${rmText}`] });
    let dispSize = mod === 1 ? 1 : mod === 2 ? 4 : mod === 0 && rm === 5 ? 4 : 0;
    if (mod !== 3 && rm === 4) {
      const sib = b[i++]!;
      const scale = sib >> 6, index = (sib >> 3) & 7, base = sib & 7;
      if (mod === 0 && base === 5) dispSize = 4;
      fields.push({ name: 'SIB', bytes: [sib], lines: [`scale=${bits(scale, 2)}: ×${1 << scale}`, `index=${bits(index, 3)}: ${index === 4 && !X ? 'none' : NAMES[index + 8 * X]}`, `base=${bits(base, 3)}: ${NAMES[base + 8 * B]}`] });
    }
    if (dispSize) {
      const d = b.slice(i, i + dispSize);
      i += dispSize;
      const v = dispSize === 1 ? (d[0]! << 24) >> 24 : d.reduce((acc, x, k) => acc | (x << (8 * k)), 0);
      fields.push({ name: `disp${dispSize * 8}`, bytes: d, lines: [String(v), dispSize === 1 ? 'sign-extended' : 'little-endian'] });
    }
  }
  if (i < b.length) {
    const imm = b.slice(i);
    const v = imm.length === 1 ? (imm[0]! << 24) >> 24 : imm.slice(0, 4).reduce((acc, x, k) => acc | (x << (8 * k)), 0);
    fields.push({ name: `imm${imm.length * 8}`, bytes: imm, lines: [String(v), 'little-endian'] });
  }
  return fields;
}

/** The picture: a column per field, its bytes in hex and binary, and what its bits mean. */
export function encodingPicture(code: Uint8Array, asmText: string, opcodeNote = ''): string {
  const fields = splitInstruction(code);
  const op = fields.find((f) => f.name === 'opcode');
  if (op && opcodeNote) op.lines.unshift(...opcodeNote.split(/ (?=\()/));
  // Two rows on a narrow layout would be nicer; a column per field stays legible down to ~380 px
  // because the figure keeps a minimum width and scrolls inside itself on a phone.
  const colW = (f: Field) => Math.max(92, f.bytes.length * 74, ...f.lines.map((l) => l.length * 8 + 16));
  let x = 4;
  const parts: string[] = [];
  for (const [k, f] of fields.entries()) {
    const w = colW(f);
    const cx = x + w / 2 - 4;
    parts.push(box(x, 4, w - 8, 48, `var(--pic-g${k % 4})`));
    parts.push(text(cx, 26, f.bytes.map((v) => v.toString(16).padStart(2, '0')).join(' '), { size: 18, anchor: 'middle' }));
    parts.push(text(cx, 44, f.bytes.map((v) => bits(v, 8)).join(' '), { size: 11, anchor: 'middle', soft: true }));
    parts.push(text(cx, 72, f.name, { size: 13, anchor: 'middle', bold: true, ui: true }));
    f.lines.forEach((l, j) => parts.push(text(cx, 92 + j * 17, l, { size: 12, anchor: 'middle' })));
    x += w;
  }
  const lines = Math.max(...fields.map((f) => f.lines.length));
  return svg(x, 92 + lines * 17, `The bytes of ${asmText} and their fields`, parts.join(''));
}
