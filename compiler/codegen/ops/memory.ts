// Linear memory: loads and stores of every width, memory.size and memory.grow, and the bulk
// operators (through runtime builtins, which trap by the spec's rules). r14 holds memory 0's
// base for the whole run (the memory never moves), so an access is one instruction on
// `[r14 + zx(address) + offset]` after its bounds check (ops/boundsChecks.ts), and often
// without one. A memory64 memory's addresses are i64, checked in all 64 bits (effectiveAddress64).
// Other memories (multi-memory) have their base and size in the VMContext: an access loads the
// base (withMemoryBase) and checks against the size, unless that memory's own facts prove it.

import { Builtin, MemoryBuiltin, SHARED_MEMORY_AREA, TrapCode, VMCTX } from '../../abi/index.ts';
import type { FuncType } from '../../binary/types.ts';
import { GPR64, qword } from '../../x64/index.ts';
import { callBuiltin, callMemoryBuiltin } from '../calls.ts';
import { F32, F64, type FunctionCompiler, GPR, I32, I64, XMM_CLASS } from '../functionCompiler.ts';
import { imm64 } from '../parallelMove.ts';
import { SCRATCH } from '../registerAllocator.ts';
import { constant, inReg, Loc, NO_BOUND, type Value } from '../valueStack.ts';
import {
  type AddressFacts, boundsFacts, checkConstantAt, checkIndex, checkIndex64, checkOtherMemory, MAX_DISP, MEMORY_BASE, VMCTX_GPR,
} from './boundsChecks.ts';
import { boundOf } from './valueBounds.ts';
import { insertConstants } from './table.ts';

// #region access-table
/** What each load and store opcode moves: value type, bytes, and for narrow loads sign extension. */
interface Access {
  readonly type: number;
  readonly size: 1 | 2 | 4 | 8;
  readonly signed: boolean;
}
const A = (type: number, size: 1 | 2 | 4 | 8, signed = false): Access => ({ type, size, signed });
/** Loads 0x28-0x35 and stores 0x36-0x3e, indexed by opcode - 0x28. */
const ACCESSES: readonly Access[] = [
  A(I32, 4), A(I64, 8), A(F32, 4), A(F64, 8), // i32/i64/f32/f64.load
  A(I32, 1, true), A(I32, 1), A(I32, 2, true), A(I32, 2), // i32.load8_s/u, load16_s/u
  A(I64, 1, true), A(I64, 1), A(I64, 2, true), A(I64, 2), A(I64, 4, true), A(I64, 4), // i64.load8..32_s/u
  A(I32, 4), A(I64, 8), A(F32, 4), A(F64, 8), // i32/i64/f32/f64.store
  A(I32, 1), A(I32, 2), A(I64, 1), A(I64, 2), A(I64, 4), // i32.store8/16, i64.store8/16/32
];
// #endregion access-table

function accessOf(opcode: number): Access {
  const a = ACCESSES[opcode - 0x28];
  if (!a) throw new Error(`codegen: ${opcode} is not a load or store`);
  return a;
}

// #region effective-address
/** Where an access goes: `[base + index + disp]`, base r14 for memory 0, index -1 for none. */
export interface Address {
  base: number;
  index: number;
  disp: number;
}

/**
 * The memory operand for an access of `size` bytes to memory `memory` at the popped address `a`
 * (i32, or i64 for a memory64 memory) plus the memarg offset, bounds-checked unless that
 * memory's facts prove it in bounds (`bound`: a is at most that, unsigned; see valueBounds.ts).
 * `index` is the register holding the address (zero-extended for i32; held by this operator,
 * a load may reuse it), or -1.
 */
export function effectiveAddress(fc: FunctionCompiler, a: Value, bound: number, offset: number, size: number, memory = 0): Address {
  const address64 = memory === 0 ? fc.memory64 : is64(fc, memory);
  const facts = boundsFacts(fc).memory(memory);
  let result: Address;
  if (a.loc === Loc.Const) {
    // An i32 address plus its offset is below 2^33; an i64 one's may round (past 2^53 nothing is in bounds).
    const ea = (address64 ? (a.hi >>> 0) * 0x100000000 : 0) + (a.imm >>> 0) + offset;
    if (ea + size >= EXACT_LIMIT) return trappingAddress(fc);
    result = constantAddress(fc, memory, facts, ea, size);
  } else if (address64) {
    if (offset + size >= EXACT_LIMIT) return trappingAddress(fc);
    result = effectiveAddress64(fc, memory, facts, a, offset, size);
  } else result = effectiveAddress32(fc, memory, facts, a, bound, offset, size);
  return memory === 0 ? result : withMemoryBase(fc, memory, result);
}

/** effectiveAddress of a non-constant i32 address. */
function effectiveAddress32(fc: FunctionCompiler, memory: number, facts: AddressFacts, a: Value, bound: number, offset: number, size: number): Address {
  // An address whose range fact puts the access's end within the memory known so far.
  if (bound !== NO_BOUND && bound + offset + size <= facts.constEnd) {
    fc.env.boundsChecks.removed++;
    // local + c (c >= 0) did not wrap (its bound is below 2^32): c joins the displacement.
    if (a.loc === Loc.LocalPlus) return withDisp(fc, zeroExtendedLocal(fc, a), a.imm + offset);
    // x + c just added into a register (a table's base added to a masked index): the add is
    // undone and c joins the displacement. x <= bound - c, so x + c did not wrap either.
    const c = a.loc === Loc.Reg ? fc.undoAddImmediate(a.n) : -1;
    if (c >= 0) return withDisp(fc, a.n, c + offset);
    return withDisp(fc, addressRegister(fc, a), offset);
  }
  const local = a.loc === Loc.Local || a.loc === Loc.LocalPlus ? a.n : -1;
  const c = a.loc === Loc.LocalPlus ? a.imm : 0;
  // Checked before through the same local (plus b <= c), ending no further: the base W =
  // (local + b) mod 2^32 has W + (c - b) + offset + size <= memory size <= 2^32, so the
  // address is W + (c - b) without wrapping, and c - b joins the displacement.
  const b = local >= 0 ? facts.knownBase(local, c, offset + size) : NaN;
  if (b === b) {
    fc.env.boundsChecks.removed++;
    let base: number;
    if (b === 0) base = zeroExtendedLocal(fc, a);
    else {
      base = fc.regs.alloc(GPR);
      fc.loadInto(base, { loc: Loc.LocalPlus, type: a.type, n: a.n, imm: b, hi: b >> 31 });
    }
    return withDisp(fc, base, c - b + offset);
  }
  const r = addressRegister(fc, a);
  const end = offset + size;
  if (memory === 0) checkIndex(fc, r, end);
  else checkOtherMemory(fc, memory, r, end, false);
  if (local >= 0) facts.learnLocal(local, c, end);
  else facts.learn(end);
  return withDisp(fc, r, offset);
}

/**
 * effectiveAddress of a non-constant i64 address (memory64): no zero extension, and the checks
 * take all 64 bits and the carry. The local facts hold as for i32 addresses, wrapping at 2^64: a
 * local plus a constant (an int32, see integer.ts) checked at base b = (local + b) mod 2^64 has
 * b + end <= memory size, so local + c with 0 <= c - b ending no further is that base + (c - b).
 */
function effectiveAddress64(fc: FunctionCompiler, memory: number, facts: AddressFacts, a: Value, offset: number, size: number): Address {
  const end = offset + size;
  const local = a.loc === Loc.Local || a.loc === Loc.LocalPlus ? a.n : -1;
  const c = a.loc === Loc.LocalPlus ? a.imm : 0;
  const b = local >= 0 ? facts.knownBase(local, c, end) : NaN;
  if (b === b) {
    fc.env.boundsChecks.removed++;
    let base: number;
    if (b === 0) base = fc.readReg({ loc: Loc.Local, type: I64, n: a.n, imm: 0, hi: 0 });
    else {
      base = fc.regs.alloc(GPR);
      fc.loadInto(base, { loc: Loc.LocalPlus, type: I64, n: a.n, imm: b, hi: b >> 31 });
    }
    return withDisp(fc, base, c - b + offset);
  }
  const r = fc.readReg(a);
  if (memory === 0) checkIndex64(fc, r, end);
  else checkOtherMemory(fc, memory, r, end, true);
  if (local >= 0) facts.learnLocal(local, c, end);
  else facts.learn(end);
  return withDisp(fc, r, offset);
}

/** The access of `size` bytes at the constant address `ea`: checked unless the memory's known size covers it. */
function constantAddress(fc: FunctionCompiler, memory: number, facts: AddressFacts, ea: number, size: number): Address {
  const end = ea + size;
  if (end <= facts.constEnd) fc.env.boundsChecks.removed++;
  else {
    checkConstantAt(fc, memory, end);
    facts.learn(end);
  }
  if (ea <= MAX_DISP) return addressAt(-1, ea);
  const r = fc.regs.alloc(GPR);
  fc.asm.mov(GPR64[r]!, imm64(ea, Math.floor(ea / 0x100000000)));
  return addressAt(r, 0);
}

/** Addresses at or above this (2^53) are not exact as doubles; no memory reaches them. */
const EXACT_LIMIT = 2 ** 53;

/** An access no address puts in bounds: it traps, and the access that follows is dead code. */
function trappingAddress(fc: FunctionCompiler): Address {
  fc.trapNow(TrapCode.outOfBoundsMemoryAccess);
  return addressAt(-1, 0);
}

// #region other-memories
/**
 * A memory other than 0 (multi-memory): its base is loaded from the VMContext into a register.
 * Its accesses are checked (against the size beside the base) or proven like memory 0's, with
 * facts of its own (boundsFacts(fc).memory(m)).
 */
function withMemoryBase(fc: FunctionCompiler, m: number, result: Address): Address {
  // The base last: the address may have taken a register, and this one must differ from the index.
  const base = fc.regs.alloc(GPR);
  fc.asm.mov(GPR64[base]!, qword(VMCTX_GPR, fc.env.vmctx.memoryBase(m)));
  return otherAddressAt(base, result);
}
// #endregion other-memories

/**
 * A register holding the i32 address `a`, zero-extended to 64 bits (32-bit instructions clear
 * the upper half; the upper half of an i32 register may hold anything, e.g. after
 * i32.wrap_i64). A local plus a constant is added in 32 bits here: it may wrap, and the wrapped
 * value is the address.
 */
function addressRegister(fc: FunctionCompiler, a: Value): number {
  if (a.loc === Loc.Reg) {
    if (!fc.justZeroExtended(a.n)) fc.asm.movRegisters(a.n, a.n, false);
    return a.n;
  }
  if (a.loc === Loc.Local) return zeroExtendedLocal(fc, a);
  // A local plus a constant (`lea r32, [home + c]`, or the slot loaded first), or a spilled value.
  const r = fc.regs.alloc(GPR);
  fc.loadInto(r, a);
  return r;
}

/**
 * A register holding zx(local a.n). An i32 local in its home register is zero-extended in place
 * (`mov ebx, ebx` leaves its i32 value as it was) once per write, so the accesses through it
 * that follow use the home register as they find it. Its save slot is marked stale: a save
 * before the next call stores the cleared upper half too, so a reload keeps it.
 */
function zeroExtendedLocal(fc: FunctionCompiler, a: Value): number {
  const i = a.n;
  const h = fc.locals.liveRegister(i);
  if (h >= 0 && fc.locals.types[i] === I32) {
    const facts = boundsFacts(fc);
    if (!facts.zeroExtended(i)) {
      fc.asm.movRegisters(h, h, false);
      fc.locals.slotValid[i] = 0;
      facts.markZeroExtended(i);
    }
    return h;
  }
  // A local in the frame (or an i64 local read as i32 after i32.wrap_i64): a 32-bit copy.
  const r = fc.regs.alloc(GPR);
  if (h >= 0) fc.asm.movRegisters(r, h, false);
  else if (fc.localInSlot(i)) fc.asm.movLoad(r, fc.frame.localAddr(i), false);
  else fc.asm.movImmediate32(r, 0); // not written yet
  return r;
}

/**
 * The answer of effectiveAddress: one object, rewritten by each call (the access reads it at once).
 * Its base is always memory 0's: addressAt, inlined into every access, need not write it.
 */
const address: Address = { base: MEMORY_BASE, index: -1, disp: 0 };
function addressAt(index: number, disp: number): Address {
  address.index = index;
  address.disp = disp;
  return address;
}
/** The answer for another memory (withMemoryBase): a second object, so that `address` keeps memory 0's base. */
const otherAddress: Address = { base: MEMORY_BASE, index: -1, disp: 0 };
function otherAddressAt(base: number, at: Address): Address {
  otherAddress.base = base;
  otherAddress.index = at.index;
  otherAddress.disp = at.disp;
  return otherAddress;
}

/** A displacement beyond an addressing mode's reach is added to the 64-bit address instead. */
function withDisp(fc: FunctionCompiler, r: number, disp: number): Address {
  if (disp <= MAX_DISP) return addressAt(r, disp);
  // A local's home register is not ours to change: the sum goes to a register of our own.
  const t = fc.regs.isHome(r) ? fc.regs.alloc(GPR) : r;
  fc.asm.mov(GPR64[SCRATCH]!, imm64(disp, Math.floor(disp / 0x100000000)));
  if (t !== r) fc.asm.mov(GPR64[t]!, GPR64[r]!);
  fc.asm.add(GPR64[t]!, GPR64[SCRATCH]!);
  return addressAt(t, 0);
}

// #endregion effective-address

// #region load-store
export function load(fc: FunctionCompiler, opcode: number, offset: number, memory = 0): void {
  const { type, size, signed } = accessOf(opcode);
  fc.protectFlags(1);
  const a = fc.pop();
  const { base, index, disp } = effectiveAddress(fc, a, boundOf(fc, a, fc.stack.height), offset, size, memory);
  const asm = fc.asm;
  if (type === F32 || type === F64) {
    const x = fc.regs.alloc(XMM_CLASS);
    asm.loadFloatIndexed(x & 15, size as 4 | 8, base, index, disp);
    return fc.push(inReg(type, x));
  }
  const dst = index >= 0 && !fc.regs.isHome(index) ? index : fc.regs.alloc(GPR);
  // Only a signed i64 load extends into 64 bits: every other load writes a 32-bit register (a
  // mov of 4 bytes, or movzx/movsx of 1 or 2), which clears the upper half, i64.load32_u's too.
  asm.loadIndexed(dst, size, signed, type === I64 && signed, base, index, disp);
  if (type === I32) fc.markZeroExtended(dst); // every i32 load writes a 32-bit register
  fc.push(inReg(type, dst));
  if (type === I32 && !signed && size < 4) fc.stack.setTopBound(size === 1 ? 0xff : 0xffff);
}

export function store(fc: FunctionCompiler, opcode: number, offset: number, memory = 0): void {
  const { type, size } = accessOf(opcode);
  fc.protectFlags(2);
  const v = fc.pop();
  const a = fc.pop();
  const { base, index, disp } = effectiveAddress(fc, a, boundOf(fc, a, fc.stack.height), offset, size, memory);
  const asm = fc.asm;
  if (v.loc === Loc.Const) {
    // Integer and float constants alike are stored as their bits.
    if (size < 8 || v.hi === v.imm >> 31) asm.storeImmediateIndexed(narrow(v.imm, size), size, base, index, disp);
    else {
      asm.mov(GPR64[SCRATCH]!, imm64(v.imm, v.hi));
      asm.storeIndexed(SCRATCH, 8, base, index, disp);
    }
    return;
  }
  const r = fc.readReg(v);
  if (type === F32 || type === F64) asm.storeFloatIndexed(r & 15, size as 4 | 8, base, index, disp);
  else asm.storeIndexed(r, size, base, index, disp);
}
// #endregion load-store

/** The low `size` bytes of a constant, as a signed immediate of that width. */
function narrow(x: number, size: number): number {
  if (size === 1) return (x << 24) >> 24;
  if (size === 2) return (x << 16) >> 16;
  return x | 0;
}

// #region memory-size-grow
const GROW: FuncType = { params: [I32], results: [I32] };
const FILL_OR_COPY: FuncType = { params: [I32, I32, I32], results: [] };
const INIT: FuncType = { params: [I32, I32, I32, I32], results: [] };
// memory64: the same builtins, given 64-bit addresses and sizes (their stubs pass every integer
// as a 64-bit slot; the runtime reads them by the memory's address type).
const GROW64: FuncType = { params: [I64], results: [I64] };
const FILL64: FuncType = { params: [I64, I32, I64], results: [] };
const COPY64: FuncType = { params: [I64, I64, I64], results: [] };
const INIT64: FuncType = { params: [I32, I64, I32, I32], results: [] };
// Memories other than 0 (compiler/abi: MemoryBuiltin): the memory indices first.
const GROW_AT: FuncType = { params: [I32, I32], results: [I32] };
const GROW_AT64: FuncType = { params: [I32, I64], results: [I64] };
const FILL_AT: FuncType = { params: [I32, I32, I32, I32], results: [] };
const FILL_AT64: FuncType = { params: [I32, I64, I32, I64], results: [] };
const INIT_AT: FuncType = { params: [I32, I32, I32, I32, I32], results: [] };
const INIT_AT64: FuncType = { params: [I32, I32, I64, I32, I32], results: [] };
/** memory.copy's: each memory's address type, and the narrower of the two for the length (by dst64 * 2 + src64). */
const COPY_AT: readonly FuncType[] = [
  { params: [I32, I32, I32, I32, I32], results: [] },
  { params: [I32, I32, I32, I64, I32], results: [] },
  { params: [I32, I32, I64, I32, I32], results: [] },
  { params: [I32, I32, I64, I64, I64], results: [] },
];

/** Memory m's addresses are i64 (memory64). */
function is64(fc: FunctionCompiler, m: number): boolean {
  return fc.env.module.memories[m]!.address64 === true;
}
const DROP: FuncType = { params: [I32], results: [] };

/**
 * memory.size: the byte size the runtime keeps in the VMContext, in pages (64 KiB, or 1 byte:
 * nothing to shift). A shared memory's is read from its size word, which any thread's grow raises.
 */
export function memorySize(fc: FunctionCompiler, memory = 0): void {
  fc.protectFlags(0);
  const r = fc.regs.alloc(GPR);
  if (fc.env.module.memories[memory]!.shared) {
    const area = fc.env.vmctx.sharedMemoryArea();
    fc.asm.mov(GPR64[r]!, qword(VMCTX_GPR, area + SHARED_MEMORY_AREA.ENTRIES + memory * SHARED_MEMORY_AREA.ENTRY_BYTES + SHARED_MEMORY_AREA.WORD));
    fc.asm.mov(GPR64[r]!, qword(GPR64[r]!, 0));
  } else fc.asm.mov(GPR64[r]!, qword(VMCTX_GPR, fc.env.vmctx.memorySize(memory)));
  const pageSizeLog2 = fc.env.module.memories[memory]!.pageSizeLog2 ?? 16;
  if (pageSizeLog2 !== 0) fc.asm.shr(GPR64[r]!, pageSizeLog2);
  fc.push(inReg(is64(fc, memory) ? I64 : I32, r));
}

/** memory.grow: the runtime commits the pages and updates every instance's MEMORY_SIZE; r14 stays. */
export function memoryGrow(fc: FunctionCompiler, memory = 0): void {
  if (memory === 0) return callBuiltin(fc, Builtin.memoryGrow, fc.memory64 ? GROW64 : GROW);
  insertConstants(fc, 1, [memory]);
  callMemoryBuiltin(fc, MemoryBuiltin.grow, is64(fc, memory) ? GROW_AT64 : GROW_AT);
}
// #endregion memory-size-grow

// #region bulk-memory
/** memory.fill (dst, value, len) and memory.copy (dst, src, len, overlapping like memmove). */
export function memoryFill(fc: FunctionCompiler, memory = 0): void {
  if (memory === 0) return callBuiltin(fc, Builtin.memoryFill, fc.memory64 ? FILL64 : FILL_OR_COPY, TrapCode.outOfBoundsMemoryAccess);
  insertConstants(fc, 3, [memory]);
  callMemoryBuiltin(fc, MemoryBuiltin.fill, is64(fc, memory) ? FILL_AT64 : FILL_AT, TrapCode.outOfBoundsMemoryAccess);
}
export function memoryCopy(fc: FunctionCompiler, dst = 0, src = 0): void {
  if (dst === 0 && src === 0) return callBuiltin(fc, Builtin.memoryCopy, fc.memory64 ? COPY64 : FILL_OR_COPY, TrapCode.outOfBoundsMemoryAccess);
  insertConstants(fc, 3, [dst, src]);
  const type = COPY_AT[(is64(fc, dst) ? 2 : 0) + (is64(fc, src) ? 1 : 0)]!;
  callMemoryBuiltin(fc, MemoryBuiltin.copy, type, TrapCode.outOfBoundsMemoryAccess);
}

/** memory.init: the builtin takes the segment index first, below the three operands. */
export function memoryInit(fc: FunctionCompiler, segment: number, memory = 0): void {
  if (memory !== 0) {
    insertConstants(fc, 3, [memory, segment]);
    return callMemoryBuiltin(fc, MemoryBuiltin.init, is64(fc, memory) ? INIT_AT64 : INIT_AT, TrapCode.outOfBoundsMemoryAccess);
  }
  const n = fc.pop();
  const s = fc.pop();
  const d = fc.pop();
  fc.push(constant(I32, segment));
  fc.push(d);
  fc.push(s);
  fc.push(n);
  callBuiltin(fc, Builtin.memoryInit, fc.memory64 ? INIT64 : INIT, TrapCode.outOfBoundsMemoryAccess);
}

export function dataDrop(fc: FunctionCompiler, segment: number): void {
  fc.push(constant(I32, segment));
  callBuiltin(fc, Builtin.dataDrop, DROP);
}
// #endregion bulk-memory
