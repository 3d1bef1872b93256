// The look ahead that weighs locals' uses (localWeights.ts), on hand-made body bytes, and the
// choice of register locals from the weights.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FunctionContext, NoopCodeGenerator, validateModule } from '../validate/index.ts';
import { chooseRegisterLocals, localWeights, READ_FIRST, UNSEEN, WRITTEN_FIRST, writtenFirst } from './localWeights.ts';

const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOOP = 0x03, VOID = 0x40, END = 0x0b, DROP = 0x1a, I32_ADD = 0x6a;
/** An opcode the scan does not know (a prefix of no supported proposal): it gives up there. */
const UNKNOWN = 0xff;

const weightsOf = (body: number[], localCount: number): number[] | null => {
  const w = localWeights(Uint8Array.from(body), 0, body.length, localCount);
  return w && [...w.subarray(0, localCount)];
};

describe('localWeights', () => {
  // Local 0 used twice outside loops, local 1 once outside and once in a loop, local 2 twice in
  // two loops, local 3 never.
  const body = [
    LOCAL_GET, 0, LOCAL_GET, 1, I32_ADD, DROP,
    LOOP, VOID, LOCAL_GET, 1, DROP, LOOP, VOID, LOCAL_GET, 2, LOCAL_SET, 2, END, END,
    LOCAL_GET, 0, DROP, END,
  ];

  it('counts each use 8 times per enclosing loop', () => {
    expect(weightsOf(body, 4)).toEqual([2, 9, 128, 0]);
  });

  it('gives up on an opcode it does not know', () => {
    expect(weightsOf([LOCAL_GET, 0, UNKNOWN, END], 1)).toBeNull();
  });

  it('steps over SIMD operators and their immediates (16 bytes, a lane, a memarg and a lane)', () => {
    const SIMD = 0xfd;
    const body = [
      SIMD, 0x0c, ...Array<number>(16).fill(LOCAL_GET), // v128.const: its bytes are no local.get
      SIMD, 0x0d, ...Array<number>(16).fill(1), // i8x16.shuffle 1 1 ... 1 (of two v128.const results)
      SIMD, 0x15, LOCAL_GET, // i8x16.extract_lane_s 0x20
      LOCAL_GET, 0, SIMD, 0x54, 0, 0, LOCAL_GET, DROP, // v128.load8_lane align=0 offset=0 lane=0x20
      LOOP, VOID, LOCAL_GET, 1, SIMD, 0xae, 0x01, DROP, END, // i32x4.add (two-byte sub-opcode)
      END,
    ];
    expect(weightsOf(body, 2)).toEqual([1, 8]);
    // A relaxed SIMD operator (two-byte sub-opcode 0x100) has no immediates; a sub-opcode no
    // table row has (0x114) is unknown: give up.
    expect(weightsOf([LOOP, VOID, LOCAL_GET, 0, SIMD, 0x80, 0x02, DROP, END, END], 1)).toEqual([8]);
    expect(weightsOf([SIMD, 0x94, 0x02, END], 1)).toBeNull();
  });

  it('asked only which locals are used, stops once all of them are', () => {
    const used = (code: number[], localCount: number, stopOnceUsed: number): number[] | null => {
      const w = localWeights(Uint8Array.from(code), 0, code.length, localCount, stopOnceUsed);
      return w && [...w.subarray(0, localCount)];
    };
    // Locals 0-2 all used by the second loop's local.get 2: the rest is not read (not even the unknown opcode).
    expect(used([...body.slice(0, -1), UNKNOWN, END], 3, 3)).toEqual([1, 9, 64]);
    // Local 3 is never used: the whole body is scanned.
    expect(used(body, 4, 4)).toEqual([2, 9, 128, 0]);
    // A local beyond stopOnceUsed (the hidden return-area pointer) is not waited for.
    expect(used([...body.slice(0, -1), UNKNOWN, END], 4, 3)).toEqual([1, 9, 64, 0]);
  });
});

describe('chooseRegisterLocals', () => {
  const CHOSEN = -2;
  const choose = (classes: number[], weights: number[] | null, budget: number[]): number[] => {
    const into = classes.map(() => -1);
    const candidates = classes.map((_, i) => i);
    chooseRegisterLocals(candidates, classes, candidates.length, weights && Float64Array.from(weights), budget, into, CHOSEN);
    return into.flatMap((v, i) => (v === CHOSEN ? [i] : []));
  };

  it('takes the heaviest used locals of each class, ties to the lower index', () => {
    expect(choose([0, 0, 0, 0, 1, 1], [1, 5, 0, 5, 2, 3], [2, 1])).toEqual([1, 3, 5]);
    expect(choose([0, 0, 0], [4, 4, 4], [2, 2])).toEqual([0, 1]);
    expect(choose([0, 0, 0], [1, 0, 2], [5, 5])).toEqual([0, 2]);
  });

  it('without weights takes each class in declaration order', () => {
    expect(choose([0, 1, 0, 0, 1], null, [2, 1])).toEqual([0, 1, 2]);
  });
});

describe('writtenFirst', () => {
  const LOCAL_TEE = 0x22, I32_CONST = 0x41, BLOCK = 0x02, IF = 0x04, BR_IF = 0x0d, F64_CONST = 0x44, I32_LOAD = 0x28;
  const firstUses = (body: number[], localCount: number): number[] | null => {
    const f = writtenFirst(Uint8Array.from(body), 0, body.length, localCount);
    return f && [...f.subarray(0, localCount)];
  };

  it('sees the first use of each local before the first branch', () => {
    // local 0 read, 1 written (tee), 2 read by the value of its own set, 3 written inside a loop's
    // first stretch, 4 first used after the br_if, 5 never.
    const body = [
      LOCAL_GET, 0, LOCAL_TEE, 1, DROP, LOCAL_GET, 2, LOCAL_SET, 2,
      LOOP, VOID, I32_CONST, 1, LOCAL_SET, 3, LOCAL_GET, 3, BR_IF, 0, END,
      I32_CONST, 2, LOCAL_SET, 4, LOCAL_GET, 4, DROP, END,
    ];
    expect(firstUses(body, 6)).toEqual([READ_FIRST, WRITTEN_FIRST, READ_FIRST, WRITTEN_FIRST, UNSEEN, UNSEEN]);
    // An if ends the stretch as a br_if does; a block does not.
    expect(firstUses([LOCAL_GET, 0, IF, VOID, I32_CONST, 0, LOCAL_SET, 1, END, END], 2)).toEqual([READ_FIRST, UNSEEN]);
    expect(firstUses([BLOCK, VOID, I32_CONST, 0, LOCAL_SET, 1, END, END], 2)).toEqual([UNSEEN, WRITTEN_FIRST]);
  });

  it('reads no opcode in an immediate', () => {
    // i32.const 33 (0x21, local.set's opcode), f64.const with 0x0d (br_if's) and 0x20 bytes,
    // i32.load with a multi-byte offset: none of them is an operator.
    const body = [
      I32_CONST, 0x21, DROP, F64_CONST, 0x0d, 0x20, 0x01, 0x0d, 0x20, 0x00, 0x0d, 0x20, DROP,
      I32_CONST, 0, I32_LOAD, 2, 0xa1, 0x22, DROP, I32_CONST, 5, LOCAL_SET, 1, LOCAL_GET, 1, DROP, END,
    ];
    expect(firstUses(body, 2)).toEqual([UNSEEN, WRITTEN_FIRST]);
  });

  it('gives up on an opcode it does not know', () => {
    expect(firstUses([I32_CONST, 0, LOCAL_SET, 0, UNKNOWN, END], 1)).toBeNull();
  });

  // The first uses, as the validator reports the operators of every function to a code generator:
  // local.get, local.set and local.tee in order, up to the first operator that may skip code.
  class FirstUses extends NoopCodeGenerator {
    expected: number[] = [];
    stopped = false;
    mismatches: string[] = [];
    functions = 0;
    private body: FunctionContext['expression'] | null = null;
    override beginFunction(ctx: FunctionContext): void {
      this.expected = ctx.locals.map(() => UNSEEN);
      this.stopped = false;
      this.body = ctx.expression;
    }
    override endFunction(funcIndex: number): void {
      const b = this.body!;
      const f = writtenFirst(b.code, b.start, b.end, this.expected.length);
      const found = f && [...f.subarray(0, this.expected.length)];
      if (found === null || found.some((v, i) => v !== this.expected[i])) this.mismatches.push(`function ${funcIndex}: ${JSON.stringify(found)} against ${JSON.stringify(this.expected)}`);
      this.functions++;
    }
    private use(i: number, first: number): void {
      if (!this.stopped && this.expected[i] === UNSEEN) this.expected[i] = first;
    }
    override localGet(i: number): void { this.use(i, READ_FIRST); }
    override localSet(i: number): void { this.use(i, WRITTEN_FIRST); }
    override localTee(i: number): void { this.use(i, WRITTEN_FIRST); }
    override unreachable(): void { this.stopped = true; }
    override if(): void { this.stopped = true; }
    override else(): void { this.stopped = true; }
    override br(): void { this.stopped = true; }
    override brIf(): void { this.stopped = true; }
    override brTable(): void { this.stopped = true; }
    override return(): void { this.stopped = true; }
  }

  it('agrees with the validator on every function of the test programs and real modules', () => {
    const root = join(import.meta.dirname, '../..');
    const dirs = ['compiler/testing/cprograms', 'compiler/cli/wasi-programs', 'bench/kernels/wasm'];
    const files = dirs.flatMap((d) => readdirSync(join(root, d)).filter((f) => f.endsWith('.wasm')).map((f) => join(root, d, f)));
    files.push(join(root, 'node_modules/iced-x86/iced_x86_bg.wasm'), join(root, 'node_modules/shiki/dist/onig.wasm'));
    const gen = new FirstUses();
    for (const file of files) validateModule(new Uint8Array(readFileSync(file)), gen);
    expect(gen.mismatches).toEqual([]);
    expect(gen.functions).toBeGreaterThan(2000);
  });
});
