// Typed function references (WebAssembly 3.0): call_ref, ref.as_non_null, br_on_null and
// br_on_non_null. A typed reference is stored as a funcref (or externref) is: a FuncRef record's
// address in a general-purpose register, 0 for null. The validator has proved the callee's type,
// so call_ref checks only for null, then calls through the record as call_indirect does.
// (return_call_ref is in tailCalls.ts, beside return_call_indirect.)

import { Reg, TrapCode } from '../../abi/index.ts';
import { type Gpr, GPR64, type Mem, qword } from '../../x64/index.ts';
import { emitCall, type IndirectCall } from '../calls.ts';
import { brIf, type CFrame } from '../controlFlow.ts';
import { type FunctionCompiler, GPR, I32, operandIsMem } from '../functionCompiler.ts';
import { SCRATCH } from '../registerAllocator.ts';
import { inFlags, inReg, Loc, type Value } from '../valueStack.ts';
import { CC } from './integer.ts';
import { callThroughRecord } from './table.ts';

const scratch = GPR64[SCRATCH]!;
const rax = GPR64[Reg.rax]!;

// #region call-ref
/**
 * The callee's FuncRef record into `into` (r11 unless told), trapping with "null function
 * reference" on null. The reference is in rax (emitCall's or the tail call's parallel move put
 * it there), or a constant: the only constant reference is null (`ref.null`), which traps at once.
 * A reference whose type is non-nullable (`nonNull`: validation has proven it), or a local
 * already tested, is not tested.
 */
export function loadNonNullFuncRef(fc: FunctionCompiler, ref: Value, nonNull: boolean, into: Gpr = scratch): void {
  if (ref.loc === Loc.Const) return fc.trapNow(TrapCode.nullFunctionReference);
  if (into !== rax) fc.asm.mov(into, rax);
  if (!needsNullCheck(fc, ref, nonNull)) return;
  fc.asm.test(into, into);
  fc.trapIf('e', TrapCode.nullFunctionReference);
  passedNullCheck(fc, ref);
}

/**
 * call_ref: the reference rides above the arguments into rax, as call_indirect's table index
 * does, and is called through where it is.
 */
const refCall = (nonNull: boolean): IndirectCall => ({
  indexReg: Reg.rax,
  emit(fc: FunctionCompiler, ref: Value, base: number): void {
    loadNonNullFuncRef(fc, ref, nonNull, rax);
    callThroughRecord(fc, rax, base);
  },
});
const NULLABLE_REF_CALL = refCall(false), NON_NULL_REF_CALL = refCall(true);

export function callRef(fc: FunctionCompiler, typeIndex: number, nonNull: boolean): void {
  emitCall(fc, fc.env.signatures.of(typeIndex), nonNull ? NON_NULL_REF_CALL : NULLABLE_REF_CALL);
}
// #endregion call-ref

// #region null-tests
/** Test the reference `v` against null (flags: e when null). Flags of another value must be materialized first. */
function testNull(fc: FunctionCompiler, v: Value): void {
  const o = fc.operand(v, false);
  if (operandIsMem(o)) fc.asm.cmp(qword(o.base, o.disp, o.index, o.scale), 0);
  else fc.asm.test(o as Gpr, o as Gpr); // a reference's register is 64-bit (isWide)
}

/**
 * Whether the reference `v` must be tested for null: not if its type is non-nullable (`nonNull`,
 * from validation), nor if it is a local that a test on this straight line has proven non-null
 * since its last write (the locals' facts, boundsChecks.ts).
 */
export function needsNullCheck(fc: FunctionCompiler, v: Value, nonNull: boolean): boolean {
  return !nonNull && !(v.loc === Loc.Local && fc.bounds.knownNonNull(v.n));
}

/** A null test on `v` passed (the code after it runs only if it did): a local is known non-null from here. */
export function passedNullCheck(fc: FunctionCompiler, v: Value): void {
  if (v.loc === Loc.Local) fc.bounds.markNonNull(v.n);
}

/** ref.as_non_null: a trap on null; the reference stays where it is. */
export function refAsNonNull(fc: FunctionCompiler): void {
  const v = fc.stack.at(fc.stack.height - 1);
  if (v.loc === Loc.Const) return fc.trapNow(TrapCode.nullReference);
  if (!needsNullCheck(fc, v, false)) return;
  fc.protectFlags(1);
  testNull(fc, v);
  fc.trapIf('e', TrapCode.nullReference);
  passedNullCheck(fc, v);
}

/**
 * br_on_null: the reference is taken off the stack into a register of its own (held while the
 * branch moves the label's values), tested, and the branch is br_if's on "equal"; on the way on,
 * the reference comes back.
 */
export function brOnNull(fc: FunctionCompiler, target: CFrame): void {
  fc.materializeFlags();
  const v = fc.pop();
  let r: number;
  if (v.loc === Loc.Reg) r = v.n; // held by pop
  else {
    r = fc.regs.alloc(GPR);
    fc.loadInto(r, v);
  }
  fc.asm.test(GPR64[r]!, GPR64[r]!);
  brIf(fc, target, inFlags(I32, CC.e));
  passedNullCheck(fc, v); // on the way on
  fc.push(inReg(v.type, r));
}

/** br_on_non_null: the reference is the label's last value, so it stays on the stack for br_if's moves; dropped after. */
export function brOnNonNull(fc: FunctionCompiler, target: CFrame): void {
  fc.materializeFlags();
  const v = fc.stack.at(fc.stack.height - 1);
  if (v.loc !== Loc.Const) { // a constant is null: it never branches
    testNull(fc, v);
    brIf(fc, target, inFlags(I32, CC.ne));
  }
  fc.popCond();
}
// #endregion null-tests
