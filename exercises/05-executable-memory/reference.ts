// The reference solution: the code comes from Lightbeam's assembler (which computes the jumps'
// displacements), the loading follows compiler/runtime/codeMemory.ts, one mapping for many functions.
import { Assembler, eax, rax, rdi } from '../../compiler/x64/index.ts';
import { PROT_EXEC, PROT_READ, PROT_WRITE, type NativeMemory } from './sumAndLoad.ts';

export function sumCode(): number[] {
  const a = new Assembler();
  const loop = a.newLabel('loop');
  const done = a.newLabel('done');
  a.xor(eax, eax);
  a.test(rdi, rdi);
  a.jcc('le', done, true);
  a.bind(loop);
  a.add(rax, rdi);
  a.dec(rdi);
  a.jcc('ne', loop);
  a.bind(done);
  a.ret();
  return [...a.finish().code];
}

const alignUp = (n: number, to: number) => Math.ceil(n / to) * to;

export function loadAll(codes: Uint8Array[], native: NativeMemory): number[] {
  const offsets: number[] = [];
  let end = 0;
  for (const code of codes) {
    offsets.push(alignUp(end, 16));
    end = offsets.at(-1)! + code.length;
  }
  const size = alignUp(Math.max(end, 1), native.pageSize);
  const image = new Uint8Array(size).fill(0xcc);
  codes.forEach((code, i) => image.set(code, offsets[i]));
  const address = native.mmap(size, PROT_READ | PROT_WRITE);
  new Uint8Array(native.view(address, size)).set(image);
  native.mprotect(address, size, PROT_READ | PROT_EXEC);
  return offsets.map((offset) => address + offset);
}
