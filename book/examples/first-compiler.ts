// Chapter 1's miniature of the whole book: an interpreter for a few straight-line i32 operators,
// then a "compiler" that turns the same operators into x86-64 bytes, written out by hand, and
// runs them. Teaching code, not Lightbeam: it reads JavaScript arrays instead of a module's
// bytes, checks nothing, knows five operators and keeps every value in memory. The chapters
// that follow replace each of those shortcuts with the real thing.
import { disassemble, loadIced } from '../../compiler/x64/index.ts';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { nativeUnavailable } from '../../src/lib/examples.ts';
import type { Output } from '../../src/lib/exampleOutput.ts';

// #region tiny-interpreter
/** A program for the stack machine: the operators of one function body, in order. */
export type Op =
  | readonly ['i32.const', number]
  | readonly ['local.get', number]
  | readonly ['i32.add' | 'i32.sub' | 'i32.mul'];

/** Runs `program` on a stack of numbers; the function's result is what is left on top. */
export function interpret(program: readonly Op[], args: readonly number[]): number {
  const stack: number[] = [];
  const pop = (): number => {
    if (stack.length === 0) throw new Error('stack underflow');
    return stack.pop()!;
  };
  for (const op of program) {
    if (op[0] === 'i32.const') stack.push(op[1] | 0);
    else if (op[0] === 'local.get') stack.push(args[op[1]]! | 0);
    else {
      const a = pop(); // the second operand was pushed last
      const b = pop();
      if (op[0] === 'i32.add') stack.push((b + a) | 0); // | 0 wraps to 32 bits, as i32 does
      else if (op[0] === 'i32.sub') stack.push((b - a) | 0);
      else stack.push(Math.imul(b, a));
    }
  }
  return pop();
}
// #endregion tiny-interpreter

// #region tiny-compiler
// The same stack, kept on the processor's own stack (push and pop), one operator at a time.
// Arguments arrive in rdi, rsi, rdx and the result leaves in eax, as a C function's do on Linux.
const PUSH_ARG = [0x57, 0x56, 0x52]; // push rdi / push rsi / push rdx
const PUSH_IMM32 = 0x68; // push imm32, followed by the 4 bytes of the number, low byte first
const POP_RCX = 0x59, POP_RAX = 0x58, PUSH_RAX = 0x50, RET = 0xc3;
const ARITHMETIC = {
  'i32.add': [0x01, 0xc8], //       add eax, ecx
  'i32.sub': [0x29, 0xc8], //       sub eax, ecx
  'i32.mul': [0x0f, 0xaf, 0xc1], // imul eax, ecx
};

export function compileTiny(program: readonly Op[]): Uint8Array {
  const code: number[] = [];
  for (const op of program) {
    if (op[0] === 'i32.const') {
      const n = op[1];
      code.push(PUSH_IMM32, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
    } else if (op[0] === 'local.get') {
      code.push(PUSH_ARG[op[1]]!);
    } else {
      code.push(POP_RCX, POP_RAX, ...ARITHMETIC[op[0]], PUSH_RAX);
    }
  }
  code.push(POP_RAX, RET); // the result is on top: pop it into eax and return
  return new Uint8Array(code);
}
// #endregion tiny-compiler

/** The programs the chapter runs, each with the arguments it is called with. */
export const tinyPrograms: { name: string; params: number; program: Op[]; args: number[] }[] = [
  { name: 'a + 100', params: 1, program: [['local.get', 0], ['i32.const', 100], ['i32.add']], args: [5] },
  { name: '(a - b) * 10', params: 2, program: [['local.get', 0], ['local.get', 1], ['i32.sub'], ['i32.const', 10], ['i32.mul']], args: [7, 3] },
  {
    name: 'a*a + b*b + c*c',
    params: 3,
    program: [['local.get', 0], ['local.get', 0], ['i32.mul'], ['local.get', 1], ['local.get', 1], ['i32.mul'], ['i32.add'], ['local.get', 2], ['local.get', 2], ['i32.mul'], ['i32.add']],
    args: [2, 3, 4],
  },
  { name: '2147483647 + 1', params: 0, program: [['i32.const', 2147483647], ['i32.const', 1], ['i32.add']], args: [] },
];

/** The same program as a WebAssembly module in the text format, for Lightbeam. */
export function watOf(params: number, program: readonly Op[]): string {
  const signature = params ? `(param ${'i32 '.repeat(params).trim()}) ` : '';
  return `(module (func (export "f") ${signature}(result i32) ${program.map((op) => op.join(' ')).join(' ')}))`;
}

/** Run the tiny compiler's bytes: copied into executable memory, called through koffi as a C function. */
async function runTiny(code: Uint8Array, params: number, args: readonly number[]): Promise<number> {
  const { getNative } = await import('../../compiler/runtime/native.ts');
  const { CodeMemory } = await import('../../compiler/runtime/codeMemory.ts');
  const native = getNative();
  const memory = new CodeMemory(code);
  const proto = native.koffi.proto('int32_t', Array.from({ length: params }, () => 'int32_t'));
  const f = native.koffi.decode(native.pointer(memory.address), proto) as (...a: number[]) => number;
  return f(...args);
}

/** Every program three ways: interpreted, compiled by the tiny compiler and run, compiled by Lightbeam and run. */
export async function threeWays(): Promise<{ rows: (string | number)[][] }> {
  const why = nativeUnavailable();
  const rows: (string | number)[][] = [];
  for (const p of tinyPrograms) {
    const call = `f(${p.args.join(', ')})`;
    const interpreted = interpret(p.program, p.args);
    let tiny: string | number = 'not run';
    let lightbeam: string | number = 'not run';
    if (!why) {
      tiny = await runTiny(compileTiny(p.program), p.params, p.args);
      const { Instance } = await import('../../compiler/runtime/instance.ts');
      const wasm = await watToWasm(watOf(p.params, p.program), { name: `${p.name}.wat` });
      lightbeam = (new Instance(compileModule(wasm)).exports.f as (...a: number[]) => number)(...p.args);
    }
    rows.push([p.name, call, interpreted, tiny, lightbeam]);
  }
  return { rows };
}

export async function example(): Promise<Output[]> {
  await loadIced();
  const shown = tinyPrograms[1]!;
  const code = compileTiny(shown.program);
  const listing = disassemble(code).map((l) => `${l.text}`).join('\n');
  const { rows } = await threeWays();
  const why = nativeUnavailable();
  return [
    { kind: 'bytes', title: `${shown.name}: the ${code.length} bytes the tiny compiler wrote`, bytes: code },
    { kind: 'asm', title: `${shown.name}: the same bytes, disassembled by iced-x86`, listing },
    { kind: 'table', title: 'Each program interpreted, compiled by the tiny compiler, and compiled by Lightbeam', columns: ['program', 'call', 'interpreter', 'tiny compiler, run', 'Lightbeam, run'], rows, nowrap: [1] },
    ...(why ? [{ kind: 'unavailable' as const, reason: `The compiled code was not run: ${why}` }] : []),
  ];
}

/** What the tiny compiler makes of a program the interpreter refuses. */
export async function underflow(): Promise<Output[]> {
  await loadIced();
  const program: Op[] = [['i32.const', 1], ['i32.add']];
  let verdict: string;
  try {
    verdict = String(interpret(program, []));
  } catch (e) {
    verdict = `${(e as Error).name}: ${(e as Error).message}`;
  }
  const listing = disassemble(compileTiny(program)).map((l) => l.text).join('\n');
  return [
    { kind: 'text', title: 'i32.const 1; i32.add — the interpreter says', text: verdict },
    { kind: 'asm', title: 'the tiny compiler writes, without a murmur (not run: the second pop takes the return address)', listing },
  ];
}
