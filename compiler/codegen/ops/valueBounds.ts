// Range facts: a known upper bound (unsigned) of an i32 value, from the operator that computed
// it. `x & 63` is at most 63 and `i32.load8_u` at most 255, whatever x and the byte are; an
// address proven that small needs no bounds check when the memory is at least that large
// (effectiveAddress in memory.ts). Bounds of values on the stack are kept beside the stack
// (ValueStack.bound), bounds of locals with the bounds facts (BoundsFacts.valueBound), which
// forget them when the local is written and at every merge.

import type { FunctionCompiler } from '../functionCompiler.ts';
import { I32 } from '../functionCompiler.ts';
import { Loc, MAX_BOUND, NO_BOUND, type Value } from '../valueStack.ts';

/**
 * The binary operators whose result a range fact bounds, by number (a switch on numbers is a jump
 * table). The first three bound nothing unless both operands are bounded.
 */
export const BoundRule = { none: 0, or: 1, add: 2, mul: 3, and: 4, shl: 5, shr_u: 6, div_u: 7, rem_u: 8 } as const;
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
    case Loc.Local: return fc.bounds.valueBound(v.n);
    case Loc.LocalPlus: {
      // local + c with c >= 0 does not wrap while the sum stays below 2^32.
      const b = fc.bounds && v.imm >= 0 ? fc.bounds.valueBound(v.n) : NO_BOUND;
      return b === NO_BOUND ? NO_BOUND : upTo(b + v.imm);
    }
    default: return 1; // a comparison: 0 or 1
  }
}

/**
 * A bound of `a op b` (op by its BoundRule) for i32 operands a and b just popped from positions
 * h and h + 1, or NO_BOUND. Most operands have none: or, xor, add and mul, the commonest rules,
 * give up at the first operand without one; the others look first at what they need.
 */
export function binaryBound(fc: FunctionCompiler, rule: number, a: Value, b: Value, h: number): number {
  if (rule > BoundRule.mul) return oneSidedBound(fc, rule, a, b, h);
  const ua = boundOf(fc, a, h);
  if (ua === NO_BOUND) return NO_BOUND;
  const ub = boundOf(fc, b, h + 1);
  if (ub === NO_BOUND) return NO_BOUND;
  switch (rule) {
    // An or or xor of values below 2^n stays below 2^n.
    case BoundRule.or: return 2 ** (32 - Math.clz32(Math.max(ua, ub))) - 1;
    case BoundRule.add: return upTo(ua + ub);
    default: return upTo(ua * ub); // mul
  }
}

/** binaryBound of the rules that may bound `a op b` by one operand alone. */
function oneSidedBound(fc: FunctionCompiler, rule: number, a: Value, b: Value, h: number): number {
  const k = b.loc === Loc.Const ? b.imm : 0; // the constant b, if it is one
  switch (rule) {
    case BoundRule.and: {
      const ub = boundOf(fc, b, h + 1);
      const ua = boundOf(fc, a, h);
      return ua === NO_BOUND ? ub : ub === NO_BOUND ? ua : Math.min(ua, ub);
    }
    case BoundRule.shr_u: {
      const ua = boundOf(fc, a, h);
      if (b.loc !== Loc.Const) return ua;
      return upTo(Math.floor((ua === NO_BOUND ? 0xffffffff : ua) / 2 ** (k & 31)));
    }
    case BoundRule.div_u: {
      const ua = boundOf(fc, a, h);
      if (b.loc !== Loc.Const || k === 0) return ua;
      return upTo(Math.floor((ua === NO_BOUND ? 0xffffffff : ua) / (k >>> 0)));
    }
    case BoundRule.rem_u: {
      // x % b < b (b = 0 traps) and x % b <= x.
      const ub = boundOf(fc, b, h + 1);
      const ua = boundOf(fc, a, h);
      return ub === NO_BOUND ? ua : ua === NO_BOUND ? Math.max(ub - 1, 0) : Math.min(ua, Math.max(ub - 1, 0));
    }
    case BoundRule.shl: {
      const ua = b.loc === Loc.Const ? boundOf(fc, a, h) : NO_BOUND;
      return ua === NO_BOUND ? NO_BOUND : upTo(ua * 2 ** (k & 31));
    }
    default: return NO_BOUND;
  }
}
// #endregion range-facts

/** x >= 0 as a bound: NO_BOUND past MAX_BOUND (a sum or product may also have wrapped there). */
const upTo = (x: number): number => (x <= MAX_BOUND ? x : NO_BOUND);
