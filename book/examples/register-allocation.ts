// Chapter 7's toy allocators, built up in three steps for straight-line stack code (constants,
// local.get, add, sub, mul) and a toy machine with K registers, numbered frame slots and locals
// in memory. Each version emits toy instructions; `runToy` executes them, so every output shown
// in the chapter is checked against evaluating the program directly. Exercise 7's reference
// solution is `spillDeepest`, so exercises/07-register-allocation tests this file.
import type { Output } from '../../src/lib/exampleOutput.ts';

// #region toy-machine
/** A straight-line WebAssembly-like program over i32 values. */
export type Op =
  | { op: 'const'; value: number }
  | { op: 'local'; index: number }
  | { op: 'add' | 'sub' | 'mul' };
/** Where an instruction reads or writes: a register, a frame slot, a local, a constant. */
export type Place = { reg: number } | { slot: number } | { local: number } | { imm: number };
/** `mov dst, src` or `op dst, src` (dst = dst op src), like x86's two-operand instructions. */
export interface Instr {
  op: 'mov' | 'add' | 'sub' | 'mul';
  dst: Place;
  src: Place;
}
/** Where a constant or a local.get reads its value. */
export const leaf = (o: Op): Place =>
  o.op === 'const' ? { imm: o.value } : { local: (o as { index: number }).index };
// #endregion toy-machine

export const show = (p: Place): string =>
  'reg' in p ? `r${p.reg}` : 'slot' in p ? `[slot ${p.slot}]` : 'local' in p ? `[local ${p.local}]` : String(p.imm);
export const showCode = (code: readonly Instr[]): string => code.map((i) => `${i.op.padEnd(4)}${show(i.dst)}, ${show(i.src)}`).join('\n');
const isMemory = (p: Place): boolean => 'slot' in p || 'local' in p;
/** Memory reads and writes of a toy program: what spilling costs. */
export const memoryAccesses = (code: readonly Instr[]): number =>
  code.reduce((n, i) => n + (isMemory(i.src) ? 1 : 0) + (isMemory(i.dst) ? (i.op === 'mov' ? 1 : 2) : 0), 0);

/** Evaluate the program directly: the answer every compiled version must give. */
export function evaluate(program: readonly Op[], locals: readonly number[]): number {
  const stack: number[] = [];
  for (const o of program) {
    if (o.op === 'const') stack.push(o.value | 0);
    else if (o.op === 'local') stack.push(locals[o.index]! | 0);
    else {
      const b = stack.pop()!;
      const a = stack.pop()!;
      stack.push(o.op === 'add' ? (a + b) | 0 : o.op === 'sub' ? (a - b) | 0 : Math.imul(a, b));
    }
  }
  return stack.pop()!;
}

/**
 * Run toy code with `registers` registers; the result is in r0. Throws if the code uses a
 * register it does not have, writes a local, or reads a slot or register nothing wrote.
 */
export function runToy(code: readonly Instr[], locals: readonly number[], registers: number): number {
  const regs: (number | undefined)[] = new Array(registers).fill(undefined);
  const slots = new Map<number, number>();
  const read = (p: Place): number => {
    let v: number | undefined;
    if ('imm' in p) v = p.imm;
    else if ('local' in p) v = locals[p.local];
    else if ('slot' in p) v = slots.get(p.slot);
    else if (p.reg >= registers) throw new Error(`r${p.reg} does not exist (${registers} registers)`);
    else v = regs[p.reg];
    if (v === undefined) throw new Error(`read of ${show(p)}, which holds nothing`);
    return v;
  };
  for (const i of code) {
    const s = read(i.src);
    const v = i.op === 'mov' ? s : i.op === 'add' ? (read(i.dst) + s) | 0 : i.op === 'sub' ? (read(i.dst) - s) | 0 : Math.imul(read(i.dst), s);
    if ('reg' in i.dst) {
      if (i.dst.reg >= registers) throw new Error(`r${i.dst.reg} does not exist (${registers} registers)`);
      regs[i.dst.reg] = v;
    } else if ('slot' in i.dst) slots.set(i.dst.slot, v);
    else throw new Error(`cannot write ${show(i.dst)}`);
  }
  return read({ reg: 0 });
}

// #region spill-everything
/** Version 1: the operand stack lives in memory, a slot per stack position. Always works. */
export function spillEverything(program: readonly Op[]): Instr[] {
  const code: Instr[] = [];
  let height = 0;
  for (const o of program) {
    if (o.op === 'const') code.push({ op: 'mov', dst: { slot: height++ }, src: leaf(o) });
    else if (o.op === 'local') {
      // x86 has no memory-to-memory mov: through r0
      code.push({ op: 'mov', dst: { reg: 0 }, src: leaf(o) });
      code.push({ op: 'mov', dst: { slot: height++ }, src: { reg: 0 } });
    } else {
      height--;
      code.push({ op: 'mov', dst: { reg: 0 }, src: { slot: height - 1 } });
      code.push({ op: o.op, dst: { reg: 0 }, src: { slot: height } });
      code.push({ op: 'mov', dst: { slot: height - 1 }, src: { reg: 0 } });
    }
  }
  code.push({ op: 'mov', dst: { reg: 0 }, src: { slot: 0 } });
  return code;
}
// #endregion spill-everything

// #region free-set
/** Version 2: every value in a register from a free set (a bit mask); fails if none is. */
export function freeSet(program: readonly Op[], registers: number): Instr[] {
  const code: Instr[] = [];
  const stack: number[] = []; // the register holding each stack position's value
  let free = (1 << registers) - 1; // bit r set: register r is free
  const alloc = (): number => {
    if (free === 0) throw new Error(`out of registers: ${stack.length} values are live`);
    const r = 31 - Math.clz32(free & -free); // the lowest set bit
    free &= ~(1 << r);
    return r;
  };
  for (const o of program) {
    if (o.op === 'const' || o.op === 'local') {
      const r = alloc();
      code.push({ op: 'mov', dst: { reg: r }, src: leaf(o) });
      stack.push(r);
    } else {
      const b = stack.pop()!;
      const a = stack[stack.length - 1]!;
      code.push({ op: o.op, dst: { reg: a }, src: { reg: b } }); // the result replaces a
      free |= 1 << b;
    }
  }
  if (stack[0] !== 0) code.push({ op: 'mov', dst: { reg: 0 }, src: { reg: stack[0]! } });
  return code;
}
// #endregion free-set

/** Which register value to spill; 'deepest (no hint)' searches from position 0 every time. */
export type Victim = 'deepest' | 'newest' | 'deepest (no hint)';

// #region spill-deepest
/**
 * Version 3: a free set, and when it is empty, spill a value to the slot of its stack
 * position. A spilled value is read straight from its slot when it is a right operand, and
 * reloaded into a register when it is a left one (the result goes there).
 */
export function spillDeepest(
  program: readonly Op[], registers: number, victim: Victim = 'deepest',
): Instr[] {
  const code: Instr[] = [];
  const stack: Place[] = []; // where each stack position's value is: { reg } or { slot }
  let free = (1 << registers) - 1;
  let lowest = 0; // no position below this holds a register: the search starts here
  const spillOne = (): void => {
    let p: number;
    if (victim === 'newest') {
      p = stack.length - 1;
      while (p >= 0 && !('reg' in stack[p]!)) p--;
    } else {
      p = victim === 'deepest' ? lowest : 0; // 'deepest (no hint)' starts at the bottom
      while (p < stack.length && !('reg' in stack[p]!)) p++;
      lowest = p + 1;
    }
    if (p < 0 || p >= stack.length) throw new Error('out of registers, nothing to spill');
    const r = (stack[p] as { reg: number }).reg;
    code.push({ op: 'mov', dst: { slot: p }, src: { reg: r } });
    stack[p] = { slot: p };
    free |= 1 << r;
  };
  const alloc = (): number => {
    if (free === 0) spillOne();
    const r = 31 - Math.clz32(free & -free);
    free &= ~(1 << r);
    return r;
  };
  for (const o of program) {
    if (o.op === 'const' || o.op === 'local') {
      const r = alloc();
      code.push({ op: 'mov', dst: { reg: r }, src: leaf(o) });
      stack.push({ reg: r });
    } else {
      const b = stack.pop()!; // popped: never a spill victim; its register is freed after use
      let a = stack.pop()!;
      if (!('reg' in a)) {
        const r = alloc(); // b's register is still taken, so alloc cannot hand it out
        code.push({ op: 'mov', dst: { reg: r }, src: a });
        a = { reg: r };
      }
      code.push({ op: o.op, dst: a, src: b });
      if ('reg' in b) free |= 1 << b.reg;
      stack.push(a);
      lowest = Math.min(lowest, stack.length - 1);
    }
  }
  const top = stack[0]!;
  if (!('reg' in top && top.reg === 0)) code.push({ op: 'mov', dst: { reg: 0 }, src: top });
  return code;
}
// #endregion spill-deepest

// #region toy-programs
/** x + x*(3 + x*(5 + x*(7 + ...))): each multiplication waits for everything to its right. */
export function horner(terms: number): Op[] {
  const p: Op[] = [];
  for (let k = 0; k < terms; k++) p.push({ op: 'const', value: 2 * k + 3 }, { op: 'local', index: 0 });
  p.push({ op: 'const', value: 1 });
  for (let k = 0; k < terms; k++) p.push({ op: 'mul' }, { op: 'add' });
  return p;
}
/** (a - b) * (c + d) with a..d = locals 0..3: small enough to read. */
export const small: Op[] = [
  { op: 'local', index: 0 }, { op: 'local', index: 1 }, { op: 'sub' },
  { op: 'local', index: 2 }, { op: 'local', index: 3 }, { op: 'add' }, { op: 'mul' },
];
// #endregion toy-programs

/** A balanced tree of additions and multiplications over locals: wide rather than deep. */
export function balanced(depth: number, leaf = { n: 0 }): Op[] {
  if (depth === 0) return [{ op: 'local', index: leaf.n++ % 4 }];
  return [...balanced(depth - 1, leaf), ...balanced(depth - 1, leaf), { op: depth % 2 ? 'add' : 'mul' }];
}

/** Compiles with `compile`, runs it on the toy machine and checks the answer; '✗ <why>' if it fails. */
function attempt(compile: () => Instr[], program: readonly Op[], locals: number[], registers: number): { code?: Instr[]; verdict: string } {
  const want = evaluate(program, locals);
  try {
    const code = compile();
    const got = runToy(code, locals, registers);
    return { code, verdict: got === want ? `✓ ${got}` : `✗ gave ${got}, expected ${want}` };
  } catch (e) {
    return { verdict: `✗ ${(e as Error).message}` };
  }
}

const LOCALS = [7, 3, 5, 2];

/** The three versions on the small program, with 4 registers. */
export function example(): Output[] {
  const out: Output[] = [];
  const versions: [string, () => Instr[]][] = [
    ['version 1: the stack in memory', () => spillEverything(small)],
    ['version 2: registers from a free set', () => freeSet(small, 4)],
    ['version 3: a free set, spilling the deepest (same code: nothing needed spilling)', () => spillDeepest(small, 4)],
  ];
  for (const [title, compile] of versions) {
    const { code, verdict } = attempt(compile, small, LOCALS, 4);
    out.push({ kind: 'text', title: `${title}; run on the toy machine: ${verdict}`, text: code ? showCode(code) : '' });
  }
  return out;
}

/** Where version 2 gives up and version 3 does not: a deep program, few registers. */
export function deep(): Output[] {
  const program = horner(4);
  const out: Output[] = [];
  const two = attempt(() => freeSet(program, 4), program, LOCALS, 4);
  out.push({ kind: 'text', title: 'version 2, 4 registers', text: two.verdict });
  const three = attempt(() => spillDeepest(program, 4), program, LOCALS, 4);
  out.push({ kind: 'text', title: `version 3, 4 registers: ${three.verdict}`, text: showCode(three.code ?? []) });
  return out;
}

/** Instructions and memory accesses of each version, and the deepest against the newest as victim. */
export function compare(): Output[] {
  const rows: (string | number)[][] = [];
  const programs: [string, Op[]][] = [['(a - b) * (c + d)', small], ['horner(4)', horner(4)], ['horner(12)', horner(12)], ['balanced(6)', balanced(6)]];
  for (const [name, program] of programs) {
    const cell = (compile: () => Instr[]): string => {
      const { code, verdict } = attempt(compile, program, LOCALS, 4);
      return code && verdict.startsWith('✓') ? `${code.length} / ${memoryAccesses(code)}` : 'fails';
    };
    rows.push([
      name, program.length,
      cell(() => spillEverything(program)), cell(() => freeSet(program, 4)),
      cell(() => spillDeepest(program, 4, 'deepest')), cell(() => spillDeepest(program, 4, 'newest')),
    ]);
  }
  return [{
    kind: 'table',
    title: 'instructions / memory accesses, 4 registers (every cell checked by running it on the toy machine)',
    columns: ['program', 'operators', 'v1 memory stack', 'v2 free set', 'v3 spill deepest', 'v3 spill newest'],
    rows,
  }];
}

/** The `lowest` hint: spilling with it is linear; searching from the bottom every time is quadratic. */
export function hint(): Output[] {
  const rows: (string | number)[][] = [];
  for (const terms of [1000, 4000]) {
    const program = horner(terms);
    const time = (f: () => unknown): number => {
      f();
      const t0 = performance.now();
      for (let k = 0; k < 3; k++) f();
      return (performance.now() - t0) / 3;
    };
    const withHint = time(() => spillDeepest(program, 4));
    const without = time(() => spillDeepest(program, 4, 'deepest (no hint)'));
    rows.push([terms * 4 + 1, withHint.toFixed(2), without.toFixed(2), (without / withHint).toFixed(1) + '×']);
  }
  return [{ kind: 'table', title: 'spilling with and without the hint, 4 registers (ms per compile)', columns: ['operators', 'with hint', 'scan from 0', 'ratio'], rows }];
}
