// Operands other than registers: memory references, immediates, labels, external targets,
// and condition codes.

import type { Gpr, Reg } from './registers.ts';

// #region operands
/** Width of a memory access in bits; 0 means "take it from the other operand". */
export type MemSize = 0 | 8 | 16 | 32 | 64 | 128;

/**
 * A memory operand `[base + index*scale + disp]`, or RIP-relative: `[rip + label + disp]`
 * (`label` set) or `[rip + external + disp]` (`external` set, resolved by the runtime).
 * `base` and `index` are 64-bit registers; `index` may not be rsp.
 */
export interface Mem {
  readonly kind: 'mem';
  readonly base: Gpr | null;
  readonly index: Gpr | null;
  readonly scale: 1 | 2 | 4 | 8;
  readonly disp: number;
  readonly size: MemSize;
  readonly label: Label | null;
  readonly external: External | null;
}

/** A position in the code, bound once with `Assembler.bind`. */
export class Label {
  readonly kind = 'label';
  /** Byte offset in the code once bound; -1 before. */
  offset = -1;
  /** Which assembler generation bound it with `bind` (0: none); lets relaxation tell those apart without a Set. */
  bindStamp = 0;
  constructor(readonly name?: string) {}
  get bound(): boolean {
    return this.offset >= 0;
  }
}

/**
 * A target outside this piece of code (another function, a runtime helper, a data address).
 * The assembler cannot resolve it; it records a fix-up carrying `target` for the runtime.
 */
export interface External {
  readonly kind: 'external';
  readonly target: unknown;
}

/** An immediate: a JS number (a safe integer) or a bigint for full 64-bit values. */
export type Imm = number | bigint;

export type Operand = Reg | Mem | Imm | Label | External;
// #endregion operands

export function external(target: unknown): External {
  return { kind: 'external', target };
}

function checkAddress(base: Gpr | null, index: Gpr | null, scale: number, disp: number): void {
  if (base !== null && base.size !== 64) throw new Error(`x64: memory base must be a 64-bit register, got ${base.name}`);
  if (index !== null) {
    if (index.size !== 64) throw new Error(`x64: memory index must be a 64-bit register, got ${index.name}`);
    if (index.num === 4) throw new Error('x64: rsp cannot be an index register');
  }
  if (scale !== 1 && scale !== 2 && scale !== 4 && scale !== 8) throw new Error(`x64: bad scale ${scale}`);
  if (!Number.isInteger(disp) || disp < -0x80000000 || disp > 0x7fffffff) throw new Error(`x64: displacement ${disp} does not fit in 32 bits`);
}

// #region memory-builders
/** `[base + index*scale + disp]` with the size taken from the other operand. */
export function mem(base: Gpr | null, disp = 0, index: Gpr | null = null, scale: 1 | 2 | 4 | 8 = 1, size: MemSize = 0): Mem {
  if (index === null && base !== null && base.size === 64 && scale === 1 && disp >>> 0 === disp && disp < SHARED_DISP && (size === 32 || size === 64)) {
    return (SHARED_MEMS[((base.num << 1) | (size >> 6)) * SHARED_DISP + disp] ??= { kind: 'mem', base, index, scale, disp, size, label: null, external: null });
  }
  checkAddress(base, index, scale, disp);
  return { kind: 'mem', base, index, scale, disp, size, label: null, external: null };
}
/**
 * `dword [base + disp]` and `qword [base + disp]` for disp in [0, SHARED_DISP), by base, width
 * and disp: made once and shared, as operands are immutable. Most memory operands the code
 * generator builds are of this shape (a lea's `[local + c]`, a bounds check's end, a VMContext
 * field), and building one each time had been a tenth of what compiling a module allocated.
 */
const SHARED_DISP = 1024;
const SHARED_MEMS = new Array<Mem | undefined>(16 * 2 * SHARED_DISP);
export const byte = (base: Gpr | null, disp = 0, index: Gpr | null = null, scale: 1 | 2 | 4 | 8 = 1): Mem => mem(base, disp, index, scale, 8);
export const word = (base: Gpr | null, disp = 0, index: Gpr | null = null, scale: 1 | 2 | 4 | 8 = 1): Mem => mem(base, disp, index, scale, 16);
export const dword = (base: Gpr | null, disp = 0, index: Gpr | null = null, scale: 1 | 2 | 4 | 8 = 1): Mem => mem(base, disp, index, scale, 32);
export const qword = (base: Gpr | null, disp = 0, index: Gpr | null = null, scale: 1 | 2 | 4 | 8 = 1): Mem => mem(base, disp, index, scale, 64);
export const xmmword = (base: Gpr | null, disp = 0, index: Gpr | null = null, scale: 1 | 2 | 4 | 8 = 1): Mem => mem(base, disp, index, scale, 128);

/**
 * A memory operand to rewrite for each instruction that uses it, for the hottest accesses (a
 * Mem each had been a tenth of what compiling a module allocated). Safe because the assembler
 * reads an operand's fields when it encodes the instruction and keeps none: its owner must pass
 * it straight to one instruction and never store it.
 */
export type ScratchMem = { -readonly [K in keyof Mem]: Mem[K] };

/**
 * A ScratchMem `[base + 0]` of `size` bits, its own object (not a shared one from `mem`), built
 * by the same literal as every Mem, so that it has their hidden class.
 */
export function scratchMem(base: Gpr, size: MemSize): ScratchMem {
  checkAddress(base, null, 1, 0);
  return { kind: 'mem', base, index: null, scale: 1, disp: 0, size, label: null, external: null };
}

/** `[rip + label + disp]`: position-independent reference to a place in this code. */
export function ripLabel(label: Label, disp = 0, size: MemSize = 0): Mem {
  checkAddress(null, null, 1, disp);
  return { kind: 'mem', base: null, index: null, scale: 1, disp, size, label, external: null };
}

/** `[rip + external + disp]`: the runtime patches the 32-bit displacement (a `rel32` fix-up). */
export function ripExternal(target: External, disp = 0, size: MemSize = 0): Mem {
  checkAddress(null, null, 1, disp);
  return { kind: 'mem', base: null, index: null, scale: 1, disp, size, label: null, external: target };
}

/**
 * The same address with an explicit access width. Every Mem is built by a literal with the same
 * fields in the same order, so all have one hidden class (`{ ...m, size }` would make another
 * and turn the encoder's reads of memory operands megamorphic).
 */
export function withSize(m: Mem, size: MemSize): Mem {
  if (m.size === size) return m;
  return { kind: 'mem', base: m.base, index: m.index, scale: m.scale, disp: m.disp, size, label: m.label, external: m.external };
}
// #endregion memory-builders

export function isRipRelative(m: Mem): boolean {
  return m.label !== null || m.external !== null;
}

// #region conditions
/** Condition codes in hardware order: the value added to 70 (jcc), 0F 80, 0F 90 (setcc), 0F 40 (cmovcc). */
export const CONDITIONS = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'] as const;
export type Cond = (typeof CONDITIONS)[number];

const condCodes: Record<string, number> = Object.create(null);
CONDITIONS.forEach((c, i) => (condCodes[c] = i));
// Aliases gas and the SDM also accept.
Object.assign(condCodes, { c: 2, nae: 2, nb: 3, nc: 3, z: 4, nz: 5, na: 6, nbe: 7, pe: 10, po: 11, nge: 12, nl: 13, ng: 14, nle: 15 });

export type CondName = Cond | 'c' | 'nae' | 'nb' | 'nc' | 'z' | 'nz' | 'na' | 'nbe' | 'pe' | 'po' | 'nge' | 'nl' | 'ng' | 'nle';

/** The 4-bit hardware encoding of a condition. */
export function condCode(cond: CondName): number {
  // A switch for the sixteen names (asked on every jcc, setcc and cmovcc): a keyed load with
  // ever-changing names goes megamorphic and costs about twice as much.
  switch (cond) {
    case 'o': return 0; case 'no': return 1; case 'b': return 2; case 'ae': return 3;
    case 'e': return 4; case 'ne': return 5; case 'be': return 6; case 'a': return 7;
    case 's': return 8; case 'ns': return 9; case 'p': return 10; case 'np': return 11;
    case 'l': return 12; case 'ge': return 13; case 'le': return 14; case 'g': return 15;
  }
  const c = condCodes[cond];
  if (c === undefined) throw new Error(`x64: unknown condition '${cond}'`);
  return c;
}

/** The opposite condition (flipping the low bit of the encoding). */
export function invertCond(cond: CondName): Cond {
  return CONDITIONS[condCode(cond) ^ 1]!;
}
// #endregion conditions
