// Atomic memory accesses (threads). x86-64 is nearly sequentially consistent already (TSO):
// every load is an acquire and every store a release, and only a store followed by a load of
// another location may be reordered. So an atomic load is a plain `mov`, and an atomic store
// is an `xchg` with memory (locked without a prefix), which also orders it before later loads:
// sequential consistency for every access that follows these rules. The read-modify-writes are
// one locked instruction where x86 has one (`lock xadd` returns the old value; sub adds the
// negation; xchg), and for and/or/xor, which have no locked form that returns the old value,
// a `lock cmpxchg` loop. The narrow forms zero-extend what they return.
//
// Every access is bounds-checked as a plain one is (effectiveAddress), then traps unless its
// address is a multiple of its size ("unaligned atomic"): the memory's base is page-aligned,
// so the wasm address's low bits are the machine address's.
//
// memory.atomic.wait and notify on a shared memory call the runtime (it blocks the thread with
// Atomics.wait on the memory's SharedArrayBuffer); on an unshared one no thread can wait, so
// notify wakes no one (0) and wait traps ("expected shared memory"), after the same checks.

import { AtomicBuiltin, Reg, TrapCode } from '../../abi/index.ts';
import { regBit } from '../../abi/registers.ts';
import type { FuncType } from '../../binary/types.ts';
import { operatorInfo } from '../../binary/operators.ts';
import { GPR16, GPR32, GPR64, GPR8, type Gpr, type Mem, mem, type MemSize } from '../../x64/index.ts';
import { callAtomicBuiltin } from '../calls.ts';
import { type FunctionCompiler, GPR, I32, I64 } from '../functionCompiler.ts';
import { emitMove, REG } from '../parallelMove.ts';
import { SCRATCH } from '../registerAllocator.ts';
import { constant, constant64, inReg, Loc, type Value } from '../valueStack.ts';
import { effectiveAddress } from './memory.ts';
import { insertValues } from './table.ts';
import { boundOf } from './valueBounds.ts';

// #region atomic-table
const enum Kind { load, store, rmw, cmpxchg, notify, wait }
/** The read-modify-writes, by their name in the operator table; and/or/xor are the ALU group's /4 /1 /6. */
const RMW_OPS = ['add', 'sub', 'and', 'or', 'xor', 'xchg'] as const;
const ALU_DIGIT: Record<string, number> = { and: 4, or: 1, xor: 6 };

interface AtomicAccess {
  readonly kind: Kind;
  /** For a read-modify-write: which (RMW_OPS). */
  readonly op: string;
  readonly size: 1 | 2 | 4 | 8;
  /** The value type loaded, stored or returned by the read-modify-write (I32 or I64). */
  readonly type: number;
}

/** Each 0xfe sub-opcode's access, read off the operator table's names and immediates. */
const ACCESSES: readonly (AtomicAccess | undefined)[] = Array.from({ length: 0x4f }, (_, sub) => {
  const info = operatorInfo((0xfe << 12) | sub);
  if (!info || info.family !== 'atomic') return undefined;
  const size = Number(info.immediate.slice('memarg:'.length)) as 1 | 2 | 4 | 8;
  const name = info.name;
  const type = name.startsWith('i64.') ? I64 : I32;
  const op = RMW_OPS.find((o) => name.endsWith(`.${o}`) || name.endsWith(`.${o}_u`)) ?? '';
  const kind = name.includes('.notify') ? Kind.notify
    : name.includes('.wait') ? Kind.wait
    : name.includes('cmpxchg') ? Kind.cmpxchg
    : name.includes('.rmw') ? Kind.rmw
    : name.includes('.store') ? Kind.store
    : Kind.load;
  return { kind, op, size, type };
});
// #endregion atomic-table

export function atomic(fc: FunctionCompiler, opcode: number, offset: number, memory = 0): void {
  const access = ACCESSES[opcode & 0xfff];
  if (!access) throw new Error(`codegen: ${opcode.toString(16)} is not an atomic access`);
  switch (access.kind) {
    case Kind.load: return atomicLoad(fc, access, offset, memory);
    case Kind.store: return atomicStore(fc, access, offset, memory);
    case Kind.rmw:
      if (access.op in ALU_DIGIT) return rmwLoop(fc, access, offset, memory);
      return rmwLocked(fc, access, offset, memory);
    case Kind.cmpxchg: return cmpxchg(fc, access, offset, memory);
    default: return waitOrNotify(fc, access, offset, memory);
  }
}

/** atomic.fence: mfence orders every earlier store before every later load (all that TSO leaves out). */
export function atomicFence(fc: FunctionCompiler): void {
  fc.asm.mfence();
}

// #region atomic-address
/**
 * The memory operand of an atomic access of `size` bytes at the popped address `a` plus the memarg
 * offset: bounds-checked (effectiveAddress), then trapping unless the address is a multiple of
 * `size`. A constant address is checked here and now.
 */
function atomicAddress(fc: FunctionCompiler, a: Value, offset: number, size: 1 | 2 | 4 | 8, memory: number): Mem {
  const { base, index, disp } = effectiveAddress(fc, a, boundOf(fc, a, fc.stack.height), offset, size, memory);
  const asm = fc.asm;
  if (size > 1) {
    if (index < 0) {
      if (disp % size !== 0) fc.trapNow(TrapCode.unalignedAtomic);
    } else {
      let low = index;
      if (disp % size !== 0) {
        // The displacement's low bits count too: test the sum.
        asm.lea(GPR32[SCRATCH]!, mem(GPR64[index]!, disp));
        low = SCRATCH;
      }
      asm.test(GPR32[low]!, size - 1);
      fc.trapIf('ne', TrapCode.unalignedAtomic);
    }
  }
  return mem(GPR64[base]!, disp, index >= 0 ? GPR64[index]! : null, 1, (size * 8) as MemSize);
}
// #endregion atomic-address

const GPR_OF_SIZE: Readonly<Record<number, readonly Gpr[]>> = { 1: GPR8, 2: GPR16, 4: GPR32, 8: GPR64 };

/** A register holding v that this operator may overwrite: not a local's home, not in `avoid`. */
function ownRegister(fc: FunctionCompiler, v: Value, avoid = 0): number {
  if (v.loc === Loc.Reg && !fc.regs.isHome(v.n) && !(avoid & regBit(v.n))) return v.n;
  const r = fc.regs.alloc(GPR, avoid);
  fc.loadInto(r, v);
  return r;
}

/** v, moved out of rax if it is there (cmpxchg's accumulator). */
function outOfRax(fc: FunctionCompiler, v: Value): Value {
  if (v.loc !== Loc.Reg || v.n !== Reg.rax) return v;
  const r = fc.regs.alloc(GPR, regBit(Reg.rax));
  emitMove(fc.asm, REG[r]!, REG[Reg.rax]!);
  fc.regs.release(Reg.rax);
  return inReg(v.type, r);
}

/**
 * Push register r as the access's result, zero-extended from `size` bytes. `stale`: bits of r
 * above `size` bytes may be left from before (a narrow xadd's or cmpxchg's; a successful 32-bit
 * cmpxchg does not write eax at all). An i32 result is marked zero-extended only when it is.
 */
function pushZeroExtended(fc: FunctionCompiler, r: number, access: AtomicAccess, stale: boolean): void {
  const asm = fc.asm;
  if (stale && access.size < 4) asm.movzx(GPR32[r]!, GPR_OF_SIZE[access.size]![r]!);
  else if (stale && access.size === 4 && access.type === I64) asm.movRegisters(r, r, false);
  if (access.type === I32 && !(stale && access.size === 4)) fc.markZeroExtended(r);
  fc.push(inReg(access.type, r));
}

// #region atomic-load-store
/** A load is a plain mov (movzx for the narrow ones): x86 loads are acquires. */
function atomicLoad(fc: FunctionCompiler, access: AtomicAccess, offset: number, memory: number): void {
  fc.protectFlags(1);
  const a = fc.pop();
  const m = atomicAddress(fc, a, offset, access.size, memory);
  const index = m.index?.num ?? -1;
  const dst = index >= 0 && !fc.regs.isHome(index) ? index : fc.regs.alloc(GPR);
  fc.asm.loadIndexed(dst, access.size, false, false, m.base!.num, index, m.disp);
  pushZeroExtended(fc, dst, access, false);
}

/** A store is an xchg with memory: locked, so no later load moves before it. */
function atomicStore(fc: FunctionCompiler, access: AtomicAccess, offset: number, memory: number): void {
  fc.protectFlags(2);
  const v = fc.pop();
  const a = fc.pop();
  const r = ownRegister(fc, v);
  const m = atomicAddress(fc, a, offset, access.size, memory);
  fc.asm.xchg(m, GPR_OF_SIZE[access.size]![r]!);
}
// #endregion atomic-load-store

// #region atomic-rmw
/** add, sub and xchg: one locked instruction that leaves the old value in the register. */
function rmwLocked(fc: FunctionCompiler, access: AtomicAccess, offset: number, memory: number): void {
  fc.protectFlags(2);
  const v = fc.pop();
  const a = fc.pop();
  const r = ownRegister(fc, v);
  const asm = fc.asm;
  if (access.op === 'sub') asm.neg((access.size === 8 ? GPR64 : GPR32)[r]!); // x - v = x + (-v), in any width
  const m = atomicAddress(fc, a, offset, access.size, memory);
  const reg = GPR_OF_SIZE[access.size]![r]!;
  if (access.op === 'xchg') asm.xchg(m, reg);
  else asm.lockXadd(m, reg);
  pushZeroExtended(fc, r, access, true);
}

/**
 * and, or, xor: no locked instruction returns the old value, so a loop: load the old value into
 * rax, compute the new one beside it, and `lock cmpxchg` it in if memory still holds the old one
 * (else cmpxchg loads what memory holds into rax, and round again).
 */
function rmwLoop(fc: FunctionCompiler, access: AtomicAccess, offset: number, memory: number): void {
  fc.protectFlags(2);
  const v = outOfRax(fc, fc.pop());
  const a = outOfRax(fc, fc.pop());
  fc.take(Reg.rax);
  const t = fc.regs.alloc(GPR, regBit(Reg.rax));
  const source = fc.operand(v, true);
  const m = atomicAddress(fc, a, offset, access.size, memory);
  const asm = fc.asm;
  const wide = access.type === I64;
  asm.loadIndexed(Reg.rax, access.size, false, false, m.base!.num, m.index?.num ?? -1, m.disp);
  const retry = asm.newLabel();
  asm.bind(retry);
  asm.movRegisters(t, Reg.rax, wide);
  asm.alu(ALU_DIGIT[access.op]!, (wide ? GPR64 : GPR32)[t]!, source);
  asm.lockCmpxchg(m, GPR_OF_SIZE[access.size]![t]!);
  asm.jcc('ne', retry);
  fc.regs.release(t);
  // rax was loaded zero-extended, and a failed cmpxchg writes only its low `size` bytes.
  pushZeroExtended(fc, Reg.rax, access, false);
}

/** cmpxchg: the expected value in rax; rax ends with what memory held. */
function cmpxchg(fc: FunctionCompiler, access: AtomicAccess, offset: number, memory: number): void {
  fc.protectFlags(3);
  const replacement = outOfRax(fc, fc.pop());
  let expected = fc.pop();
  const a = outOfRax(fc, fc.pop());
  const inRax = expected.loc === Loc.Reg && expected.n === Reg.rax;
  if (!inRax) {
    expected = outOfRax(fc, expected);
    fc.take(Reg.rax);
  }
  const r = fc.readReg(replacement);
  const m = atomicAddress(fc, a, offset, access.size, memory);
  if (!inRax) fc.loadInto(Reg.rax, expected);
  fc.asm.lockCmpxchg(m, GPR_OF_SIZE[access.size]![r]!);
  // A narrow compare looks at al/ax/eax only: on success the rest of rax is the expected value's.
  pushZeroExtended(fc, Reg.rax, access, true);
}
// #endregion atomic-rmw

// #region wait-notify
const NOTIFY: FuncType = { params: [I32, I64, I32, I32], results: [I32] };
const NOTIFY64: FuncType = { params: [I32, I64, I64, I32], results: [I32] };

/** memory.atomic.notify (address, count) and wait32/64 (address, expected, timeout). */
function waitOrNotify(fc: FunctionCompiler, access: AtomicAccess, offset: number, memory: number): void {
  const notify = access.kind === Kind.notify;
  const operands = notify ? 2 : 3;
  const { shared, address64 } = fc.env.module.memories[memory]!;
  if (!shared) {
    fc.protectFlags(operands);
    for (let k = 1; k < operands; k++) fc.pop();
    atomicAddress(fc, fc.pop(), offset, access.size, memory);
    if (!notify) fc.trapNow(TrapCode.expectedSharedMemory);
    return fc.push(constant(I32, 0));
  }
  // The runtime checks the access and blocks or wakes: it is given the memory and the offset first.
  // (An offset rounded up to 2^64 as a double is out of any memory's bounds as 2^64 - 1 is.)
  const [lo, hi] = offset >= 2 ** 64 ? [-1, -1] : [offset % 2 ** 32 | 0, Math.floor(offset / 2 ** 32) | 0];
  insertValues(fc, operands, [constant(I32, memory), constant64(I64, lo, hi)]);
  const address = address64 ? I64 : I32;
  const type: FuncType = notify
    ? (address64 ? NOTIFY64 : NOTIFY)
    : { params: [I32, I64, address, access.type, I64], results: [I32] };
  const builtin = notify ? AtomicBuiltin.notify : access.size === 4 ? AtomicBuiltin.wait32 : AtomicBuiltin.wait64;
  callAtomicBuiltin(fc, builtin, type, TrapCode.outOfBoundsMemoryAccess);
}
// #endregion wait-notify
