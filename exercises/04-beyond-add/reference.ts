// The reference solution: Lightbeam's assembler (compiler/x64), which picks the shortest row of
// its encoding table for each instruction.
import { Assembler, GPR8, GPR32, GPR64 } from '../../compiler/x64/index.ts';
import type { Condition, Shift, Width } from './beyondAdd.ts';

function assemble(emit: (a: Assembler) => void): number[] {
  const a = new Assembler();
  emit(a);
  return [...a.finish().code];
}

const gpr = (width: Width, n: number) => (width === 64 ? GPR64 : GPR32)[n]!;

export const shiftImm = (op: Shift, width: Width, dst: number, count: number): number[] =>
  assemble((a) => a.emit(op, gpr(width, dst), count));

export const imulImm = (width: Width, dst: number, src: number, imm: number): number[] =>
  assemble((a) => a.imul(gpr(width, dst), gpr(width, src), imm));

export const setcc = (cond: Condition, dst: number): number[] => assemble((a) => a.setcc(cond, GPR8[dst]!));
