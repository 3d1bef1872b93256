// The reference solution evaluates nothing itself: it writes the program as a WebAssembly
// function, has wabt assemble and check it, compiles it with Lightbeam and runs the machine code
// (on x86-64 Linux; elsewhere Node's own engine, V8, runs it instead).
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import type { Op } from './stackMachine.ts';

const native = process.platform === 'linux' && process.arch === 'x64';

async function exportedF(wasm: Uint8Array): Promise<(...args: number[]) => unknown> {
  if (native) {
    const { Instance } = await import('../../compiler/runtime/instance.ts');
    return new Instance(compileModule(wasm)).exports.f as (...args: number[]) => unknown;
  }
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>));
  return instance.exports.f as (...args: number[]) => unknown;
}

export async function evaluate(program: readonly Op[], locals: number[]): Promise<number[]> {
  const body = program.map((op) => op.join(' ')).join('\n    ');
  const params = locals.map(() => 'i32').join(' ');
  // The result count is whatever the stack holds at the end; let the validator tell us which.
  for (let results = 0; results <= program.length; results++) {
    const wat = `(module (func (export "f") (param ${params}) (result ${Array(results).fill('i32').join(' ')})\n    ${body}))`;
    let wasm: Uint8Array;
    try {
      wasm = await watToWasm(wat);
    } catch {
      continue; // wrong result count (or an underflow, which no count fixes)
    }
    const out = (await exportedF(wasm))(...locals);
    return results === 0 ? [] : results === 1 ? [out as number] : [...(out as number[])];
  }
  throw new Error('stack underflow (no result count makes this function valid)');
}
