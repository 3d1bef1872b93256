// Checks for exercise 5. Nothing is executed until it has been shown safe: the memory's
// protections are checked from a record of every mmap/mprotect, and the code is decoded with
// iced-x86 and must be plain register arithmetic on caller-saved registers, ending in ret.
import { expect } from 'vitest';
import { loadIced, type Iced } from '../../compiler/x64/index.ts';
import { defineExercise, type Check } from '../harness.ts';
import { PROT_EXEC, PROT_READ, PROT_WRITE, type NativeMemory } from './executable.ts';

interface Impl {
  answerCode(): number[];
  addCode(): number[];
  loadExecutable(code: Uint8Array, native: NativeMemory): number;
}

type Native = import('../../compiler/runtime/native.ts').Native;

function unavailable(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `needs x86-64 Linux, this is ${process.platform}/${process.arch}`;
  return undefined;
}

async function realNative(): Promise<Native> {
  return (await import('../../compiler/runtime/native.ts')).getNative();
}

interface Mapping { address: number; size: number; prot: number[] }

/** A NativeMemory that forwards to the real one and records the protection of every page. */
function recording(native: Native) {
  const mappings: Mapping[] = [];
  const page = native.pageSize;
  const protOf = new Map<number, number>(); // page address -> current protection
  const violations: string[] = [];
  const setProt = (address: number, length: number, prot: number, how: string) => {
    if ((prot & PROT_WRITE) && (prot & PROT_EXEC)) violations.push(`${how} made memory writable and executable at once`);
    for (let p = address; p < address + length; p += page) protOf.set(p, prot);
  };
  const memory: NativeMemory = {
    pageSize: page,
    mmap(length, prot) {
      const address = native.mmap(length, prot);
      mappings.push({ address, size: Math.ceil(length / page) * page, prot: [prot] });
      setProt(address, length, prot, 'mmap');
      return address;
    },
    mprotect(address, length, prot) {
      native.mprotect(address, length, prot);
      setProt(address, length, prot, 'mprotect');
    },
    view: (address, length) => native.view(address, length),
  };
  return { memory, mappings, violations, protAt: (address: number) => protOf.get(address - (address % page)) };
}

/** Loads `code` with the solution's loadExecutable and checks the protections; returns its address. */
function loadChecked(impl: Impl, native: Native, code: Uint8Array): number {
  const rec = recording(native);
  const address = impl.loadExecutable(code, rec.memory);
  expect(rec.violations, 'W^X: memory must never be writable and executable at the same time').toEqual([]);
  expect(rec.mappings.length, 'loadExecutable should map memory with native.mmap').toBeGreaterThan(0);
  for (let at = address; at < address + code.length; at += native.pageSize) {
    expect(rec.protAt(at), `the page at code offset ${at - address} must end up PROT_READ | PROT_EXEC`).toBe(PROT_READ | PROT_EXEC);
  }
  expect(rec.protAt(address + code.length - 1), 'the last byte of the code must be executable too').toBe(PROT_READ | PROT_EXEC);
  const copy = new Uint8Array(native.view(address, code.length));
  expect([...copy], 'the memory at the returned address must hold the code').toEqual([...code]);
  return address;
}

const CALLER_SAVED = /^(r|e)?(ax|cx|dx|si|di)$|^(al|cl|dl|sil|dil)$|^r(8|9|10|11)[dwb]?$/;
const ALLOWED = new Set(['mov', 'add', 'sub', 'lea', 'xor', 'imul', 'and', 'or', 'nop', 'ret']);

/** Fails unless `bytes` are straight-line register arithmetic on caller-saved registers, ending in ret. */
function expectSafeToRun(x: Iced, bytes: number[], what: string): void {
  expect(bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255), `${what}: bytes must be numbers 0-255`).toBe(true);
  const decoder = new x.Decoder(64, new Uint8Array(bytes), x.DecoderOptions.None);
  const formatter = new x.Formatter(x.FormatterSyntax.Intel);
  const texts: string[] = [];
  let last = '';
  while (decoder.canDecode) {
    const instr = decoder.decode();
    const text = formatter.format(instr);
    texts.push(text);
    expect(instr.code, `${what}: cannot decode the bytes at offset ${decoder.ip - BigInt(instr.length)}`).not.toBe(x.Code.INVALID);
    const mnemonic = text.split(' ')[0]!;
    expect(ALLOWED.has(mnemonic), `${what}: '${text}' — only ${[...ALLOWED].join(', ')} are run by these tests`).toBe(true);
    if (mnemonic !== 'lea' && mnemonic !== 'nop') {
      for (let i = 0; i < instr.opCount; i++) expect(instr.opKind(i), `${what}: '${text}' touches memory`).not.toBe(x.OpKind.Memory);
    }
    if (mnemonic !== 'ret' && mnemonic !== 'nop' && instr.opCount > 0 && instr.opKind(0) === x.OpKind.Register) {
      const dest = x.Register[instr.op0Register]!.toLowerCase();
      expect(CALLER_SAVED.test(dest), `${what}: '${text}' writes ${dest}, which the caller expects to survive the call`).toBe(true);
    }
    last = mnemonic;
  }
  expect(last, `${what}: the code must end with ret (decoded: ${texts.join('; ')})`).toBe('ret');
}

const checks: Check<Impl>[] = [
  {
    name: 'loadExecutable: the memory is never writable and executable at once, and ends up read+execute',
    run: async (impl) => {
      const native = await realNative();
      loadChecked(impl, native, new Uint8Array([0xc3]));
      loadChecked(impl, native, new Uint8Array(3 * native.pageSize + 17).fill(0x90)); // more than a page
    },
  },
  {
    name: 'answerCode: returns 42',
    run: async (impl) => {
      const x = await loadIced();
      const native = await realNative();
      const code = impl.answerCode();
      expectSafeToRun(x, code, 'answerCode');
      const address = loadChecked(impl, native, new Uint8Array(code));
      const answer = native.koffi.decode(native.pointer(address), native.koffi.proto('int64_t', [])) as () => number | bigint;
      expect(Number(answer())).toBe(42);
    },
  },
  {
    name: 'addCode: adds two 64-bit integers, including ones that do not fit in 32 bits',
    run: async (impl) => {
      const x = await loadIced();
      const native = await realNative();
      const code = impl.addCode();
      expectSafeToRun(x, code, 'addCode');
      const address = loadChecked(impl, native, new Uint8Array(code));
      const add = native.koffi.decode(native.pointer(address), native.koffi.proto('int64_t', ['int64_t', 'int64_t'])) as (a: bigint, b: bigint) => number | bigint;
      const cases: [bigint, bigint][] = [[2n, 3n], [-5n, 3n], [0x7fffffffn, 1n], [0x100000000n, 0x100000000n], [-(2n ** 40n), 12345n], [2n ** 62n, 2n ** 62n - 1n]];
      for (const [a, b] of cases) expect(BigInt(add(a, b)), `add(${a}, ${b})`).toBe(BigInt.asIntN(64, a + b));
    },
  },
];

defineExercise<Impl>({
  dir: 'exercises/05-executable-memory',
  checks,
  solution: () => import('./executable.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
  unavailable,
});
