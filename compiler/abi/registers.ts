// Register ids shared by the code generator and the runtime: one small integer per machine
// register, general-purpose registers 0-15 (their x86 encoding numbers) and xmm registers
// 16-31 (16 + their number), so that a set of registers of both classes is one 32-bit mask.
// Browser-safe: plain numbers, no assembler.

// #region register-ids
export const Reg = {
  rax: 0, rcx: 1, rdx: 2, rbx: 3, rsp: 4, rbp: 5, rsi: 6, rdi: 7,
  r8: 8, r9: 9, r10: 10, r11: 11, r12: 12, r13: 13, r14: 14, r15: 15,
  xmm0: 16, xmm1: 17, xmm2: 18, xmm3: 19, xmm4: 20, xmm5: 21, xmm6: 22, xmm7: 23,
  xmm8: 24, xmm9: 25, xmm10: 26, xmm11: 27, xmm12: 28, xmm13: 29, xmm14: 30, xmm15: 31,
} as const;
/** A register id: 0-15 general-purpose, 16-31 xmm. */
export type RegId = number;

/** Register classes: general-purpose (integers, references, addresses) and xmm (f32, f64). */
export const RegClass = { gpr: 0, xmm: 1 } as const;
export type RegClass = (typeof RegClass)[keyof typeof RegClass];

export const XMM_BASE = 16;
export const isXmm = (r: RegId): boolean => r >= XMM_BASE;
/** The encoding number (0-15) of a register id, as the assembler's register tables index it. */
export const encodingOf = (r: RegId): number => r & 15;
/** The bit of a register in a register mask. */
export const regBit = (r: RegId): number => 1 << r;
/** All general-purpose registers / all xmm registers, as masks. */
export const GPR_MASK = 0xffff;
export const XMM_MASK = 0xffff0000 | 0;
// #endregion register-ids
