// The shapes of a decoded module: value types, function types, and ModuleInfo,
// the declarations the validator collects and the code generator and runtime read.
// Runs in the browser: plain data, no Node APIs.

import { FunctionIndexSet } from './functionIndexSet.ts';
import { refTypeName } from './refTypes.ts';

// #region value-types
/**
 * A value type, as its binary encoding byte (so decoding needs no translation); a typed reference
 * (function references, 3.0) is a number above 0xff whose low byte is funcref or externref (see
 * refTypes.ts).
 */
export const ValType = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
  funcref: 0x70,
  externref: 0x6f,
  /** WebAssembly 3.0's exception handling: a reference to an exception (`(ref null exn)`). */
  exnref: 0x69,
} as const;
// A number: the byte constants above, or a typed reference built by refTypes.ts.
export type ValType = number;
/** A reference type: funcref, externref, exnref, or a typed reference (refTypes.ts). */
export type RefType = number;

/**
 * The validator's "unknown" operand type: a value popped from the stack below the
 * frame's height in unreachable code (the spec's bottom type). Never a ValType.
 */
export const UNKNOWN_TYPE = 0;

export function isNumType(t: number): boolean {
  return t === ValType.i32 || t === ValType.i64 || t === ValType.f32 || t === ValType.f64;
}
export function isRefType(t: number): boolean {
  const low = t & 0xff;
  return low === ValType.funcref || low === ValType.externref || low === ValType.exnref || low === 0x6e; // GC's anyref
}

/** The text-format name of a value type ("i32", "funcref", ...). */
export function valTypeName(t: number): string {
  switch (t) {
    case ValType.i32: return 'i32';
    case ValType.i64: return 'i64';
    case ValType.f32: return 'f32';
    case ValType.f64: return 'f64';
    case ValType.v128: return 'v128';
    case ValType.funcref: return 'funcref';
    case ValType.externref: return 'externref';
    case ValType.exnref: return 'exnref';
    case UNKNOWN_TYPE: return 'unknown';
    default: return isRefType(t) ? refTypeName(t) : `type 0x${t.toString(16)}`;
  }
}
// #endregion value-types

// #region func-type
/**
 * A function type. Block types are FuncTypes too: `[] -> []` and `[] -> [t]` are shared
 * constants (see blockTypeOf), a type-index block type is the module's FuncType itself,
 * so no block allocates.
 */
export interface FuncType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}
// #endregion func-type

// #region type-defs
/** A packed field type of GC's structs and arrays: read as an i32, stored in 8 or 16 bits. */
export const PackedType = { i8: 0x78, i16: 0x77 } as const;
/** A field of a struct, or an array's element: a value type or a packed type, and whether it may be set. */
export interface FieldType {
  readonly type: number;
  readonly mutable: boolean;
}
/**
 * A defined type (GC): a function, struct or array type, whether it is final (no type may declare
 * it as supertype), its declared supertype, and the recursion group it belongs to.
 */
export interface TypeDef {
  readonly kind: 'func' | 'struct' | 'array';
  readonly final: boolean;
  /** The type index of the declared supertype, -1 for none. */
  readonly supertype: number;
  /** A struct's fields, or an array's one element type; empty for a function type. */
  readonly fields: readonly FieldType[];
  /** The type index of the first type of its recursion group, and how many the group has. */
  readonly group: number;
  readonly groupSize: number;
  /**
   * Custom descriptors (struct types only): the type index of the struct type whose objects
   * describe this one's (each object of this type holds one, its descriptor), and the type this
   * one describes. Absent or -1: none.
   */
  readonly descriptor?: number;
  readonly describes?: number;
  /**
   * For a type with a descriptor: how many of its fields come before the descriptor's slot in an
   * object (the fields of its nearest supertype without a descriptor, so that every subtype keeps
   * the slot where its supertypes have it; abi/gcObjects.ts structLayout).
   */
  readonly descriptorAfter?: number;
}
// #endregion type-defs

export interface Limits {
  readonly min: number;
  /** Absent when the limits have no maximum. */
  readonly max?: number;
}
export interface TableType {
  readonly element: RefType;
  readonly limits: Limits;
  /** memory64's table64: the table's indices and sizes are i64; absent or false: i32. */
  readonly address64?: boolean;
  /** Function references (3.0): the value every element starts with; absent: null. */
  readonly init?: ConstExpr;
}
export interface MemoryType {
  readonly limits: Limits;
  /** memory64: the memory's addresses (and sizes, page counts) are i64; absent or false: i32. */
  readonly address64?: boolean;
  /** threads: a shared memory (it has a maximum, and never moves; wait and notify work on it). */
  readonly shared: boolean;
  /** custom-page-sizes: log2 of the page size (0 or 16 once validated); absent: 16, 64 KiB pages. */
  readonly pageSizeLog2?: number;
}
export interface GlobalType {
  readonly type: ValType;
  readonly mutable: boolean;
}

// #region const-expr
/**
 * A constant expression. One constant instruction is itself; a longer expression (extended
 * constants, WebAssembly 3.0: i32/i64 add, sub, mul) is its instructions in order, as encoded
 * (postfix: operands before their operator).
 * i64 and f64 values are bigints (f64 as its raw IEEE bits, f32 as raw u32 bits) so NaN payloads
 * survive; a v128 is its 16 bytes, little-endian (lane 0 first), as they are encoded.
 */
export type ConstExpr = ConstInstr | { readonly op: 'extended'; readonly code: readonly (ConstInstr | ConstArith)[] };

export type ConstInstr =
  | { readonly op: 'i32.const'; readonly value: number }
  | { readonly op: 'i64.const'; readonly value: bigint }
  | { readonly op: 'f32.const'; readonly bits: number }
  | { readonly op: 'f64.const'; readonly bits: bigint }
  | { readonly op: 'v128.const'; readonly bytes: Uint8Array }
  | { readonly op: 'ref.null'; readonly type: RefType }
  | { readonly op: 'ref.func'; readonly func: number }
  | { readonly op: 'global.get'; readonly global: number }
  | GcConstInstr;

/**
 * GC's constant instructions (they take operands from the expression's stack): struct.new and
 * array.new* take a type index (array.new_fixed a count too); ref.i31 and the conversions between
 * the any and extern hierarchies take none.
 */
export type GcConstInstr =
  | { readonly op: 'struct.new' | 'struct.new_default' | 'array.new' | 'array.new_default'; readonly type: number }
  /** Custom descriptors: struct.new and struct.new_default of a type with a descriptor (it comes last). */
  | { readonly op: 'struct.new_desc' | 'struct.new_default_desc'; readonly type: number }
  | { readonly op: 'array.new_fixed'; readonly type: number; readonly count: number }
  | { readonly op: 'ref.i31' | 'any.convert_extern' | 'extern.convert_any' };

/** The arithmetic of extended constants: it pops two operands of its type and pushes one. */
export type ConstArith = { readonly op: 'i32.add' | 'i32.sub' | 'i32.mul' | 'i64.add' | 'i64.sub' | 'i64.mul' };
// #endregion const-expr

export type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

export type ImportDesc =
  | { readonly kind: 'func'; readonly typeIndex: number; readonly exact?: boolean }
  | { readonly kind: 'table'; readonly type: TableType }
  | { readonly kind: 'memory'; readonly type: MemoryType }
  | { readonly kind: 'global'; readonly type: GlobalType }
  | { readonly kind: 'tag'; readonly typeIndex: number };

export interface Import {
  readonly module: string;
  readonly name: string;
  readonly desc: ImportDesc;
  /** The index this import takes in its own index space (functions, tables, memories, globals or tags). */
  readonly index: number;
}

export interface Export {
  readonly name: string;
  readonly kind: ExternKind;
  readonly index: number;
}

export interface Global {
  readonly type: GlobalType;
  /** Absent for imported globals. */
  readonly init?: ConstExpr;
  /** Present for imported globals: the index in ModuleInfo.imports. */
  readonly importIndex?: number;
}

export interface ElementSegment {
  readonly mode: 'active' | 'passive' | 'declarative';
  readonly type: RefType;
  /** The table of an active segment (0 otherwise). */
  readonly table: number;
  /** The offset expression of an active segment. */
  readonly offset?: ConstExpr;
  /** One constant expression per element (function indices are stored as `ref.func`). */
  readonly init: readonly ConstExpr[];
}

export interface DataSegment {
  readonly mode: 'active' | 'passive';
  /** The memory of an active segment (0 otherwise). */
  readonly memory: number;
  /** The offset expression of an active segment; decoded when read, from the same bytes as `bytes`. */
  readonly offset?: ConstExpr;
  /**
   * The segment's bytes. From StreamingValidator.push: a view of a copy. From validateModule(bytes):
   * a view of `bytes` (valid while the caller leaves `bytes` unchanged). A getter, made on first
   * use (modules may have 10^5 segments): spread or structuredClone do not carry it.
   */
  readonly bytes: Uint8Array;
}

export interface CustomSection {
  readonly name: string;
  /** Byte offset of the section's contents (after its name) and their size. */
  readonly offset: number;
  readonly size: number;
}

export interface NameSection {
  readonly module: string | undefined;
  /** Function index -> name, from the name section's function-names subsection. */
  readonly functions: ReadonlyMap<number, string>;
  /** Function index -> (local index -> name). */
  readonly locals: ReadonlyMap<number, ReadonlyMap<number, string>>;
}

// #region module-info
/**
 * Everything the module declares, as the decoder and validator saw it.
 * Function bodies are not kept: each is validated and handed to the code generator
 * as soon as its bytes have arrived, then dropped.
 */
export interface ModuleInfo {
  /** The function type of each type index (for a struct or array type: NOT_A_FUNC_TYPE). */
  readonly types: FuncType[];
  /** What each type index defines (kind, fields, supertype, recursion group). */
  readonly typeDefs: TypeDef[];
  /**
   * For each canonical type index, the canonical index of its declared supertype (-1: none): the
   * chain isRefSubtype walks. Entries of non-canonical indices are those of their canonical twin.
   */
  readonly superTypes: number[];
  /**
   * For each type index, the first index of an equivalent type (iso-recursive equivalence: their
   * recursion groups are equal member by member, references inside a group counting by position).
   * Typed references name types by this index, so equal types are equal numbers.
   */
  readonly canonicalTypes: number[];
  readonly imports: Import[];
  /** Type index of every function, imported ones first (the function index space). */
  readonly functions: number[];
  readonly tables: TableType[];
  readonly memories: MemoryType[];
  /** Every global, imported ones first (the global index space). */
  readonly globals: Global[];
  readonly exports: Export[];
  /**
   * Exception handling: the type index of every tag (a function type without results: its params
   * are the exception's payload), imported ones first (the tag index space).
   */
  readonly tags: number[];
  importedTagCount: number;
  start: number | undefined;
  readonly elements: ElementSegment[];
  readonly data: DataSegment[];
  /** The data count section's value, if the module has one. */
  dataCount: number | undefined;
  importedFunctionCount: number;
  importedTableCount: number;
  importedMemoryCount: number;
  importedGlobalCount: number;
  /** Functions that `ref.func` may name inside bodies (in element segments, exports or global initializers). */
  readonly declaredFuncRefs: FunctionIndexSet;
  /**
   * Custom descriptors: the functions imported with an exact type (import kind 0x20), whose
   * references are exact as those of defined functions are; absent: none.
   */
  exactImports?: FunctionIndexSet;
  readonly customSections: CustomSection[];
  /** Decoded when first read (only disassembly asks): see readNameSection. */
  names: NameSection;
}
// #endregion module-info

export function emptyModuleInfo(): ModuleInfo {
  return {
    types: [],
    typeDefs: [],
    superTypes: [],
    canonicalTypes: [],
    imports: [],
    functions: [],
    tables: [],
    memories: [],
    globals: [],
    exports: [],
    tags: [],
    importedTagCount: 0,
    start: undefined,
    elements: [],
    data: [],
    dataCount: undefined,
    importedFunctionCount: 0,
    importedTableCount: 0,
    importedMemoryCount: 0,
    importedGlobalCount: 0,
    declaredFuncRefs: new FunctionIndexSet(),
    customSections: [],
    names: { module: undefined, functions: new Map(), locals: new Map() },
  };
}

const EMPTY: readonly ValType[] = [];
/** The entry of ModuleInfo.types at a struct or array type's index: no function has this type. */
export const NOT_A_FUNC_TYPE: FuncType = { params: EMPTY, results: EMPTY };
const VOID_BLOCK: FuncType = { params: EMPTY, results: EMPTY };
const SINGLE_RESULT_BLOCKS = new Map<number, FuncType>(
  Object.values(ValType).map((t) => [t, { params: EMPTY, results: [t] }]),
);
/** The shared FuncType of the block type `[] -> []` (byte 0x40) or `[] -> [t]`. */
export function shortBlockType(t: ValType | undefined): FuncType {
  if (t === undefined) return VOID_BLOCK;
  let type = SINGLE_RESULT_BLOCKS.get(t);
  // A typed reference's block type, made at first use (numbers are canonical: one per type).
  if (type === undefined) SINGLE_RESULT_BLOCKS.set(t, (type = { params: EMPTY, results: [t] }));
  return type;
}
