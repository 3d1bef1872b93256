// Tables, references and call_indirect. A reference is 64 bits in a general-purpose register:
// a funcref is the address of the function's FuncRef record (compiler/abi: FUNCREF), an externref
// a handle the runtime gives out; 0 is null for both. A table's BASE and LENGTH are copied into
// every VMContext that uses it (compiler/abi: TABLE), and rewritten there when it grows, so
// they are loaded again at every access. A table of fixed length (compiler/abi:
// fixedTableLength) never grows: its length is an immediate. get, set, size and call_indirect
// are inline; grow, fill, copy, init and elem.drop call the runtime's builtins.

import {
  Builtin, encodingOf, fixedTableLength, FUNCREF, MEMORY_BASE_REG, Reg, type RegId, SUPERTYPE_TABLE, TABLE, TrapCode, VMCTX, VMCTX_REG,
} from '../../abi/index.ts';
import { type FuncType, type RefType, ValType } from '../../binary/types.ts';
import { storageType } from '../../binary/refTypes.ts';
import { dword, type Gpr, GPR32, GPR64, type Mem, qword } from '../../x64/index.ts';
import { callBuiltin, emitCall, type IndirectCall } from '../calls.ts';
import { fitsImm32, type FunctionCompiler, GPR, I32, operandIsMem } from '../functionCompiler.ts';
import { SCRATCH, SCRATCH2 } from '../registerAllocator.ts';
import { constant, constant64, inFlags, inReg, Loc, type Value } from '../valueStack.ts';
import { CC } from './integer.ts';

const I64 = ValType.i64;
const vmctxReg = GPR64[encodingOf(VMCTX_REG)]!;
const memoryBaseReg = GPR64[encodingOf(MEMORY_BASE_REG)]!;
const scratch = GPR64[SCRATCH]!;

// #region table-element
/**
 * The address of element `index` of table t, after checking it against the table's length
 * (`trap` when out of bounds). `index` is a constant, or a register holding it zero-extended
 * (an i32 register's upper half is not known to be zero: see indexInReg). Uses r11 (the
 * returned operand's base) and, for a huge constant index or a table64's, r10. The table's
 * BASE and LENGTH are in the VMContext (compiler/abi: TABLE); a table whose length is fixed
 * (see fixedLength) is checked against that length as an immediate, or not at all for a
 * constant.
 */
function elementAddress(fc: FunctionCompiler, t: number, index: Value | RegId, trap: TrapCode): Mem {
  const asm = fc.asm;
  const entry = fc.env.vmctx.table(t);
  const length = dword(vmctxReg, entry + TABLE.LENGTH);
  const table64 = isTable64(fc, t);
  const fixed = fixedLength(fc, t);
  if (typeof index !== 'number') {
    // A table64 index of 2^32 or more is past any table's length (a u32).
    if (table64 && index.hi !== 0) {
      fc.trapNow(trap);
      return qword(scratch, 0);
    }
    const c = index.imm >>> 0;
    if (fixed < 0) {
      asm.cmp(length, c | 0);
      fc.trapIf('be', trap); // length <= c, unsigned
    } else if (c >= fixed) fc.trapNow(trap);
    asm.mov(scratch, qword(vmctxReg, entry + TABLE.BASE));
    if (c < 0x10000000) return qword(scratch, c * TABLE.ELEMENT_SIZE);
    asm.mov(GPR32[SCRATCH2]!, c);
    return qword(scratch, 0, GPR64[SCRATCH2]!, TABLE.ELEMENT_SIZE);
  }
  if (fixed >= 0) asm.cmp(table64 ? GPR64[index]! : GPR32[index]!, fixed); // an imm32 below 2^31: unsigned as it is
  else if (table64) {
    // The whole 64-bit index against the zero-extended length.
    asm.mov(GPR32[SCRATCH2]!, length);
    asm.cmp(GPR64[index]!, GPR64[SCRATCH2]!);
  } else asm.cmp(GPR32[index]!, length);
  fc.trapIf('ae', trap);
  asm.mov(scratch, qword(vmctxReg, entry + TABLE.BASE));
  return qword(scratch, 0, GPR64[index]!, TABLE.ELEMENT_SIZE);
}

/** Table t's length if it can never change, else -1 (compiler/abi: fixedTableLength). */
function fixedLength(fc: FunctionCompiler, t: number): number {
  return fixedTableLength(fc.env.module.tables[t]!.limits);
}

/** Table t's indices are i64 (table64). */
function isTable64(fc: FunctionCompiler, t: number): boolean {
  return fc.env.module.tables[t]!.address64 === true;
}

/**
 * An index (not a constant) in a register this operator owns: an i32 zero-extended, a table64's
 * i64 as it is.
 */
function indexInReg(fc: FunctionCompiler, v: Value, table64: boolean): RegId {
  if (table64) {
    if (v.loc === Loc.Reg) return v.n;
    const r = fc.regs.alloc(GPR);
    fc.loadInto(r, v);
    return r;
  }
  if (v.loc === Loc.Reg) {
    fc.asm.mov(GPR32[v.n]!, GPR32[v.n]!);
    return v.n;
  }
  // A 32-bit load or move clears the upper half.
  const r = fc.regs.alloc(GPR);
  fc.asm.mov(GPR32[r]!, fc.operand(v, false) as Gpr | Mem);
  return r;
}

export function tableGet(fc: FunctionCompiler, t: number): void {
  fc.protectFlags(1);
  const index = fc.pop();
  const type = storageType(fc.env.module.tables[t]!.element);
  let dst: RegId;
  let elem: Mem;
  if (index.loc === Loc.Const) {
    dst = fc.regs.alloc(GPR);
    elem = elementAddress(fc, t, index, TrapCode.outOfBoundsTableAccess);
  } else {
    dst = indexInReg(fc, index, isTable64(fc, t));
    elem = elementAddress(fc, t, dst, TrapCode.outOfBoundsTableAccess);
  }
  fc.asm.mov(GPR64[dst]!, elem);
  fc.push(inReg(type, dst));
}

/**
 * table.set stores the raw reference inline. The runtime's builtins that store funcrefs
 * (tableFill, tableGrow) add the calling instance to `table.owners`, the instances whose code
 * the table must keep alive; but instantiation already adds every instance to the owners of
 * every table it can reach (instance.ts, region lifetimes), and any funcref this code holds is
 * kept alive by its own path: ref.func of this instance, an import (keepAlive both ways), a
 * reference JS passed in (the receiving instance, table or global keeps its owner: runtime
 * instance.ts, region crossing), or a table/global that owns its instances (table.copy carries
 * owners across). So a store needs no bookkeeping and stays inline.
 */
export function tableSet(fc: FunctionCompiler, t: number): void {
  fc.protectFlags(2);
  const value = fc.pop();
  const index = fc.pop();
  const src: Gpr | number = value.loc === Loc.Const && fitsImm32(value) ? value.imm : GPR64[fc.readReg(value)]!;
  const elem = index.loc === Loc.Const
    ? elementAddress(fc, t, index, TrapCode.outOfBoundsTableAccess)
    : elementAddress(fc, t, indexInReg(fc, index, isTable64(fc, t)), TrapCode.outOfBoundsTableAccess);
  fc.asm.mov(elem, src);
}

export function tableSize(fc: FunctionCompiler, t: number): void {
  const fixed = fixedLength(fc, t);
  if (fixed >= 0) return fc.push(isTable64(fc, t) ? constant64(I64, fixed, 0) : constant(I32, fixed));
  const r = fc.regs.alloc(GPR);
  fc.asm.mov(GPR32[r]!, dword(vmctxReg, fc.env.vmctx.table(t) + TABLE.LENGTH));
  fc.push(inReg(isTable64(fc, t) ? I64 : I32, r));
}
// #endregion table-element

// #region references
export function refNull(fc: FunctionCompiler, type: RefType): void {
  fc.push(constant64(type, 0, 0));
}

/** Like i32.eqz: the answer stays in the flags for the branch or select that consumes it. */
export function refIsNull(fc: FunctionCompiler): void {
  fc.protectFlags(1);
  const a = fc.pop();
  if (a.loc === Loc.Const) return fc.push(constant(I32, a.imm === 0 && a.hi === 0 ? 1 : 0));
  const o = fc.operand(a, false);
  if (operandIsMem(o)) fc.asm.cmp(o, 0);
  else fc.asm.test(o as Gpr, o as Gpr);
  fc.push(inFlags(I32, CC.e));
}

/** The FuncRef record of function i: its address sits in the VMContext. */
export function refFunc(fc: FunctionCompiler, i: number): void {
  const r = fc.regs.alloc(GPR);
  fc.asm.mov(GPR64[r]!, qword(vmctxReg, fc.env.vmctx.funcRef(i)));
  fc.push(inReg(ValType.funcref, r));
}
// #endregion references

// #region call-indirect
/**
 * call_indirect through table t: the arguments and the table index (in rax) are moved by
 * emitCall's parallel move, then: bounds check, load the FuncRef record (r11), null check,
 * compare its canonical type id with the one this instance gives the expected type, and call
 * it (callThroughRecord): the function may belong to another instance.
 */
class TableCall implements IndirectCall {
  readonly indexReg = Reg.rax;
  constructor(readonly typeIndex: number, readonly table: number) {}

  emit(fc: FunctionCompiler, index: Value, base: number, zeroExtended: boolean): void {
    loadCheckedFuncRef(fc, this.typeIndex, this.table, index, zeroExtended);
    callThroughRecord(fc, scratch, base);
  }
}

/**
 * Call the function whose FuncRef record is in `record` (r11, or rax for call_ref), the arguments
 * in place. Almost always it is one of our instance's (a C function pointer, a vtable's entry):
 * then r15 and r14 are already the callee's, and the call is `cmp r15, [record + VMCTX]`, a jump
 * not taken, `call [record + CODE]`. A callee of another instance (a table or reference from
 * another module; a host function's record names the instance that imported it) goes out of
 * line, after the body: our r15 to the slot of the first argument's position (free once the
 * arguments have moved; results come back in rax and the slots above it), the callee's r15 and
 * r14 in, the call, ours back, and a jump back to the common path. The two calls return to
 * different places: nothing is keyed by a call's return address but trap sites, and neither is one.
 */
export function callThroughRecord(fc: FunctionCompiler, record: Gpr, base: number): void {
  const asm = fc.asm;
  const otherInstance = asm.newLabel(), back = asm.newLabel();
  asm.cmp(vmctxReg, qword(record, FUNCREF.VMCTX));
  asm.jcc('ne', otherInstance);
  asm.call(qword(record, FUNCREF.CODE));
  asm.bind(back);
  const slot = fc.frame.slotAddr(base); // rsp-relative as it is here (the stack arguments reserved)
  fc.outOfLine.push(() => {
    asm.bind(otherInstance);
    asm.mov(slot, vmctxReg);
    asm.mov(vmctxReg, qword(record, FUNCREF.VMCTX));
    asm.mov(memoryBaseReg, qword(vmctxReg, VMCTX.MEMORY_BASE));
    asm.call(qword(record, FUNCREF.CODE));
    asm.mov(vmctxReg, slot);
    asm.mov(memoryBaseReg, qword(vmctxReg, VMCTX.MEMORY_BASE));
    asm.jmp(back);
  });
}

/**
 * The FuncRef record of element `index` of table t into r11, checked as call_indirect (and
 * return_call_indirect) checks it: in bounds, not null, of the expected type. The index is a
 * constant or in rax (`zeroExtended`: known to have its upper half clear, see
 * indexArrivesZeroExtended); rax is clobbered.
 */
export function loadCheckedFuncRef(fc: FunctionCompiler, typeIndex: number, t: number, index: Value, zeroExtended: boolean): void {
  const asm = fc.asm;
  const eax = GPR32[Reg.rax]!;
  // A table64 index is all 64 bits.
  if (index.loc !== Loc.Const && !isTable64(fc, t) && !zeroExtended) asm.mov(eax, eax);
  const elem = elementAddress(fc, t, index.loc === Loc.Const ? index : Reg.rax, TrapCode.undefinedElement);
  asm.mov(scratch, elem);
  asm.test(scratch, scratch);
  fc.trapIf('e', TrapCode.uninitializedElement);
  asm.mov(eax, dword(vmctxReg, fc.env.vmctx.typeId(typeIndex)));
  asm.cmp(eax, dword(scratch, FUNCREF.TYPE_ID));
  if (fc.env.module.typeDefs[typeIndex]?.final === false) return walkSupertypes(fc, typeIndex);
  fc.trapIf('ne', TrapCode.indirectCallTypeMismatch);
}

// #region supertype-walk
/**
 * After the id comparison, for an expected type that is not final (GC): a callee of a subtype
 * passes too. Its id's chain of declared supertypes is walked in the thread's supertype table
 * (SUPERTYPE_TABLE, through the runtime's state block) until the expected id, or 0: a mismatch.
 * rax and r10 are free here (the arguments are in place; r11 holds the record).
 */
function walkSupertypes(fc: FunctionCompiler, typeIndex: number): void {
  const asm = fc.asm;
  const eax = GPR32[Reg.rax]!, rax = GPR64[Reg.rax]!, table = GPR64[SCRATCH2]!;
  const done = asm.newLabel(), next = asm.newLabel();
  asm.jcc('e', done);
  asm.mov(eax, dword(scratch, FUNCREF.TYPE_ID));
  asm.mov(table, qword(vmctxReg, VMCTX.RUNTIME_STATE));
  asm.mov(table, qword(table, SUPERTYPE_TABLE.STATE_OFFSET));
  asm.bind(next);
  asm.mov(eax, dword(table, 0, rax, SUPERTYPE_TABLE.ENTRY_SIZE));
  asm.test(eax, eax);
  fc.trapIf('e', TrapCode.indirectCallTypeMismatch);
  asm.cmp(eax, dword(vmctxReg, fc.env.vmctx.typeId(typeIndex)));
  asm.jcc('ne', next);
  asm.bind(done);
  fc.forgetLastInstruction();
}
// #endregion supertype-walk

export function callIndirect(fc: FunctionCompiler, typeIndex: number, type: FuncType, t: number): void {
  emitCall(fc, fc.env.signatures.of(typeIndex), new TableCall(typeIndex, t));
}
// #endregion call-indirect

// #region table-builtins
// The builtins' signatures (compiler/abi: Builtin): table and segment indices first, as i32
// constants slipped under the operands; references travel as 64-bit values.
const GROW: FuncType = { params: [I32, I64, I32], results: [I32] };
const FILL: FuncType = { params: [I32, I32, I64, I32], results: [] };
const COPY_OR_INIT: FuncType = { params: [I32, I32, I32, I32, I32], results: [] };
const DROP: FuncType = { params: [I32], results: [] };
// table64: the same builtins given i64 indices and sizes (their stubs pass every integer as a
// 64-bit slot; the runtime reads them by the tables' index types).
const GROW64: FuncType = { params: [I32, I64, I64], results: [I64] };
const FILL64: FuncType = { params: [I32, I64, I64, I64], results: [] };
const INIT64: FuncType = { params: [I32, I32, I64, I32, I32], results: [] };
/** table.copy's operands: each table's index type, and the narrower of the two for the length. */
function copyType(dst64: boolean, src64: boolean): FuncType {
  const d = dst64 ? I64 : I32, s = src64 ? I64 : I32;
  return { params: [I32, I32, d, s, dst64 && src64 ? I64 : I32], results: [] };
}

/** Put i32 constants under the top `depth` operands, so they become a builtin's first arguments. */
export function insertConstants(fc: FunctionCompiler, depth: number, consts: readonly number[]): void {
  insertValues(fc, depth, consts.map((c) => constant(I32, c)));
}

/** insertConstants for constants of any type (an i64 memarg offset, say): `values` are constants. */
export function insertValues(fc: FunctionCompiler, depth: number, values: readonly Value[]): void {
  const stack = fc.stack;
  // Now, while every value sits at its own position: a register this may need is freed by
  // spilling to a slot no shifted value still reads.
  fc.materializeFlags();
  const top: Value[] = [];
  for (let k = 0; k < depth; k++) top.push(stack.pop());
  if (fc.frozen > stack.height) fc.frozen = stack.height;
  for (const v of values) stack.push(v);
  // A spilled operand now sits one or two positions above its slot: the builtin's parallel
  // move reads it from there, and nothing writes slots at or above these positions before it
  // (emitCall only spills below the constants).
  for (let k = depth - 1; k >= 0; k--) stack.push(top[k]!);
}

export function tableGrow(fc: FunctionCompiler, t: number): void {
  insertConstants(fc, 2, [t]);
  callBuiltin(fc, Builtin.tableGrow, isTable64(fc, t) ? GROW64 : GROW);
}

export function tableFill(fc: FunctionCompiler, t: number): void {
  insertConstants(fc, 3, [t]);
  callBuiltin(fc, Builtin.tableFill, isTable64(fc, t) ? FILL64 : FILL, TrapCode.outOfBoundsTableAccess);
}

export function tableCopy(fc: FunctionCompiler, dst: number, src: number): void {
  insertConstants(fc, 3, [dst, src]);
  const dst64 = isTable64(fc, dst), src64 = isTable64(fc, src);
  callBuiltin(fc, Builtin.tableCopy, dst64 || src64 ? copyType(dst64, src64) : COPY_OR_INIT, TrapCode.outOfBoundsTableAccess);
}

export function tableInit(fc: FunctionCompiler, elem: number, t: number): void {
  insertConstants(fc, 3, [t, elem]);
  callBuiltin(fc, Builtin.tableInit, isTable64(fc, t) ? INIT64 : COPY_OR_INIT, TrapCode.outOfBoundsTableAccess);
}

export function elemDrop(fc: FunctionCompiler, elem: number): void {
  fc.stack.push(constant(I32, elem));
  callBuiltin(fc, Builtin.elemDrop, DROP);
}
// #endregion table-builtins
