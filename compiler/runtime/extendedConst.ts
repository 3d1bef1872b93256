// Evaluating extended constant expressions (WebAssembly 3.0): i32/i64 add, sub and mul over
// constants and immutable globals, in the postfix order they were encoded in. They run once per
// instantiation, so BigInts are fine here; each operator wraps to its width, as the wasm
// operator does.

import type { ConstArith, ConstInstr, GcConstInstr } from '../binary/types.ts';
import { i31Word } from './values.ts';

/**
 * GC's constant expressions make objects (struct.new, array.new...): the instance's way of making
 * one from its operands (each value's bits, a float's and a v128's too), and of naming a function.
 */
export interface ConstObjects {
  funcRef(index: number): bigint;
  /** How many operands `e` takes (struct.new: its type's fields). */
  operandCount(e: GcConstInstr): number;
  make(e: GcConstInstr, operands: readonly bigint[]): bigint;
}

/**
 * The value of a validated extended constant expression, signed (an i32 in [-2^31, 2^31)).
 * `global(i)` reads global i (an i32 as a number, an i64 as a bigint; with `objects`, any other
 * value as its bits).
 */
export function evalExtendedConst(code: readonly (ConstInstr | ConstArith)[], global: (index: number) => unknown, objects?: ConstObjects): bigint {
  const stack: bigint[] = [];
  for (const e of code) {
    switch (e.op) {
      // #region gc-const-objects
      case 'f32.const': stack.push(BigInt(e.bits >>> 0)); break;
      case 'f64.const': stack.push(e.bits); break;
      case 'v128.const': stack.push(e.bytes.reduceRight((n, b) => (n << 8n) | BigInt(b), 0n)); break;
      case 'ref.func':
        if (!objects) throw new Error('ref.func in an integer constant');
        stack.push(objects.funcRef(e.func));
        break;
      case 'struct.new': case 'struct.new_default': case 'struct.new_desc': case 'struct.new_default_desc': case 'array.new': case 'array.new_default': case 'array.new_fixed': {
        if (!objects) throw new Error(`${e.op} in an integer constant`);
        const n = objects.operandCount(e);
        stack.push(objects.make(e, stack.splice(stack.length - n, n)));
        break;
      }
      // #endregion gc-const-objects
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
      default: throw new Error(`not a constant instruction: ${(e as { op: string }).op}`);
    }
  }
  return stack.pop()!;
}
