// The per-opcode lowering table of the numeric operators (the validator's unary, binary and
// compare families), derived from the operator table once: each row's name and signature pick
// its lowering and the arguments it is called with, so nothing is decided by strings or opcode
// ranges while a function is compiled.

import { allOperators, DISPATCH_SIZE, dispatchIndex } from '../binary/operators.ts';
import type { FunctionCompiler } from './functionCompiler.ts';
import { floatLowering } from './ops/float.ts';
import { integerLowering } from './ops/integer.ts';

// #region lowering-table
export type Lowering = (fc: FunctionCompiler) => void;

/**
 * How a numeric operator is lowered. The integer binary and compare operators and eqz, the
 * commonest, by a direct call with numbers from the tables below (`binary(fc, type, op, rule)`):
 * a call through LOWERINGS, which holds a different closure per operator, is megamorphic, and
 * V8 inlines nothing behind it. The rest through LOWERINGS.
 */
export const LoweringKind = { none: 0, table: 1, integerBinary: 2, integerCompare: 3, eqz: 4 } as const;

/** LOWERING_KIND[dispatchIndex(opcode)]: a LoweringKind. */
export const LOWERING_KIND = new Uint8Array(DISPATCH_SIZE);
/** For the direct kinds: the operands' type, the operator (an integer Op, or a condition code) and its BoundRule. */
export const LOWERING_TYPE = new Uint8Array(DISPATCH_SIZE);
export const LOWERING_OP = new Uint8Array(DISPATCH_SIZE);
export const LOWERING_RULE = new Uint8Array(DISPATCH_SIZE);

const DIRECT_KINDS = { binary: LoweringKind.integerBinary, compare: LoweringKind.integerCompare, eqz: LoweringKind.eqz } as const;

/** LOWERINGS[dispatchIndex(opcode)]: the lowering of a numeric operator of kind `table`, or undefined. */
export const LOWERINGS: readonly (Lowering | undefined)[] = buildTables();

function buildTables(): (Lowering | undefined)[] {
  const table = new Array<Lowering | undefined>(DISPATCH_SIZE).fill(undefined);
  for (const info of allOperators()) {
    if (info.family !== 'unary' && info.family !== 'binary' && info.family !== 'compare') continue;
    const i = dispatchIndex(info.opcode);
    if (i < 0) continue;
    const direct = integerLowering(info);
    if (typeof direct === 'object') {
      LOWERING_KIND[i] = DIRECT_KINDS[direct.kind];
      LOWERING_TYPE[i] = direct.type;
      LOWERING_OP[i] = direct.op;
      LOWERING_RULE[i] = direct.rule;
      continue;
    }
    table[i] = direct ?? floatLowering(info);
    if (table[i] !== undefined) LOWERING_KIND[i] = LoweringKind.table;
  }
  return table;
}
// #endregion lowering-table
