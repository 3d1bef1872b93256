// Instructions the book takes apart in its encoding pictures, assembled by the real assembler.
import { Assembler, eax, ecx, mem, r9, r12, r13, rax, rbp, rcx, rsp } from '../../../compiler/x64/index.ts';

export const ENCODING_PRESETS: Record<string, { build: (a: Assembler) => void; opcode: string }> = {
  'add rax, [r12+rcx*8+16]': { build: (a) => a.add(rax, mem(r12, 16, rcx, 8)), opcode: 'ADD r64, r/m64 (03 /r)' },
  'mov eax, ecx': { build: (a) => a.mov(eax, ecx), opcode: 'MOV r/m32, r32 (89 /r)' },
  'mov r9, rax': { build: (a) => a.mov(r9, rax), opcode: 'MOV r/m64, r64 (89 /r)' },
  'mov eax, [rsp+8]': { build: (a) => a.mov(eax, mem(rsp, 8)), opcode: 'MOV r32, r/m32 (8B /r)' },
  'mov rax, [r13]': { build: (a) => a.mov(rax, mem(r13, 0)), opcode: 'MOV r64, r/m64 (8B /r)' },
  'add ecx, 1000': { build: (a) => a.add(ecx, 1000), opcode: 'ADD r/m32, imm32 (81 /0)' },
  'lea rax, [rbp+rcx*4-8]': { build: (a) => a.lea(rax, mem(rbp, -8, rcx, 4)), opcode: 'LEA r64, m (8D /r)' },
};

export function assemblePreset(name: string): { code: Uint8Array; opcode: string } {
  const preset = ENCODING_PRESETS[name];
  if (!preset) throw new Error(`<EncodingPicture>: no instruction "${name}"; src/lib/pictures/encodingPresets.ts has: ${Object.keys(ENCODING_PRESETS).join(' | ')}`);
  const a = new Assembler();
  preset.build(a);
  return { code: a.finish().code, opcode: preset.opcode };
}
