// The general-purpose registers as the code generator sees them: numbers are the x86
// encoding numbers, so a register is just a small integer and a set of them is a bit mask.

// #region registers
export const Gpr = {
  rax: 0, rcx: 1, rdx: 2, rbx: 3, rsp: 4, rbp: 5, rsi: 6, rdi: 7,
  r8: 8, r9: 9, r10: 10, r11: 11, r12: 12, r13: 13, r14: 14, r15: 15,
} as const;
export type Gpr = number;

/** Pinned by the ABI: r15 holds the VMContext, r14 the linear-memory base. */
export const VMCTX = Gpr.r15;
export const MEMORY_BASE = Gpr.r14;
/** Never allocated: parallel moves use r11 to break cycles and r10 for memory-to-memory copies. */
export const SCRATCH = Gpr.r11;
export const SCRATCH2 = Gpr.r10;

/** Registers the allocator hands out to values on the stack, in order of preference. */
export const ALLOCATABLE: readonly Gpr[] = [
  Gpr.rax, Gpr.rcx, Gpr.rdx, Gpr.rsi, Gpr.rdi, Gpr.r8, Gpr.r9, Gpr.rbx, Gpr.r12, Gpr.r13,
];
/**
 * Registers a non-parameter local may live in. rax, rcx and rdx are left to values because
 * results, shift counts and division need them; a local there would have to move out of the way.
 */
export const LOCAL_HOMES: readonly Gpr[] = [Gpr.rbx, Gpr.r12, Gpr.r13, Gpr.r9, Gpr.r8, Gpr.rsi, Gpr.rdi];
/** At most this many locals take registers, so expressions keep enough for their values. */
export const MAX_REGISTER_LOCALS = 5;

/** Integer-class argument registers of the internal convention (and of SysV). */
export const INT_ARG_REGS: readonly Gpr[] = [Gpr.rdi, Gpr.rsi, Gpr.rdx, Gpr.rcx, Gpr.r8, Gpr.r9];
/** Where the first integer-class result comes back. */
export const INT_RESULT_REG = Gpr.rax;
// #endregion registers

const NAMES64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
export function gprName(r: Gpr): string {
  return NAMES64[r] ?? `r?${r}`;
}

export const bit = (r: Gpr): number => 1 << r;
export const maskOf = (regs: readonly Gpr[]): number => regs.reduce((m, r) => m | bit(r), 0);
export const ALLOCATABLE_MASK = maskOf(ALLOCATABLE);
