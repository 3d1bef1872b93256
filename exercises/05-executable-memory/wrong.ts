// Plausible wrong solutions; the checks must catch each one without running anything unsafe.
import * as reference from './reference.ts';
import { PROT_EXEC, PROT_READ, PROT_WRITE, type NativeMemory } from './executable.ts';

const pages = (n: number, page: number) => Math.ceil(Math.max(n, 1) / page) * page;

export const wrongSolutions = {
  'maps the memory read+write+execute': {
    ...reference,
    loadExecutable(code: Uint8Array, native: NativeMemory): number {
      const size = pages(code.length, native.pageSize);
      const address = native.mmap(size, PROT_READ | PROT_WRITE | PROT_EXEC);
      new Uint8Array(native.view(address, size)).set(code);
      return address;
    },
  },
  'never makes the memory executable': {
    ...reference,
    loadExecutable(code: Uint8Array, native: NativeMemory): number {
      const address = native.mmap(pages(code.length, native.pageSize), PROT_READ | PROT_WRITE);
      new Uint8Array(native.view(address, code.length)).set(code);
      return address;
    },
  },
  'seals only the first page': {
    ...reference,
    loadExecutable(code: Uint8Array, native: NativeMemory): number {
      const size = pages(code.length, native.pageSize);
      const address = native.mmap(size, PROT_READ | PROT_WRITE);
      new Uint8Array(native.view(address, size)).set(code);
      native.mprotect(address, native.pageSize, PROT_READ | PROT_EXEC);
      return address;
    },
  },
  'adds in 32 bits (lea eax, [rdi+rsi])': { ...reference, addCode: () => [0x8d, 0x04, 0x37, 0xc3] },
  'forgets the ret': { ...reference, answerCode: () => [0xb8, 42, 0, 0, 0] },
  'writes rbx, which the caller expects preserved': { ...reference, answerCode: () => [0xbb, 42, 0, 0, 0, 0x48, 0x89, 0xd8, 0xc3] },
};
