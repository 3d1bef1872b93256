// The per-opcode lowering table for the numeric operators (the validator's unary, binary and
// compare families), derived from the operator table once: each row's name and signature pick
// its lowering and the arguments it is called with, so nothing is decided by strings or opcode
// ranges while a function is compiled.

import { allOperators, DISPATCH_SIZE, dispatchIndex, type OperatorInfo } from '../binary/operators.ts';
import type { FunctionCompiler } from './functionCompiler.ts';
import { floatLowering } from './ops/float.ts';
import { integerLowering } from './ops/integer.ts';
import { vectorLowering } from './ops/simd.ts';
import { relaxedVectorLowering } from './ops/simdRelaxed.ts';

// #region lowering-table
export type Lowering = (fc: FunctionCompiler) => void;

/** LOWERINGS[dispatchIndex(opcode)]: the lowering of a numeric operator, or undefined (not implemented). */
export const LOWERINGS: readonly (Lowering | undefined)[] = buildTable();

function buildTable(): (Lowering | undefined)[] {
  const table = new Array<Lowering | undefined>(DISPATCH_SIZE).fill(undefined);
  for (const info of allOperators()) {
    if (info.family !== 'unary' && info.family !== 'binary' && info.family !== 'compare' && info.family !== 'ternary') continue;
    const i = dispatchIndex(info.opcode);
    if (i >= 0) table[i] = lowerOf(info);
  }
  return table;
}

function lowerOf(info: OperatorInfo): Lowering | undefined {
  // The vector rows have a picker of their own: the scalar ones would take some of them by
  // their names (conversionLowering reads i32x4.trunc_sat_f32x4_s as a trunc_sat).
  if (info.proposal === 'simd') return vectorLowering(info);
  if (info.proposal === 'relaxed-simd') return relaxedVectorLowering(info);
  return integerLowering(info) ?? floatLowering(info);
}
// #endregion lowering-table
