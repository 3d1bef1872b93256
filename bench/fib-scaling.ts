// Compile time per wasm byte of the one-pass code generator as inputs grow (it must stay flat:
// nothing worse than linear in function size). Shapes that break naive one-pass compilers:
// deep nesting, a huge br_table, thousands of locals, long dead code, a deep value stack, and a
// long straight-line body. Run: npx tsx bench/fib-scaling.ts   (sizes double left to right)
import { compileModule } from '../compiler/codegen/moduleCompiler.ts';
import { HEADER, leb, section } from '../compiler/validate/testSupport.ts';

const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return out.push(b), out;
    out.push(b | 0x80);
  }
};

/** A module with one function (param i32) (result i32), `locals` extra i32 locals, this body. */
function module(body: number[], locals = 0): Uint8Array {
  const type = section(1, [1, 0x60, 1, 0x7f, 1, 0x7f]);
  const func = section(3, [1, 0]);
  const localDecl = locals ? [1, ...leb(locals), 0x7f] : [0];
  const code = [...localDecl, ...body, 0x0b];
  const codeSec = section(10, [1, ...leb(code.length), ...code]);
  return new Uint8Array([...HEADER, ...type, ...func, ...codeSec]);
}

const I32_CONST = 0x41, LOCAL_GET = 0x20, LOCAL_SET = 0x21, I32_ADD = 0x6a, BLOCK = 0x02, LOOP = 0x03, END = 0x0b;
const BR_IF = 0x0d, BR_TABLE = 0x0e, RETURN = 0x0f, DROP = 0x1a, EMPTY = 0x40, I32 = 0x7f;

const shapes: Record<string, (n: number) => Uint8Array> = {
  'nested blocks': (n) => module([...Array(n).fill([BLOCK, EMPTY]).flat(), LOCAL_GET, 0, BR_IF, ...leb(n >> 1), ...Array(n).fill(END), LOCAL_GET, 0]),
  'nested loops+br_if': (n) => module([...Array(n).fill([LOOP, EMPTY, LOCAL_GET, 0, BR_IF, 0]).flat(), ...Array(n).fill(END), LOCAL_GET, 0]),
  'huge br_table': (n) => module([BLOCK, EMPTY, BLOCK, EMPTY, LOCAL_GET, 0, BR_TABLE, ...leb(n), ...Array.from({ length: n }, (_, i) => i & 1), 0, END, END, LOCAL_GET, 0]),
  'many locals': (n) => module([...Array.from({ length: n >> 2 }, (_, i) => [LOCAL_GET, ...leb((i * 7919) % n), LOCAL_SET, ...leb((i * 104729) % n)]).flat(), LOCAL_GET, 0], n),
  'dead code': (n) => module([BLOCK, I32, LOCAL_GET, 0, RETURN, ...Array(n).fill([I32_CONST, 1, DROP]).flat(), I32_CONST, 0, END]),
  'deep value stack': (n) => module([...Array(n).fill([LOCAL_GET, 0, I32_CONST, 3, I32_ADD]).flat(), ...Array(n - 1).fill(I32_ADD)]),
  'local.gets then block': (n) => module([...Array(n).fill([LOCAL_GET, 0]).flat(), BLOCK, EMPTY, END, ...Array(n - 1).fill(I32_ADD)]),
  'straight line': (n) => module([...Array(n).fill([LOCAL_GET, 0, I32_CONST, ...sleb(12345), I32_ADD, LOCAL_SET, 0]).flat(), LOCAL_GET, 0]),
};

const sizes = [2000, 4000, 8000, 16000, 32000];
console.log(`${'shape'.padEnd(20)}${sizes.map((s) => `n=${s}`.padStart(12)).join('')}   (ns per wasm byte; flat = linear)`);
for (const [name, make] of Object.entries(shapes)) {
  const cells: string[] = [];
  for (const n of sizes) {
    const bytes = make(n);
    compileModule(bytes); // warm up
    let best = Infinity;
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      compileModule(bytes);
      best = Math.min(best, performance.now() - t);
    }
    cells.push(((best * 1e6) / bytes.length).toFixed(0).padStart(12));
  }
  console.log(name.padEnd(20) + cells.join(''));
}
