// The reference solution: the three checks of the code generator's TableCall.target
// (compiler/codegen/ops/table.ts), in the same order, with types compared the way canonical type
// ids compare them (compiler/runtime/instance.ts: typeIdOf, one id per distinct signature).
import type { FuncType, Outcome } from './callIndirect.ts';

const signature = (t: FuncType): string => `${t.params.join(' ')} -> ${t.results.join(' ')}`;

export function callIndirect(table: readonly (FuncType | null)[], index: number, expected: FuncType): Outcome {
  const i = index >>> 0; // the i32 operand, unsigned
  if (i >= table.length) return 'undefined element';
  const f = table[i]!;
  if (f === null) return 'uninitialized element';
  return signature(f) === signature(expected) ? 'call' : 'indirect call type mismatch';
}
