// Every atomic operator of the threads proposal, run natively against a model written here from
// the spec's wording: each read-modify-write returns the old value and stores the new one in the
// access's width, cmpxchg stores only when the old value equals the expected one wrapped to that
// width, a narrow result is zero-extended, and an access traps out of bounds, then when its
// address is not a multiple of its size. Addresses around both ends of the memory, aligned and
// not, through memarg offsets that align and offsets that do not, on a shared and an unshared
// i32 memory 0, a memory64 memory and a second memory (multi-memory). The model itself is held
// against V8 (which has threads in Node 20) on the i32 memories.
import { beforeAll, describe, expect, it } from 'vitest';
import { allOperators, type OperatorInfo } from '../binary/operators.ts';
import { Instance } from '../runtime/instance.ts';
import type { LinearMemory } from '../runtime/linearMemory.ts';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';
import { compileModule } from './moduleCompiler.ts';

const ATOMICS = [...allOperators()].filter((o) => o.family === 'atomic');
const WIDTH = (o: OperatorInfo): number => Number(o.immediate.slice('memarg:'.length));
const PAGE = 65536;
/** memarg offsets: 0, one that keeps every width aligned, and one that misaligns all but bytes. */
const OFFSETS = [0, 16, 3];

type Outcome = { value: bigint | null } | { trap: string };

/** The little-endian value of `size` bytes at `at`. */
function peek(bytes: Uint8Array, at: number, size: number): bigint {
  let v = 0n;
  for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[at + k] ?? 0);
  return v;
}

/** The spec's answer for `o` at effective address `ea` with operands `args`, applied to `bytes`. */
function model(o: OperatorInfo, bytes: Uint8Array, shared: boolean, ea: bigint, args: bigint[]): Outcome {
  const size = WIDTH(o);
  if (ea + BigInt(size) > BigInt(bytes.length)) return { trap: 'out of bounds memory access' };
  if (ea % BigInt(size) !== 0n) return { trap: 'unaligned atomic' };
  const at = Number(ea);
  const wrap = (v: bigint) => BigInt.asUintN(size * 8, v);
  const old = peek(bytes, at, size);
  const write = (v: bigint) => {
    for (let k = 0; k < size; k++) bytes[at + k] = Number((v >> BigInt(8 * k)) & 0xffn);
  };
  const name = o.name;
  if (name === 'memory.atomic.notify') return { value: 0n };
  if (name.startsWith('memory.atomic.wait')) {
    if (!shared) return { trap: 'expected shared memory' };
    return { value: old !== wrap(args[0]!) ? 1n : 2n }; // timeout 0: not-equal or timed-out
  }
  if (name.includes('.load')) return { value: old };
  if (name.includes('.store')) return write(wrap(args[0]!)), { value: null };
  if (name.includes('cmpxchg')) {
    if (old === wrap(args[0]!)) write(wrap(args[1]!));
    return { value: old };
  }
  const v = wrap(args[0]!);
  const op = /\.(add|sub|and|or|xor|xchg)(_u)?$/.exec(name)![1]!;
  const next = { add: old + v, sub: old - v, and: old & v, or: old | v, xor: old ^ v, xchg: v }[op]!;
  write(wrap(next));
  return { value: old };
}

interface Variant {
  name: string;
  /** The memories, the accessed one exported as "mem". */
  memories: string;
  /** The memory index immediate of each access ('' for memory 0). */
  memory: string;
  address64: boolean;
  shared: boolean;
}
const VARIANTS: Variant[] = [
  { name: 'shared i32 memory', memories: '(memory (export "mem") 1 1 shared)', memory: '', address64: false, shared: true },
  { name: 'unshared i32 memory', memories: '(memory (export "mem") 1 1)', memory: '', address64: false, shared: false },
  { name: 'shared memory64', memories: '(memory (export "mem") i64 1 1 shared)', memory: '', address64: true, shared: true },
  { name: 'second memory', memories: '(memory 0 0) (memory $m (export "mem") 1 1 shared)', memory: ' 1', address64: false, shared: true },
];

/** One exported function per operator and memarg offset: "name/offset", its operands as parameters. */
function moduleText(v: Variant): string {
  const addr = v.address64 ? 'i64' : 'i32';
  const funcs = ATOMICS.flatMap((o) => OFFSETS.map((off) => {
    const params = o.params.slice(1).map((t) => (t === 0x7e ? 'i64' : 'i32'));
    // wait's timeout is always 0: the test never blocks.
    const operands = params.map((_, k) => `(local.get ${k + 1})`);
    if (o.name.startsWith('memory.atomic.wait')) operands[1] = '(i64.const 0)';
    const result = o.results.length ? `(result ${o.results[0] === 0x7e ? 'i64' : 'i32'})` : '';
    return `(func (export "${o.name}/${off}") (param ${addr} ${params.join(' ')}) ${result}
      (${o.name}${v.memory} offset=${off} (local.get 0) ${operands.join(' ')}))`;
  }));
  return `(module ${v.memories}\n${funcs.join('\n')})`;
}

const END = BigInt(PAGE);
const ADDRESSES = [0n, 1n, 2n, 4n, 6n, 8n, END - 24n, END - 19n, END - 16n, END - 9n, END - 8n, END - 4n, END - 2n, END - 1n, END, 0xfffffff8n, 0xffffffffn];
const ADDRESSES_64 = [...ADDRESSES, 0x100000000n, 0x7fffffffffffff00n, 0xfffffffffffffff0n];
/** Operand values: a pattern that differs in every byte, all ones, and small ones (a cmpxchg's expected value). */
const VALUES = [0x0123456789abcdefn, -1n, 0x80n, 0n];

function call(f: (...a: unknown[]) => unknown, args: unknown[]): Outcome {
  try {
    const r = f(...args);
    return { value: r === undefined ? null : BigInt(r as number | bigint) };
  } catch (e) {
    return { trap: (e as Error).message.replace(/ \(.*$/, '') };
  }
}

/** A result as its unsigned bits, so our i32 (a signed Number) and the model's compare. */
function normalize(o: Outcome, bits: number): Outcome {
  return 'value' in o && o.value !== null ? { value: BigInt.asUintN(bits, o.value) } : o;
}

/** The bytes any access of the test can reach (the addresses are near the two ends). */
const WINDOWS: [number, number][] = [[0, 48], [PAGE - 48, PAGE]];
const windows = (b: Uint8Array) => WINDOWS.map(([s, e]) => [...b.subarray(s, e)]);
/** Fill the windows with a pattern that differs per byte (seeded), the same for the model and the memory. */
function fill(bytes: Uint8Array, seed: number): void {
  for (const [s, e] of WINDOWS) for (let i = s; i < e; i++) bytes[i] = (i * 29 + seed * 7 + 11) & 0xff;
}

let parse: (text: string) => Promise<Uint8Array> | Uint8Array;
beforeAll(async () => {
  parse = await requireWasmToolsTextToBinary();
});

describe('atomic operators against the model', () => {
  for (const v of VARIANTS) {
    it(`every operator on a ${v.name}`, async () => {
      const bytes = await parse(moduleText(v));
      const exports = new Instance(compileModule(bytes)).exports as Record<string, unknown>;
      const memory = exports.mem as LinearMemory;
      expect(memory.shared).toBe(v.shared);
      const live = new Uint8Array(memory.arrayBuffer);
      const mirror = new Uint8Array(PAGE);
      let seed = 0, checked = 0;
      const traps = new Set<string>();
      for (const o of ATOMICS) {
        const bits = o.results[0] === 0x7e ? 64 : 32;
        for (const off of OFFSETS) {
          const f = exports[`${o.name}/${off}`] as (...a: unknown[]) => unknown;
          for (const address of v.address64 ? ADDRESSES_64 : ADDRESSES) {
            for (const [k, value] of VALUES.entries()) {
              fill(live, ++seed);
              fill(mirror, seed);
              // cmpxchg's expected value: sometimes what memory holds, so that it stores.
              const operands = o.params.slice(1).map((t, j) => (t === 0x7e ? value : BigInt.asIntN(32, value)) + BigInt(j));
              const ea = address + BigInt(off);
              if (o.name.includes('cmpxchg') && k === 3) operands[0] = peek(mirror, Number(ea), WIDTH(o));
              const args = [v.address64 ? address : Number(BigInt.asIntN(32, address)), ...o.params.slice(1).map((t, j) => (t === 0x7e ? BigInt.asIntN(64, operands[j]!) : Number(BigInt.asIntN(32, operands[j]!))))];
              const want = normalize(model(o, mirror, v.shared, ea, operands), bits);
              const got = normalize(call(f, args), bits);
              const what = `${o.name} offset=${off} at ${address} with ${operands.join(', ')}`;
              expect(got, what).toEqual(want);
              expect(windows(live), `${what}: memory after`).toEqual(windows(mirror));
              if ('trap' in got) traps.add(got.trap);
              checked++;
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(10_000);
      // Every way an access can fail was seen.
      expect([...traps].sort()).toEqual(['out of bounds memory access', 'unaligned atomic', ...(v.shared ? [] : ['expected shared memory'])].sort());
    }, 120_000);
  }
});

describe('the model against V8', () => {
  for (const v of VARIANTS.filter((x) => !x.address64 && x.memory === '')) {
    it(`on a ${v.name}`, async () => {
      const bytes = await parse(moduleText(v));
      const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource)).exports as Record<string, unknown>;
      const live = new Uint8Array((exports.mem as WebAssembly.Memory).buffer);
      const mirror = new Uint8Array(PAGE);
      let seed = 0;
      for (const o of ATOMICS) {
        const bits = o.results[0] === 0x7e ? 64 : 32;
        for (const off of OFFSETS) {
          const f = exports[`${o.name}/${off}`] as (...a: unknown[]) => unknown;
          for (const address of ADDRESSES) {
            const value = VALUES[seed % VALUES.length]!;
            fill(live, ++seed);
            fill(mirror, seed);
            const operands = o.params.slice(1).map((t, j) => (t === 0x7e ? value : BigInt.asIntN(32, value)) + BigInt(j));
            const args = [Number(BigInt.asIntN(32, address)), ...o.params.slice(1).map((t, j) => (t === 0x7e ? BigInt.asIntN(64, operands[j]!) : Number(BigInt.asIntN(32, operands[j]!))))];
            const want = normalize(model(o, mirror, v.shared, address + BigInt(off), operands), bits);
            const got = normalize(call(f, args), bits);
            // V8 words its traps its own way: only trap or not, and the value, are compared.
            const what = `${o.name} offset=${off} at ${address}`;
            expect('trap' in got, what).toBe('trap' in want);
            if (!('trap' in want)) expect(got, what).toEqual(want);
            expect(windows(live), `${what}: memory after`).toEqual(windows(mirror));
          }
        }
      }
    }, 120_000);
  }
});

describe('atomic results as i32 addresses', () => {
  it('a 32-bit cmpxchg that succeeds leaves rax as the expected value was: its upper half is cleared before it is an address', async () => {
    // $wide's i64 result stays in rax through i32.wrap_i64 (upper half set); cmpxchg succeeds (memory
    // holds 0), so rax is not written; the load at the result, 0, must not see the upper half.
    const bytes = await parse(`(module (memory 1 1 shared)
      (func $wide (result i64) (i64.const 0x100000000))
      (func (export "f") (result i32)
        (i32.load (i32.atomic.rmw.cmpxchg (i32.const 0) (i32.wrap_i64 (call $wide)) (i32.const 0)))))`);
    const exports = new Instance(compileModule(bytes)).exports as Record<string, () => number>;
    expect(exports.f!()).toBe(0);
  });
});
