// GC's structs and arrays (compiler/abi/gcObjects.ts lays them out): an object's reference is its
// address, so a field is one load or store from the reference, after a null check (and, for an
// array, a bounds check against the length in its header). Structs and arrays are bumped inline
// from the thread's allocation region (ops/gcAllocation.ts), calling the allocating builtin only
// when the region is exhausted (or the array is big); a struct's or a fixed array's fields, or
// array.new's value, are then stored here. Arrays from segments are made the same way, their
// elements copied inline (ops/gcSegments.ts; a big one of a constant length by a runtime builtin,
// GcBuiltin: a call out to the heap), and arrays' bulk operations are builtins.

import { arrayBytes, GC_HEADER, fieldSize, INLINE_OBJECT_MAX, structLayoutOf, type StructLayout } from '../../abi/gcObjects.ts';
import { GcBuiltin, TrapCode } from '../../abi/index.ts';
import { PackedType, ValType, type FieldType, type FuncType, type TypeDef } from '../../binary/types.ts';
import { storageType } from '../../binary/refTypes.ts';
import { dword, GPR16, GPR32, GPR64, GPR8, type Mem, mem, type MemSize, qword, withSize } from '../../x64/index.ts';
import { callGcBuiltin } from '../calls.ts';
import { F32, F64, fitsImm32, type FunctionCompiler, GPR, I32, I64, V128, xmm, XMM_CLASS } from '../functionCompiler.ts';
import { constant, inReg, Loc, type Value } from '../valueStack.ts';
import { insertConstants } from './table.ts';
import { needsNullCheck, passedNullCheck } from './funcRefs.ts';
import { allocateInline } from './gcAllocation.ts';
import { arrayNewSegmentInline } from './gcSegments.ts';
import { SCRATCH, SCRATCH2 } from '../registerAllocator.ts';

const EXTERNREF = ValType.externref;

/** The popped value `v` in a general register of its own. */
function inOwnReg(fc: FunctionCompiler, v: Value): number {
  if (v.loc === Loc.Reg) return v.n; // held by pop
  const r = fc.regs.alloc(GPR);
  fc.loadInto(r, v);
  return r;
}

/**
 * An object reference popped into a register of its own, trapping with `code` when it is null,
 * unless its type is non-nullable (`nonNull`: validation has proven it cannot be) or it is a local
 * already tested on this straight line.
 */
function popObject(fc: FunctionCompiler, code: TrapCode, nonNull: boolean): number {
  const v = fc.pop();
  const r = inOwnReg(fc, v);
  if (!needsNullCheck(fc, v, nonNull)) return r;
  fc.asm.test(GPR64[r]!, GPR64[r]!);
  fc.trapIf('e', code);
  passedNullCheck(fc, v);
  return r;
}

/** The value type a field's value has on the stack (a packed field's is i32; references as stored). */
const stackType = (t: number): number => (t === PackedType.i8 || t === PackedType.i16 ? I32 : storageType(t));

/** `m` with the size of a field of type `t` (a packed or numeric width; 64 for references). */
const sizedFor = (m: Mem, t: number): Mem => withSize(m, (fieldSize(t) * 8) as MemSize);

const layouts = new WeakMap<TypeDef, StructLayout>();
/** Struct type t's layout (made once per type). */
function layoutOf(fc: FunctionCompiler, t: number): StructLayout {
  const def = fc.env.module.typeDefs[t]!;
  let layout = layouts.get(def);
  if (!layout) layouts.set(def, (layout = structLayoutOf(def)));
  return layout;
}
/** Where a struct of type t (with a descriptor) holds its descriptor. */
export const descriptorOffsetOf = (fc: FunctionCompiler, t: number): number => layoutOf(fc, t).descriptor;
/** Struct type t's field offsets. */
const offsetsOf = (fc: FunctionCompiler, t: number): readonly number[] => layoutOf(fc, t).offsets;

// #region gc-field-access
/** Store the popped value `v` into the field of type `t` at `m`. */
function storeField(fc: FunctionCompiler, m: Mem, t: number, v: Value): void {
  const st = stackType(t);
  const at = sizedFor(m, t);
  if (st === V128 || st === F32 || st === F64) {
    const r = fc.readReg(v);
    if (st === V128) fc.asm.movups(at, xmm(r));
    else if (st === F32) fc.asm.movss(at, xmm(r));
    else fc.asm.movsd(at, xmm(r));
    fc.regs.release(r); // struct.new and array.new_fixed store many values in one operator
    return;
  }
  const size = fieldSize(t);
  if (v.loc === Loc.Const && fitsImm32(v)) {
    // A packed field takes the low bits of the constant.
    fc.asm.mov(at, size === 1 ? v.imm & 0xff : size === 2 ? v.imm & 0xffff : v.imm);
    return;
  }
  const r = fc.readReg(v);
  const regs = size === 1 ? GPR8 : size === 2 ? GPR16 : size === 4 ? GPR32 : GPR64;
  fc.asm.mov(at, regs[r]!);
  fc.regs.release(r);
}

/** Load the field of type `t` at `m` (a packed one extended as `signed` says) and push it; `reuse` may be overwritten. */
function loadField(fc: FunctionCompiler, m: Mem, t: number, signed: boolean, reuse: number): void {
  const st = stackType(t);
  const at = sizedFor(m, t);
  if (st === V128 || st === F32 || st === F64) {
    const r = fc.regs.alloc(XMM_CLASS);
    if (st === V128) fc.asm.movups(xmm(r), at);
    else if (st === F32) fc.asm.movss(xmm(r), at);
    else fc.asm.movsd(xmm(r), at);
    return fc.push(inReg(st, r));
  }
  const size = fieldSize(t);
  if (size < 4) {
    if (signed) fc.asm.movsx(GPR32[reuse]!, at);
    else fc.asm.movzx(GPR32[reuse]!, at);
  } else fc.asm.mov(size === 4 ? GPR32[reuse]! : GPR64[reuse]!, at);
  fc.push(inReg(st, reuse));
}
// #endregion gc-field-access

/** The builtin's address result, popped from the top of the stack into a register of its own. */
const pushedObject = (fc: FunctionCompiler): number => inOwnReg(fc, fc.pop());

const fieldsOf = (fc: FunctionCompiler, t: number): readonly FieldType[] => fc.env.module.typeDefs[t]!.fields;

// #region structs
/**
 * struct.new (the fields are the top values, stored once the object is made) or struct.new_default;
 * `withDescriptor` (custom descriptors' struct.new_desc, struct.new_default_desc): the descriptor
 * is the top value, above the fields, stored in the object's descriptor slot ("null descriptor
 * reference" if it is null; not checked when its type is non-nullable, `descriptorNonNull`).
 */
export function structNew(fc: FunctionCompiler, t: number, withDefaults: boolean, withDescriptor = false, descriptorNonNull = false): void {
  const fields = fieldsOf(fc, t);
  const layout = layoutOf(fc, t);
  const obj = allocateInline(fc, { type: t, kind: 'struct', length: 0, bytes: layout.size });
  if (withDescriptor) {
    const d = fc.pop();
    if (d.loc === Loc.Const) fc.trapNow(TrapCode.nullDescriptorReference); // the only constant reference is null
    else {
      const r = fc.readReg(d);
      if (!descriptorNonNull) {
        fc.asm.test(GPR64[r]!, GPR64[r]!);
        fc.trapIf('e', TrapCode.nullDescriptorReference);
      }
      fc.asm.mov(qword(GPR64[obj]!, layout.descriptor), GPR64[r]!);
      fc.regs.release(r);
    }
  }
  if (!withDefaults) {
    const offsets = offsetsOf(fc, t);
    for (let k = fields.length - 1; k >= 0; k--) storeField(fc, mem(GPR64[obj]!, offsets[k]!), fields[k]!.type, fc.pop());
  }
  fc.push(inReg(EXTERNREF, obj));
}

/** ref.get_desc: the descriptor slot of a struct of type t (or of a subtype: it is at the same offset); null traps. */
export function refGetDesc(fc: FunctionCompiler, t: number, nonNull: boolean): void {
  fc.materializeFlags();
  const obj = popObject(fc, TrapCode.nullReference, nonNull);
  fc.asm.mov(GPR64[obj]!, qword(GPR64[obj]!, layoutOf(fc, t).descriptor));
  fc.push(inReg(EXTERNREF, obj));
}

export function structGet(fc: FunctionCompiler, t: number, field: number, signed: boolean, nonNull: boolean): void {
  fc.materializeFlags();
  const f = fieldsOf(fc, t)[field]!;
  const obj = popObject(fc, TrapCode.nullStructureReference, nonNull);
  loadField(fc, mem(GPR64[obj]!, offsetsOf(fc, t)[field]!), f.type, signed, obj);
}

export function structSet(fc: FunctionCompiler, t: number, field: number, nonNull: boolean): void {
  fc.materializeFlags();
  const f = fieldsOf(fc, t)[field]!;
  const value = fc.pop();
  const obj = popObject(fc, TrapCode.nullStructureReference, nonNull);
  storeField(fc, mem(GPR64[obj]!, offsetsOf(fc, t)[field]!), f.type, value);
}
// #endregion structs

// #region arrays
const ARRAY_NEW: FuncType = { params: [I32, I32], results: [I64] };
const ARRAY_NEW_FILLED: FuncType = { params: [I32, I64, I32], results: [I64] };
const ARRAY_NEW_FILLED_VECTOR: FuncType = { params: [I32, V128, I32], results: [I64] };
const ARRAY_NEW_SEGMENT: FuncType = { params: [I32, I32, I32, I32], results: [I64] };
const ARRAY_FILL: FuncType = { params: [I64, I32, I64, I32], results: [] };
const ARRAY_FILL_VECTOR: FuncType = { params: [I64, I32, V128, I32], results: [] };
const ARRAY_COPY: FuncType = { params: [I64, I32, I64, I32, I32], results: [] };
const ARRAY_INIT: FuncType = { params: [I32, I64, I32, I32, I32], results: [] };

const elementOf = (fc: FunctionCompiler, t: number): number => fieldsOf(fc, t)[0]!.type;

/** array.new (value and length on the stack) or array.new_default (length). */
export function arrayNew(fc: FunctionCompiler, t: number, withDefault: boolean): void {
  const size = fieldSize(elementOf(fc, t));
  const length = fc.stack.peek();
  const constant = length.loc === Loc.Const ? length.imm >>> 0 : -1;
  if (constant < 0 || arrayBytes(constant, size) <= INLINE_OBJECT_MAX) {
    // Made inline (a length known at run time is checked and sized by the generated code), then
    // array.new's value stored into every element (the object is zeroed: array.new_default is done).
    fc.materializeFlags();
    fc.pop();
    const value = withDefault ? -1 : fc.readReg(fc.pop());
    const L = constant < 0 ? inOwnReg(fc, length) : -1;
    if (L >= 0) fc.asm.mov(GPR32[L]!, GPR32[L]!); // the upper half may be stale
    const obj = L >= 0
      ? allocateInline(fc, { type: t, kind: 'array', length: { reg: L }, bytes: size })
      : allocateInline(fc, { type: t, kind: 'array', length: constant, bytes: arrayBytes(constant, size) });
    if (value >= 0 && constant !== 0) fillElements(fc, t, obj, L >= 0 ? { reg: L } : constant, value);
    if (value >= 0) fc.regs.release(value);
    if (L >= 0) fc.regs.release(L);
    fc.push(inReg(EXTERNREF, obj));
    return;
  }
  if (withDefault) {
    insertConstants(fc, 1, [t]);
    callGcBuiltin(fc, GcBuiltin.arrayNew, ARRAY_NEW, TrapCode.outOfMemory);
  } else {
    insertConstants(fc, 2, [t]);
    const vector = elementOf(fc, t) === V128;
    callGcBuiltin(fc, vector ? GcBuiltin.arrayNewFilledVector : GcBuiltin.arrayNewFilled, vector ? ARRAY_NEW_FILLED_VECTOR : ARRAY_NEW_FILLED, TrapCode.outOfMemory);
  }
  fc.push(inReg(EXTERNREF, pushedObject(fc)));
}

/** Store the value in register `value` into each of the `length` elements of the new array `obj` (a loop: r11 the cursor, r10 the end). */
function fillElements(fc: FunctionCompiler, t: number, obj: number, length: number | { reg: number }, value: number): void {
  const a = fc.asm;
  const elem = elementOf(fc, t);
  const size = fieldSize(elem);
  const CUR = GPR64[SCRATCH]!, END = GPR64[SCRATCH2]!, OBJ = GPR64[obj]!;
  a.lea(CUR, qword(OBJ, GC_HEADER.SIZE));
  if (typeof length === 'number') a.lea(END, qword(OBJ, GC_HEADER.SIZE + length * size));
  else if (size === 16) {
    a.mov(END, GPR64[length.reg]!);
    a.shl(END, 4);
    a.add(END, CUR);
  } else a.lea(END, qword(OBJ, GC_HEADER.SIZE, GPR64[length.reg]!, size as 1 | 2 | 4 | 8));
  const loop = a.newLabel(), done = a.newLabel();
  a.cmp(CUR, END);
  a.jcc('ae', done);
  a.bind(loop);
  const at = sizedFor(mem(CUR, 0), elem);
  const st = stackType(elem);
  if (st === V128) a.movups(at, xmm(value));
  else if (st === F32) a.movss(at, xmm(value));
  else if (st === F64) a.movsd(at, xmm(value));
  else a.mov(at, (size === 1 ? GPR8 : size === 2 ? GPR16 : size === 4 ? GPR32 : GPR64)[value]!);
  a.add(CUR, size);
  a.cmp(CUR, END);
  a.jcc('b', loop);
  a.bind(done);
  fc.forgetLastInstruction();
}

/** array.new_fixed: `count` values on the stack become the elements. */
export function arrayNewFixed(fc: FunctionCompiler, t: number, count: number): void {
  const elem = elementOf(fc, t);
  const size = fieldSize(elem);
  const bytes = arrayBytes(count, size);
  let obj: number;
  if (bytes <= INLINE_OBJECT_MAX) obj = allocateInline(fc, { type: t, kind: 'array', length: count, bytes });
  else {
    fc.stack.push(constant(I32, t));
    fc.stack.push(constant(I32, count));
    callGcBuiltin(fc, GcBuiltin.arrayNew, ARRAY_NEW, TrapCode.outOfMemory);
    obj = pushedObject(fc);
  }
  for (let k = count - 1; k >= 0; k--) storeField(fc, mem(GPR64[obj]!, GC_HEADER.SIZE + k * size), elem, fc.pop());
  fc.push(inReg(EXTERNREF, obj));
}

/** array.new_data or array.new_elem: offset and length on the stack; inline (ops/gcSegments.ts) unless the array is big. */
export function arrayNewSegment(fc: FunctionCompiler, t: number, segment: number, data: boolean): void {
  if (arrayNewSegmentInline(fc, t, segment, data)) return;
  insertConstants(fc, 2, [t, segment]);
  callGcBuiltin(fc, data ? GcBuiltin.arrayNewData : GcBuiltin.arrayNewElem, ARRAY_NEW_SEGMENT,
    data ? TrapCode.outOfBoundsMemoryAccess : TrapCode.outOfBoundsTableAccess);
  fc.push(inReg(EXTERNREF, pushedObject(fc)));
}

/**
 * The element operand of array.get/array.set: the index popped into a register of its own
 * (zero-extended), the array (popped next) null- and bounds-checked. Returns the element's address.
 */
function elementAddress(fc: FunctionCompiler, t: number, index: Value, nonNull: boolean): { at: Mem; obj: number; idx: number } {
  const i = inOwnReg(fc, index);
  fc.asm.mov(GPR32[i]!, GPR32[i]!); // the upper half may be stale
  const obj = popObject(fc, TrapCode.nullArrayReference, nonNull);
  fc.asm.cmp(GPR32[i]!, dword(GPR64[obj]!, GC_HEADER.LENGTH));
  fc.trapIf('ae', TrapCode.outOfBoundsArrayAccess);
  const size = fieldSize(elementOf(fc, t));
  if (size === 16) {
    fc.asm.shl(GPR64[i]!, 4);
    return { at: mem(GPR64[obj]!, GC_HEADER.SIZE, GPR64[i]!, 1), obj, idx: i };
  }
  return { at: mem(GPR64[obj]!, GC_HEADER.SIZE, GPR64[i]!, size as 1 | 2 | 4 | 8), obj, idx: i };
}

export function arrayGet(fc: FunctionCompiler, t: number, signed: boolean, nonNull: boolean): void {
  fc.materializeFlags();
  const { at, obj, idx } = elementAddress(fc, t, fc.pop(), nonNull);
  loadField(fc, at, elementOf(fc, t), signed, obj);
  fc.regs.release(idx);
}

export function arraySet(fc: FunctionCompiler, t: number, nonNull: boolean): void {
  fc.materializeFlags();
  const value = fc.pop();
  // The value first in a register of its own, if it must be: the checks below allocate too.
  const v = value.loc === Loc.Const && fitsImm32(value) && stackType(elementOf(fc, t)) !== V128 ? value : inReg(value.type, fc.readReg(value));
  const { at } = elementAddress(fc, t, fc.pop(), nonNull);
  storeField(fc, at, elementOf(fc, t), v);
}

export function arrayLen(fc: FunctionCompiler, nonNull: boolean): void {
  fc.materializeFlags();
  const obj = popObject(fc, TrapCode.nullArrayReference, nonNull);
  fc.asm.mov(GPR32[obj]!, dword(GPR64[obj]!, GC_HEADER.LENGTH));
  fc.push(inReg(I32, obj));
}

/** array.fill: array, index, value, length on the stack. */
export function arrayFill(fc: FunctionCompiler, t: number): void {
  const vector = elementOf(fc, t) === V128;
  callGcBuiltin(fc, vector ? GcBuiltin.arrayFillVector : GcBuiltin.arrayFill, vector ? ARRAY_FILL_VECTOR : ARRAY_FILL, TrapCode.outOfBoundsArrayAccess);
}

/** array.copy: destination, its index, source, its index, length on the stack. */
export function arrayCopy(fc: FunctionCompiler): void {
  callGcBuiltin(fc, GcBuiltin.arrayCopy, ARRAY_COPY, TrapCode.outOfBoundsArrayAccess);
}

/** array.init_data or array.init_elem: array, index, offset, length on the stack. */
export function arrayInitSegment(fc: FunctionCompiler, segment: number, data: boolean): void {
  insertConstants(fc, 4, [segment]);
  callGcBuiltin(fc, data ? GcBuiltin.arrayInitData : GcBuiltin.arrayInitElem, ARRAY_INIT, TrapCode.outOfBoundsArrayAccess);
}
// #endregion arrays
