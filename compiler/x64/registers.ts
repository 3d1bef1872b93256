// The x86-64 registers the assembler can name. A register is a frozen singleton: compare
// with `===`, read `num` (the 4-bit hardware number that goes into ModRM/SIB/REX) and `size`.

// #region registers
/** A general-purpose register viewed at one width. `num` is 0..15 (rax=0 ... r15=15). */
export interface Gpr {
  readonly kind: 'gpr';
  readonly num: number;
  readonly size: 8 | 16 | 32 | 64;
  readonly name: string;
}

/** An SSE register (xmm0-xmm15); always 128 bits wide, scalar forms use its low lane. */
export interface Xmm {
  readonly kind: 'xmm';
  readonly num: number;
  readonly size: 128;
  readonly name: string;
}

export type Reg = Gpr | Xmm;
// #endregion registers

const names64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi'] as const;
const names32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
const names16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'] as const;
// With any REX prefix present, byte registers 4-7 are spl/bpl/sil/dil; ah/ch/dh/bh (the legacy
// high-byte registers, reachable only without REX) are deliberately not modelled.
const names8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'] as const;

function gprName(num: number, size: 8 | 16 | 32 | 64): string {
  if (num < 8) {
    const table = size === 64 ? names64 : size === 32 ? names32 : size === 16 ? names16 : names8;
    return table[num]!;
  }
  return `r${num}${size === 64 ? '' : size === 32 ? 'd' : size === 16 ? 'w' : 'b'}`;
}

function makeGprs(size: 8 | 16 | 32 | 64): readonly Gpr[] {
  return Object.freeze(
    Array.from({ length: 16 }, (_, num) => Object.freeze({ kind: 'gpr' as const, num, size, name: gprName(num, size) })),
  );
}

/** All general-purpose registers by width, indexed by hardware number. */
export const GPR64 = makeGprs(64);
export const GPR32 = makeGprs(32);
export const GPR16 = makeGprs(16);
export const GPR8 = makeGprs(8);
/** xmm0..xmm15, indexed by number. */
export const XMM: readonly Xmm[] = Object.freeze(
  Array.from({ length: 16 }, (_, num) => Object.freeze({ kind: 'xmm' as const, num, size: 128 as const, name: `xmm${num}` })),
);

/** The same register number viewed at another width (e.g. `resize(rax, 32)` is `eax`). */
export function resize(reg: Gpr, size: 8 | 16 | 32 | 64): Gpr {
  const table = size === 64 ? GPR64 : size === 32 ? GPR32 : size === 16 ? GPR16 : GPR8;
  return table[reg.num]!;
}

/** Look a register up by its Intel name ('rax', 'r9d', 'sil', 'xmm3'); undefined if unknown. */
export function registerByName(name: string): Reg | undefined {
  return byName.get(name.toLowerCase());
}
const byName = new Map<string, Reg>();
for (const r of [...GPR64, ...GPR32, ...GPR16, ...GPR8, ...XMM]) byName.set(r.name, r);

const g64 = (n: number): Gpr => GPR64[n]!;
const g32 = (n: number): Gpr => GPR32[n]!;
const g16 = (n: number): Gpr => GPR16[n]!;
const g8 = (n: number): Gpr => GPR8[n]!;
const x = (n: number): Xmm => XMM[n]!;

export const rax = g64(0), rcx = g64(1), rdx = g64(2), rbx = g64(3), rsp = g64(4), rbp = g64(5), rsi = g64(6), rdi = g64(7);
export const r8 = g64(8), r9 = g64(9), r10 = g64(10), r11 = g64(11), r12 = g64(12), r13 = g64(13), r14 = g64(14), r15 = g64(15);
export const eax = g32(0), ecx = g32(1), edx = g32(2), ebx = g32(3), esp = g32(4), ebp = g32(5), esi = g32(6), edi = g32(7);
export const r8d = g32(8), r9d = g32(9), r10d = g32(10), r11d = g32(11), r12d = g32(12), r13d = g32(13), r14d = g32(14), r15d = g32(15);
export const ax = g16(0), cx = g16(1), dx = g16(2), bx = g16(3), sp = g16(4), bp = g16(5), si = g16(6), di = g16(7);
export const r8w = g16(8), r9w = g16(9), r10w = g16(10), r11w = g16(11), r12w = g16(12), r13w = g16(13), r14w = g16(14), r15w = g16(15);
export const al = g8(0), cl = g8(1), dl = g8(2), bl = g8(3), spl = g8(4), bpl = g8(5), sil = g8(6), dil = g8(7);
export const r8b = g8(8), r9b = g8(9), r10b = g8(10), r11b = g8(11), r12b = g8(12), r13b = g8(13), r14b = g8(14), r15b = g8(15);
export const xmm0 = x(0), xmm1 = x(1), xmm2 = x(2), xmm3 = x(3), xmm4 = x(4), xmm5 = x(5), xmm6 = x(6), xmm7 = x(7);
export const xmm8 = x(8), xmm9 = x(9), xmm10 = x(10), xmm11 = x(11), xmm12 = x(12), xmm13 = x(13), xmm14 = x(14), xmm15 = x(15);
