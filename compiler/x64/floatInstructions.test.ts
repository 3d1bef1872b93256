// What float code generation (and the memory accesses around it) needs from the assembler, through
// the Assembler's own methods with the operand kinds codegen passes: each instruction assembled,
// then decoded by iced-x86 and compared as Intel text.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Assembler, byte, disassemble, dword, loadIced, mem, qword, word,
  al, di, eax, ecx, r8d, r9, r9b, r9d, r10d, r11, r11d, r12, rax, rbp, rbx, rcx, rdi, rsi, rsp, sil, spl,
  xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm8, xmm9, xmm11, xmm12, xmm14, xmm15,
} from './index.ts';

beforeAll(async () => {
  await loadIced();
});

/** Assemble each step alone and return iced's text for it (one instruction each). */
function decodeEach(steps: readonly ((a: Assembler) => void)[]): string[] {
  return steps.map((step) => {
    const a = new Assembler();
    step(a);
    const lines = disassemble(a.finish().code);
    return lines.length === 1 ? lines[0]!.text : `${lines.length} instructions: ${lines.map((l) => l.text).join('; ')}`;
  });
}

describe('float instructions for code generation', () => {
  it('SSE moves, arithmetic, bitwise ops, compares, rounding and conversions', () => {
    const cases: [(a: Assembler) => void, string][] = [
      [(a) => a.movss(xmm1, xmm2), 'movss xmm1, xmm2'],
      [(a) => a.movss(xmm8, dword(rdi, 4)), 'movss xmm8, [rdi+4]'],
      [(a) => a.movss(dword(rsp, 8), xmm9), 'movss [rsp+8], xmm9'],
      [(a) => a.movsd(xmm0, xmm15), 'movsd xmm0, xmm15'],
      [(a) => a.movsd(xmm3, mem(r12, 16)), 'movsd xmm3, [r12+0x10]'],
      [(a) => a.movsd(qword(rbp, -8), xmm3), 'movsd [rbp-8], xmm3'],
      [(a) => a.movd(xmm2, eax), 'movd xmm2, eax'],
      [(a) => a.movd(r10d, xmm11), 'movd r10d, xmm11'],
      [(a) => a.movq(xmm4, r9), 'movq xmm4, r9'],
      [(a) => a.movq(rax, xmm12), 'movq rax, xmm12'],
      [(a) => a.movaps(xmm1, xmm14), 'movaps xmm1, xmm14'],
      [(a) => a.movapd(xmm5, xmm6), 'movapd xmm5, xmm6'],
      [(a) => a.addss(xmm0, xmm1), 'addss xmm0, xmm1'],
      [(a) => a.addsd(xmm0, mem(rsi, 0, rcx, 8)), 'addsd xmm0, [rsi+rcx*8]'],
      [(a) => a.subss(xmm9, dword(rax)), 'subss xmm9, [rax]'],
      [(a) => a.subsd(xmm1, xmm9), 'subsd xmm1, xmm9'],
      [(a) => a.mulss(xmm2, xmm3), 'mulss xmm2, xmm3'],
      [(a) => a.mulsd(xmm2, xmm3), 'mulsd xmm2, xmm3'],
      [(a) => a.divss(xmm2, xmm3), 'divss xmm2, xmm3'],
      [(a) => a.divsd(xmm2, xmm3), 'divsd xmm2, xmm3'],
      [(a) => a.sqrtss(xmm0, xmm0), 'sqrtss xmm0, xmm0'],
      [(a) => a.sqrtsd(xmm0, qword(rbx, 8)), 'sqrtsd xmm0, [rbx+8]'],
      [(a) => a.minss(xmm4, xmm5), 'minss xmm4, xmm5'],
      [(a) => a.minsd(xmm4, xmm5), 'minsd xmm4, xmm5'],
      [(a) => a.maxss(xmm4, xmm5), 'maxss xmm4, xmm5'],
      [(a) => a.maxsd(xmm4, xmm5), 'maxsd xmm4, xmm5'],
      [(a) => a.andps(xmm0, xmm1), 'andps xmm0, xmm1'],
      [(a) => a.andpd(xmm0, mem(rdi)), 'andpd xmm0, [rdi]'],
      [(a) => a.andnps(xmm8, xmm1), 'andnps xmm8, xmm1'],
      [(a) => a.orps(xmm0, xmm1), 'orps xmm0, xmm1'],
      [(a) => a.orpd(xmm0, xmm1), 'orpd xmm0, xmm1'],
      [(a) => a.xorps(xmm0, xmm0), 'xorps xmm0, xmm0'],
      [(a) => a.xorpd(xmm15, xmm15), 'xorpd xmm15, xmm15'],
      [(a) => a.pxor(xmm3, xmm3), 'pxor xmm3, xmm3'],
      [(a) => a.ucomiss(xmm0, xmm1), 'ucomiss xmm0, xmm1'],
      [(a) => a.ucomisd(xmm8, qword(rdi, 16)), 'ucomisd xmm8, [rdi+0x10]'],
      [(a) => a.cmpss(xmm0, xmm1, 1), 'cmpltss xmm0, xmm1'],
      [(a) => a.cmpsd(xmm2, xmm3, 4), 'cmpneqsd xmm2, xmm3'],
      [(a) => a.roundss(xmm0, xmm1, 9), 'roundss xmm0, xmm1, 9'],
      [(a) => a.roundsd(xmm2, qword(rax), 11), 'roundsd xmm2, [rax], 0xb'],
      [(a) => a.cvtsi2ss(xmm0, eax), 'cvtsi2ss xmm0, eax'],
      [(a) => a.cvtsi2ss(xmm1, rax), 'cvtsi2ss xmm1, rax'],
      [(a) => a.cvtsi2sd(xmm2, r8d), 'cvtsi2sd xmm2, r8d'],
      [(a) => a.cvtsi2sd(xmm3, qword(rsi)), 'cvtsi2sd xmm3, qword ptr [rsi]'],
      [(a) => a.cvttss2si(eax, xmm0), 'cvttss2si eax, xmm0'],
      [(a) => a.cvttss2si(rax, xmm0), 'cvttss2si rax, xmm0'],
      [(a) => a.cvttsd2si(r11d, xmm9), 'cvttsd2si r11d, xmm9'],
      [(a) => a.cvttsd2si(r11, xmm9), 'cvttsd2si r11, xmm9'],
      [(a) => a.cvtss2sd(xmm0, xmm1), 'cvtss2sd xmm0, xmm1'],
      [(a) => a.cvtsd2ss(xmm1, xmm0), 'cvtsd2ss xmm1, xmm0'],
    ];
    expect(decodeEach(cases.map((c) => c[0]))).toEqual(cases.map((c) => c[1]));
  });

  it('their AVX forms, three operands with the first source left alone', () => {
    const cases: [(a: Assembler) => void, string][] = [
      [(a) => a.vaddss(xmm0, xmm1, xmm2), 'vaddss xmm0, xmm1, xmm2'],
      [(a) => a.vaddsd(xmm0, xmm1, xmm2), 'vaddsd xmm0, xmm1, xmm2'],
      [(a) => a.vsubss(xmm0, xmm1, xmm2), 'vsubss xmm0, xmm1, xmm2'],
      [(a) => a.vsubsd(xmm8, xmm9, qword(r12)), 'vsubsd xmm8, xmm9, [r12]'],
      [(a) => a.vmulss(xmm0, xmm1, xmm2), 'vmulss xmm0, xmm1, xmm2'],
      [(a) => a.vmulsd(xmm0, xmm1, xmm2), 'vmulsd xmm0, xmm1, xmm2'],
      [(a) => a.vdivss(xmm0, xmm1, xmm2), 'vdivss xmm0, xmm1, xmm2'],
      [(a) => a.vdivsd(xmm0, xmm1, xmm14), 'vdivsd xmm0, xmm1, xmm14'],
      [(a) => a.vsqrtss(xmm0, xmm0, xmm1), 'vsqrtss xmm0, xmm0, xmm1'],
      [(a) => a.vsqrtsd(xmm0, xmm0, xmm1), 'vsqrtsd xmm0, xmm0, xmm1'],
      [(a) => a.vminss(xmm0, xmm1, xmm2), 'vminss xmm0, xmm1, xmm2'],
      [(a) => a.vminsd(xmm0, xmm1, xmm2), 'vminsd xmm0, xmm1, xmm2'],
      [(a) => a.vmaxss(xmm0, xmm1, xmm2), 'vmaxss xmm0, xmm1, xmm2'],
      [(a) => a.vmaxsd(xmm0, xmm1, xmm2), 'vmaxsd xmm0, xmm1, xmm2'],
      [(a) => a.vandps(xmm0, xmm1, xmm2), 'vandps xmm0, xmm1, xmm2'],
      [(a) => a.vandpd(xmm0, xmm1, xmm2), 'vandpd xmm0, xmm1, xmm2'],
      [(a) => a.vandnps(xmm0, xmm1, xmm2), 'vandnps xmm0, xmm1, xmm2'],
      [(a) => a.vandnpd(xmm0, xmm1, xmm2), 'vandnpd xmm0, xmm1, xmm2'],
      [(a) => a.vorps(xmm0, xmm1, xmm2), 'vorps xmm0, xmm1, xmm2'],
      [(a) => a.vorpd(xmm0, xmm1, xmm2), 'vorpd xmm0, xmm1, xmm2'],
      [(a) => a.vxorps(xmm0, xmm1, xmm2), 'vxorps xmm0, xmm1, xmm2'],
      [(a) => a.vxorpd(xmm0, xmm1, xmm2), 'vxorpd xmm0, xmm1, xmm2'],
      [(a) => a.vpxor(xmm9, xmm9, xmm9), 'vpxor xmm9, xmm9, xmm9'],
      [(a) => a.vucomiss(xmm0, xmm1), 'vucomiss xmm0, xmm1'],
      [(a) => a.vucomisd(xmm0, qword(rdi)), 'vucomisd xmm0, [rdi]'],
      [(a) => a.vcmpss(xmm0, xmm1, xmm2, 2), 'vcmpless xmm0, xmm1, xmm2'],
      [(a) => a.vcmpsd(xmm0, xmm1, xmm2, 0), 'vcmpeqsd xmm0, xmm1, xmm2'],
      [(a) => a.vroundss(xmm0, xmm1, xmm2, 9), 'vroundss xmm0, xmm1, xmm2, 9'],
      [(a) => a.vroundsd(xmm0, xmm1, xmm2, 10), 'vroundsd xmm0, xmm1, xmm2, 0xa'],
      [(a) => a.vcvtsi2ss(xmm1, xmm1, eax), 'vcvtsi2ss xmm1, xmm1, eax'],
      [(a) => a.vcvtsi2sd(xmm0, xmm0, rax), 'vcvtsi2sd xmm0, xmm0, rax'],
      [(a) => a.vcvttss2si(ecx, xmm3), 'vcvttss2si ecx, xmm3'],
      [(a) => a.vcvttsd2si(rax, xmm0), 'vcvttsd2si rax, xmm0'],
      [(a) => a.vcvtss2sd(xmm0, xmm0, xmm1), 'vcvtss2sd xmm0, xmm0, xmm1'],
      [(a) => a.vcvtsd2ss(xmm0, xmm0, xmm1), 'vcvtsd2ss xmm0, xmm0, xmm1'],
      [(a) => a.vmovss(xmm0, dword(rdi)), 'vmovss xmm0, [rdi]'],
      [(a) => a.vmovsd(qword(rsp, 8), xmm8), 'vmovsd [rsp+8], xmm8'],
      [(a) => a.vmovd(xmm0, ecx), 'vmovd xmm0, ecx'],
      [(a) => a.vmovq(rax, xmm1), 'vmovq rax, xmm1'],
      [(a) => a.vmovaps(xmm0, xmm1), 'vmovaps xmm0, xmm1'],
      [(a) => a.vmovapd(xmm0, xmm1), 'vmovapd xmm0, xmm1'],
    ];
    expect(decodeEach(cases.map((c) => c[0]))).toEqual(cases.map((c) => c[1]));
  });

  it('narrow loads and stores, lea with an index, and cmp with a sign-extended imm32', () => {
    const cases: [(a: Assembler) => void, string][] = [
      [(a) => a.movzx(eax, byte(rdi, 1)), 'movzx eax, byte ptr [rdi+1]'],
      [(a) => a.movzx(r9d, word(rsi, 0, rcx, 2)), 'movzx r9d, word ptr [rsi+rcx*2]'],
      [(a) => a.movsx(rax, byte(rdi)), 'movsx rax, byte ptr [rdi]'],
      [(a) => a.movsx(ecx, word(rdi)), 'movsx ecx, word ptr [rdi]'],
      [(a) => a.movsxd(rax, dword(rdi, 4)), 'movsxd rax, [rdi+4]'],
      [(a) => a.mov(byte(rdi), al), 'mov [rdi], al'],
      [(a) => a.mov(byte(rdi), sil), 'mov [rdi], sil'],
      [(a) => a.mov(byte(rax), spl), 'mov [rax], spl'],
      [(a) => a.mov(byte(rax, 3), r9b), 'mov [rax+3], r9b'],
      [(a) => a.mov(word(rdi, 2), di), 'mov [rdi+2], di'],
      [(a) => a.lea(rax, mem(rbx, 0x12345, rcx, 8)), 'lea rax, [rbx+rcx*8+0x12345]'],
      [(a) => a.cmp(r11, 0x7fffffff), 'cmp r11, 0x7fffffff'],
      [(a) => a.cmp(rax, -100000), 'cmp rax, 0xfffffffffffe7960'],
    ];
    expect(decodeEach(cases.map((c) => c[0]))).toEqual(cases.map((c) => c[1]));
  });

  it('a REX prefix for sil/dil/spl/bpl even when no register needs an extension bit', () => {
    const a = new Assembler();
    a.mov(byte(rdi), sil);
    a.mov(byte(rdi), al);
    expect([...a.finish().code]).toEqual([0x40, 0x88, 0x37, 0x88, 0x07]);
  });

  it('a float sequence as codegen would emit it: f64 (a / b) truncated to i64, and f32 abs', () => {
    const a = new Assembler();
    a.movsd(xmm0, qword(rdi, 8));
    a.divsd(xmm0, qword(rdi, 16));
    a.ucomisd(xmm0, xmm0);
    a.cvttsd2si(rax, xmm0);
    a.movd(xmm1, dword(rsi));
    a.andps(xmm1, a.const128(0x7fffffff7fffffffn, 0x7fffffff7fffffffn));
    a.movd(eax, xmm1);
    a.ret();
    const end = a.offset;
    const out = a.finish();
    // iced shows a RIP-relative operand as the address it reaches: here the pool's offset.
    expect(disassemble(out.code.subarray(0, end)).map((l) => l.text)).toEqual([
      'movsd xmm0, [rdi+8]',
      'divsd xmm0, [rdi+0x10]',
      'ucomisd xmm0, xmm0',
      'cvttsd2si rax, xmm0',
      'movd xmm1, [rsi]',
      `andps xmm1, [0x${out.constantPoolOffset.toString(16)}]`,
      'movd eax, xmm1',
      'ret',
    ]);
    expect([...out.code.subarray(out.constantPoolOffset, out.constantPoolOffset + 16)]).toEqual([0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f]);
  });
});
