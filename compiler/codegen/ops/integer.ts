// i32 and i64 operators. Constants fold; a local plus a constant stays unevaluated (it becomes
// an `lea` or an addressing mode where it is used); comparisons leave their result in the flags
// for the branch or select that consumes them. Constants are numbers (an i64 as two 32-bit
// halves); BigInt appears only when two i64 constants are folded.

import { Reg, TrapCode } from '../../abi/index.ts';
import { type RegId, regBit } from '../../abi/registers.ts';
import type { OperatorInfo } from '../../binary/operators.ts';
import { type Assembler, type Gpr, GPR8, GPR16, GPR32, GPR64, type Mem } from '../../x64/index.ts';
import {
  fitsImm32, type FunctionCompiler, GPR, I32, I64, operandIsMem, reg, sized,
} from '../functionCompiler.ts';
import { emitLea, foldAddIntoLea, fuseTest, recordAnd } from './fusion.ts';
import { pushInHome, resultHome } from '../locals.ts';
import { emitMove, imm64, REG } from '../parallelMove.ts';
import { SCRATCH } from '../registerAllocator.ts';
import { constant, constant64, inFlags, inReg, Loc, localPlus, NO_BOUND, type Value } from '../valueStack.ts';
import { binaryBound, BoundRule, boundRuleOf } from './valueBounds.ts';

/** Condition codes (x86 encoding numbers). */
export const CC = { o: 0, b: 2, ae: 3, e: 4, ne: 5, be: 6, a: 7, p: 10, np: 11, l: 12, ge: 13, le: 14, g: 15 } as const;
/** The condition that holds for (b, a) when cc holds for (a, b). */
const SWAPPED: Record<number, number> = { 2: 7, 7: 2, 3: 6, 6: 3, 4: 4, 5: 5, 12: 15, 15: 12, 13: 14, 14: 13 };

// #region constants-and-compare
/** Push an integer constant: i32 from a number, i64 from its two halves. */
export function pushI32(fc: FunctionCompiler, v: number): void {
  fc.push(constant(I32, v));
}
export function pushI64(fc: FunctionCompiler, lo: number, hi: number): void {
  fc.push(constant64(I64, lo, hi));
}

/** eqz and the ten relational operators of i32 (0x45-0x4f) and i64 (0x50-0x5a). */
export function compare(fc: FunctionCompiler, type: number, cc: number | 'eqz'): void {
  if (cc === 'eqz') {
    fc.protectFlags(1);
    const a = fc.popCond();
    if (a.loc === Loc.Const) return pushI32(fc, a.imm === 0 && a.hi === 0 ? 1 : 0);
    if (a.loc === Loc.Flags) return fc.push(inFlags(I32, a.n ^ 1));
    if (fuseTest(fc, a)) return fc.push(inFlags(I32, CC.e));
    const o = fc.operand(a, false);
    if (operandIsMem(o)) fc.asm.cmp(o, 0);
    else fc.asm.test(o as Gpr, o as Gpr);
    fc.push(inFlags(I32, CC.e));
    return;
  }
  fc.protectFlags(2);
  let b = fc.pop();
  let a = fc.pop();
  if (a.loc === Loc.Const && b.loc === Loc.Const) return pushI32(fc, evalCompare(type, cc, a, b) ? 1 : 0);
  if (a.loc === Loc.Const || (a.loc !== Loc.Reg && b.loc === Loc.Reg)) {
    [a, b] = [b, a];
    cc = SWAPPED[cc]!;
  }
  // x & m compared with zero: test x, m.
  if ((cc === CC.e || cc === CC.ne) && isZero(b) && fuseTest(fc, a)) return fc.push(inFlags(I32, cc));
  const lhs = fc.operand(a, false);
  const rhs = fc.operand(b, true, !operandIsMem(lhs));
  // cmp r, 0 and test r, r set the flags alike (CF = OF = 0; ZF, SF, PF from r), test is shorter.
  if (rhs === 0 && !operandIsMem(lhs)) fc.asm.test(lhs as Gpr, lhs as Gpr);
  else fc.asm.cmp(lhs as Gpr | Mem, rhs);
  fc.push(inFlags(I32, cc));
}
// #endregion constants-and-compare

const isZero = (v: Value): boolean => v.loc === Loc.Const && v.imm === 0 && v.hi === 0;

function evalCompare(type: number, cc: number, a: Value, b: Value): boolean {
  let sa: number | bigint, sb: number | bigint, ua: number | bigint, ub: number | bigint;
  if (type === I64) (sa = big(a)), (sb = big(b)), (ua = BigInt.asUintN(64, sa)), (ub = BigInt.asUintN(64, sb));
  else (sa = a.imm), (sb = b.imm), (ua = a.imm >>> 0), (ub = b.imm >>> 0);
  switch (cc) {
    case CC.e: return sa === sb;
    case CC.ne: return sa !== sb;
    case CC.l: return sa < sb;
    case CC.b: return ua < ub;
    case CC.g: return sa > sb;
    case CC.a: return ua > ub;
    case CC.le: return sa <= sb;
    case CC.be: return ua <= ub;
    case CC.ge: return sa >= sb;
    default: return ua >= ub;
  }
}

/** An i64 constant as a BigInt (folding only). */
export const big = (v: Value): bigint => BigInt.asIntN(64, (BigInt(v.hi) << 32n) | BigInt(v.imm >>> 0));
export function pushBig(fc: FunctionCompiler, type: number, v: bigint): void {
  if (type === I64) return pushI64(fc, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)));
  pushI32(fc, Number(BigInt.asIntN(32, v)));
}

// #region unary
/** i32.wrap_i64: the low half is already the i32. */
export function wrap(fc: FunctionCompiler): void {
  const v = fc.pop();
  if (v.loc === Loc.Const) return pushI32(fc, v.imm);
  // Registers, slots and locals all hold the low half where a 32-bit read finds it.
  if (v.loc === Loc.Reg || v.loc === Loc.Slot || v.loc === Loc.Local || v.loc === Loc.LocalPlus) return fc.push({ loc: v.loc, type: I32, n: v.n, imm: v.imm, hi: v.hi });
  fc.push(inReg(I32, fc.toReg(v)));
}

/** Sign or zero extension of the low `bits` of a value to a `to` value. */
export function extend(fc: FunctionCompiler, to: number, bits: 8 | 16 | 32, signed: boolean): void {
  fc.protectFlags(1);
  const v = fc.pop();
  if (v.loc === Loc.Const) {
    const shift = 32 - bits;
    const lo = signed ? (v.imm << shift) >> shift : bits === 32 ? v.imm : (v.imm << shift) >>> shift;
    return to === I64 ? pushI64(fc, lo, signed ? lo >> 31 : 0) : pushI32(fc, lo);
  }
  const src = fc.readReg(v);
  const dst = v.loc === Loc.Reg ? v.n : fc.regs.alloc(GPR);
  const asm = fc.asm;
  if (bits === 32) {
    if (signed) asm.movsxd(GPR64[dst]!, GPR32[src]!);
    else asm.mov(GPR32[dst]!, GPR32[src]!);
  } else asm.movsx(reg(to, dst), bits === 8 ? GPR8[src]! : GPR16[src]!);
  fc.push(inReg(to, dst));
}

/** clz (0), ctz (1), popcnt (2). bsr/bsf leave the destination undefined for 0, so cmov fixes it. */
export function bitCount(fc: FunctionCompiler, type: number, which: 0 | 1 | 2): void {
  fc.protectFlags(1);
  const v = fc.pop();
  const bits = type === I64 ? 64 : 32;
  if (v.loc === Loc.Const) {
    const [lo, hi] = [v.imm, type === I64 ? v.hi : 0];
    let r: number;
    if (which === 2) r = popcount32(lo) + popcount32(hi);
    else if (which === 0) r = type === I64 ? (hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo)) : Math.clz32(lo);
    else r = lo !== 0 ? ctz32(lo) : type === I64 ? 32 + ctz32(hi) : 32;
    return type === I64 ? pushI64(fc, r, 0) : pushI32(fc, r);
  }
  const src = fc.operand(v, false) as Gpr | Mem;
  const dst = v.loc === Loc.Reg ? v.n : fc.regs.alloc(GPR);
  const d = reg(type, dst);
  const asm = fc.asm;
  if (which === 2) asm.popcnt(d, src);
  else if (which === 1) {
    asm.bsf(d, src);
    asm.mov(reg(type, SCRATCH), bits);
    asm.cmovcc('e', d, reg(type, SCRATCH));
  } else {
    asm.bsr(d, src);
    asm.mov(reg(type, SCRATCH), 2 * bits - 1);
    asm.cmovcc('e', d, reg(type, SCRATCH));
    asm.xor(d, bits - 1);
  }
  fc.push(inReg(type, dst));
}
// #endregion unary

const popcount32 = (x: number): number => {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
};
/** Trailing zeros of a nonzero 32-bit value (32 for 0). */
const ctz32 = (x: number): number => (x === 0 ? 32 : 31 - Math.clz32(x & -x));

// #region binary
/**
 * The integer binary operators, by number: a switch on them is a jump table, where one on their
 * names compared strings per operator compiled. add, or, and, sub and xor have the numbers of
 * their x86 instructions in the ALU group (Assembler.alu), which emitTwoAddress passes on.
 */
export const Op = {
  add: 0, or: 1, mul: 2, div_s: 3, and: 4, sub: 5, xor: 6, div_u: 7, rem_s: 8, rem_u: 9, shl: 10, shr_s: 11, shr_u: 12, rotl: 13, rotr: 14,
} as const;
/** An Op. */
export type BinOp = (typeof Op)[keyof typeof Op];
/** An Op of a two-address instruction: add, or, and, sub, xor, or mul (imul). */
type TwoAddressOp = (typeof Op)['add' | 'or' | 'and' | 'sub' | 'xor' | 'mul'];

// #region binary-entry
export function binary(fc: FunctionCompiler, type: number, op: BinOp, rule: number = BoundRule.none): void {
  fc.protectFlags(2);
  const b = fc.pop();
  const a = fc.pop();
  if (a.loc === Loc.Const && b.loc === Loc.Const && foldBinary(fc, type, op, a, b)) return;
  // The operands' range facts (i32 only: `rule` is none for i64), read before the result's push takes their place.
  const bound = rule === BoundRule.none || !fc.hasMemory ? NO_BOUND : binaryBound(fc, rule, a, b, fc.stack.height);
  lowerBinary(fc, type, op, a, b);
  if (bound !== NO_BOUND) fc.stack.setTopBound(bound);
}

function lowerBinary(fc: FunctionCompiler, type: number, op: BinOp, a: Value, b: Value): void {
  switch (op) {
    case Op.add: case Op.sub: {
      // local + constant stays deferred; it becomes an lea where it is used.
      if (b.loc === Loc.Const && (a.loc === Loc.Local || a.loc === Loc.LocalPlus) && fitsImm32(b)) {
        const sum = addend(type, a.loc === Loc.LocalPlus ? a.imm : 0, op === Op.add ? b.imm : -b.imm);
        if (sum !== undefined) return fc.push(localPlus(type, a.n, sum));
      }
      if (op === Op.add && a.loc === Loc.Const && (b.loc === Loc.Local || b.loc === Loc.LocalPlus) && fitsImm32(a)) {
        const sum = addend(type, b.loc === Loc.LocalPlus ? b.imm : 0, a.imm);
        if (sum !== undefined) return fc.push(localPlus(type, b.n, sum));
      }
      // (x * k) + c: into the lea's displacement.
      if (b.loc === Loc.Const && fitsImm32(b) && foldAddIntoLea(fc, a, op === Op.add ? b.imm : -b.imm)) return fc.push(a);
      if (op === Op.add && a.loc === Loc.Const && fitsImm32(a) && foldAddIntoLea(fc, b, a.imm)) return fc.push(b);
      return simple(fc, type, op, a, b, op === Op.add);
    }
    case Op.and: case Op.or: case Op.xor: return simple(fc, type, op, a, b, true);
    case Op.mul: return multiply(fc, type, a, b);
    case Op.shl: case Op.shr_s: case Op.shr_u: case Op.rotl: case Op.rotr: return shift(fc, type, op, a, b);
    default: return divide(fc, type, op, a, b);
  }
}
// #endregion binary-entry

/** x + c as a 32-bit displacement: wrapped for i32 (a 32-bit lea wraps too), exact for i64 if it fits. */
function addend(type: number, x: number, c: number): number | undefined {
  if (type === I32) return (x + c) | 0;
  const s = x + c;
  return s >= -0x80000000 && s <= 0x7fffffff ? s : undefined;
}

/** dst = a; dst op= b. A commutative operator takes its destination from whichever operand is a temporary. */
function simple(fc: FunctionCompiler, type: number, op: TwoAddressOp, a: Value, b: Value, commutative: boolean): void {
  if (commutative && a.loc !== Loc.Reg && b.loc === Loc.Reg) [a, b] = [b, a];
  twoAddress(fc, type, a, b, commutative, true, op);
}

/**
 * dst = a; dst op= b, computed straight into a local's home when a local.set of it follows and
 * may take it there (`x = x op y` becomes one instruction; see resultHome in locals.ts).
 */
function twoAddress(
  fc: FunctionCompiler, type: number, a: Value, b: Value, commutative: boolean, immOk: boolean, op: TwoAddressOp,
): void {
  const aHome = registerLocal(fc, a);
  if (aHome >= 0) {
    // y's own code first (`x &= x - 1`: lea t, [x-1]); then, when a local.set right after may
    // take the result in its home, it is computed there: `op x, y` for `x = x op y`.
    const src = fc.operand(b, immOk);
    const start = fc.asm.offset;
    const home = resultHome(fc, fc.localSetNext(1), type, aHome, src);
    if (home >= 0) {
      if (home !== aHome) fc.asm.movRegisters(home, aHome, type !== I32);
      emitTwoAddress(fc.asm, op, type, home, src);
      return pushInHome(fc, home, start, type);
    }
    // Otherwise into a temporary: a copy of x's register (what toReg(a) would find, found already).
    const dst = fc.regs.alloc(GPR);
    fc.asm.movRegisters(dst, aHome, type !== I32);
    emitTwoAddress(fc.asm, op, type, dst, src);
    if (type === I32) fc.markZeroExtended(dst);
    if (op === Op.and) recordAnd(fc, dst, start, reg(type, aHome), src as Gpr | Mem | number);
    return fc.push(inReg(type, dst));
  }
  const start = fc.asm.offset;
  const bHome = commutative ? registerLocal(fc, b) : -1;
  const aWasTemp = a.loc === Loc.Reg;
  // `x = t op x` (t a temporary) with local.set x right after: `op x, t`.
  if (bHome >= 0 && aWasTemp && resultHome(fc, fc.localSetNext(1), type, bHome, 0) === bHome) {
    const src = reg(type, a.n);
    emitTwoAddress(fc.asm, op, type, bHome, src);
    return pushInHome(fc, bHome, start, type);
  }
  const x = op === Op.and ? operandInPlace(fc, a) : null;
  const dst = fc.toReg(a);
  const opStart = fc.asm.offset;
  const src = fc.operand(b, immOk);
  const clean = fc.asm.offset === opStart; // the operand needed no code of its own
  // `add r32, c` on a temporary whose upper half is clear: a bounded address may undo it (memory.ts).
  const addImm = op === Op.add && type === I32 && typeof src === 'number' && src >= 0 && aWasTemp && clean && opStart === start && fc.justZeroExtended(dst);
  emitTwoAddress(fc.asm, op, type, dst, src);
  if (addImm) fc.noteAddImmediate(dst, opStart, src as number);
  if (type === I32) fc.markZeroExtended(dst);
  if (op === Op.and && clean) recordAnd(fc, dst, start, x, src as Gpr | Mem | number);
  fc.push(inReg(type, dst));
}

/** Where an operand can be read without code (a register or memory), or null. */
function operandInPlace(fc: FunctionCompiler, v: Value): Gpr | Mem | null {
  if (v.loc === Loc.Reg) return reg(v.type, v.n);
  if (v.loc !== Loc.Slot && v.loc !== Loc.Local) return null;
  const s = fc.sourceOf(v);
  return s.kind === 'reg' ? reg(v.type, s.reg) : s.kind === 'mem' ? sized(v.type, s.mem) : null;
}

/** The register of a local whose value is in it, or -1. */
function registerLocal(fc: FunctionCompiler, v: Value): number {
  return v.loc === Loc.Local ? fc.locals.liveRegister(v.n) : -1;
}

function multiply(fc: FunctionCompiler, type: number, a: Value, b: Value): void {
  if (a.loc === Loc.Const || (a.loc !== Loc.Reg && b.loc === Loc.Reg)) [a, b] = [b, a];
  if (b.loc === Loc.Const && fitsImm32(b)) {
    // x * 2, 3, 5, 9 of a value in a register: lea [x + x*s] (one cycle, and a later + c joins it).
    const k = b.imm;
    const scale = k === 3 || k === 5 || k === 9 ? k - 1 : k === 2 ? 1 : 0;
    const x = a.loc === Loc.Reg ? a.n : registerLocal(fc, a);
    if (scale !== 0 && x >= 0) {
      const dst = a.loc === Loc.Reg ? a.n : fc.regs.alloc(GPR);
      emitLea(fc, type, dst, x, x, scale as 1 | 2 | 4 | 8, 0);
      return fc.push(inReg(type, dst));
    }
    const src = fc.operand(a, false) as Gpr | Mem;
    const dst = a.loc === Loc.Reg ? a.n : fc.regs.alloc(GPR);
    fc.asm.imul(reg(type, dst), src, b.imm);
    if (type === I32) fc.markZeroExtended(dst);
    return fc.push(inReg(type, dst));
  }
  twoAddress(fc, type, a, b, true, false, Op.mul);
}

/** `op dst, src` for the two-address operators (imul for mul). */
function emitTwoAddress(asm: Assembler, op: TwoAddressOp, type: number, dst: RegId, src: Gpr | Mem | number): void {
  if (op === Op.mul) asm.imul(reg(type, dst), src as Gpr | Mem);
  else asm.alu(op, reg(type, dst), src);
}

function shift(fc: FunctionCompiler, type: number, op: BinOp, a: Value, b: Value): void {
  const asm = fc.asm;
  if (b.loc === Loc.Const) {
    const count = b.imm & (type === I64 ? 63 : 31);
    const dst = fc.toReg(a);
    if (count !== 0) {
      emitShift(asm, op, reg(type, dst), count);
      if (type === I32) fc.markZeroExtended(dst);
    }
    return fc.push(inReg(type, dst));
  }
  // A variable count must be in cl.
  if (a.loc === Loc.Reg && a.n === Reg.rcx) {
    const r = fc.regs.alloc(GPR, regBit(Reg.rcx));
    emitMove(asm, REG[r]!, REG[Reg.rcx]!);
    fc.regs.release(Reg.rcx);
    a = inReg(a.type, r);
  }
  if (!(b.loc === Loc.Reg && b.n === Reg.rcx)) {
    fc.take(Reg.rcx);
    fc.loadInto(Reg.rcx, b);
  }
  const dst = fc.toReg(a, regBit(Reg.rcx));
  emitShift(asm, op, reg(type, dst), GPR8[Reg.rcx]!);
  if (type === I32) fc.markZeroExtended(dst);
  fc.regs.release(Reg.rcx);
  fc.push(inReg(type, dst));
}

/** The x86 instruction of a wasm shift or rotate (a switch: no object and no lookup by name per call). */
function emitShift(asm: Assembler, op: BinOp, dst: Gpr, count: Gpr | number): void {
  switch (op) {
    case Op.shl: return asm.shl(dst, count);
    case Op.shr_s: return asm.sar(dst, count);
    case Op.shr_u: return asm.shr(dst, count);
    case Op.rotl: return asm.rol(dst, count);
    default: return asm.ror(dst, count);
  }
}

/** Power-of-two divisor (unsigned view): its log2, or -1. */
function log2Unsigned(type: number, v: Value): number {
  const lo = v.imm >>> 0, hi = type === I64 ? v.hi >>> 0 : 0;
  if (hi === 0) return lo !== 0 && (lo & (lo - 1)) === 0 ? 31 - Math.clz32(lo) : -1;
  return lo === 0 && (hi & (hi - 1)) === 0 ? 63 - Math.clz32(hi) : -1;
}

/** div and rem: the dividend in rax, rdx its high half, the divisor anywhere but those two (and the widening multiply, wideArithmetic.ts). */
const RAX_RDX = regBit(Reg.rax) | regBit(Reg.rdx);
/** v, moved to another register if it is in rax or rdx (division's own). */
export function moveOutOfRaxRdx(fc: FunctionCompiler, v: Value): Value {
  if (v.loc !== Loc.Reg || !(RAX_RDX & regBit(v.n))) return v;
  const r = fc.regs.alloc(GPR, RAX_RDX);
  emitMove(fc.asm, REG[r]!, REG[v.n]!);
  fc.regs.release(v.n);
  return inReg(v.type, r);
}

function divide(fc: FunctionCompiler, type: number, op: BinOp, a: Value, b: Value): void {
  const asm = fc.asm;
  const signed = op === Op.div_s || op === Op.rem_s;
  const rem = op === Op.rem_s || op === Op.rem_u;
  const wide = type === I64;
  const bConst = b.loc === Loc.Const;
  if (bConst && b.imm === 0 && (!wide || b.hi === 0)) {
    // Always traps; the result is never used.
    fc.trapNow(TrapCode.integerDivideByZero);
    return fc.push(wide ? constant64(type, 0, 0) : constant(type, 0));
  }
  // Unsigned division by a power of two: a shift or a mask.
  const k = bConst && !signed ? log2Unsigned(type, b) : -1;
  if (k >= 0) {
    const dst = fc.toReg(a);
    if (rem) {
      if (k < 31) asm.and(reg(type, dst), 2 ** k - 1);
      else if (!wide) asm.and(reg(type, dst), 0x7fffffff);
      else {
        asm.mov(GPR64[SCRATCH]!, imm64(k >= 32 ? -1 : 2 ** k - 1, k >= 32 ? 2 ** (k - 32) - 1 : 0));
        asm.and(reg(type, dst), reg(type, SCRATCH));
      }
    } else if (k > 0) asm.shr(reg(type, dst), k);
    return fc.push(inReg(type, dst));
  }
  // Free rax and rdx; the operands may be in them already.
  const avoid = RAX_RDX;
  const aIsRax = a.loc === Loc.Reg && a.n === Reg.rax;
  b = moveOutOfRaxRdx(fc, b);
  if (!aIsRax) a = moveOutOfRaxRdx(fc, a);
  if (!aIsRax) fc.take(Reg.rax);
  fc.take(Reg.rdx);
  let divisor: Gpr | Mem;
  if (bConst) divisor = reg(type, fc.toReg(b, avoid));
  else {
    const o = fc.operand(b, false);
    divisor = typeof o === 'number' ? reg(type, fc.toReg(b, avoid)) : o;
    if (!operandIsMem(divisor) && avoid & regBit(divisor.num)) divisor = reg(type, fc.toReg(b, avoid));
  }
  if (!aIsRax) fc.loadInto(Reg.rax, a);
  const rax = reg(type, Reg.rax);
  if (!bConst) {
    if (operandIsMem(divisor)) asm.cmp(divisor, 0);
    else asm.test(divisor, divisor);
    fc.trapIf('e', TrapCode.integerDivideByZero);
  }
  const minusOne = bConst && b.imm === -1 && (!wide || b.hi === -1);
  const done = asm.newLabel();
  if (signed && (!bConst || minusOne)) {
    // INT_MIN / -1 overflows (div) or is 0 (rem); idiv would fault on both.
    const normal = asm.newLabel();
    if (!bConst) {
      asm.cmp(divisor, -1);
      asm.jcc('ne', normal);
    }
    if (rem) {
      asm.xor(GPR32[Reg.rdx]!, GPR32[Reg.rdx]!);
      asm.jmp(done);
    } else {
      asm.cmp(rax, 1); // a - 1 overflows only for INT_MIN
      fc.trapIf('o', TrapCode.integerOverflow);
    }
    asm.bind(normal);
  }
  if (signed) {
    if (wide) asm.cqo();
    else asm.cdq();
    asm.idiv(divisor);
  } else {
    asm.xor(GPR32[Reg.rdx]!, GPR32[Reg.rdx]!);
    asm.div(divisor);
  }
  asm.bind(done);
  const result = rem ? Reg.rdx : Reg.rax;
  fc.regs.release(rem ? Reg.rax : Reg.rdx);
  fc.push(inReg(type, result));
}

/** Fold two constants; false when the operation would trap (left to run and trap). */
function foldBinary(fc: FunctionCompiler, type: number, op: BinOp, a: Value, b: Value): boolean {
  if (type === I32) {
    const r = fold32(op, a.imm, b.imm);
    if (r === undefined) return false;
    pushI32(fc, r);
    return true;
  }
  const r = fold64(op, big(a), big(b));
  if (r === undefined) return false;
  pushBig(fc, I64, r);
  return true;
}

function fold32(op: BinOp, a: number, b: number): number | undefined {
  const k = b & 31;
  switch (op) {
    case Op.add: return (a + b) | 0;
    case Op.sub: return (a - b) | 0;
    case Op.mul: return Math.imul(a, b);
    case Op.and: return a & b;
    case Op.or: return a | b;
    case Op.xor: return a ^ b;
    case Op.shl: return a << k;
    case Op.shr_u: return (a >>> k) | 0;
    case Op.shr_s: return a >> k;
    case Op.rotl: return (a << k) | (a >>> ((32 - k) & 31));
    case Op.rotr: return (a >>> k) | (a << ((32 - k) & 31));
    case Op.div_u: return b === 0 ? undefined : ((a >>> 0) / (b >>> 0)) | 0;
    case Op.rem_u: return b === 0 ? undefined : ((a >>> 0) % (b >>> 0)) | 0;
    case Op.div_s: return b === 0 || (a === -0x80000000 && b === -1) ? undefined : (a / b) | 0;
    default: return b === 0 ? undefined : b === -1 ? 0 : a % b | 0;
  }
}

function fold64(op: BinOp, sa: bigint, sb: bigint): bigint | undefined {
  const ua = BigInt.asUintN(64, sa), ub = BigInt.asUintN(64, sb);
  const k = ub & 63n;
  switch (op) {
    case Op.add: return sa + sb;
    case Op.sub: return sa - sb;
    case Op.mul: return sa * sb;
    case Op.and: return sa & sb;
    case Op.or: return sa | sb;
    case Op.xor: return sa ^ sb;
    case Op.shl: return ua << k;
    case Op.shr_u: return ua >> k;
    case Op.shr_s: return sa >> k;
    case Op.rotl: return (ua << k) | (ua >> ((64n - k) % 64n));
    case Op.rotr: return (ua >> k) | (ua << ((64n - k) % 64n));
    case Op.div_u: return ub === 0n ? undefined : ua / ub;
    case Op.rem_u: return ub === 0n ? undefined : ua % ub;
    case Op.div_s: {
      if (sb === 0n) return undefined;
      const q = sa / sb; // BigInt division truncates toward zero, as wasm does
      return BigInt.asIntN(64, q) !== q ? undefined : q;
    }
    default: return sb === 0n ? undefined : sa % sb;
  }
}
// #endregion binary

// #region integer-lowerings
const COMPARE_CC: Record<string, number> = {
  eq: CC.e, ne: CC.ne, lt_s: CC.l, lt_u: CC.b, gt_s: CC.g, gt_u: CC.a, le_s: CC.le, le_u: CC.be, ge_s: CC.ge, ge_u: CC.ae,
};

/** The lowering of an integer operator of the operator table (by its name), or undefined. */
export function integerLowering(info: OperatorInfo): ((fc: FunctionCompiler) => void) | undefined {
  const [prefix, op] = info.name.split('.') as [string, string];
  if (prefix !== 'i32' && prefix !== 'i64') return undefined;
  const type = prefix === 'i64' ? I64 : I32;
  if (info.params.some((t) => t !== I32 && t !== I64) || info.results.some((t) => t !== I32 && t !== I64)) return undefined;
  if (info.family === 'compare') {
    const cc = op === 'eqz' ? 'eqz' : COMPARE_CC[op];
    return cc === undefined ? undefined : (fc) => compare(fc, type, cc);
  }
  if (info.family === 'binary' && Object.hasOwn(Op, op)) {
    const rule = type === I32 ? boundRuleOf(op) : BoundRule.none;
    const n = Op[op as keyof typeof Op];
    return (fc) => binary(fc, type, n, rule);
  }
  if (info.family !== 'unary') return undefined;
  switch (op) {
    case 'clz': return (fc) => bitCount(fc, type, 0);
    case 'ctz': return (fc) => bitCount(fc, type, 1);
    case 'popcnt': return (fc) => bitCount(fc, type, 2);
    case 'wrap_i64': return wrap;
    case 'extend_i32_s': return (fc) => extend(fc, I64, 32, true);
    case 'extend_i32_u': return (fc) => extend(fc, I64, 32, false);
    case 'extend8_s': return (fc) => extend(fc, type, 8, true);
    case 'extend16_s': return (fc) => extend(fc, type, 16, true);
    case 'extend32_s': return (fc) => extend(fc, I64, 32, true);
  }
  return undefined;
}
// #endregion integer-lowerings
