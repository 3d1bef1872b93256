// Plausible wrong solutions; the checks must catch each one without running anything unsafe.
import * as reference from './reference.ts';
import { PROT_EXEC, PROT_READ, PROT_WRITE, type NativeMemory } from './sumAndLoad.ts';

type LoaderMistake = 'maps it read+write+execute' | 'never makes it executable' | 'seals only the first page' | 'packs the functions back to back' | 'leaves zeros in the gaps';

/** The reference loader with one mistake. */
function loader(mistake: LoaderMistake) {
  return (codes: Uint8Array[], native: NativeMemory): number[] => {
    const align = mistake === 'packs the functions back to back' ? 1 : 16;
    const offsets: number[] = [];
    let end = 0;
    for (const code of codes) {
      offsets.push(Math.ceil(end / align) * align);
      end = offsets.at(-1)! + code.length;
    }
    const size = Math.ceil(Math.max(end, 1) / native.pageSize) * native.pageSize;
    const image = new Uint8Array(size).fill(mistake === 'leaves zeros in the gaps' ? 0 : 0xcc);
    codes.forEach((code, i) => image.set(code, offsets[i]));
    const address = native.mmap(size, PROT_READ | PROT_WRITE | (mistake === 'maps it read+write+execute' ? PROT_EXEC : 0));
    new Uint8Array(native.view(address, size)).set(image);
    if (mistake === 'seals only the first page') native.mprotect(address, native.pageSize, PROT_READ | PROT_EXEC);
    else if (mistake !== 'never makes it executable' && mistake !== 'maps it read+write+execute') native.mprotect(address, size, PROT_READ | PROT_EXEC);
    return offsets.map((offset) => address + offset);
  };
}

const loaderMistakes: LoaderMistake[] = ['maps it read+write+execute', 'never makes it executable', 'seals only the first page', 'packs the functions back to back', 'leaves zeros in the gaps'];

// Hand-written sums with one mistake each. The right one is
//   0: 31 c0     xor eax, eax         7: 48 01 f8  add rax, rdi        d: 75 f8  jne 7
//   2: 48 85 ff  test rdi, rdi        a: 48 ff cf  dec rdi             f: c3     ret
//   5: 7e 08     jle f
const wrongSums: Record<string, number[]> = {
  'jump displacements counted from the start of the jump': [0x31, 0xc0, 0x48, 0x85, 0xff, 0x7e, 0x0a, 0x48, 0x01, 0xf8, 0x48, 0xff, 0xcf, 0x75, 0xfa, 0xc3],
  'adds in 32 bits (add eax, edi)': [0x31, 0xc0, 0x48, 0x85, 0xff, 0x7e, 0x07, 0x01, 0xf8, 0x48, 0xff, 0xcf, 0x75, 0xf9, 0xc3],
  'tests and counts n in 32 bits (test edi, edi; dec edi)': [0x31, 0xc0, 0x85, 0xff, 0x7e, 0x07, 0x48, 0x01, 0xf8, 0xff, 0xcf, 0x75, 0xf9, 0xc3],
  'keeps the sum in rbx, which the caller expects preserved': [0x31, 0xdb, 0x48, 0x85, 0xff, 0x7e, 0x08, 0x48, 0x01, 0xfb, 0x48, 0xff, 0xcf, 0x75, 0xf8, 0x48, 0x89, 0xd8, 0xc3],
  'forgets the ret': [0x31, 0xc0, 0x48, 0x85, 0xff, 0x7e, 0x08, 0x48, 0x01, 0xf8, 0x48, 0xff, 0xcf, 0x75, 0xf8],
};

export const wrongSolutions = {
  ...Object.fromEntries(loaderMistakes.map((m) => [m, { ...reference, loadAll: loader(m) }])),
  'maps each function on its own pages': { ...reference, loadAll: (codes: Uint8Array[], native: NativeMemory) => codes.flatMap((code) => reference.loadAll([code], native)) },
  ...Object.fromEntries(Object.entries(wrongSums).map(([m, bytes]) => [m, { ...reference, sumCode: () => bytes }])),
};
