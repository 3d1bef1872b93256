// The reference solution: the code comes from Lightbeam's assembler, the loading mirrors
// compiler/runtime/codeMemory.ts (which uses the runtime's own native layer directly).
import { Assembler, eax, rax, rdi, rsi, mem } from '../../compiler/x64/index.ts';
import { PROT_EXEC, PROT_READ, PROT_WRITE, type NativeMemory } from './executable.ts';

function assemble(emit: (a: Assembler) => void): number[] {
  const a = new Assembler();
  emit(a);
  a.ret();
  return [...a.finish().code];
}

export const answerCode = (): number[] => assemble((a) => a.mov(eax, 42));
export const addCode = (): number[] => assemble((a) => a.lea(rax, mem(rdi, 0, rsi)));

export function loadExecutable(code: Uint8Array, native: NativeMemory): number {
  const size = Math.ceil(Math.max(code.length, 1) / native.pageSize) * native.pageSize;
  const address = native.mmap(size, PROT_READ | PROT_WRITE);
  new Uint8Array(native.view(address, size)).set(code);
  native.mprotect(address, size, PROT_READ | PROT_EXEC);
  return address;
}
