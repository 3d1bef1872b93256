// i32 and i64 operators, locals, globals, select and drop. Constants fold; a local plus a
// constant stays unevaluated (it becomes an `lea` or an addressing mode where it is used);
// comparisons leave their result in the flags for the branch or select that consumes them.

import { ValType, type GlobalType } from '../binary/types.ts';
import { TrapCode } from '../abi/index.ts';
import { CONDITIONS, type Gpr, GPR8, GPR16, GPR32, GPR64, type Mem, dword, qword } from '../x64/index.ts';
import { fitsImm32, type FunctionCompiler, type TwoAddressOp, I64, isWide, notImplemented, operandIsMem, reg, sized } from './functionCompiler.ts';
import { writeLocal } from './locals.ts';
import { conditionOf } from './controlFlow.ts';
import { bit, Gpr as R, SCRATCH, SCRATCH2 } from './registers.ts';
import { constant, inFlags, inReg, Loc, localPlus, ofLocal, type Value } from './valueStack.ts';
import { emitMove } from './parallelMove.ts';

const I32 = ValType.i32;
const wrap = (type: number, v: bigint): bigint => (type === I64 ? BigInt.asIntN(64, v) : BigInt.asIntN(32, v));
const unsigned = (type: number, v: bigint): bigint => (type === I64 ? BigInt.asUintN(64, v) : BigInt.asUintN(32, v));
const bitsOf = (type: number): number => (type === I64 ? 64 : 32);

// Condition codes (x86 encoding numbers).
const CC = { b: 2, ae: 3, e: 4, ne: 5, be: 6, a: 7, l: 12, ge: 13, le: 14, g: 15 } as const;
/** The condition that holds for (b, a) when cc holds for (a, b). */
const SWAPPED: Record<number, number> = { 2: 7, 7: 2, 3: 6, 6: 3, 4: 4, 5: 5, 12: 15, 15: 12, 13: 14, 14: 13 };

// #region variables
export function localGet(fc: FunctionCompiler, i: number): void {
  fc.push(ofLocal(fc.localTypes[i]!, i));
}

export function localSet(fc: FunctionCompiler, i: number, tee: boolean): void {
  const v = fc.pop();
  writeLocal(fc, i, v);
  if (tee) fc.push(ofLocal(fc.localTypes[i]!, i));
}

/** Globals live in cells the VMContext points to. */
function globalCell(fc: FunctionCompiler, g: number): Mem {
  fc.asm.mov(GPR64[SCRATCH]!, qword(GPR64[15]!, fc.env.vmctx.global(g)));
  return qword(GPR64[SCRATCH]!, 0);
}

export function globalGet(fc: FunctionCompiler, g: number, type: GlobalType): void {
  checkIntType(fc, type.type);
  fc.protectFlags(0);
  const r = fc.alloc();
  const cell = globalCell(fc, g);
  fc.asm.mov(reg(type.type, r), sized(type.type, cell));
  fc.push(inReg(type.type, r));
}

export function globalSet(fc: FunctionCompiler, g: number, type: GlobalType): void {
  checkIntType(fc, type.type);
  fc.protectFlags(1);
  const v = fc.pop();
  if (v.loc === Loc.Const && fitsImm32(v.imm, isWide(type.type))) {
    const cell = globalCell(fc, g);
    fc.asm.mov(sized(type.type, cell), Number(BigInt.asIntN(32, v.imm)));
    return;
  }
  const r = fc.readReg(v);
  const cell = globalCell(fc, g);
  fc.asm.mov(sized(type.type, cell), reg(type.type, r));
}

function checkIntType(fc: FunctionCompiler, t: number): void {
  if (t === ValType.f32 || t === ValType.f64) throw notImplemented('floats', fc.opOffset, fc.funcIndex);
  if (t === ValType.v128) throw notImplemented('simd', fc.opOffset, fc.funcIndex);
}
// #endregion variables

// #region parametric
export function drop(fc: FunctionCompiler): void {
  fc.popCond();
}

export function select(fc: FunctionCompiler, type: number): void {
  checkIntType(fc, type);
  const cond = fc.popCond();
  const b = fc.pop();
  const a = fc.pop();
  if (cond.loc === Loc.Const) {
    fc.push(cond.imm !== 0n ? a : b);
    return;
  }
  if (cond.loc === Loc.Flags) fc.pinFlags = true;
  else fc.protectFlags(0);
  const dst = fc.toReg(a);
  const src = fc.operand(b, false);
  const cc = conditionOf(fc, cond) as number;
  fc.pinFlags = false;
  fc.asm.cmovcc(CONDITIONS[cc ^ 1]!, reg(type, dst), src as Gpr | Mem);
  fc.push(inReg(type, dst));
}
// #endregion parametric

// #region constants-and-compare
export function pushConst(fc: FunctionCompiler, type: number, v: bigint): void {
  fc.push(constant(type, wrap(type, v)));
}

/** A constant already in its type's signed range (i32.const and i64.const as decoded). */
export function pushExactConst(fc: FunctionCompiler, type: number, v: bigint): void {
  fc.push(constant(type, v));
}

/** eqz and the ten relational operators of i32 (0x45-0x4f) and i64 (0x50-0x5a). */
export function compare(fc: FunctionCompiler, opcode: number): void {
  if (opcode > 0x5a) throw notImplemented('floats', fc.opOffset, fc.funcIndex);
  const type = opcode >= 0x50 ? I64 : I32;
  const op = opcode - (type === I64 ? 0x50 : 0x45);
  if (op === 0) {
    fc.protectFlags(1);
    const a = fc.popCond();
    if (a.loc === Loc.Const) return pushConst(fc, I32, a.imm === 0n ? 1n : 0n);
    if (a.loc === Loc.Flags) return fc.push(inFlags(I32, a.n ^ 1));
    const o = fc.operand(a, false);
    if (operandIsMem(o)) fc.asm.cmp(o, 0);
    else fc.asm.test(o as Gpr, o as Gpr);
    fc.push(inFlags(I32, CC.e));
    return;
  }
  let cc: number = [CC.e, CC.ne, CC.l, CC.b, CC.g, CC.a, CC.le, CC.be, CC.ge, CC.ae][op - 1]!;
  fc.protectFlags(2);
  let b = fc.pop();
  let a = fc.pop();
  if (a.loc === Loc.Const && b.loc === Loc.Const) return pushConst(fc, I32, evalCompare(type, cc, a.imm, b.imm) ? 1n : 0n);
  if (a.loc === Loc.Const || (a.loc !== Loc.Reg && b.loc === Loc.Reg)) {
    [a, b] = [b, a];
    cc = SWAPPED[cc]!;
  }
  const lhs = fc.operand(a, false);
  const rhs = fc.operand(b, true, !operandIsMem(lhs));
  fc.asm.cmp(lhs as Gpr | Mem, rhs);
  fc.push(inFlags(I32, cc));
}

function evalCompare(type: number, cc: number, a: bigint, b: bigint): boolean {
  const sa = wrap(type, a), sb = wrap(type, b), ua = unsigned(type, a), ub = unsigned(type, b);
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
// #endregion constants-and-compare

// #region unary
export function unary(fc: FunctionCompiler, opcode: number): void {
  switch (opcode) {
    case 0x67: case 0x68: case 0x69: return bitCount(fc, I32, opcode - 0x67);
    case 0x79: case 0x7a: case 0x7b: return bitCount(fc, I64, opcode - 0x79);
    case 0xa7: { // i32.wrap_i64: the low half is already the i32.
      const v = fc.pop();
      if (v.loc === Loc.Const) return pushConst(fc, I32, v.imm);
      // Registers, slots and locals all hold the low half where a 32-bit read finds it.
      if (v.loc === Loc.Reg || v.loc === Loc.Slot || v.loc === Loc.Local || v.loc === Loc.LocalPlus) return fc.push({ ...v, type: I32 });
      const r = fc.toReg(v);
      return fc.push(inReg(I32, r));
    }
    case 0xac: return extend(fc, I32, I64, 32, true);
    case 0xad: return extend(fc, I32, I64, 32, false);
    case 0xc0: return extend(fc, I32, I32, 8, true);
    case 0xc1: return extend(fc, I32, I32, 16, true);
    case 0xc2: return extend(fc, I64, I64, 8, true);
    case 0xc3: return extend(fc, I64, I64, 16, true);
    case 0xc4: return extend(fc, I64, I64, 32, true);
    default: throw notImplemented('floats', fc.opOffset, fc.funcIndex);
  }
}

/** Sign or zero extension of the low `bits` of a `from` value to a `to` value. */
function extend(fc: FunctionCompiler, from: number, to: number, bits: 8 | 16 | 32, signed: boolean): void {
  fc.protectFlags(1);
  const v = fc.pop();
  if (v.loc === Loc.Const) {
    const x = signed ? BigInt.asIntN(bits, v.imm) : BigInt.asUintN(bits, v.imm);
    return pushConst(fc, to, x);
  }
  const src = fc.readReg(v);
  const dst = v.loc === Loc.Reg ? v.n : fc.alloc();
  const asm = fc.asm;
  if (bits === 32) {
    if (signed) asm.movsxd(GPR64[dst]!, GPR32[src]!);
    else asm.mov(GPR32[dst]!, GPR32[src]!);
  } else {
    const srcReg = bits === 8 ? byteReg(src) : wordReg(src);
    asm.movsx(reg(to, dst), srcReg);
  }
  fc.push(inReg(to, dst));
  void from;
}

const byteReg = (r: number): Gpr => GPR8[r]!;
const wordReg = (r: number): Gpr => GPR16[r]!;

/** clz (0), ctz (1), popcnt (2). bsr/bsf leave the destination undefined for 0, so cmov fixes it. */
function bitCount(fc: FunctionCompiler, type: number, which: number): void {
  fc.protectFlags(1);
  const v = fc.pop();
  const bits = bitsOf(type);
  if (v.loc === Loc.Const) {
    const u = unsigned(type, v.imm);
    let r = 0;
    if (which === 2) for (let x = u; x; x >>= 1n) r += Number(x & 1n);
    else if (which === 0) r = u === 0n ? bits : bits - u.toString(2).length;
    else { r = 0; if (u === 0n) r = bits; else for (let x = u; !(x & 1n); x >>= 1n) r++; }
    return pushConst(fc, type, BigInt(r));
  }
  const src = fc.operand(v, false) as Gpr | Mem;
  const dst = v.loc === Loc.Reg ? v.n : fc.alloc();
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

// #region binary
const BIN = ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'] as const;
type BinOp = (typeof BIN)[number];

export function binary(fc: FunctionCompiler, opcode: number): void {
  let type: number;
  let op: BinOp;
  if (opcode >= 0x6a && opcode <= 0x78) (type = I32), (op = BIN[opcode - 0x6a]!);
  else if (opcode >= 0x7c && opcode <= 0x8a) (type = I64), (op = BIN[opcode - 0x7c]!);
  else throw notImplemented('floats', fc.opOffset, fc.funcIndex);
  fc.protectFlags(2);
  let b = fc.pop();
  let a = fc.pop();
  if (a.loc === Loc.Const && b.loc === Loc.Const) {
    const r = fold(type, op, a.imm, b.imm);
    if (r !== undefined) return pushConst(fc, type, r);
  }
  switch (op) {
    case 'add': case 'sub': {
      // local + constant stays deferred; it becomes an lea where it is used.
      if (b.loc === Loc.Const && (a.loc === Loc.Local || a.loc === Loc.LocalPlus)) {
        const c = op === 'add' ? b.imm : -b.imm;
        const sum = wrap(type, (a.loc === Loc.LocalPlus ? a.imm : 0n) + c);
        if (fitsImm32(sum, type === I64)) return fc.push(localPlus(type, a.n, sum));
      }
      if (op === 'add' && a.loc === Loc.Const && (b.loc === Loc.Local || b.loc === Loc.LocalPlus)) {
        const sum = wrap(type, (b.loc === Loc.LocalPlus ? b.imm : 0n) + a.imm);
        if (fitsImm32(sum, type === I64)) return fc.push(localPlus(type, b.n, sum));
      }
      return simple(fc, type, op, a, b, op === 'add');
    }
    case 'and': case 'or': case 'xor': return simple(fc, type, op, a, b, true);
    case 'mul': return multiply(fc, type, a, b);
    case 'shl': case 'shr_s': case 'shr_u': case 'rotl': case 'rotr': return shift(fc, type, op, a, b);
    default: return divide(fc, type, op, a, b);
  }
}


/** dst = a; dst op= b. A commutative operator takes its destination from whichever operand is a temporary. */
function simple(fc: FunctionCompiler, type: number, op: 'add' | 'sub' | 'and' | 'or' | 'xor', a: Value, b: Value, commutative: boolean): void {
  if (commutative && a.loc !== Loc.Reg && b.loc === Loc.Reg) [a, b] = [b, a];
  twoAddress(fc, type, a, b, commutative, true, op);
}

/**
 * dst = a; dst op= b, remembering how to redo it in place when the result is stored back into
 * the local it was computed from (`x = x op y` becomes one instruction; see FunctionCompiler.lastOp).
 */
function twoAddress(
  fc: FunctionCompiler, type: number, a: Value, b: Value, commutative: boolean, immOk: boolean, op: TwoAddressOp,
): void {
  const start = fc.asm.offset;
  const aHome = registerLocal(fc, a);
  const bHome = commutative ? registerLocal(fc, b) : -1;
  const aWasTemp = a.loc === Loc.Reg;
  const dst = fc.toReg(a);
  const opStart = fc.asm.offset;
  const src = fc.operand(b, immOk);
  const clean = fc.asm.offset === opStart; // the operand needed no code of its own
  fc.emitTwoAddress(op, type, dst, src);
  fc.lastOp = null;
  if (clean && aHome >= 0 && opStart > start && !(typeof src === 'object' && src.kind === 'gpr' && src.num === dst)) {
    fc.lastOp = { result: dst, home: aHome, start, end: fc.asm.offset, op, type, src };
  } else if (clean && bHome >= 0 && aWasTemp && opStart === start) {
    fc.lastOp = { result: dst, home: bHome, start, end: fc.asm.offset, op, type, src: reg(type, dst) };
  }
  fc.push(inReg(type, dst));
}

/** The register of a local whose value is in it, or -1. */
function registerLocal(fc: FunctionCompiler, v: Value): number {
  if (v.loc !== Loc.Local) return -1;
  const h = fc.localHome[v.n]!;
  return h >= 0 && fc.regValid[v.n] ? h : -1;
}

function multiply(fc: FunctionCompiler, type: number, a: Value, b: Value): void {
  if (a.loc === Loc.Const || (a.loc !== Loc.Reg && b.loc === Loc.Reg)) [a, b] = [b, a];
  if (b.loc === Loc.Const && fitsImm32(b.imm, type === I64)) {
    const src = fc.operand(a, false) as Gpr | Mem;
    const dst = a.loc === Loc.Reg ? a.n : fc.alloc();
    fc.asm.imul(reg(type, dst), src, Number(BigInt.asIntN(32, b.imm)));
    return fc.push(inReg(type, dst));
  }
  twoAddress(fc, type, a, b, true, false, 'imul');
}

function shift(fc: FunctionCompiler, type: number, op: 'shl' | 'shr_s' | 'shr_u' | 'rotl' | 'rotr', a: Value, b: Value): void {
  const asm = fc.asm;
  const x86 = ({ shl: 'shl', shr_s: 'sar', shr_u: 'shr', rotl: 'rol', rotr: 'ror' } as const)[op];
  if (b.loc === Loc.Const) {
    const count = Number(b.imm & BigInt(bitsOf(type) - 1));
    const dst = fc.toReg(a);
    if (count !== 0) asm[x86](reg(type, dst), count);
    return fc.push(inReg(type, dst));
  }
  // A variable count must be in cl.
  if (a.loc === Loc.Reg && a.n === R.rcx) {
    const r = fc.alloc(bit(R.rcx));
    asm.mov(GPR64[r]!, GPR64[R.rcx]!);
    fc.release(R.rcx);
    a = inReg(a.type, r);
  }
  if (!(b.loc === Loc.Reg && b.n === R.rcx)) {
    fc.take(R.rcx);
    fc.loadInto(R.rcx, b);
  }
  const dst = fc.toReg(a, bit(R.rcx));
  asm[x86](reg(type, dst), GPR8[R.rcx]!);
  fc.release(R.rcx);
  fc.push(inReg(type, dst));
}

/** div and rem: the dividend in rax, rdx its high half, the divisor anywhere but those two. */
function divide(fc: FunctionCompiler, type: number, op: BinOp, a: Value, b: Value): void {
  const asm = fc.asm;
  const signed = op === 'div_s' || op === 'rem_s';
  const rem = op === 'rem_s' || op === 'rem_u';
  const wide = type === I64;
  const bc = b.loc === Loc.Const ? wrap(type, b.imm) : undefined;
  if (bc === 0n) {
    // Always traps; the result is never used.
    asm.jmp(fc.trap(TrapCode.integerDivideByZero));
    return fc.push(constant(type, 0n));
  }
  // Unsigned division by a power of two: a shift or a mask.
  if (bc !== undefined && !signed) {
    const u = unsigned(type, bc);
    if ((u & (u - 1n)) === 0n) {
      const dst = fc.toReg(a);
      const k = u.toString(2).length - 1;
      if (rem) {
        if (fitsImm32(u - 1n, wide) && BigInt.asIntN(32, u - 1n) >= 0n) asm.and(reg(type, dst), Number(u - 1n));
        else {
          asm.mov(GPR64[SCRATCH]!, u - 1n);
          asm.and(reg(type, dst), reg(type, SCRATCH));
        }
      } else if (k > 0) asm.shr(reg(type, dst), k);
      return fc.push(inReg(type, dst));
    }
  }
  // Free rax and rdx; the operands may be in them already.
  const avoid = bit(R.rax) | bit(R.rdx);
  const moveOut = (v: Value): Value => {
    if (v.loc === Loc.Reg && (avoid & bit(v.n))) {
      const r = fc.alloc(avoid);
      asm.mov(GPR64[r]!, GPR64[v.n]!);
      fc.release(v.n);
      return inReg(v.type, r);
    }
    return v;
  };
  const aIsRax = a.loc === Loc.Reg && a.n === R.rax;
  b = moveOut(b);
  if (!aIsRax) a = moveOut(a);
  if (!aIsRax) fc.take(R.rax);
  fc.take(R.rdx);
  let divisor: Gpr | Mem;
  if (b.loc === Loc.Const) divisor = reg(type, fc.toReg(b, avoid));
  else {
    const o = fc.operand(b, false);
    divisor = typeof o === 'number' ? reg(type, fc.toReg(b, avoid)) : o;
    if (!operandIsMem(divisor) && (avoid & bit(divisor.num))) divisor = reg(type, fc.toReg(b, avoid));
  }
  if (!aIsRax) fc.loadInto(R.rax, a);
  const rax = reg(type, R.rax), rdx = reg(type, R.rdx);
  if (bc === undefined) {
    if (operandIsMem(divisor)) asm.cmp(divisor, 0);
    else asm.test(divisor, divisor);
    asm.jcc('e', fc.trap(TrapCode.integerDivideByZero));
  }
  const done = asm.newLabel();
  if (signed && (bc === undefined || bc === -1n)) {
    // INT_MIN / -1 overflows (div) or is 0 (rem); idiv would fault on both.
    const normal = asm.newLabel();
    if (bc === undefined) {
      asm.cmp(divisor, -1);
      asm.jcc('ne', normal);
    }
    if (rem) {
      asm.xor(GPR32[R.rdx]!, GPR32[R.rdx]!);
      asm.jmp(done);
    } else {
      asm.cmp(rax, 1); // a - 1 overflows only for INT_MIN
      asm.jcc('o', fc.trap(TrapCode.integerOverflow));
    }
    asm.bind(normal);
  }
  if (signed) {
    if (wide) asm.cqo();
    else asm.cdq();
    asm.idiv(divisor);
  } else {
    asm.xor(GPR32[R.rdx]!, GPR32[R.rdx]!);
    asm.div(divisor);
  }
  asm.bind(done);
  void rdx;
  const result = rem ? R.rdx : R.rax;
  fc.release(rem ? R.rax : R.rdx);
  fc.push(inReg(type, result));
}

function fold(type: number, op: BinOp, a: bigint, b: bigint): bigint | undefined {
  const bits = BigInt(bitsOf(type));
  const sa = wrap(type, a), sb = wrap(type, b), ua = unsigned(type, a), ub = unsigned(type, b);
  const k = ub & (bits - 1n);
  switch (op) {
    case 'add': return sa + sb;
    case 'sub': return sa - sb;
    case 'mul': return sa * sb;
    case 'and': return sa & sb;
    case 'or': return sa | sb;
    case 'xor': return sa ^ sb;
    case 'shl': return ua << k;
    case 'shr_u': return ua >> k;
    case 'shr_s': return sa >> k;
    case 'rotl': return (ua << k) | (ua >> ((bits - k) % bits));
    case 'rotr': return (ua >> k) | (ua << ((bits - k) % bits));
    case 'div_u': return ub === 0n ? undefined : ua / ub;
    case 'rem_u': return ub === 0n ? undefined : ua % ub;
    case 'div_s': {
      if (sb === 0n) return undefined;
      const q = sa / sb; // BigInt division truncates toward zero, as wasm does
      return wrap(type, q) !== q ? undefined : q;
    }
    case 'rem_s': return sb === 0n ? undefined : sa % sb;
  }
}
// #endregion binary

export { dword, qword, emitMove, SCRATCH2 };
