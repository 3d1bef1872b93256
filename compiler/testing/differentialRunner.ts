// Test-only (Node): run one generated program on V8 and on Lightbeam with the same arguments, call
// after call on one instance each, and compare what can be observed: the result, or the trap, and
// the state left behind (a hash of memory and its size, the exported globals, the table's entries).
// Shared by differential.test.ts and scripts/fuzz.ts.

import { createHash } from 'node:crypto';
import { RuntimeError } from '../errors.ts';
import { Instance } from '../runtime/instance.ts';
import { compileModule } from '../codegen/moduleCompiler.ts';
import type { CpuFeatures } from '../abi/index.ts';
import { cpuFeatures } from '../runtime/cpuFeatures.ts';
import { exportedParams, type Features } from '../codegen/testing/randomProgram.ts';

const INT_ARGS: [number, bigint, number][] = [
  [0, 0n, 0], [1, 1n, 1], [-1, -1n, 7], [2147483647, 9223372036854775807n, -2147483648], [13, -77n, 3], [-100, 1n << 40n, 31],
];
// f32 and f64 arguments: zeros of both signs, a subnormal (of f32; f64's smallest), the integer
// limits, an infinity, a NaN (from JS: whatever NaN the conversion makes; compared as "is NaN").
const FLOAT_ARGS: [number, number][] = [
  [0, -0], [1.5, -2.5], [-0, 5e-324], [2147483648, -9223372036854775808], [1e-40, Infinity], [NaN, 4294967295.5],
];

/** The argument tuples each program is called with, in order (one instance, so state carries over). */
export function argumentsFor(features: Features): unknown[][] {
  const n = exportedParams(features).length;
  return INT_ARGS.map((a, i) => [...a, ...FLOAT_ARGS[i]!].slice(0, n));
}

/**
 * Spec trap messages (ours) that each V8 trap message may stand for. V8 words traps its own way and
 * merges some the spec tells apart: a null table entry and a signature mismatch, an index out of
 * the table for call_indirect and for table.get/set/fill/copy/init, a NaN and an out-of-range
 * value in a trapping float-to-int conversion. Those stay ambiguous here; all others are exact.
 */
const V8_TRAPS: Readonly<Record<string, readonly string[]>> = {
  'unreachable': ['unreachable'],
  'divide by zero': ['integer divide by zero'],
  'remainder by zero': ['integer divide by zero'],
  'divide result unrepresentable': ['integer overflow'],
  'float unrepresentable in integer range': ['integer overflow', 'invalid conversion to integer'],
  'memory access out of bounds': ['out of bounds memory access'],
  'data segment out of bounds': ['out of bounds memory access'],
  'data segment is out of bounds': ['out of bounds memory access'],
  'element segment out of bounds': ['out of bounds table access'],
  'element segment is out of bounds': ['out of bounds table access'],
  'table index is out of bounds': ['undefined element', 'out of bounds table access'],
  'null function or function signature mismatch': ['uninitialized element', 'indirect call type mismatch'],
  'Maximum call stack size exceeded': ['call stack exhausted'],
  // threads: an atomic access off its natural alignment; a wait on an unshared memory.
  'operation does not support unaligned accesses': ['unaligned atomic'],
  'Atomics.wait cannot be called in this context': ['expected shared memory'],
};

/** Whether our trap message is one that V8's trap message may stand for. */
export function sameTrap(v8Message: string, ourReason: string): boolean {
  return (V8_TRAPS[v8Message] ?? []).includes(ourReason);
}

/** One call's observable outcome: `= value` or `trap: message`, and the state afterwards. */
export interface Outcome { readonly result: string; readonly state: string }

/**
 * A value as text. Numbers (i32, f32, f64) by their exact value, so -0 differs from 0; every NaN
 * is written "NaN": the spec lets an arithmetic NaN have any sign and payload (and V8 may change a
 * NaN's bits when it becomes a JS number), so only "is a NaN" is comparable here. NaN bits the spec
 * does fix are checked inside the programs, which reinterpret such floats to integers.
 */
export function showValue(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `[${v.map(showValue).join(', ')}]`;
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'function') return `func ${v.name}`;
  return `? ${typeof v}`;
}

/** The size and a hash of the contents. */
function memoryHash(buffer: ArrayBuffer): string {
  return `${buffer.byteLength / 65536} pages #${createHash('sha1').update(new Uint8Array(buffer)).digest('hex').slice(0, 16)}`;
}

interface Observable {
  memory(): ArrayBuffer | undefined;
  table(): { length: number; get(i: number): unknown } | undefined;
  global(name: string): unknown;
}

function stateOf(o: Observable): string {
  const parts: string[] = [];
  const m = o.memory();
  if (m) parts.push(`memory ${memoryHash(m)}`);
  const t = o.table();
  if (t) parts.push(`table [${Array.from({ length: t.length }, (_, i) => showValue(t.get(i))).join(' ')}]`);
  for (const g of ['gi32', 'gi64', 'gf32', 'gf64']) {
    const v = o.global(g);
    if (v !== undefined) parts.push(`${g}=${showValue(v)}`);
  }
  return parts.join('; ');
}

function call(f: (...a: unknown[]) => unknown, args: unknown[], observe: Observable, ours: boolean): Outcome {
  let result: string;
  try {
    result = `= ${showValue(f(...args))}`;
  } catch (e) {
    if (ours) result = e instanceof RuntimeError ? `trap: ${e.reason}` : `error: ${String(e)}`;
    else result = e instanceof WebAssembly.RuntimeError || e instanceof RangeError ? `trap: ${(e as Error).message}` : `error: ${String(e)}`;
  }
  return { result, state: stateOf(observe) };
}

/** Whether our outcome is one V8's allows. */
export function agrees(v8: Outcome, ours: Outcome): boolean {
  if (v8.state !== ours.state) return false;
  if (v8.result === ours.result) return !v8.result.startsWith('error:');
  if (!v8.result.startsWith('trap: ') || !ours.result.startsWith('trap: ')) return false;
  return sameTrap(v8.result.slice(6), ours.result.slice(6));
}

export type Verdict =
  | { readonly kind: 'agree'; readonly calls: number }
  | { readonly kind: 'stubbed'; readonly reasons: readonly string[] }
  | { readonly kind: 'mismatch'; readonly detail: string };

/**
 * Run export "f" of `bytes` on V8 and on Lightbeam with each argument tuple of `features`.
 * 'stubbed' when Lightbeam compiled some function of the module as a "not implemented yet" stub
 * (nothing is run then: the outcomes could not agree).
 */
/** `cpu`: the optional CPU features our code may use (default: this machine's, as the Node API compiles). */
export function compareWithV8(bytes: Uint8Array, features: Features, cpu: CpuFeatures = cpuFeatures()): Verdict {
  const compiled = compileModule(bytes, { features: cpu });
  if (compiled.stubbed.size) {
    return { kind: 'stubbed', reasons: [...compiled.stubbed].map(([i, why]) => `function ${i}: ${why}`) };
  }
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource)).exports;
  const ours = new Instance(compiled).exports;
  const v8Side: Observable = {
    memory: () => (v8.mem as WebAssembly.Memory | undefined)?.buffer,
    table: () => v8.tab as WebAssembly.Table | undefined,
    global: (g) => (v8[g] as WebAssembly.Global | undefined)?.value,
  };
  const ourSide: Observable = {
    memory: () => (ours.mem as { arrayBuffer: ArrayBuffer } | undefined)?.arrayBuffer,
    table: () => ours.tab as { length: number; get(i: number): unknown } | undefined,
    global: (g) => (ours[g] as { value: unknown } | undefined)?.value,
  };
  const argTuples = argumentsFor(features);
  for (const args of argTuples) {
    const want = call(v8.f as (...a: unknown[]) => unknown, args, v8Side, false);
    const got = call(ours.f as (...a: unknown[]) => unknown, args, ourSide, true);
    if (!agrees(want, got)) {
      const show = (o: Outcome) => (o.state ? `${o.result}\n      state ${o.state}` : o.result);
      return { kind: 'mismatch', detail: `args (${args.map(showValue).join(', ')}):\n  V8:        ${show(want)}\n  Lightbeam: ${show(got)}` };
    }
  }
  return { kind: 'agree', calls: argTuples.length };
}

/**
 * Run export "f" on V8 alone with each argument tuple; returns the outcomes (a trap is an outcome,
 * any other error throws). `{ state: false }` leaves the state out (hashing memory costs time).
 */
export function runOnV8(bytes: Uint8Array, features: Features, { state = true } = {}): Outcome[] {
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource)).exports;
  const side: Observable = !state ? { memory: () => undefined, table: () => undefined, global: () => undefined } : {
    memory: () => (v8.mem as WebAssembly.Memory | undefined)?.buffer,
    table: () => v8.tab as WebAssembly.Table | undefined,
    global: (g) => (v8[g] as WebAssembly.Global | undefined)?.value,
  };
  return argumentsFor(features).map((args) => {
    const o = call(v8.f as (...a: unknown[]) => unknown, args, side, false);
    if (o.result.startsWith('error:')) throw new Error(`V8 failed (not a trap): ${o.result}`);
    if (o.result.startsWith('trap: ') && !(o.result.slice(6) in V8_TRAPS)) throw new Error(`V8 trap not in the table of equivalents: ${o.result}`);
    return o;
  });
}
