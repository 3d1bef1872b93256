// Compiler bombs: does compile time grow with the input, whatever its shape? Each shape is one
// extreme of what a valid function can hold (deep nesting, a deep value stack, a wide br_table,
// thousands of locals, ...) at two sizes, n and 4n; it is compiled by us and by V8's Liftoff
// (one thread), and the table shows each one's growth from n to 4n (4.0 is linear) and our time
// over Liftoff's at 4n. A growth well above 4 is a compiler bomb: the time per unit of input rises
// with the input, and an attacker's module of a few kilobytes can take minutes.
//   npx tsx bench/compile-shapes.ts [--n 2000] [--ms 1000] [shape ...]
// CPU medians after a warm-up; Liftoff in a child process (bench/liftoffTiming.ts).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileModule } from '../compiler/codegen/moduleCompiler.ts';
import { LIFTOFF_FLAGS, liftoff } from './liftoffTiming.ts';

// The modules are built as bytes here: wabt's text parser recurses on nesting, and a few thousand
// nested blocks are beyond it.
const I32 = 0x7f, I64 = 0x7e;
const BLOCK = [0x02, 0x40], LOOP = [0x03, 0x40], IF = [0x04, 0x40], ELSE = 0x05, END = 0x0b;
const BR_IF = 0x0d, BR_TABLE = 0x0e, CALL = 0x10, DROP = 0x1a, LOCAL_GET = 0x20, LOCAL_SET = 0x21;
const I32_CONST = 0x41, I32_ADD = 0x6a;
function leb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}
const repeat = (bytes: number[], n: number): number[] => Array.from({ length: n }, () => bytes).flat();
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const section = (id: number, items: number[][]): number[] => {
  const body = vec(items);
  return [id, ...leb(body.length), ...body];
};

interface Func {
  params?: number[];
  results?: number[];
  /** Groups of locals: [count, type]. */
  locals?: [number, number][];
  code: number[];
}
/** A module of these functions (each with a type of its own) and a memory. */
function moduleOf(funcs: Func[]): Uint8Array {
  const types = funcs.map((f) => [0x60, ...vec((f.params ?? []).map((t) => [t])), ...vec((f.results ?? []).map((t) => [t]))]);
  const bodies = funcs.map((f) => {
    const body = [...vec((f.locals ?? []).map(([count, type]) => [...leb(count), type])), ...f.code, END];
    return [...leb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types), ...section(3, funcs.map((_, i) => leb(i))), ...section(5, [[0x00, 0x01]]), ...section(10, bodies),
  ]);
}
const one = (f: Func) => moduleOf([f]);

/** Each shape: what it stresses, and its module at size n (n a multiple of 4). */
const SHAPES: Record<string, [what: string, module: (n: number) => Uint8Array]> = {
  nest: ['n nested blocks', (n) => one({ code: [...repeat(BLOCK, n), ...repeat([END], n)] })],
  loops: ['n nested loops, a branch from the innermost to the outermost', (n) =>
    one({ locals: [[1, I32]], code: [...repeat(LOOP, n), LOCAL_GET, 0, BR_IF, ...leb(n - 1), ...repeat([END], n)] })],
  ifs: ['n nested if/else, each writing a local (merges of register locals)', (n) =>
    one({ locals: [[1, I32]], code: [...repeat([LOCAL_GET, 0, ...IF, LOCAL_GET, 0, I32_CONST, 1, I32_ADD, LOCAL_SET, 0, ELSE], n), ...repeat([END], n)] })],
  stack: ['a value stack n deep (spilled), then n - 1 adds', (n) =>
    one({ code: [...repeat([I32_CONST, 1], n), ...repeat([I32_ADD], n - 1), DROP] })],
  oneLocal: ['one local read n times, then written n times (deferred reads to settle)', (n) =>
    one({ locals: [[1, I32]], code: [...repeat([LOCAL_GET, 0], n), ...repeat([LOCAL_SET, 0], n)] })],
  frozen: ['n blocks with br_if out, 500 values below them', (n) =>
    one({ code: [...repeat([I32_CONST, 1], 500), ...repeat([...BLOCK, I32_CONST, 0, BR_IF, 0], n), ...repeat([END], n), ...repeat([DROP], 500)] })],
  brTable: ['a br_table of n labels (over 20 blocks)', (n) =>
    one({ code: [...repeat(BLOCK, 20), I32_CONST, 0, BR_TABLE, ...leb(n), ...Array.from({ length: n }, (_, i) => i % 20), 0, ...repeat([END], 20)] })],
  calls: ['n calls with 100 arguments each', (n) => moduleOf([
    { params: new Array<number>(100).fill(I32), code: [] },
    { code: repeat([...repeat([I32_CONST, 1], 100), CALL, 0], n) },
  ])],
  usedLocals: ['n locals, each written and read once', (n) => one({
    results: [I32], locals: [[n, I32]],
    code: [
      ...Array.from({ length: n }, (_, i) => [I32_CONST, i % 64, LOCAL_SET, ...leb(i)] /* a constant below 64 is one byte */).flat(),
      ...Array.from({ length: n }, (_, i) => [LOCAL_GET, ...leb(i), ...(i > 0 ? [I32_ADD] : [])]).flat(),
    ],
  })],
  unusedLocals: ['200 functions declaring n/4 locals they never use', (n) => moduleOf(Array.from({ length: 200 }, () => ({ locals: [[n / 4, I64]] as [number, number][], code: [] })))],
  functions: ['n small functions', (n) => moduleOf(Array.from({ length: n }, () => ({ params: [I32], results: [I32], code: [LOCAL_GET, 0, I32_CONST, 1, I32_ADD] })))],
};

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  const v = i < 0 ? fallback : Number(args[i + 1]);
  if (!(v > 0)) throw new Error(`${name}: a positive number`);
  return v;
};
const n = option('--n', 2000);
if (n % 4 !== 0) throw new Error('--n: a multiple of 4 (unusedLocals declares n/4 locals)');
const ms = option('--ms', 1000);
const chosen = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
for (const s of chosen) if (!SHAPES[s]) throw new Error(`no shape '${s}' (shapes: ${Object.keys(SHAPES).join(', ')})`);
const shapes = chosen.length > 0 ? chosen : Object.keys(SHAPES);
const dir = mkdtempSync(join(tmpdir(), 'lightbeam-shapes-'));
try {
  console.log(`compile time by function shape, at n = ${n} and 4n (CPU medians, ${ms} ms per measurement; growth 4.0 is linear)`);
  console.log(`  ${'shape'.padEnd(13)} ${'KB at 4n'.padStart(8)} ${'ours ms'.padStart(8)} ${'growth'.padStart(6)} ${'Liftoff'.padStart(8)} ${'growth'.padStart(6)} ${'ours/Liftoff'.padStart(12)}  what`);
  let worst = 0;
  for (const shape of shapes) {
    const [small, large] = [n, 4 * n].map((size) => {
      const file = join(dir, `${shape}-${size}.wasm`);
      writeFileSync(file, SHAPES[shape]![1](size));
      return file;
    }) as [string, string];
    const [ours1, ours4] = [ourMs(small, ms), ourMs(large, ms)];
    const flags = [...LIFTOFF_FLAGS, '--single-threaded'];
    const [v8a, v8b] = [liftoff(small, flags, 'compile', ms).compileMs!, liftoff(large, flags, 'compile', ms).compileMs!];
    const growth = ours4 / ours1;
    worst = Math.max(worst, growth);
    const kb = readFileSync(large).length / 1024;
    console.log(`  ${shape.padEnd(13)} ${kb.toFixed(1).padStart(8)} ${ours4.toFixed(2).padStart(8)} ${growth.toFixed(1).padStart(6)} ${v8b.toFixed(2).padStart(8)} ${(v8b / v8a).toFixed(1).padStart(6)} ${(ours4 / v8b).toFixed(2).padStart(12)}  ${SHAPES[shape]![0]}`);
  }
  console.log(`  the largest growth of ours: ${worst.toFixed(1)} (4.0: linear; below 4, fixed costs still show at n)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Our warm compile of a file: the CPU-time median of compiles over `ms` (after as long a warm-up). */
function ourMs(file: string, ms: number): number {
  const bytes = new Uint8Array(readFileSync(file));
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const warm = performance.now() + ms;
  while (performance.now() < warm) compileModule(bytes);
  const times: number[] = [];
  const stop = performance.now() + ms;
  while (performance.now() < stop || times.length < 5) {
    const t = cpu();
    compileModule(bytes);
    times.push(cpu() - t);
  }
  return times.sort((a, b) => a - b)[times.length >> 1]!;
}
