// Chapter 4's example: ask our assembler for one instruction at a time, then let iced-x86,
// an independent disassembler, say what the bytes mean. If the two ever disagree, the row says so.
import { Assembler, disassemble, loadIced, formatListing, eax, ecx, rax, rcx, rsi, rdi, rsp, rbp, r9, r12, r13, mem, qword } from '../../compiler/x64/index.ts';
import type { Output } from '../../src/lib/exampleOutput.ts';

// #region x64-encodings
const requests: [asked: string, emit: (a: Assembler) => void][] = [
  ['add eax, ecx', (a) => a.add(eax, ecx)],
  ['add rax, rcx', (a) => a.add(rax, rcx)],
  ['add r9, rcx', (a) => a.add(r9, rcx)],
  ['add rcx, r9', (a) => a.add(rcx, r9)],
  ['add rax, [rcx]', (a) => a.add(rax, mem(rcx))],
  ['add rax, [rcx+8]', (a) => a.add(rax, mem(rcx, 8))],
  ['add rax, [rcx+1024]', (a) => a.add(rax, mem(rcx, 1024))],
  ['add rax, [rsp]', (a) => a.add(rax, mem(rsp))],
  ['add rax, [rbp]', (a) => a.add(rax, mem(rbp))],
  ['add rax, [r13]', (a) => a.add(rax, mem(r13))],
  ['add rax, [r12+rcx*8+16]', (a) => a.add(rax, mem(r12, 16, rcx, 8))],
  ['add rax, 1', (a) => a.add(rax, 1)],
  ['add rax, 1000', (a) => a.add(rax, 1000)],
  ['add qword [rcx], -1', (a) => a.add(qword(rcx), -1)],
  ['mov eax, 42', (a) => a.mov(eax, 42)],
  ['mov rax, 42', (a) => a.mov(rax, 42)],
  ['mov rax, -1', (a) => a.mov(rax, -1)],
  ['mov rax, 0x123456789', (a) => a.mov(rax, 0x123456789)],
];

export async function example(): Promise<Output[]> {
  await loadIced();
  const rows = requests.map(([asked, emit]) => {
    const asm = new Assembler();
    emit(asm);
    const { code } = asm.finish();
    const [line, ...extra] = disassemble(code);
    const check = extra.length === 0 && line !== undefined ? verdict(line.text, asked) : '✗ not one instruction';
    return [asked, line?.hex ?? '', line?.text ?? '(nothing)', check];
  });
  return [{ kind: 'table', title: 'What we asked for, what we emitted, what iced-x86 decodes', columns: ['asked', 'bytes', 'iced-x86 reads', ''], rows, nowrap: [0, 1, 2] }];
}
// #endregion x64-encodings

/** Compares Intel syntax loosely: iced writes `qword ptr`, hex immediates and spaces its own way. */
function normalize(s: string): string {
  return s
    .replace(/\b(qword|dword|word|byte) ptr\b/g, '$1')
    .replace(/0x[0-9a-f]+/gi, (h) => {
      const v = BigInt(h);
      // iced prints negative immediates of 64-bit operations as 64-bit two's complement.
      return String(v >= 2n ** 63n ? v - 2n ** 64n : v);
    })
    .replace(/\s+/g, '')
    .toLowerCase();
}

function verdict(decoded: string, asked: string): string {
  const d = normalize(decoded);
  const a = normalize(asked);
  if (d === a) return '✓';
  // `mov r64, imm` with a small positive value: the assembler writes the 32-bit register
  // instead, one byte shorter, because writing a 32-bit register clears the upper half.
  const m = /^movr(\w\w),(\d+)$/.exec(a);
  if (m && d === `move${m[1]},${m[2]}`) return '✓ shorter, same effect';
  return '✗ differs';
}

/** A whole little function: labels, a scaled index, a backward branch (short) and a forward one (near). */
export async function sumLoop(): Promise<Output[]> {
  await loadIced();
  // #region sum-loop
  // sum(rdi: pointer to int64s, rsi: count) -> rax
  const a = new Assembler();
  const loop = a.newLabel('loop');
  const done = a.newLabel('done');
  a.xor(eax, eax); // sum = 0 (writing eax clears all of rax)
  a.xor(ecx, ecx); // i = 0
  a.test(rsi, rsi);
  a.jcc('e', done); // forward: the target is unknown yet, so a 4-byte displacement
  a.bind(loop);
  a.add(rax, mem(rdi, 0, rcx, 8)); // sum += p[i]
  a.add(rcx, 1);
  a.cmp(rcx, rsi);
  a.jcc('ne', loop); // backward: known target, fits in one byte
  a.bind(done);
  a.ret();
  const { code } = a.finish();
  // #endregion sum-loop
  return [{ kind: 'asm', title: `${code.length} bytes, disassembled by iced-x86`, listing: formatListing(disassemble(code)) }];
}

/** One instruction taken apart bit by bit, drawn from the bytes the assembler actually emitted. */
export async function anatomy(): Promise<Output[]> {
  const a = new Assembler();
  a.add(rax, mem(r12, 16, rcx, 8));
  const code = a.finish().code;
  const names = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
  const bits = (v: number, n: number) => v.toString(2).padStart(n, '0');
  const [rex, opcode, modrm, sib, disp] = [...code] as [number, number, number, number, number];
  const B = rex & 1, X = (rex >> 1) & 1, R = (rex >> 2) & 1, W = (rex >> 3) & 1;
  const mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
  const scale = sib >> 6, index = (sib >> 3) & 7, base = sib & 7;
  const fields: { name: string; byte: number; lines: string[] }[] = [
    { name: 'REX', byte: rex, lines: ['0100 W R X B', `W=${W}: 64-bit`, `R=${R} X=${X} B=${B}`] },
    { name: 'opcode', byte: opcode, lines: ['ADD r64, r/m64', '(03 /r)'] },
    { name: 'ModRM', byte: modrm, lines: [`mod=${bits(mod, 2)}: disp8`, `reg=${bits(reg, 3)}: ${names[reg + 8 * R]}`, `rm=${bits(rm, 3)}: SIB follows`] },
    { name: 'SIB', byte: sib, lines: [`scale=${bits(scale, 2)}: ×${1 << scale}`, `index=${bits(index, 3)}: ${names[index + 8 * X]}`, `base=${bits(base, 3)}+B: ${names[base + 8 * B]}`] },
    { name: 'disp8', byte: disp, lines: [`${disp}`, 'sign-extended'] },
  ];
  const colW = 136;
  const W2 = fields.length * colW;
  const cols = fields
    .map((f, i) => {
      const x0 = i * colW + 4;
      const cx = x0 + (colW - 8) / 2;
      const lines = f.lines.map((l, k) => `<text x="${cx}" y="${92 + k * 17}" text-anchor="middle" font-size="12" fill="currentColor">${l}</text>`).join('');
      return `<rect x="${x0}" y="4" width="${colW - 8}" height="46" rx="4" fill="var(--accent)" fill-opacity="${0.12 + (i % 2) * 0.12}" stroke="var(--accent)" stroke-opacity="0.5"/>` +
        `<text x="${cx}" y="28" text-anchor="middle" font-size="18" font-family="var(--font-code)" fill="currentColor">${f.byte.toString(16).padStart(2, '0')}</text>` +
        `<text x="${cx}" y="44" text-anchor="middle" font-size="11" font-family="var(--font-code)" fill="currentColor" opacity="0.75">${bits(f.byte, 8)}</text>` +
        `<text x="${cx}" y="70" text-anchor="middle" font-size="13" font-weight="700" fill="currentColor">${f.name}</text>${lines}`;
    })
    .join('');
  const svg = `<svg viewBox="0 0 ${W2} 150" role="img" aria-label="The bytes of add rax, [r12+rcx*8+16] and their fields">${cols}</svg>`;
  return [{ kind: 'figure', svg, caption: `add rax, [r12 + rcx*8 + 16] as our assembler emitted it (${code.length} bytes), each byte split into its fields. The register numbers' fourth bits come from REX: B turns base 100 (rsp) into r12.` }];
}
