// Evaluating extended constant expressions (WebAssembly 3.0): i32/i64 add, sub and mul over
// constants and immutable globals, in the postfix order they were encoded in. They run once per
// instantiation, so BigInts are fine here; each operator wraps to its width, as the wasm
// operator does.

import type { ConstArith, ConstInstr } from '../binary/types.ts';
import { i31Word } from './values.ts';

/**
 * The value of a validated extended constant expression, signed (an i32 in [-2^31, 2^31)).
 * `global(i)` reads global i (an i32 as a number, an i64 as a bigint).
 */
export function evalExtendedConst(code: readonly (ConstInstr | ConstArith)[], global: (index: number) => unknown): bigint {
  const stack: bigint[] = [];
  for (const e of code) {
    switch (e.op) {
      case 'i32.const': stack.push(BigInt(e.value)); break;
      case 'i64.const': stack.push(e.value); break;
      case 'global.get': stack.push(BigInt(global(e.global) as number | bigint)); break;
      // GC: a reference is its raw word (runtime/values.ts); the conversions leave it as it is.
      case 'ref.null': stack.push(0n); break;
      case 'ref.i31': stack.push(BigInt(i31Word(Number(BigInt.asIntN(32, stack.pop()!))))); break;
      case 'any.convert_extern': case 'extern.convert_any': break;
      case 'i32.add': case 'i32.sub': case 'i32.mul':
      case 'i64.add': case 'i64.sub': case 'i64.mul': {
        const b = stack.pop()!;
        const a = stack.pop()!;
        const v = e.op.endsWith('add') ? a + b : e.op.endsWith('sub') ? a - b : a * b;
        stack.push(BigInt.asIntN(e.op.startsWith('i32') ? 32 : 64, v));
        break;
      }
      default: throw new Error(`not an integer constant: ${e.op}`); // the validator rejects these
    }
  }
  return stack.pop()!;
}
