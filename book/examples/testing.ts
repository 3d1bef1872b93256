// Chapter 16's example: the smallest differential tester that finds anything. It makes random
// straight-line i32 functions from a seeded RNG, compiles each with Lightbeam and with the host's
// WebAssembly (V8, in Node), calls both on the same inputs and counts agreements. The real fuzzer
// (compiler/testing/fuzz) grows out of this loop; the chapter shows what this one cannot do.
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { nativeUnavailable } from '../../src/lib/examples.ts';
import type { Output } from '../../src/lib/exampleOutput.ts';

// #region tiny-generator
/** A small, fast, seeded RNG (mulberry32): the same seed gives the same programs on every machine. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BINARY = ['i32.add', 'i32.sub', 'i32.mul', 'i32.and', 'i32.or', 'i32.xor', 'i32.shl', 'i32.shr_s', 'i32.shr_u', 'i32.rotl', 'i32.div_s', 'i32.rem_u', 'i32.lt_s', 'i32.eq'];
const UNARY = ['i32.clz', 'i32.ctz', 'i32.popcnt', 'i32.eqz'];

/** One function `(param i32 i32) (result i32)` of `length` random instructions, kept type-correct by tracking the stack's depth. */
export function randomFunction(next: () => number, length: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const body: string[] = [];
  let depth = 0;
  for (let i = 0; i < length; i++) {
    const r = next();
    if (depth < 2 || r < 0.35) {
      body.push(r < 0.2 ? `i32.const ${(next() * 2 ** 32) | 0}` : `local.get ${Math.floor(next() * 2)}`);
      depth++;
    } else if (r < 0.5) body.push(pick(UNARY));
    else {
      body.push(pick(BINARY));
      depth--;
    }
  }
  for (; depth > 1; depth--) body.push(pick(BINARY)); // fold what is left into one result
  if (depth === 0) body.push('local.get 0');
  return `(func (export "f") (param i32 i32) (result i32)\n  ${body.join('\n  ')})`;
}
// #endregion tiny-generator

// #region tiny-differential
export const INPUTS: [number, number][] = [[0, 0], [1, -1], [7, 3], [-2147483648, -1], [123456789, 31]];

/** The outcome of one call: its value, or the trap's message (each engine words traps its own way). */
function outcome(f: (a: number, b: number) => unknown, a: number, b: number): string {
  try {
    return `= ${f(a, b)}`;
  } catch (e) {
    const m = String((e as Error).message);
    return /divide by zero|remainder by zero/.test(m) ? 'trap: divide by zero' : /overflow|unrepresentable/.test(m) ? 'trap: overflow' : `trap: ${m}`;
  }
}

export interface TinyReport { programs: number; calls: number; agreed: number; traps: number; disagreements: string[] }

/** Compile `programs` random functions with both compilers and compare every call. */
export async function tinyDifferential(seed: number, programs: number): Promise<TinyReport> {
  const { Instance } = await import('../../compiler/runtime/instance.ts');
  const next = rng(seed);
  const report: TinyReport = { programs, calls: 0, agreed: 0, traps: 0, disagreements: [] };
  for (let p = 0; p < programs; p++) {
    const wat = `(module ${randomFunction(next, 4 + Math.floor(next() * 12))})`;
    const wasm = await watToWasm(wat);
    const theirs = new WebAssembly.Instance(new WebAssembly.Module(wasm as BufferSource)).exports.f as (a: number, b: number) => unknown;
    const ours = new Instance(compileModule(wasm)).exports.f as (a: number, b: number) => unknown;
    for (const [a, b] of INPUTS) {
      const want = outcome(theirs, a, b);
      const got = outcome(ours, a, b);
      report.calls++;
      if (want.startsWith('trap')) report.traps++;
      if (want === got) report.agreed++;
      else report.disagreements.push(`${wat}\n  f(${a}, ${b}): V8 ${want}, Lightbeam ${got}`);
    }
  }
  return report;
}
// #endregion tiny-differential

export const TINY_SEED = 16;
export const TINY_PROGRAMS = 200;

/** The chapter's run: 200 programs, 5 calls each. */
export async function tinyRun(): Promise<Output[]> {
  const why = nativeUnavailable();
  if (why) return [{ kind: 'unavailable', reason: why }];
  const first = randomFunction(rng(TINY_SEED), 10);
  const r = await tinyDifferential(TINY_SEED, TINY_PROGRAMS);
  return [
    { kind: 'text', title: 'One generated function (seed 16, 10 instructions)', text: first },
    {
      kind: 'table',
      title: `${r.programs} random functions, seed ${TINY_SEED}`,
      columns: ['calls', 'agreed', 'V8 trapped', 'disagreed'],
      rows: [[r.calls, r.agreed, r.traps, r.disagreements.length]],
    },
    ...(r.disagreements.length ? [{ kind: 'text' as const, title: 'First disagreement', text: r.disagreements[0]! }] : []),
  ];
}
