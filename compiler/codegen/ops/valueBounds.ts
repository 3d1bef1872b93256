// Range facts: a known upper bound (unsigned) of an i32 value, from the operator that computed
// it. `x & 63` is at most 63 and `i32.load8_u` at most 255, whatever x and the byte are; an
// address proven that small needs no bounds check when the memory is at least that large
// (effectiveAddress in memory.ts). Bounds of values on the stack are kept beside the stack
// (ValueStack.bound), bounds of locals with the bounds facts (BoundsFacts.valueBound), which
// forget them when the local is written and at every merge.

import type { FunctionCompiler } from '../functionCompiler.ts';
import { I32 } from '../functionCompiler.ts';
import { Loc, NO_BOUND, type Value } from '../valueStack.ts';
import type { BinOp } from './integer.ts';

/** What is known of the i32 value v that is (or just was) at stack position pos: v <= the result, unsigned. */
export function boundOf(fc: FunctionCompiler, v: Value, pos: number): number {
  if (v.type !== I32) return NO_BOUND;
  switch (v.loc) {
    case Loc.Const: return v.imm >>> 0;
    case Loc.Reg: case Loc.Slot: return fc.stack.bound(pos);
    case Loc.Local: return fc.bounds ? fc.bounds.valueBound(v.n) : NO_BOUND;
    case Loc.LocalPlus: {
      // local + c with c >= 0 does not wrap while the sum stays below 2^32.
      if (v.imm < 0 || !fc.bounds) return NO_BOUND;
      const b = fc.bounds.valueBound(v.n) + v.imm;
      return b < NO_BOUND ? b : NO_BOUND;
    }
    default: return 1; // a comparison: 0 or 1
  }
}

/** A bound of `a op b` for i32 operands bounded by ua and ub (b is the second operand, bc its value if constant, else -1). */
export function binaryBound(op: BinOp, ua: number, ub: number, bc: number): number {
  switch (op) {
    case 'and': return Math.min(ua, ub);
    case 'or': case 'xor': return ua === NO_BOUND || ub === NO_BOUND ? NO_BOUND : allOnesCovering(Math.max(ua, ub));
    case 'add': return capped(ua + ub);
    case 'mul': return capped(ua * ub);
    case 'shl': return bc >= 0 ? capped(ua * 2 ** (bc & 31)) : NO_BOUND;
    case 'shr_u': return bc >= 0 ? Math.floor(ua / 2 ** (bc & 31)) : ua;
    case 'div_u': return bc > 0 ? Math.floor(ua / bc) : ua;
    // x % b < b (b = 0 traps) and x % b <= x.
    case 'rem_u': return Math.min(ua, ub === 0 ? 0 : ub - 1);
    default: return NO_BOUND;
  }
}

/** A sum or product that may pass 2^32 - 1 wraps: nothing is known then. */
const capped = (x: number): number => (x < NO_BOUND ? x : NO_BOUND);

/** The smallest 2^k - 1 at least x (x < 2^32): an or or xor of values up to x sets no higher bit. */
const allOnesCovering = (x: number): number => (x === 0 ? 0 : 2 ** (32 - Math.clz32(x)) - 1);
