// Range facts: a known upper bound (unsigned) of an i32 value, from the operator that computed
// it. `x & 63` is at most 63 and `i32.load8_u` at most 255, whatever x and the byte are; an
// address proven that small needs no bounds check when the memory is at least that large
// (effectiveAddress in memory.ts). Bounds of values on the stack are kept beside the stack
// (ValueStack.bound), bounds of locals with the bounds facts (BoundsFacts.valueBound), which
// forget them when the local is written and at every merge.

import type { FunctionCompiler } from '../functionCompiler.ts';
import { I32 } from '../functionCompiler.ts';
import { Loc, MAX_BOUND, NO_BOUND, type Value } from '../valueStack.ts';

/** The binary operators whose result a range fact bounds, by number (a switch on numbers is a jump table). */
export const BoundRule = { none: 0, and: 1, or: 2, add: 3, mul: 4, shl: 5, shr_u: 6, div_u: 7, rem_u: 8 } as const;
/** The rule of an i32 binary operator, by its name ('xor' bounds as 'or' does). */
export function boundRuleOf(op: string): number {
  if (op === 'xor') return BoundRule.or;
  return (BoundRule as Record<string, number>)[op] ?? BoundRule.none;
}

// #region range-facts
/** What is known of the i32 value v that is (or just was) at stack position pos: v <= the result, unsigned; or NO_BOUND. */
export function boundOf(fc: FunctionCompiler, v: Value, pos: number): number {
  if (v.type !== I32) return NO_BOUND;
  switch (v.loc) {
    case Loc.Const: return v.imm >= 0 && v.imm <= MAX_BOUND ? v.imm : NO_BOUND;
    case Loc.Reg: case Loc.Slot: return fc.stack.bound(pos);
    case Loc.Local: return fc.bounds ? fc.bounds.valueBound(v.n) : NO_BOUND;
    case Loc.LocalPlus: {
      // local + c with c >= 0 does not wrap while the sum stays below 2^32.
      const b = fc.bounds && v.imm >= 0 ? fc.bounds.valueBound(v.n) : NO_BOUND;
      return b === NO_BOUND ? NO_BOUND : upTo(b + v.imm);
    }
    default: return 1; // a comparison: 0 or 1
  }
}

/** A bound of `a op b` (op by its BoundRule) for i32 operands bounded by ua and ub (NO_BOUND: nothing known). */
export function binaryBound(rule: number, ua: number, ub: number, b: Value): number {
  const k = b.loc === Loc.Const ? b.imm : 0; // the constant b, if it is one
  switch (rule) {
    case BoundRule.and: return ua === NO_BOUND ? ub : ub === NO_BOUND ? ua : Math.min(ua, ub);
    // An or or xor of values below 2^n stays below 2^n.
    case BoundRule.or: return ua === NO_BOUND || ub === NO_BOUND ? NO_BOUND : 2 ** (32 - Math.clz32(Math.max(ua, ub))) - 1;
    case BoundRule.add: return ua === NO_BOUND || ub === NO_BOUND ? NO_BOUND : upTo(ua + ub);
    case BoundRule.mul: return ua === NO_BOUND || ub === NO_BOUND ? NO_BOUND : upTo(ua * ub);
    case BoundRule.shl: return ua === NO_BOUND || b.loc !== Loc.Const ? NO_BOUND : upTo(ua * 2 ** (k & 31));
    case BoundRule.shr_u: {
      if (b.loc !== Loc.Const) return ua;
      return upTo(Math.floor((ua === NO_BOUND ? 0xffffffff : ua) / 2 ** (k & 31)));
    }
    case BoundRule.div_u: {
      if (b.loc !== Loc.Const || k === 0) return ua;
      return upTo(Math.floor((ua === NO_BOUND ? 0xffffffff : ua) / (k >>> 0)));
    }
    // x % b < b (b = 0 traps) and x % b <= x.
    case BoundRule.rem_u: return ub === NO_BOUND ? ua : ua === NO_BOUND ? Math.max(ub - 1, 0) : Math.min(ua, Math.max(ub - 1, 0));
    default: return NO_BOUND;
  }
}
// #endregion range-facts

/** x >= 0 as a bound: NO_BOUND past MAX_BOUND (a sum or product may also have wrapped there). */
const upTo = (x: number): number => (x <= MAX_BOUND ? x : NO_BOUND);
