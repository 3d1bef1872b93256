// Module-level validation: the checks run on each section's declarations right after the
// decoder has read them (indices in range, limits, constant expression types, export names).

import { CompileError, unsupported } from '../errors.ts';
import type { ConstArith, ConstExpr, ConstInstr, DataSegment, ElementSegment, Limits, MemoryType, ModuleInfo, TableType, ValType } from '../binary/types.ts';
import { ValType as T } from '../binary/types.ts';
import { concreteRef, isDefaultable, isSubtype, REF_EXACT, REF_NON_NULL, typedRefUse } from '../binary/refTypes.ts';
import { funcTypeAt, gcConstOperands, gcConstResult } from './gcTypes.ts';

/** Pages of 64 KiB a 32-bit memory may have: 4 GiB. */
export const MAX_MEMORY_PAGES = 65536;
/** The most pages a 64-bit memory may declare (memory64): 2^48 pages of 64 KiB are 2^64 bytes. */
export const MAX_MEMORY64_PAGES = 2 ** 48;
/** A table's size bound by its address type (an i64 table's: every u64). */
function tableBound(t: TableType): number {
  return t.address64 ? 2 ** 64 : 2 ** 32 - 1;
}
/**
 * A memory's page bound by its address type and page size: 2^32 or 2^64 bytes, in pages, and
 * with 1-byte pages (custom-page-sizes) one page less, so the page count fits the address type.
 */
export function memoryPageBound(t: MemoryType): number {
  if (t.pageSizeLog2 === 0) return t.address64 ? 2 ** 64 - 1 : 2 ** 32 - 1;
  return t.address64 ? MAX_MEMORY64_PAGES : MAX_MEMORY_PAGES;
}

/**
 * A memory type: its limits within its address type's bound; pages of 1 byte or 64 KiB, nothing
 * between or beyond (custom-page-sizes); a shared memory (threads) must have a maximum.
 */
function checkMemoryType(t: MemoryType, offset: number): void {
  if (t.pageSizeLog2 !== undefined && t.pageSizeLog2 !== 0 && t.pageSizeLog2 !== 16) {
    throw new CompileError('invalid custom page size', offset);
  }
  checkLimits(t.limits, memoryPageBound(t), 'memory', offset);
  if (t.shared && t.limits.max === undefined) throw new CompileError('shared memory must have maximum', offset);
  // A shared memory is V8's (runtime/linearMemory.ts), whose pages are 64 KiB.
  if (t.shared && t.pageSizeLog2 === 0) throw unsupported('shared memories of 1-byte pages', offset);
}

// #region const-expr-check
/**
 * The type of a constant expression, checking what it names. `globalLimit` is how many globals
 * it may see (in WebAssembly 2.0 only imported ones; with GC also the immutable globals defined
 * before the one being initialized).
 */
export function constExprType(m: ModuleInfo, e: ConstExpr, offset: number, globalLimit = m.globals.length): ValType {
  if (e.op === 'extended') return extendedConstType(m, e.code, offset, globalLimit);
  return constInstrType(m, e, offset, globalLimit);
}

function constInstrType(m: ModuleInfo, e: ConstInstr, offset: number, globalLimit: number): ValType {
  switch (e.op) {
    case 'i32.const': return T.i32;
    case 'i64.const': return T.i64;
    case 'f32.const': return T.f32;
    case 'f64.const': return T.f64;
    case 'v128.const': return T.v128;
    case 'ref.null': return e.type;
    case 'ref.func':
      declareFunctionRef(m, e.func, offset);
      return funcRefType(m, e.func);
    case 'global.get': {
      const g = m.globals[e.global];
      if (!g || e.global >= globalLimit) throw new CompileError(`unknown global ${e.global}`, offset);
      if (g.type.mutable) throw new CompileError('constant expression required', offset);
      // A global defined before (GC's extension of constant expressions): compiled like an imported
      // one, but unknown to Node 20's V8, so counted for the fuzzer as typed references are.
      if (e.global >= m.importedGlobalCount) typedRefUse.count++;
      return g.type.type;
    }
    default:
      // GC's constants: a single one takes no operand (struct.new of no field, array.new_fixed of none, struct.new_default).
      gcConstOperands(m, e, offset);
      return gcConstResult(m, e, 0);
  }
}

/**
 * Extended constants: the types on the stack, operators taking two of their own type. (The
 * decoder has checked the depth: one value at the end, two under each operator.)
 */
function extendedConstType(m: ModuleInfo, code: readonly (ConstInstr | ConstArith)[], offset: number, globalLimit: number): ValType {
  const stack: ValType[] = [];
  for (const e of code) {
    const arith = ARITH_TYPE[e.op];
    if (arith === undefined) {
      // GC's constants take operands (the decoder has counted them); the others none.
      const operands = gcConstOperands(m, e as ConstInstr, offset);
      let top = 0;
      for (let i = operands.length - 1; i >= 0; i--) {
        const got = stack.pop()!;
        if (!isSubtype(got, operands[i]!, m.superTypes)) throw new CompileError('type mismatch', offset);
        top = got;
      }
      stack.push(operands.length ? gcConstResult(m, e as ConstInstr, top) : constInstrType(m, e as ConstInstr, offset, globalLimit));
      continue;
    }
    const b = stack.pop();
    if (stack.pop() !== arith || b !== arith) throw new CompileError('type mismatch', offset);
    stack.push(arith);
  }
  return stack.pop()!;
}

const ARITH_TYPE: Readonly<Record<string, ValType>> = {
  'i32.add': T.i32, 'i32.sub': T.i32, 'i32.mul': T.i32, 'i64.add': T.i64, 'i64.sub': T.i64, 'i64.mul': T.i64,
};

/**
 * The type of `ref.func f`: a non-null reference to its function type, `(ref exact $t)` (custom
 * descriptors), `(ref $t)` for a function imported without `exact` (its own type may be a subtype).
 */
export function funcRefType(m: ModuleInfo, f: number): ValType {
  const index = m.functions[f]!;
  // Modules built by hand (tests) may have no canonical indices: then a type is its own.
  const t = concreteRef(m.canonicalTypes[index] ?? index, false);
  return f >= m.importedFunctionCount || m.exactImports?.has(f) ? t | REF_EXACT : t;
}

/** `ref.func func` outside a body: the function must exist, and bodies may name it from now on. */
function declareFunctionRef(m: ModuleInfo, func: number, offset: number): void {
  if (func >= m.functions.length) throw new CompileError(`unknown function ${func}`, offset);
  m.declaredFuncRefs.add(func);
}

export function checkConstExpr(m: ModuleInfo, e: ConstExpr, expected: ValType, offset: number, globalLimit?: number): void {
  if (!isSubtype(constExprType(m, e, offset, globalLimit), expected, m.superTypes)) throw new CompileError('type mismatch', offset);
}
// #endregion const-expr-check

function checkLimits(l: Limits, bound: number, what: 'memory' | 'table', offset: number): void {
  if (l.min > bound || (l.max !== undefined && l.max > bound)) {
    const memoryBound = bound === MAX_MEMORY_PAGES ? `${bound} pages (4GiB)` : bound === MAX_MEMORY64_PAGES ? '2^48 pages (2^64 bytes)' : `${bound} pages of 1 byte`;
    throw new CompileError(
      what === 'memory' ? `memory size must be at most ${memoryBound}` : 'table size must be at most 2^32-1',
      offset,
    );
  }
  if (l.max !== undefined && l.min > l.max) {
    throw new CompileError('size minimum must not be greater than maximum', offset);
  }
}

/** A type index that must name a function type (of a function or tag). */
function checkTypeIndex(m: ModuleInfo, index: number, offset: number): void {
  funcTypeAt(m, index, offset);
}

export function checkImports(m: ModuleInfo, offset: number): void {
  for (const imp of m.imports) {
    const d = imp.desc;
    if (d.kind === 'func') checkTypeIndex(m, d.typeIndex, offset);
    else if (d.kind === 'table') checkLimits(d.type.limits, tableBound(d.type), 'table', offset);
    else if (d.kind === 'memory') checkMemoryType(d.type, offset);
    else if (d.kind === 'tag') checkTagType(m, d.typeIndex, offset);
  }
}

/** Exception handling: a tag's type is a function type without results (its params are the payload). */
function checkTagType(m: ModuleInfo, index: number, offset: number): void {
  checkTypeIndex(m, index, offset);
  if (m.types[index]!.results.length !== 0) throw new CompileError('non-empty tag result type', offset);
}

export function checkTags(m: ModuleInfo, offset: number): void {
  for (let i = m.importedTagCount; i < m.tags.length; i++) checkTagType(m, m.tags[i]!, offset);
}

export function checkFunctions(m: ModuleInfo, offset: number): void {
  for (let i = m.importedFunctionCount; i < m.functions.length; i++) checkTypeIndex(m, m.functions[i]!, offset);
}

export function checkTables(m: ModuleInfo, offset: number): void {
  for (let i = m.importedTableCount; i < m.tables.length; i++) {
    const t = m.tables[i]!;
    checkLimits(t.limits, tableBound(t), 'table', offset);
    // Elements of a non-nullable type need a value to start with (the initializer is checked as read).
    if (t.init === undefined && !isDefaultable(t.element)) throw new CompileError('type mismatch', offset);
  }
}

export function checkMemories(m: ModuleInfo, offset: number): void {
  for (let i = m.importedMemoryCount; i < m.memories.length; i++) {
    checkMemoryType(m.memories[i]!, offset);
  }
}

export function checkExports(m: ModuleInfo, offset: number): void {
  const names = new Set<string>();
  for (const e of m.exports) {
    if (names.has(e.name)) throw new CompileError('duplicate export name', offset);
    names.add(e.name);
    const space =
      e.kind === 'func' ? m.functions : e.kind === 'table' ? m.tables : e.kind === 'memory' ? m.memories
      : e.kind === 'tag' ? m.tags : m.globals;
    if (e.index >= space.length) throw new CompileError(`unknown ${e.kind === 'func' ? 'function' : e.kind} ${e.index}`, offset);
    if (e.kind === 'func') m.declaredFuncRefs.add(e.index);
  }
}

export function checkStart(m: ModuleInfo, offset: number): void {
  const f = m.start!;
  if (f >= m.functions.length) throw new CompileError(`unknown function ${f}`, offset);
  const t = m.types[m.functions[f]!]!;
  if (t.params.length || t.results.length) throw new CompileError('start function', offset);
}

export function checkElement(m: ModuleInfo, seg: ElementSegment, offset: number): void {
  if (seg.mode === 'active') {
    const table = m.tables[seg.table];
    if (!table) throw new CompileError(`unknown table ${seg.table}`, offset);
    checkConstExpr(m, seg.offset!, table.address64 ? T.i64 : T.i32, offset);
    if (!isSubtype(seg.type, table.element, m.superTypes)) throw new CompileError('type mismatch', offset);
  }
  for (const e of seg.init) {
    // Function indices (most items, thousands in a large table) need no type worked out.
    if (e.op === 'ref.func' && (seg.type & ~REF_NON_NULL) === T.funcref) declareFunctionRef(m, e.func, offset);
    else checkConstExpr(m, e, seg.type, offset);
  }
}

/** `offsetExpr`: the segment's offset expression, as the decoder read it (undefined: passive). */
export function checkData(m: ModuleInfo, seg: DataSegment, offsetExpr: ConstExpr | undefined, offset: number): void {
  if (offsetExpr === undefined) return;
  if (seg.memory >= m.memories.length) throw new CompileError(`unknown memory ${seg.memory}`, offset);
  checkConstExpr(m, offsetExpr, m.memories[seg.memory]!.address64 ? T.i64 : T.i32, offset);
}
