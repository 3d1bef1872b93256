// Chapter 6's starting point: the most literal code generator there is. It keeps WebAssembly's
// operand stack on the machine stack (push and pop), and it is driven by the real validator
// through the same CodeGenerator interface as Lightbeam's own code generator. It knows a
// handful of i32 operators, enough for straight-line arithmetic on up to three parameters.
import { StreamingValidator, NoopCodeGenerator } from '../../compiler/validate/index.ts';
import { Assembler, disassemble, loadIced, eax, ecx, rax, rcx, rdi, rsi, rdx, type Gpr } from '../../compiler/x64/index.ts';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { firstBodyInstruction, listFunctions } from '../../compiler/codegen/listing.ts';
import { nativeUnavailable } from '../../src/lib/examples.ts';
import type { Output } from '../../src/lib/exampleOutput.ts';

// #region naive-codegen
/** Parameters arrive in rdi, rsi, rdx (the System V convention, so koffi can call the code). */
const PARAMS: readonly Gpr[] = [rdi, rsi, rdx];

class StackMachineCodegen extends NoopCodeGenerator {
  readonly asm = new Assembler();

  override localGet(index: number): void {
    this.asm.push(PARAMS[index]!); // push the parameter's register
  }
  override i32Const(value: number): void {
    this.asm.push(value); // push imm32 (sign-extended to 64 bits; only the low 32 matter)
  }
  override binary(opcode: number): void {
    const a = this.asm;
    a.pop(rcx); // the second operand was pushed last
    a.pop(rax);
    if (opcode === 0x6a) a.add(eax, ecx); // i32.add
    else if (opcode === 0x6b) a.sub(eax, ecx); // i32.sub
    else if (opcode === 0x6c) a.imul(eax, ecx); // i32.mul
    else throw new Error(`the naive code generator has no opcode 0x${opcode.toString(16)}`);
    a.push(rax);
  }
  override end(): void {
    // Only the function's own end reaches here (no blocks): the result is on top.
    this.asm.pop(rax);
    this.asm.ret();
  }
}

/** Validate `wasm` and compile its one function the literal way. */
export function compileNaively(wasm: Uint8Array): Uint8Array {
  const cg = new StackMachineCodegen();
  const v = new StreamingValidator(cg);
  v.push(wasm);
  v.finish();
  return cg.asm.finish().code;
}
// #endregion naive-codegen

/** The functions compared: straight-line arithmetic, as compilers produce for address and index computations. */
export const naiveCases: { name: string; params: number; func: string; args: number[]; expected: number }[] = [
  { name: 'a + 100', params: 1, func: '(i32.add (local.get 0) (i32.const 100))', args: [5], expected: 105 },
  { name: '(a - b) * 10', params: 2, func: '(i32.mul (i32.sub (local.get 0) (local.get 1)) (i32.const 10))', args: [7, 3], expected: 40 },
  { name: 'a*a + b*b + c*c', params: 3, func: '(i32.add (i32.add (i32.mul (local.get 0) (local.get 0)) (i32.mul (local.get 1) (local.get 1))) (i32.mul (local.get 2) (local.get 2)))', args: [2, 3, 4], expected: 29 },
  { name: '2 + 3', params: 0, func: '(i32.add (i32.const 2) (i32.const 3))', args: [], expected: 5 },
];

const watOf = (params: number, body: string): string =>
  `(module (func (export "f") ${params ? `(param ${'i32 '.repeat(params).trim()})` : ''} (result i32) ${body}))`;

/** Both compilers on each case: instruction counts, and (on x86-64 Linux) the results of running the naive code. */
export async function compareWithLightbeam(): Promise<{ rows: (string | number)[][]; listings: Output[] }> {
  await loadIced();
  const why = nativeUnavailable();
  const native = why ? null : (await import('../../compiler/runtime/native.ts')).getNative();
  const { CodeMemory } = await import('../../compiler/runtime/codeMemory.ts');
  const rows: (string | number)[][] = [];
  const listings: Output[] = [];
  for (const c of naiveCases) {
    const wasm = await watToWasm(watOf(c.params, c.func), { name: `${c.name}.wat` });
    const naive = compileNaively(wasm);
    const naiveLines = disassemble(naive);
    // Lightbeam's body: without the stack check and frame set-up (notes 'prologue') and the trap stubs.
    const [listed] = listFunctions(compileModule(wasm, { notes: true }));
    const all = listed!.instructions;
    const stubs = all.findIndex((i) => i.wasm.includes('trap stubs'));
    const first = firstBodyInstruction(listed!);
    const body = all.slice(first, stubs < 0 ? all.length : stubs).filter((i) => !i.text.startsWith('nop'));
    let result: string | number = 'not run';
    if (native) {
      const code = new CodeMemory(naive);
      const types = Array.from({ length: c.params }, () => 'int32_t');
      const fn = native.koffi.decode(native.pointer(code.address), native.koffi.proto('int32_t', types)) as (...a: number[]) => number;
      result = fn(...c.args);
    }
    rows.push([c.name, naiveLines.length, body.length, `f(${c.args.join(', ')}) = ${result}`]);
    if (listings.length < 2) {
      listings.push({ kind: 'asm', title: `${c.name}: the literal translation`, listing: naiveLines.map((l) => l.text).join('\n') });
      listings.push({ kind: 'asm', title: `${c.name}: Lightbeam (body only)`, listing: body.map((l) => l.text).join('\n') });
    }
  }
  return { rows, listings };
}

export async function example(): Promise<Output[]> {
  const { rows, listings } = await compareWithLightbeam();
  return [
    ...listings,
    { kind: 'table', title: 'Instructions per function, the literal way and Lightbeam’s (body only)', columns: ['function', 'literal', 'Lightbeam', 'literal code, run natively'], rows, nowrap: [1, 2] },
  ];
}
