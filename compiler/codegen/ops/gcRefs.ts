// GC's references: i31, ref.eq, and tests and casts against heap types. A reference of the any
// hierarchy is one 64-bit word, as an externref is (the two share one representation,
// runtime/values.ts): 0 null, odd an i31 (its value shifted left by one, in the low 32 bits), low
// bits 10 a host value, a multiple of 8 a GC object (abi/gcObjects.ts). So an i31 is made and read
// with a shift, ref.eq compares words, a test against an abstract type looks at low bits (and at
// an object's header for struct and array), and one against a concrete type compares type ids.

import { needsNullCheck, passedNullCheck } from './funcRefs.ts';
import { encodingOf, FUNCREF, SUPERTYPE_TABLE, TrapCode, VMCTX, VMCTX_REG } from '../../abi/index.ts';
import { GC_HEADER, OBJECT_KIND_ARRAY, OBJECT_KIND_SHIFT, OBJECT_KIND_STRUCT, TYPE_ID_MASK } from '../../abi/gcObjects.ts';
import { dword, GPR32, GPR64, GPR8, type Label, type Mem, mem, qword } from '../../x64/index.ts';
import { type CFrame, brIf } from '../controlFlow.ts';
import { type FunctionCompiler, GPR, I32, I64 } from '../functionCompiler.ts';
import { SCRATCH, SCRATCH2 } from '../registerAllocator.ts';
import { constant, inFlags, inReg, Loc, type Value } from '../valueStack.ts';
import { CC, compare } from './integer.ts';
import { descriptorOffsetOf } from './gcObjects.ts';
import { ANYREF, REF_BOTTOM, REF_KIND_ARRAY, REF_KIND_I31, REF_KIND_STRUCT, isExact, isNullable, refKind, refTypeIndex } from '../../binary/refTypes.ts';

/** ref.eq: the words compared (an i31 is equal to an equal i31, an object only to itself). */
export function refEq(fc: FunctionCompiler): void {
  compare(fc, I64, CC.e);
}

/** The popped value `v` in a register of its own. */
function inOwnReg(fc: FunctionCompiler, v: Value): number {
  if (v.loc === Loc.Reg) return v.n; // held by pop
  const r = fc.regs.alloc(GPR);
  fc.loadInto(r, v);
  return r;
}

// #region i31
/** ref.i31: `(x << 1) | 1` in 32 bits (the top bit of x is dropped), zero-extended to the word. */
export function refI31(fc: FunctionCompiler): void {
  fc.materializeFlags();
  const r = inOwnReg(fc, fc.pop());
  fc.asm.lea(GPR32[r]!, mem(GPR64[r]!, 1, GPR64[r]!, 1));
  fc.push(inReg(0x6f, r));
}

/**
 * i31.get_s / i31.get_u: a trap on null (unless the operand's type is non-nullable), then the word
 * shifted back, arithmetically or not.
 */
export function i31Get(fc: FunctionCompiler, signed: boolean, nonNull: boolean): void {
  fc.materializeFlags();
  const v = fc.pop();
  if (v.loc === Loc.Const) { // the only constant reference is null
    fc.trapNow(TrapCode.nullI31Reference);
    return fc.push(constant(I32, 0));
  }
  const r = inOwnReg(fc, v);
  if (needsNullCheck(fc, v, nonNull)) {
    fc.asm.test(GPR64[r]!, GPR64[r]!);
    fc.trapIf('e', TrapCode.nullI31Reference);
    passedNullCheck(fc, v);
  }
  if (signed) fc.asm.sar(GPR32[r]!, 1);
  else fc.asm.shr(GPR32[r]!, 1);
  fc.push(inReg(I32, r));
}
// #endregion i31

// #region abstract-casts
/** What a test found out: a constant answer, or a condition (CC) the flags hold when the answer is yes. */
type Answer = { known: 0 | 1 } | { cc: number };

/**
 * Test the word in register `w` against `type`, a heap type of any hierarchy (a cast may name
 * func, extern or their bottoms too; a concrete type: testConcrete); the word is left as it is.
 */
function testType(fc: FunctionCompiler, w: number, type: number): Answer {
  const a = fc.asm;
  const nullable = isNullable(type);
  if (refTypeIndex(type) >= 0) return testConcrete(fc, w, type);
  const kind = (type & 0xff) === ANYREF ? refKind(type) : 0;
  const W = GPR64[w]!;
  if (type & REF_BOTTOM) { // none, nofunc, noextern, noexn
    if (!nullable) return { known: 0 };
    a.test(W, W);
    return { cc: CC.e };
  }
  if (kind === REF_KIND_STRUCT || kind === REF_KIND_ARRAY) return testObjectKind(fc, w, kind, nullable);
  if (kind === 0) { // a top: any non-null value
    if (nullable) return { known: 1 };
    a.test(W, W);
    return { cc: CC.ne };
  }
  if (kind === REF_KIND_I31) {
    if (!nullable) {
      a.test(W, 1);
      return { cc: CC.ne };
    }
    // Odd or zero: rotated right by one, the word is negative or zero.
    a.mov(GPR64[SCRATCH]!, W);
    a.ror(GPR64[SCRATCH]!, 1);
    a.test(GPR64[SCRATCH]!, GPR64[SCRATCH]!);
    return { cc: CC.le };
  }
  // eq: anything but a host value (low bits 10); null only if nullable.
  const O = GPR32[SCRATCH]!;
  a.mov(O, GPR32[w]!);
  a.and(O, 3);
  a.cmp(O, 2);
  if (nullable) return { cc: CC.ne };
  a.setcc('ne', GPR8[SCRATCH]!);
  a.movzx(O, GPR8[SCRATCH]!);
  a.test(W, W);
  a.cmovcc('e', O, GPR32[w]!); // null: its low half, 0
  a.test(O, O);
  return { cc: CC.ne };
}

// #region object-casts
/**
 * What both tests of objects share. SCRATCH starts at 0, "no"; a word that is no object (odd, an
 * i31, or low bits 10, a host value: looked at when `objectsOnly`, as a function reference is
 * neither) or null skips `readId`, which leaves in SCRATCH what says what the object is; null,
 * when `nullable`, is given `want`. The answer is "equal" after a compare of SCRATCH with `want`.
 */
function testReference(fc: FunctionCompiler, w: number, nullable: boolean, objectsOnly: boolean, want: number | Mem, readId: (done: Label) => void): Answer {
  const a = fc.asm;
  const S = GPR32[SCRATCH]!, W = GPR64[w]!;
  const done = a.newLabel(), isNull = a.newLabel();
  a.xor(S, S);
  if (objectsOnly) {
    a.test(GPR8[w]!, 3);
    a.jcc('ne', done);
  }
  a.test(W, W);
  a.jcc('e', nullable ? isNull : done);
  readId(done);
  if (nullable) {
    a.jmp(done);
    a.bind(isNull);
    a.mov(S, want);
  }
  a.bind(done);
  fc.forgetLastInstruction();
  a.cmp(S, want);
  return { cc: CC.e };
}

/** Whether the word in `w` is an object whose header says `kind` (struct or array; its top bits), or null when `nullable`. */
function testObjectKind(fc: FunctionCompiler, w: number, kind: number, nullable: boolean): Answer {
  const S = GPR32[SCRATCH]!;
  const want = kind === REF_KIND_STRUCT ? OBJECT_KIND_STRUCT >>> OBJECT_KIND_SHIFT : OBJECT_KIND_ARRAY >>> OBJECT_KIND_SHIFT;
  return testReference(fc, w, nullable, true, want, () => {
    fc.asm.mov(S, dword(GPR64[w]!, GC_HEADER.TYPE));
    fc.asm.shr(S, OBJECT_KIND_SHIFT);
  });
}

/**
 * Whether the word in `w` is a reference to concrete type `type` or one of its subtypes (or null
 * when nullable): an object's type id is in its header (the kind bits masked off: ids are
 * distinct across kinds), a function's in its FuncRef record. The id is compared with the type's
 * in the VMContext; for a type that is not final (nor an exact reference), the chain of declared
 * supertypes is walked in the thread's supertype table (SUPERTYPE_TABLE, as call_indirect does)
 * until the type's id or 0.
 */
function testConcrete(fc: FunctionCompiler, w: number, type: number): Answer {
  const a = fc.asm;
  const S = GPR32[SCRATCH]!, W = GPR64[w]!;
  const index = refTypeIndex(type);
  const expected = dword(GPR64[encodingOf(VMCTX_REG)]!, fc.env.vmctx.typeId(index));
  const isFunc = (type & 0xff) === 0x70;
  return testReference(fc, w, isNullable(type), !isFunc, expected, (done) => {
    if (isFunc) a.mov(S, dword(W, FUNCREF.TYPE_ID));
    else {
      a.mov(S, dword(W, GC_HEADER.TYPE));
      a.and(S, TYPE_ID_MASK);
    }
    // A final type has no subtypes to walk to; an exact one (custom descriptors) accepts none.
    if (fc.env.module.typeDefs[index]?.final !== false || isExact(type)) return;
    walkSupertypes(fc, expected, done);
  });
}

/**
 * Up the supertype chain from the type id in SCRATCH: to `found` when an id equals `expected`,
 * on (SCRATCH 0) at the chain's end.
 */
function walkSupertypes(fc: FunctionCompiler, expected: ReturnType<typeof dword>, found: Label): void {
  const a = fc.asm;
  const S = GPR32[SCRATCH]!, T = GPR64[SCRATCH2]!;
  const next = a.newLabel();
  a.mov(T, qword(GPR64[encodingOf(VMCTX_REG)]!, VMCTX.RUNTIME_STATE));
  a.mov(T, qword(T, SUPERTYPE_TABLE.STATE_OFFSET));
  a.bind(next);
  a.cmp(S, expected);
  a.jcc('e', found);
  a.mov(S, dword(T, 0, GPR64[SCRATCH]!, SUPERTYPE_TABLE.ENTRY_SIZE));
  a.test(S, S);
  a.jcc('ne', next);
}

/**
 * Custom descriptors' casts: whether the word in `w` is an object of concrete type `type` (as
 * testConcrete asks) whose descriptor slot holds the word in `d` (or null when nullable). Only an
 * object of `type` or a subtype has the slot where `type` has it, so the id is tested first.
 */
function testDescribed(fc: FunctionCompiler, w: number, d: number, type: number): Answer {
  const a = fc.asm;
  const S = GPR32[SCRATCH]!, W = GPR64[w]!;
  const index = refTypeIndex(type);
  const expected = dword(GPR64[encodingOf(VMCTX_REG)]!, fc.env.vmctx.typeId(index));
  const slot = descriptorOffsetOf(fc, index);
  return testReference(fc, w, isNullable(type), true, expected, (done) => {
    const matched = a.newLabel();
    a.mov(S, dword(W, GC_HEADER.TYPE));
    a.and(S, TYPE_ID_MASK);
    if (fc.env.module.typeDefs[index]?.final !== false || isExact(type)) {
      a.cmp(S, expected);
      a.jcc('ne', done);
    } else {
      walkSupertypes(fc, expected, matched);
      a.jmp(done); // 0: no
    }
    a.bind(matched);
    a.cmp(GPR64[d]!, qword(W, slot));
    a.jcc('e', done); // SCRATCH holds the id: yes
    a.xor(S, S);
  });
}
// #endregion object-casts

/** ref.test (0/1, left in the flags) or ref.cast (a trap "cast failure" unless it is; the reference stays). */
export function refTest(fc: FunctionCompiler, type: number, cast: boolean): void {
  fc.materializeFlags();
  const v = fc.pop();
  if (v.loc === Loc.Const) { // null
    const ok = isNullable(type);
    if (!cast) return fc.push(constant(I32, ok ? 1 : 0));
    if (!ok) fc.trapNow(TrapCode.castFailure);
    return fc.push(v);
  }
  const w = inOwnReg(fc, v);
  const answer = testType(fc, w, type);
  if (!cast) {
    fc.regs.release(w);
    return fc.push('known' in answer ? constant(I32, answer.known) : inFlags(I32, answer.cc));
  }
  if ('known' in answer) {
    if (answer.known === 0) fc.trapNow(TrapCode.castFailure);
  } else fc.trapIfCode(answer.cc ^ 1, TrapCode.castFailure);
  fc.push(inReg(v.type, w));
}

/**
 * br_on_cast / br_on_cast_fail: the reference stays on the stack (the label's last value, and
 * what is left on the way on), the test's answer in the flags for br_if's branch.
 */
export function brOnCast(fc: FunctionCompiler, target: CFrame, type: number, onFail: boolean): void {
  fc.materializeFlags();
  const v = fc.pop();
  if (v.loc === Loc.Const) { // null
    fc.push(v);
    if (isNullable(type) !== onFail) brIf(fc, target, constant(I32, 1));
    return;
  }
  const w = inOwnReg(fc, v);
  fc.push(inReg(v.type, w));
  const answer = testType(fc, w, type);
  if ('known' in answer) {
    if ((answer.known === 1) !== onFail) brIf(fc, target, constant(I32, 1));
    return;
  }
  brIf(fc, target, inFlags(I32, onFail ? answer.cc ^ 1 : answer.cc));
}
// #endregion abstract-casts

// #region descriptor-casts
/**
 * A descriptor cast's descriptor operand, popped into a register of its own after its null check
 * (none when its type is non-nullable, `nonNull`); undefined: it is null (trapped).
 */
function popDescriptor(fc: FunctionCompiler, nonNull: boolean): number | undefined {
  const d = fc.pop();
  if (d.loc === Loc.Const) { // the only constant reference is null
    fc.trapNow(TrapCode.nullDescriptorReference);
    return undefined;
  }
  const r = inOwnReg(fc, d);
  if (!nonNull) {
    fc.asm.test(GPR64[r]!, GPR64[r]!);
    fc.trapIf('e', TrapCode.nullDescriptorReference);
  }
  return r;
}

/** ref.cast_desc_eq: "descriptor cast failure" unless the reference is a `type` whose descriptor is the given one. */
export function refCastDesc(fc: FunctionCompiler, type: number, descriptorNonNull: boolean): void {
  fc.materializeFlags();
  const d = popDescriptor(fc, descriptorNonNull);
  const v = fc.pop();
  if (d === undefined) return fc.push(v);
  if (v.loc === Loc.Const) { // null
    fc.regs.release(d);
    if (!isNullable(type)) fc.trapNow(TrapCode.descriptorCastFailure);
    return fc.push(v);
  }
  const w = inOwnReg(fc, v);
  const answer = testDescribed(fc, w, d, type);
  fc.regs.release(d);
  if ('known' in answer) {
    if (answer.known === 0) fc.trapNow(TrapCode.descriptorCastFailure);
  } else fc.trapIfCode(answer.cc ^ 1, TrapCode.descriptorCastFailure);
  fc.push(inReg(v.type, w));
}

/** br_on_cast_desc_eq / br_on_cast_desc_eq_fail: brOnCast's branch on testDescribed's answer. */
export function brOnCastDesc(fc: FunctionCompiler, target: CFrame, type: number, onFail: boolean, descriptorNonNull: boolean): void {
  fc.materializeFlags();
  const d = popDescriptor(fc, descriptorNonNull);
  const v = fc.pop();
  if (d === undefined) return fc.push(v);
  if (v.loc === Loc.Const) { // null
    fc.regs.release(d);
    fc.push(v);
    if (isNullable(type) !== onFail) brIf(fc, target, constant(I32, 1));
    return;
  }
  const w = inOwnReg(fc, v);
  fc.push(inReg(v.type, w));
  const answer = testDescribed(fc, w, d, type);
  fc.regs.release(d);
  if ('known' in answer) {
    if ((answer.known === 1) !== onFail) brIf(fc, target, constant(I32, 1));
    return;
  }
  brIf(fc, target, inFlags(I32, onFail ? answer.cc ^ 1 : answer.cc));
}
// #endregion descriptor-casts
