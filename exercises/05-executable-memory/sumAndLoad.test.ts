// Checks for exercise 5. Nothing the reader wrote is executed until it has been shown safe: the
// memory's protections are checked from a record of every mmap/mprotect (and only the tests' own
// code is run from the reader's mapping), and the hand-written loop is decoded with iced-x86 and
// must be register arithmetic on caller-saved registers with jumps to its own instructions. A
// loop can still run forever, so it runs in a child process with a time limit.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { loadIced, type Iced } from '../../compiler/x64/index.ts';
import { defineExercise, needsNativeX64, type Check } from '../harness.ts';
import { PROT_EXEC, PROT_READ, PROT_WRITE, type NativeMemory } from './sumAndLoad.ts';

interface Impl {
  sumCode(): number[];
  loadAll(codes: Uint8Array[], native: NativeMemory): number[];
}

type Native = import('../../compiler/runtime/native.ts').Native;

async function realNative(): Promise<Native> {
  return (await import('../../compiler/runtime/native.ts')).getNative();
}

interface Mapping { address: number; size: number }

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
      mappings.push({ address, size: Math.ceil(length / page) * page });
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

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/** Loads `codes` with the solution's loadAll and checks the mapping, its protections and its bytes; returns the addresses. */
function loadChecked(impl: Impl, native: Native, codes: Uint8Array[]): number[] {
  const lengths = `loadAll of functions ${codes.map((c) => c.length).join(', ')} bytes long`;
  const rec = recording(native);
  const addresses = impl.loadAll(codes, rec.memory);
  expect(rec.violations, `${lengths}: W^X: memory must never be writable and executable at the same time`).toEqual([]);
  expect(rec.mappings.length, `${lengths}: loadAll should map memory once, with one native.mmap for all the functions`).toBe(1);
  const { address: start, size } = rec.mappings[0]!;
  expect(addresses.length, `${lengths}: loadAll should return one address per function`).toBe(codes.length);
  const offsets = addresses.map((a) => a - start);
  const meant: number[] = [];
  codes.forEach((_, i) => meant.push(i === 0 ? 0 : align16(meant[i - 1]! + codes[i - 1]!.length)));
  expect(offsets, `${lengths}: offsets in the mapping: the first function at 0, each next one at the first multiple of 16 after the one before ends`).toEqual(meant);
  const end = meant.at(-1)! + codes.at(-1)!.length;
  const pages = Math.ceil(end / native.pageSize) * native.pageSize;
  expect(size, `${lengths}: the mapping should be as many pages as the functions need (${pages / native.pageSize})`).toBe(pages);
  for (let at = start; at < start + size; at += native.pageSize) {
    expect(rec.protAt(at), `${lengths}: the page at offset ${at - start} must end up PROT_READ | PROT_EXEC`).toBe(PROT_READ | PROT_EXEC);
  }
  const image = new Uint8Array(size).fill(0xcc);
  codes.forEach((code, i) => image.set(code, meant[i]));
  const seen = new Uint8Array(native.view(start, size));
  const first = seen.findIndex((b, i) => b !== image[i]);
  expect(first, `${lengths}: byte ${first} of the mapping is 0x${seen[first]?.toString(16)}, not 0x${image[first]?.toString(16)} (${codes.some((_, i) => first >= meant[i]! && first < meant[i]! + codes[i]!.length) ? 'a function\'s code' : 'padding, which should be int3'})`).toBe(-1);
  return addresses;
}

/** `mov eax, k; ret` after k nops: small functions of different lengths that say who they are. */
function numbered(k: number): Uint8Array {
  return Uint8Array.of(...new Array<number>(k).fill(0x90), 0xb8, k & 0xff, (k >> 8) & 0xff, 0, 0, 0xc3);
}

const CALLER_SAVED = /^(r|e)?(ax|cx|dx|si|di)$|^(al|cl|dl|sil|dil)$|^r(8|9|10|11)[dwl]?$/;
const ARITHMETIC = new Set(['mov', 'add', 'sub', 'lea', 'xor', 'imul', 'and', 'or', 'neg', 'inc', 'dec', 'shl', 'shr', 'sar', 'nop', 'test', 'cmp']);
const READS_ONLY = new Set(['test', 'cmp', 'nop']);

/**
 * Fails unless `bytes` are register arithmetic on caller-saved registers and jumps (rel8 or rel32)
 * to the start of one of their own instructions, never running off their end.
 */
function expectSafeToRun(x: Iced, bytes: number[], what: string): void {
  expect(Array.isArray(bytes) && bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255), `${what}: bytes must be numbers 0-255`).toBe(true);
  const decoder = new x.Decoder(64, new Uint8Array(bytes), x.DecoderOptions.None);
  const formatter = new x.Formatter(x.FormatterSyntax.Intel);
  const starts = new Set<number>();
  const jumps: { at: number; text: string; target: number }[] = [];
  const texts: string[] = [];
  let last = x.FlowControl.Next;
  while (decoder.canDecode) {
    const at = Number(decoder.ip);
    const instr = decoder.decode();
    const text = formatter.format(instr);
    texts.push(`${at}: ${text}`);
    expect(instr.code, `${what}: cannot decode the bytes at offset ${at} [${bytes.slice(at, at + 4).map((b) => b.toString(16).padStart(2, '0')).join(' ')}…]`).not.toBe(x.Code.INVALID);
    starts.add(at);
    const mnemonic = text.split(' ')[0]!;
    const flow = instr.flowControl;
    if (flow === x.FlowControl.ConditionalBranch || flow === x.FlowControl.UnconditionalBranch) {
      expect(instr.opKind(0), `${what}: '${text}' at offset ${at}: only direct jumps are run by these tests`).toBe(x.OpKind.NearBranch64);
      jumps.push({ at, text, target: Number(BigInt.asIntN(64, instr.nearBranch64)) });
    } else if (flow === x.FlowControl.Return) {
      expect(instr.opCount, `${what}: '${text}' at offset ${at}: a plain ret, please`).toBe(0);
    } else {
      expect(flow === x.FlowControl.Next && (ARITHMETIC.has(mnemonic) || mnemonic.startsWith('cmov')), `${what}: '${text}' at offset ${at}: only ${[...ARITHMETIC].join(', ')}, cmovcc, jumps and ret are run by these tests`).toBe(true);
      if (mnemonic !== 'lea' && mnemonic !== 'nop') {
        for (let i = 0; i < instr.opCount; i++) expect(instr.opKind(i), `${what}: '${text}' at offset ${at} touches memory`).not.toBe(x.OpKind.Memory);
      }
      if (!READS_ONLY.has(mnemonic) && instr.opCount > 0) {
        const dest = x.Register[instr.op0Register]!.toLowerCase();
        expect(CALLER_SAVED.test(dest), `${what}: '${text}' at offset ${at} writes ${dest}, which the caller expects to survive the call`).toBe(true);
      }
    }
    last = flow;
  }
  for (const jump of jumps) {
    expect(starts.has(jump.target), `${what}: '${jump.text}' at offset ${jump.at} jumps to offset ${jump.target}, which is not the start of an instruction of this code (${texts.join('; ')})`).toBe(true);
  }
  expect(last === x.FlowControl.Return || last === x.FlowControl.UnconditionalBranch, `${what}: the last instruction must be ret or jmp, or the processor runs on past the end of the code (decoded: ${texts.join('; ')})`).toBe(true);
}

/** Runs `code` as `int64_t f(int64_t)` on each argument in a child process, which a crash or an endless loop cannot take down with it. */
function runInChild(code: number[], args: bigint[], what: string): bigint[] {
  const url = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
  const script = `(async () => {
    const { getNative } = await import(${url('../../compiler/runtime/native.ts')});
    const { CodeMemory } = await import(${url('../../compiler/runtime/codeMemory.ts')});
    const native = getNative();
    const f = native.koffi.decode(native.pointer(new CodeMemory(Uint8Array.from(${JSON.stringify(code)})).address), native.koffi.proto('int64_t', ['int64_t']));
    process.stdout.write(JSON.stringify(${JSON.stringify(args.map(String))}.map((n) => String(BigInt(f(BigInt(n)))))));
  })()`;
  const seconds = 20;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8', timeout: seconds * 1000 });
  if (child.error && (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    throw new Error(`${what}: did not return within ${seconds} s: does the loop end for every n, negative ones included?`);
  }
  expect(child.signal, `${what}: the process running the code died (${child.stderr})`).toBe(null);
  expect(child.status, `${what}: the process running the code failed: ${child.stderr}`).toBe(0);
  return (JSON.parse(child.stdout) as string[]).map(BigInt);
}

const sum = (n: bigint) => (n <= 0n ? 0n : (n * (n + 1n)) / 2n);

const checks: Check<Impl>[] = [
  {
    name: 'loadAll: one mapping, never writable and executable at once, ending read+execute',
    run: async (impl) => {
      const native = await realNative();
      loadChecked(impl, native, [Uint8Array.of(0xc3)]);
      loadChecked(impl, native, [numbered(3), new Uint8Array(2 * native.pageSize + 17).fill(0x90), numbered(5)]); // more than two pages
    },
  },
  {
    name: 'loadAll: each function at the first multiple of 16 after the one before, the gaps filled with int3',
    run: async (impl) => {
      const native = await realNative();
      loadChecked(impl, native, [1, 15, 16, 17, 6, 33, 32].map((n) => new Uint8Array(n).fill(0x90)));
      loadChecked(impl, native, [numbered(10), numbered(0), numbered(2)]);
    },
  },
  {
    name: 'loadAll: every function runs at its address',
    run: async (impl) => {
      const native = await realNative();
      const codes = [0, 1, 2, 9, 10, 11, 26, 300, 0].map(numbered);
      const addresses = loadChecked(impl, native, codes); // what runs is the tests' own code, checked to be in place
      const proto = native.koffi.proto('int32_t', []);
      const results = addresses.map((address) => (native.koffi.decode(native.pointer(address), proto) as () => number)());
      expect(results, 'each function returns the number of nops in front of its mov').toEqual([0, 1, 2, 9, 10, 11, 26, 300, 0]);
    },
  },
  {
    name: 'sumCode: register arithmetic and jumps to its own instructions, ending in ret or jmp',
    run: async (impl) => {
      expectSafeToRun(await loadIced(), impl.sumCode(), 'sumCode');
    },
  },
  {
    name: 'sumCode: sum(n) = 1 + 2 + … + n, 0 when n <= 0, in 64 bits',
    run: async (impl) => {
      const code = impl.sumCode();
      expectSafeToRun(await loadIced(), code, 'sumCode');
      const args = [0n, 1n, 2n, 3n, 10n, 1000n, -1n, -5n, -(2n ** 40n) + 5n, -(2n ** 63n), 100_000n, 100_000_000n];
      const results = runInChild(code, args, 'sumCode');
      args.forEach((n, i) => expect(results[i], `sum(${n})`).toBe(sum(n)));
    },
  },
];

defineExercise<Impl>({
  dir: 'exercises/05-executable-memory',
  checks,
  solution: () => import('./sumAndLoad.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
  unavailable: () => needsNativeX64('these tests run machine code'),
});
