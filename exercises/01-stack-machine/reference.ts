// The reference solution evaluates nothing itself: it writes the program as a WebAssembly
// function, has wabt assemble and validate it, and runs it on the engine Node already has.
// (Once Lightbeam can run code, this is where it will take over from V8.)
import { watToWasm } from '../../src/lib/wat.ts';
import type { Op } from './stackMachine.ts';

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
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>));
    const out = (instance.exports.f as (...args: number[]) => number | number[] | undefined)(...locals);
    return results === 0 ? [] : results === 1 ? [out as number] : [...(out as number[])];
  }
  throw new Error('stack underflow (no result count makes this function valid)');
}
