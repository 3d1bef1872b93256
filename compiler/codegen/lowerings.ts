// The per-opcode lowering table of the numeric operators (the validator's unary, binary and
// compare families), derived from the operator table once: each row's name and signature pick
// its lowering and the arguments it is called with, so nothing is decided by strings or opcode
// ranges while a function is compiled.

import { allOperators, DISPATCH_SIZE, dispatchIndex } from '../binary/operators.ts';
import type { FunctionCompiler } from './functionCompiler.ts';
import { floatLowering } from './ops/float.ts';
import { binary, compare, integerLowering } from './ops/integer.ts';

// #region lowering-table
/** A lowering, given the operator's row (its dispatch index) in the tables below. */
export type Lowering = (fc: FunctionCompiler, row: number) => void;

/** LOWERINGS[dispatchIndex(opcode)]: the lowering of a numeric operator, or undefined (not implemented). */
export const LOWERINGS: readonly (Lowering | undefined)[] = new Array<Lowering | undefined>(DISPATCH_SIZE).fill(undefined);

/**
 * The integer binary and compare operators' arguments, by row: the operands' type, the operator
 * (an integer Op, or a condition code) and its BoundRule. Their lowerings are one function each
 * that reads them, not a closure per operator. (Calling binary() directly from the code
 * generator, by a switch on a kind, was tried: V8 inlined it into the validator's loop, whose
 * inlining budget then ran out before localSet and the other operators' entry points.)
 */
const LOWERING_TYPE = new Uint8Array(DISPATCH_SIZE);
const LOWERING_OP = new Uint8Array(DISPATCH_SIZE);
const LOWERING_RULE = new Uint8Array(DISPATCH_SIZE);

const integerBinary: Lowering = (fc, row) => binary(fc, LOWERING_TYPE[row]!, LOWERING_OP[row]!, LOWERING_RULE[row]!);
const integerCompare: Lowering = (fc, row) => compare(fc, LOWERING_TYPE[row]!, LOWERING_OP[row]!);
const integerEqz: Lowering = (fc, row) => compare(fc, LOWERING_TYPE[row]!, 'eqz');

function buildTables(table: (Lowering | undefined)[]): void {
  for (const info of allOperators()) {
    if (info.family !== 'unary' && info.family !== 'binary' && info.family !== 'compare') continue;
    const i = dispatchIndex(info.opcode);
    if (i < 0) continue;
    const lowering = integerLowering(info);
    if (typeof lowering !== 'object') {
      table[i] = lowering ?? floatLowering(info);
      continue;
    }
    LOWERING_TYPE[i] = lowering.type;
    LOWERING_OP[i] = lowering.op;
    LOWERING_RULE[i] = lowering.rule;
    table[i] = lowering.kind === 'binary' ? integerBinary : lowering.kind === 'compare' ? integerCompare : integerEqz;
  }
}
buildTables(LOWERINGS as (Lowering | undefined)[]);
// #endregion lowering-table
