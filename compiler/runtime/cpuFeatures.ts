// Asking the CPU what it has, once, through a tiny generated stub (CPUID and XGETBV are not in
// the assembler's table: their few bytes are written raw, with a comment).

import { BASELINE_FEATURES, type CpuFeatures } from '../abi/index.ts';
import { type Assembler, eax, ebx, ecx, edx, edi, esi, dword, r8, rbx, rdx } from '../x64/index.ts';
import { getNative } from './native.ts';
import { load } from './stubs.ts';

function raw(asm: Assembler, ...bytes: number[]): void {
  asm.buf.reserve(bytes.length);
  for (const b of bytes) asm.buf.put(b);
}

// #region cpuid-stub
/** `void cpuid(uint32 leaf, uint32 subleaf, uint32 out[4])`: out = eax, ebx, ecx, edx. */
function emitCpuid(asm: Assembler): void {
  asm.push(rbx); // cpuid writes ebx, which SysV callers expect preserved
  asm.mov(eax, edi);
  asm.mov(ecx, esi);
  asm.mov(r8, rdx);
  raw(asm, 0x0f, 0xa2); // cpuid
  asm.mov(dword(r8, 0), eax);
  asm.mov(dword(r8, 4), ebx);
  asm.mov(dword(r8, 8), ecx);
  asm.mov(dword(r8, 12), edx);
  asm.pop(rbx);
  asm.ret();
}

/** `uint32 xgetbv0(void)`: the low half of XCR0 (which register states the OS saves). */
function emitXgetbv(asm: Assembler): void {
  asm.xor(ecx, ecx);
  raw(asm, 0x0f, 0x01, 0xd0); // xgetbv
  asm.ret();
}
// #endregion cpuid-stub

let detected: CpuFeatures | undefined;

/** The features of this machine (asked once). */
export function cpuFeatures(): CpuFeatures {
  if (detected) return detected;
  const native = getNative();
  const { koffi } = native;
  const { code, addresses } = load((asm) => {
    const c = asm.here();
    emitCpuid(asm);
    const x = asm.here();
    emitXgetbv(asm);
    return [c, x];
  });
  const cpuid = koffi.decode(native.pointer(addresses[0]!), koffi.proto('void', ['uint32_t', 'uint32_t', 'uintptr_t']));
  const xgetbv = koffi.decode(native.pointer(addresses[1]!), koffi.proto('uint32_t', []));
  const out = native.mmap(native.pageSize, 3);
  const regs = new Uint32Array(native.view(out, 16));
  const ask = (leaf: number, sub = 0): [number, number, number, number] => {
    cpuid(leaf, sub, out);
    return [regs[0]!, regs[1]!, regs[2]!, regs[3]!];
  };
  const bit = (v: number, n: number) => ((v >>> n) & 1) === 1;
  const maxLeaf = ask(0)[0];
  const [, , ecx1] = ask(1);
  const ebx7 = maxLeaf >= 7 ? ask(7, 0)[1] : 0;
  const maxExt = ask(0x80000000)[0];
  const ecxExt = maxExt >= 0x80000001 ? ask(0x80000001)[2] : 0;
  const osAvx = bit(ecx1, 27) && (xgetbv() & 6) === 6;
  const avx = bit(ecx1, 28) && osAvx;
  detected = {
    ...BASELINE_FEATURES,
    sse41: bit(ecx1, 19),
    popcnt: bit(ecx1, 23),
    lzcnt: bit(ecxExt, 5),
    bmi1: bit(ebx7, 3),
    bmi2: bit(ebx7, 8),
    avx,
    avx2: avx && bit(ebx7, 5),
  };
  native.munmap(out, native.pageSize);
  code.dispose();
  return detected;
}
