// The reference solution: Lightbeam's assembler (compiler/x64).
import { Assembler, GPR64, mem } from '../../compiler/x64/index.ts';
import type { Address } from './encodeAdd.ts';

function assemble(emit: (a: Assembler) => void): number[] {
  const a = new Assembler();
  emit(a);
  return [...a.finish().code];
}

export const addRegReg = (dst: number, src: number): number[] => assemble((a) => a.add(GPR64[dst]!, GPR64[src]!));

export const addRegMem = (dst: number, m: Address): number[] =>
  assemble((a) => a.add(GPR64[dst]!, mem(GPR64[m.base]!, m.disp ?? 0, m.index === undefined ? null : GPR64[m.index]!, m.scale ?? 1)));
