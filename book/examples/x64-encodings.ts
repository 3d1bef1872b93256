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
