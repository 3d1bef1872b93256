// The encoder check's test cases: which operands every form of the table is tried with.

import { type Form, Shape, shapeWidth } from './forms.ts';
import { external, type Label, type Mem, mem, type MemSize, type Operand, ripExternal, ripLabel } from './operands.ts';
import { GPR16, GPR32, GPR64, GPR8, type Gpr, rbp, r12, r13, rsp, rax, rcx, r15, XMM } from './registers.ts';

/** One instruction the check encoded. */
export interface Case {
  readonly mnemonic: string;
  readonly cc: number;
  readonly ops: readonly Operand[];
  start: number;
  end: number;
  form: Form;
  /** A forward branch to a label not yet bound when emitted: sized by relaxation at finish. */
  forwardUnbound: boolean;
}

const gprTable = (size: number): readonly Gpr[] => (size === 64 ? GPR64 : size === 32 ? GPR32 : size === 16 ? GPR16 : GPR8);

// #region memory-shapes
/** A spread of memory operands: every base and index, every scale, disp0/8/32, the special bases, RIP. */
export function memoryShapes(size: MemSize, backward: Label, forward: Label): Mem[] {
  const out: Mem[] = [];
  const specialBases = new Set([4, 5, 12, 13, 0, 15]);
  const wideDisps = [0, 1, -128, 127, 128, -129, 0x7fffffff, -0x80000000];
  const scales = [1, 2, 4, 8] as const;
  for (const b of GPR64) {
    for (const d of specialBases.has(b.num) ? wideDisps : [0, 0x40, 0x1000]) out.push(mem(b, d, null, 1, size));
  }
  const indexes = GPR64.filter((r) => r.num !== 4);
  indexes.forEach((i, k) => {
    out.push(mem(null, [0, 0x10, -0x10, 0x12345678][k % 4]!, i, scales[k % 4], size));
    out.push(mem(GPR64[(k * 5 + 3) % 16]!, [0, 8, -8, 0x100, -0x1000][k % 5]!, i, scales[(k + 1) % 4], size));
    for (const b of [rsp, rbp, r12, r13]) out.push(mem(b, 0, i, scales[(k + b.num) % 4], size));
  });
  for (const s of scales) out.push(mem(rax, 0, rcx, s, size), mem(r13, 0, r12, s, size), mem(r15, -0x80000000, r13, s, size));
  for (const d of [0, 0x1000, -1, 0x7fffffff]) out.push(mem(null, d, null, 1, size));
  out.push(ripLabel(backward, 0, size), ripLabel(backward, 8, size), ripLabel(forward, 0, size), ripLabel(forward, -4, size));
  out.push(ripExternal(external('data'), 0, size), ripExternal(external('data'), 16, size));
  return out;
}
// #endregion memory-shapes

/** Immediates at the edges of what each immediate shape accepts. */
function immediates(shape: Shape, opSize: number): (number | bigint)[] {
  switch (shape) {
    case Shape.IMM8: {
      const extra = opSize === 8 ? [0x80, 0xff] : opSize === 16 ? [0xffff, 0xff80] : opSize === 32 ? [0xffffffff, 0xffffff80] : [-1n];
      return [-128, -1, 0, 1, 127, ...extra];
    }
    case Shape.IMM16: return [-32768, -129, 128, 32767, 0x8000, 0xffff];
    case Shape.IMM32:
      return opSize === 32 ? [-0x80000000, -129, 128, 0x7fffffff, 0x80000000, 0xffffff7f] : [-0x80000000, -129, 128, 0x7fffffff, 0x12345678];
    case Shape.IMM64:
      return [0x80000000, -0x80000001, 0x100000000, 2 ** 53 - 1, 0x7fffffffffffffffn, -(2n ** 63n), 0xffffffffffffffffn, 0x123456789abcdef0n];
    case Shape.U8: return [0, 1, 2, 31, 63, 127, 128, 255];
    case Shape.ONE: return [1];
    default: return [];
  }
}

/** Every operand value the check tries in one position of a form. */
function candidates(f: Form, s: Shape, mems: (size: MemSize) => Mem[]): Operand[] {
  const memSize = (w: number): MemSize => (f.unsizedMemOk ? 0 : (w as MemSize));
  switch (s) {
    case Shape.R8: case Shape.R16: case Shape.R32: case Shape.R64: return [...gprTable(shapeWidth(s))];
    case Shape.RM8: case Shape.RM16: case Shape.RM32: case Shape.RM64:
      return [...gprTable(shapeWidth(s)), ...mems(memSize(shapeWidth(s))), ...(f.unsizedMemOk ? mems(shapeWidth(s) as MemSize).slice(0, 8) : [])];
    case Shape.M: return mems(0);
    case Shape.XMM: return [...XMM];
    case Shape.XMM_M16: return [...XMM, ...mems(0), ...mems(16).slice(0, 8)];
    case Shape.XMM_M32: return [...XMM, ...mems(0), ...mems(32).slice(0, 8)];
    case Shape.XMM_M64: return [...XMM, ...mems(0), ...mems(64).slice(0, 8)];
    case Shape.XMM_M128: return [...XMM, ...mems(0), ...mems(128).slice(0, 8)];
    case Shape.M8: return [...mems(0), ...mems(8).slice(0, 8)];
    case Shape.M16: return [...mems(0), ...mems(16).slice(0, 8)];
    case Shape.M32: return [...mems(0), ...mems(32).slice(0, 8)];
    case Shape.R32_M8: return [...GPR32, ...mems(0), ...mems(8).slice(0, 8)];
    case Shape.R32_M16: return [...GPR32, ...mems(0), ...mems(16).slice(0, 8)];
    case Shape.M64: return [...mems(0), ...mems(64).slice(0, 8)];
    case Shape.M128: return [...mems(0), ...mems(128).slice(0, 8)];
    case Shape.AL: return [GPR8[0]!];
    case Shape.AX: return [GPR16[0]!];
    case Shape.EAX: return [GPR32[0]!];
    case Shape.RAX: return [GPR64[0]!];
    case Shape.CL: return [GPR8[1]!];
    default: return immediates(s, f.opSize);
  }
}

const isRegister = (op: Operand): boolean => typeof op === 'object' && (op.kind === 'gpr' || op.kind === 'xmm');

// #region generate-cases
/**
 * Operand tuples for one form: every candidate in every position (the other positions
 * rotating through theirs), plus every register pair for register-register forms.
 */
export function operandTuples(f: Form, mems: (size: MemSize) => Mem[]): Operand[][] {
  const lists = f.shapes.map((s) => candidates(f, s, mems));
  if (lists.length === 0) return [[]];
  const tuples: Operand[][] = [];
  lists.forEach((list, p) => {
    list.forEach((value, j) => {
      tuples.push(lists.map((other, q) => (q === p ? value : other[(j + p * 7 + q * 3) % other.length]!)));
    });
  });
  if (lists.length >= 2) {
    const regs0 = lists[0]!.filter(isRegister);
    const regs1 = lists[1]!.filter(isRegister);
    for (const a of regs0) for (const b of regs1) tuples.push([a, b, ...lists.slice(2).map((l, k) => l[(a as Gpr).num + k]! ?? l[0]!)]);
  }
  return tuples;
}
// #endregion generate-cases
