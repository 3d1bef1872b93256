// Validating one function body in a single forward pass, and driving the code generator.
//
// The operand stack holds value types (numbers: the encoding byte of a numeric type or a 2.0
// reference, a larger number for a typed reference, see binary/refTypes.ts; 0 = unknown, the
// spec's bottom type in unreachable code); the control stack is a struct of typed arrays (controlStack.ts). Decoding
// is fused in: the loop reads each opcode and its immediates straight from the bytes, checks it,
// then reports it to the code generator if the code is live. Nothing is allocated per operator
// or per block (with a code generator attached, a small FrameView per frame it is handed).

import { CompileError, unsupported } from '../errors.ts';
import { Reader } from '../binary/reader.ts';
import {
  FAMILY_BINARY, FAMILY_COMPARE, FAMILY_CONST, FAMILY_LANE, FAMILY_LOAD, FAMILY_LOAD_LANE,
  FAMILY_SHUFFLE, FAMILY_STORE, FAMILY_STORE_LANE, FAMILY_TERNARY, FAMILY_UNARY, FAMILY_UNSUPPORTED,
  FAMILY_V128CONST, FAMILY_ATOMIC, ATOMIC_DISPATCH, ATOMIC_SUB_LIMIT, SIMD_DISPATCH, SIMD_SUB_LIMIT, UNSUPPORTED_PREFIXES,
  opFamily, operatorInfo, opLaneCount,
  opNaturalAlign, opParam0, opParam1, opParam2, opProposal, opResult,
} from '../binary/operators.ts';
import type { FuncType, ModuleInfo, RefType, ValType } from '../binary/types.ts';
import { isNumType, isRefType, shortBlockType, UNKNOWN_TYPE } from '../binary/types.ts';
import { readHeapType, readValType } from '../binary/valueTypes.ts';
import { asNonNull, concreteRef, gcHeapUse, gcUse, isDefaultable, isNullable, refTypeIndex, isSubtype, storageType, typedRefUse } from '../binary/refTypes.ts';
import { EQREF, validateGcOperator, type GcOperands } from './gcOperators.ts';
import { funcRefType } from './moduleChecks.ts';
import type { CatchClauses, CodeGenerator, ControlFrame, FunctionContext } from './codegenInterface.ts';
import { FrameKind } from './codegenInterface.ts';
import { blockTypeTable, ControlStack, FIRST_TYPE_INDEX_ID, VOID_BLOCK_ID } from './controlStack.ts';

/** Most locals a function may declare (params included); V8's limit too, far below the spec's 2^32. */
export const MAX_LOCALS = 50_000;

const I32 = 0x7f;
const I64 = 0x7e;
const V128 = 0x7b;
const EXNREF = 0x69;
const NO_TYPES: readonly ValType[] = [];
const EMPTY = new Uint8Array(0);
const VOID_BLOCK = shortBlockType(undefined);

/** Each of `a` a subtype of the same position of `b` (an `if` without `else` passes its parameters on). */
function subtypes(a: readonly ValType[], b: readonly ValType[], supers: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !isSubtype(a[i]!, b[i]!, supers)) return false;
  return true;
}

/**
 * By 0xfb sub-opcode: how deep below the top of the operand stack an operator's reference operand
 * is (struct.get 1, struct.set 2, array.get 2, array.set 3, array.len 1, i31.get 1; custom
 * descriptors: ref.get_desc's operand and the descriptor operand of the others, 1), for
 * refOperandNonNull; 0 for the operators that take none or check it in the runtime.
 */
const REF_OPERAND_DEPTH: Readonly<Record<number, number>> = {
  0x02: 1, 0x03: 1, 0x04: 1, 0x05: 2, 0x0b: 2, 0x0c: 2, 0x0d: 2, 0x0e: 3, 0x0f: 1, 0x1d: 1, 0x1e: 1,
  // Custom descriptors: ref.get_desc's operand; the others' descriptor, their top operand.
  0x20: 1, 0x21: 1, 0x22: 1, 0x23: 1, 0x24: 1, 0x25: 1, 0x26: 1,
};

/** A local's type in localTypes while it is not yet set: non-nullable references only (the sign bit). */
const UNSET = 0x80000000 | 0;

export class FunctionValidator implements FunctionContext {
  funcIndex = 0;
  type: FuncType = VOID_BLOCK;
  locals: ValType[] = [];

  private readonly r = new Reader(new Uint8Array(0), 0, 0, 0);
  private stack = new Int32Array(256);
  private sp = 0;
  private readonly frames: ControlStack;
  /** Block types by id (see blockTypeTable). */
  private readonly blockTypes: FuncType[];
  /** The innermost frame's height, reachability and block type, read by every pop and end: copies of its entries in `frames`. */
  private height = 0;
  private unreachable = false;
  private blockType: FuncType = VOID_BLOCK;
  /**
   * What a branch to the frame at each depth carries, written when the frame is entered: a kept
   * answer to labelTypes, which every branch asks (pointers to the block types, never copies).
   */
  private labels: (readonly ValType[])[] = [];
  /** This body is reported to a code generator (there is one). */
  private reporting = false;
  /** Report the current operator to the code generator (the body is reported and the code is live). */
  private live = false;
  /** Each local's type; negative (UNSET added) for a non-nullable reference not yet set. */
  private localTypes = new Int32Array(64);
  private localCount = 0;
  /**
   * Locals set since their frame began, with that frame's depth, as pairs: at the frame's end (or
   * else) they are unset again (the spec's local initialization rule; only non-nullable locals).
   */
  private initLog = new Int32Array(16);
  private initCount = 0;
  private brTargets = new Uint32Array(16);
  private seen = new Uint32Array(16);
  private epoch = 0;

  constructor(
    readonly module: ModuleInfo,
    private readonly cg: CodeGenerator | null,
  ) {
    this.blockTypes = blockTypeTable(module);
    this.frames = new ControlStack(this.blockTypes, cg !== null);
    this.gcOperands = {
      module,
      reader: this.r,
      pop: () => this.pop(),
      popExpect: (t) => this.popExpect(t),
      push: (t) => this.push(t),
      error: (message) => this.error(message),
      label: (relativeDepth) => this.labelTypes(this.label(relativeDepth)),
      readDataIndex: () => this.readDataIndex(),
      readElemIndex: () => this.readElemIndex(),
    };
  }

  // --- FunctionContext, for the code generator ---
  controlDepth(): number {
    return this.frames.size;
  }
  frame(relativeDepth: number): ControlFrame {
    const depth = this.frames.size - 1 - relativeDepth;
    if (depth < 0 || relativeDepth < 0) throw new RangeError(`no label ${relativeDepth}`);
    return this.frames.view(depth);
  }
  stackHeight(): number {
    return this.sp;
  }
  readonly expression: { code: Uint8Array; start: number; end: number; base: number } = { code: EMPTY, start: 0, end: 0, base: 0 };

  // --- the operand stack ---
  /** Position of the operator being checked (errors about operands point at it). */
  private opAt = 0;
  private error(message: string): CompileError {
    return this.r.error(message, this.opAt);
  }
  // #region operand-stack
  private push(t: number): void {
    if (this.sp === this.stack.length) this.growStack();
    this.stack[this.sp++] = t;
  }
  /** Out of push, which is inlined at every operator that pushes. */
  private growStack(): void {
    const bigger = new Int32Array(this.stack.length * 2);
    bigger.set(this.stack);
    this.stack = bigger;
  }
  private pop(): number {
    if (this.sp === this.height) {
      if (this.unreachable) return UNKNOWN_TYPE;
      throw this.error('type mismatch');
    }
    return this.stack[--this.sp]!;
  }
  private popExpect(t: number): number {
    const sp = this.sp;
    if (sp === this.height) {
      if (this.unreachable) return t;
      throw this.error('type mismatch');
    }
    const got = this.stack[sp - 1]!;
    if (got !== t && got !== UNKNOWN_TYPE && !isSubtype(got, t, this.module.superTypes)) throw this.error('type mismatch');
    this.sp = sp - 1;
    return t;
  }
  private popValues(types: readonly ValType[]): void {
    for (let i = types.length - 1; i >= 0; i--) this.popExpect(types[i]!);
  }
  private pushValues(types: readonly ValType[]): void {
    for (let i = 0; i < types.length; i++) this.push(types[i]!);
  }
  // #endregion operand-stack
  /** Check the top of the stack against `types` without popping (br_table targets). */
  private peekValues(types: readonly ValType[]): void {
    const n = types.length;
    const height = this.height;
    for (let k = 0; k < n; k++) {
      const idx = this.sp - 1 - k;
      if (idx < height) {
        if (this.unreachable) return;
        throw this.error('type mismatch');
      }
      const got = this.stack[idx]!;
      const want = types[n - 1 - k]!;
      if (got !== want && got !== UNKNOWN_TYPE && !isSubtype(got, want, this.module.superTypes)) throw this.error('type mismatch');
    }
  }

  // --- the control stack ---
  // #region control-stack
  /** Enter a block: its parameters move from the enclosing frame to the new one. Returns its depth. */
  private pushFrame(kind: FrameKind, typeId: number, offset: number): number {
    const type = this.blockTypes[typeId]!;
    if (type.params.length) this.popValues(type.params);
    const frames = this.frames;
    const outer = frames.size - 1;
    const dead = outer >= 0 && (this.unreachable || frames.deadAtEntry[outer] === 1);
    const depth = frames.push(kind, typeId, this.sp, offset, dead);
    this.height = this.sp;
    this.unreachable = false;
    this.blockType = type;
    this.labels[depth] = kind === FrameKind.loop ? type.params : type.results;
    this.live = this.reporting && !dead;
    this.pushValues(type.params);
    return depth;
  }
  private setUnreachable(): void {
    this.sp = this.height;
    this.unreachable = true;
    this.frames.unreachable[this.frames.size - 1] = 1;
    this.live = false;
  }
  /** At else/end: exactly the innermost frame's results must be on the stack. */
  private checkFrameEnd(): void {
    this.popValues(this.blockType.results);
    if (this.sp !== this.height) throw this.error('type mismatch');
  }
  // #endregion control-stack

  // #region legacy-exceptions
  /** catch (tag >= 0) or catch_all (-1): the region before ends as at `else`, the catch body starts with the tag's payload. */
  private legacyCatch(tag: number, at: number, offset: number): void {
    const frames = this.frames;
    const f = frames.size - 1;
    const kind = frames.kind[f];
    if (kind !== FrameKind.try && kind !== FrameKind.catch) throw this.r.error(kind === FrameKind.catchAll ? 'catch after catch_all' : 'END opcode expected', at);
    this.checkFrameEnd();
    if (this.initCount !== 0) this.unsetLocals(f);
    const dead = frames.deadAtEntry[f] === 1;
    if (this.cg && !dead) this.cg.legacyCatch(frames.view(f), tag, offset);
    frames.kind[f] = tag < 0 ? FrameKind.catchAll : FrameKind.catch;
    frames.unreachable[f] = 0;
    this.unreachable = false;
    this.sp = this.height;
    this.live = this.reporting && !dead;
    if (tag >= 0) this.pushValues(this.module.types[this.module.tags[tag]!]!.params);
  }

  /** delegate: ends a try (in its body), naming a label outside it; then as at `end`. */
  private delegate(depth: number, at: number, offset: number): void {
    const frames = this.frames;
    const f = frames.size - 1;
    if (frames.kind[f] !== FrameKind.try) throw this.r.error('END opcode expected', at);
    if (depth >= f) throw this.error('unknown label');
    this.checkFrameEnd();
    if (this.initCount !== 0) this.unsetLocals(f);
    if (this.cg && frames.deadAtEntry[f] === 0) this.cg.delegate(frames.view(f), depth, offset);
    const results = this.blockType.results;
    const outer = f - 1;
    frames.size = f;
    this.height = frames.height[outer]!;
    this.unreachable = frames.unreachable[outer] === 1;
    this.blockType = this.blockTypes[frames.typeId[outer]!]!;
    this.live = this.reporting && !this.unreachable && frames.deadAtEntry[outer] === 0;
    this.pushValues(results);
  }
  // #endregion legacy-exceptions

  /** A tail call's callee returns to our caller, so its results must be ours (or subtypes of them). */
  private checkTailResults(callee: FuncType): void {
    if (!subtypes(callee.results, this.type.results, this.module.superTypes)) throw this.error('type mismatch');
  }
  // #region label-types
  private labelTypes(depth: number): readonly ValType[] {
    return this.labels[depth]!;
  }
  /** The depth of the frame a relative label index names. */
  private label(relativeDepth: number): number {
    if (relativeDepth >= this.frames.size) throw this.error('unknown label');
    return this.frames.size - 1 - relativeDepth;
  }
  // #endregion label-types

  // #region local-init
  /**
   * The first local.set or local.tee of a non-nullable local in a frame: it is set from here to
   * the frame's end. Returns its type.
   */
  private setLocal(i: number, unset: number): number {
    const t = unset & ~UNSET;
    this.localTypes[i] = t;
    if (this.initCount + 2 > this.initLog.length) {
      const bigger = new Int32Array(this.initLog.length * 2);
      bigger.set(this.initLog);
      this.initLog = bigger;
    }
    this.initLog[this.initCount++] = i;
    this.initLog[this.initCount++] = this.frames.size - 1;
    return t;
  }
  /** At the end (or else) of the frame at `depth`: the locals first set in it are unset again. */
  private unsetLocals(depth: number): void {
    const log = this.initLog;
    let n = this.initCount;
    while (n !== 0 && log[n - 1]! >= depth) {
      const i = log[n - 2]!;
      this.localTypes[i] = this.localTypes[i]! | UNSET;
      n -= 2;
    }
    this.initCount = n;
  }
  // #endregion local-init

  // #region call-ref
  /**
   * call_ref and return_call_ref (a method, not a case of the main loop: the loop's size counts
   * against what V8 inlines into it).
   */
  private callRef(tail: boolean, offset: number): void {
    const r = this.r;
    const m = this.module;
    const typeAt = r.pos;
    const typeIndex = r.u32();
    const ft = this.funcType(typeIndex, typeAt);
    typedRefUse.count++;
    this.refOperandNonNull = this.sp > 0 && !isNullable(this.stack[this.sp - 1]!);
    // The callee: a reference to a function of this type, `(ref null $t)`.
    this.popExpect(concreteRef(m.canonicalTypes[typeIndex]!, true));
    if (tail) this.checkTailResults(ft);
    this.popValues(ft.params);
    if (!tail) {
      this.pushValues(ft.results);
      if (this.live) this.cg!.callRef(typeIndex, ft, offset);
    } else {
      if (this.live) this.cg!.returnCallRef(typeIndex, ft, offset);
      this.setUnreachable();
    }
  }
  // #endregion call-ref

  /** Pop a reference (of any type, or unknown in unreachable code). */
  private popRef(): number {
    const t = this.pop();
    if (t !== UNKNOWN_TYPE && !isRefType(t)) throw this.error('type mismatch');
    return t;
  }

  // #region br-on-null
  /**
   * br_on_null l: a null reference branches to l with the values below it (and is dropped), a
   * non-null one stays, non-nullable now. br_on_non_null l: a non-null reference branches to l
   * (the label's last value), a null one is dropped.
   */
  private brOnNull(onNonNull: boolean, offset: number): void {
    typedRefUse.count++;
    const r = this.r;
    const depth = r.u32();
    const target = this.label(depth);
    const t = this.popRef();
    const types = this.labelTypes(target);
    if (onNonNull) {
      const n = types.length;
      if (n === 0) throw this.error('type mismatch');
      // What branches is the reference, non-null: it must fit the label's last value.
      if (t !== UNKNOWN_TYPE && !isSubtype(asNonNull(t), types[n - 1]!, this.module.superTypes)) throw this.error('type mismatch');
      for (let k = n - 2; k >= 0; k--) this.popExpect(types[k]!);
      for (let k = 0; k < n - 1; k++) this.push(types[k]!);
      if (this.live) this.cg!.brOnNonNull(depth, this.frames.view(target), offset);
    } else {
      if (types.length) {
        this.popValues(types);
        this.pushValues(types);
      }
      this.push(t === UNKNOWN_TYPE ? t : asNonNull(t));
      if (this.live) this.cg!.brOnNull(depth, this.frames.view(target), offset);
    }
  }
  // #endregion br-on-null

  /** A block type, as its id in the control stack's table (see blockTypeTable). */
  private readBlockType(): number {
    const r = this.r;
    const at = r.pos;
    if (at < r.end) {
      const b = r.bytes[at]!;
      if (b === 0x40 || (b >= 0x7b && b <= 0x7f) || b === 0x70 || b === 0x6f || b === 0x69) {
        r.pos++;
        return b;
      }
    }
    if (at < r.end) {
      const b = r.bytes[at]!;
      // A typed reference: a block type id of its own (see ControlStack.refBlockType).
      if (b === 0x63 || b === 0x64 || b === 0x73 || b === 0x72 || b === 0x74 || (b >= 0x6a && b <= 0x6e) || b === 0x71) {
        const gc = gcHeapUse.count;
        const t = readValType(r, this.module);
        if (gcHeapUse.count !== gc) this.requireGc(r.base + at);
        return this.frames.refBlockType(t);
      }
    }
    const v = r.s33();
    if (v >= 0) {
      this.funcType(v, at);
      return FIRST_TYPE_INDEX_ID + v;
    }
    throw r.error('malformed value type', at);
  }

  // #region catch-clauses
  /** A try_table's clauses, read by readCatches (one object, reused). */
  private readonly catches: CatchClauses = { count: 0, kinds: new Uint8Array(8), tags: new Uint32Array(8), labels: new Uint32Array(8) };
  private readTagIndex(): number {
    return this.readIndex(this.module.tags.length, 'tag');
  }
  /**
   * A try_table's catch clauses, each checked against its label in the context around the
   * try_table (the clauses branch from outside it): catch x carries the tag's payload, catch_ref
   * the payload and the exnref, catch_all nothing, catch_all_ref the exnref.
   */
  private readCatches(): void {
    const r = this.r;
    const c = this.catches;
    const n = r.u32();
    if (n > r.end - r.pos) throw this.error('unexpected end of section or function');
    if (c.kinds.length < n) {
      c.kinds = new Uint8Array(2 * n);
      c.tags = new Uint32Array(2 * n);
      c.labels = new Uint32Array(2 * n);
    }
    for (let k = 0; k < n; k++) {
      const at = r.pos;
      const kind = r.u8();
      if (kind > 3) throw r.error('malformed catch clause', at);
      const tag = kind < 2 ? this.readTagIndex() : 0;
      const label = r.u32();
      const types = this.labelTypes(this.label(label));
      const payload = kind < 2 ? this.module.types[this.module.tags[tag]!]!.params : NO_TYPES;
      const withRef = kind === 1 || kind === 3;
      if (types.length !== payload.length + (withRef ? 1 : 0)) throw this.error('type mismatch');
      // A clause's values reach the label as a branch's do: each a subtype of the label's (the
      // exnref of a _ref clause is never null: (ref exn)).
      for (let i = 0; i < payload.length; i++) if (!isSubtype(payload[i]!, types[i]!, this.module.superTypes)) throw this.error('type mismatch');
      if (withRef && !isSubtype(asNonNull(EXNREF), types[payload.length]!, this.module.superTypes)) throw this.error('type mismatch');
      c.kinds[k] = kind;
      c.tags[k] = tag;
      c.labels[k] = label;
    }
    c.count = n;
  }
  // #endregion catch-clauses

  private checkMemory(index: number): void {
    if (index >= this.module.memories.length) throw this.error(`unknown memory ${index}`);
  }
  /** The address type of memory `index` (checked to exist): i64 for a memory64 memory, else i32. */
  private addressType(index: number): number {
    return this.module.memories[index]!.address64 ? I64 : I32;
  }
  /** A memory index immediate: a zero byte in 2.0, any memory's index with multi-memory. */
  private readMemoryIndex(): number {
    return this.readIndex(this.module.memories.length, 'memory');
  }
  private readTableIndex(): number {
    return this.readIndex(this.module.tables.length, 'table');
  }
  /** The type index and table readIndirectCall read last. */
  private indirectType = 0;
  private indirectTable = 0;
  /**
   * call_indirect's and return_call_indirect's immediates, checked: a known type, and a table of
   * function references. Returns the type; its index and the table are left in the fields above.
   */
  private readIndirectCall(): FuncType {
    const r = this.r;
    const typeAt = r.pos;
    const typeIndex = r.u32();
    const table = this.readTableIndex();
    const ft = this.funcType(typeIndex, typeAt);
    if ((this.tableType(table) & 0xff) !== 0x70) throw this.error('type mismatch');
    this.indirectType = typeIndex;
    this.indirectTable = table;
    return ft;
  }
  /** The function type a type index immediate (at `at`) names: unknown, or a struct or array type, is invalid. */
  private funcType(index: number, at: number): FuncType {
    const ft = this.module.types[index];
    if (!ft) throw this.r.error(`unknown type ${index}`, at);
    const kind = this.module.typeDefs[index]?.kind;
    if (kind !== undefined && kind !== 'func') throw this.r.error('type mismatch', at);
    return ft;
  }
  /** An index immediate into a space of `count` things: "unknown <what> <index>" beyond it. */
  private readIndex(count: number, what: string): number {
    const at = this.r.pos;
    const index = this.r.u32();
    if (index >= count) throw this.r.error(`unknown ${what} ${index}`, at);
    return index;
  }
  /** The index type of table `index` (checked to exist): i64 for a table64 table, else i32. */
  private tableAddress(index: number): number {
    return this.module.tables[index]!.address64 ? I64 : I32;
  }
  private tableType(index: number): RefType {
    return this.module.tables[index]!.element;
  }
  private readDataIndex(): number {
    const at = this.r.pos;
    const index = this.r.u32();
    if (this.module.dataCount === undefined) throw this.r.error('data count section required', at);
    if (index >= this.module.dataCount) throw this.r.error(`unknown data segment ${index}`, at);
    return index;
  }
  private readElemIndex(): number {
    return this.readIndex(this.module.elements.length, 'elem segment');
  }

  /**
   * The body's locals (r at their declarations): parameters first, then the declared runs, into
   * localTypes, and for a code generator into `locals`. Out of validate: once per body, and what
   * it calls would count against what V8 inlines into validate's operator loop.
   */
  private readLocals(type: FuncType, base: number): void {
    const m = this.module;
    const r = this.r;
    // Locals: parameters first, then the declared runs.
    let n = type.params.length;
    if (this.localTypes.length < n) this.localTypes = new Int32Array(Math.max(n, this.localTypes.length * 2));
    for (let i = 0; i < n; i++) this.localTypes[i] = type.params[i]!;
    const groups = r.u32();
    for (let g = 0; g < groups; g++) {
      const countAt = r.pos;
      const count = r.u32();
      if (count > MAX_LOCALS - n) throw r.error('too many locals', countAt);
      const gc = gcHeapUse.count;
      let t = readValType(r, m);
      if (gcHeapUse.count !== gc) this.requireGc(base + countAt);
      if (this.localTypes.length < n + count) {
        const bigger = new Int32Array(Math.max(n + count, this.localTypes.length * 2));
        bigger.set(this.localTypes);
        this.localTypes = bigger;
      }
      if (!isDefaultable(t)) t |= UNSET;
      // A loop, not fill(): most runs are a local or two, and TypedArray.fill's call costs more than that.
      const localTypes = this.localTypes;
      for (let k = n; k < n + count; k++) localTypes[k] = t;
      n += count;
    }
    this.localCount = n;
    if (this.cg) {
      // One array for every body, rewritten in place (the code generator reads it while it
      // compiles this body only): a plain loop (Array.from over a typed subarray goes through the
      // iterator protocol), pushes and pops, so that V8 keeps it packed (a preallocated one is
      // holey: reads check for holes).
      const locals = this.locals;
      const kept = Math.min(n, locals.length);
      // The code generator sees storage types (binary/refTypes.ts): a typed reference is a funcref
      // or externref to it, and so is every reference of the any hierarchy (storageType drops UNSET too).
      for (let i = 0; i < kept; i++) locals[i] = storageType(this.localTypes[i]!);
      for (let i = kept; i < n; i++) locals.push(storageType(this.localTypes[i]!));
      while (locals.length > n) locals.pop();
    }
  }

  /**
   * Validate one body: bytes[start, end) holds the locals and the expression; `base` is the
   * module offset of bytes[0]. `next` is the byte after the body (-1 if none or not yet
   * arrived): a body without its final `end` is reported as the reference interpreter does,
   * which reads on past the body.
   */
  validate(bytes: Uint8Array, start: number, end: number, base: number, funcIndex: number, next: number, moreInSection: boolean): void {
    const m = this.module;
    const r = this.r;
    r.bytes = bytes;
    r.pos = start;
    r.end = end;
    r.base = base;
    r.funcIndex = funcIndex;
    r.endMessage = 'unexpected end of section or function';
    this.funcIndex = funcIndex;
    const type = m.types[m.functions[funcIndex]!]!;
    this.type = type;
    const cg = this.cg;
    this.readLocals(type, base);

    this.sp = 0;
    this.initCount = 0;
    this.frames.size = 0;
    this.reporting = cg !== null;
    // The function frame takes no operands: push it with the void type, then give it the real one.
    this.pushFrame(FrameKind.function, VOID_BLOCK_ID, base + start);
    this.frames.typeId[0] = FIRST_TYPE_INDEX_ID + m.functions[funcIndex]!;
    this.blockType = type;
    this.labels[0] = type.results;
    if (cg) {
      const e = this.expression;
      e.code = bytes;
      e.start = r.pos;
      e.end = end;
      e.base = base;
      cg.beginFunction(this, base + start);
    }

    // The position lives in a local for speed; r.pos is set from it before any call that reads.
    let pos = r.pos;
    for (;;) {
      if (pos >= end) {
        r.pos = pos;
        // At the end of the body, where the missing `end` should have been (as V8 reports it).
        throw r.error(
          moreInSection ? 'END opcode expected' : next === 0x0b ? 'section size mismatch' : 'unexpected end of section or function',
          end,
        );
      }
      const at = pos;
      this.opAt = at;
      const offset = base + at;
      const op = bytes[pos++]!;
      switch (op) {
        // ---- variables (first: the most frequent) ----
        case 0x20: { // local.get
          let i = bytes[pos]!;
          if (i < 0x80 && pos < end) pos++;
          else { r.pos = pos; i = r.u32(); pos = r.pos; }
          if (i >= this.localCount) throw r.error(`unknown local ${i}`, at + 1);
          const t = this.localTypes[i]!;
          if (t < 0) throw r.error('uninitialized local', at);
          this.push(t);
          if (this.live) cg!.localGet(i, t as ValType, offset);
          break;
        }
        case 0x21: // local.set
        case 0x22: { // local.tee
          let i = bytes[pos]!;
          if (i < 0x80 && pos < end) pos++;
          else { r.pos = pos; i = r.u32(); pos = r.pos; }
          if (i >= this.localCount) throw r.error(`unknown local ${i}`, at + 1);
          let t = this.localTypes[i]!;
          if (t < 0) t = this.setLocal(i, t);
          // The operand in place (the common case) is checked here, anything else by popExpect.
          const sp = this.sp;
          if (sp > this.height && this.stack[sp - 1] === t) {
            if (op === 0x21) this.sp = sp - 1;
          } else {
            this.popExpect(t);
            if (op === 0x22) this.push(t);
          }
          if (this.live) {
            if (op === 0x21) cg!.localSet(i, t as ValType, offset);
            else cg!.localTee(i, t as ValType, offset);
          }
          break;
        }
        case 0x23: { // global.get
          let i = bytes[pos]!;
          if (i < 0x80 && pos < end) pos++;
          else { r.pos = pos; i = r.u32(); pos = r.pos; }
          const g = m.globals[i];
          if (!g) throw r.error(`unknown global ${i}`, at + 1);
          this.push(g.type.type);
          if (this.live) cg!.globalGet(i, g.type, offset);
          break;
        }
        case 0x24: { // global.set
          let i = bytes[pos]!;
          if (i < 0x80 && pos < end) pos++;
          else { r.pos = pos; i = r.u32(); pos = r.pos; }
          const g = m.globals[i];
          if (!g) throw r.error(`unknown global ${i}`, at + 1);
          if (!g.type.mutable) throw r.error('immutable global', at);
          this.popExpect(g.type.type);
          if (this.live) cg!.globalSet(i, g.type, offset);
          break;
        }
        case 0x41: { // i32.const
          // One or two bytes (values from -8192 to 8191) decoded here, sign-extended by shifts.
          let v = bytes[pos]!;
          if (v < 0x80 && pos < end) {
            v = (v << 25) >> 25;
            pos++;
          } else if (pos + 1 < end && bytes[pos + 1]! < 0x80) {
            v = (((bytes[pos + 1]! << 7) | (v & 0x7f)) << 18) >> 18;
            pos += 2;
          } else { r.pos = pos; v = r.s32(); pos = r.pos; }
          this.push(I32);
          if (this.live) cg!.i32Const(v, offset);
          break;
        }

        // ---- control ----
        case 0x00: // unreachable
          if (this.live) cg!.unreachable(offset);
          this.setUnreachable();
          break;
        case 0x01: // nop
          break;
        case 0x02: // block
        case 0x03: // loop
        case 0x04: { // if
          let bt = bytes[pos]!;
          if (bt === VOID_BLOCK_ID && pos < end) pos++; // most blocks take and give nothing
          else { r.pos = pos; bt = this.readBlockType(); pos = r.pos; }
          if (op === 0x04) {
            // The condition in place (the common case) is checked here, anything else by popExpect.
            const sp = this.sp;
            if (sp > this.height && this.stack[sp - 1] === I32) this.sp = sp - 1;
            else this.popExpect(I32);
          }
          const kind = op === 0x02 ? FrameKind.block : op === 0x03 ? FrameKind.loop : FrameKind.if;
          const frames = this.frames;
          let f = frames.size;
          if (bt === VOID_BLOCK_ID && f < frames.kind.length) {
            // pushFrame for a block that takes and gives nothing (most), written out: the calls to it
            // and to ControlStack.push cost more than these stores (V8 inlines neither here).
            const dead = this.unreachable || frames.deadAtEntry[f - 1] === 1;
            frames.kind[f] = kind;
            frames.typeId[f] = VOID_BLOCK_ID;
            frames.height[f] = this.sp;
            frames.unreachable[f] = 0;
            frames.deadAtEntry[f] = dead ? 1 : 0;
            if (frames.keepOffsets) frames.offset[f] = offset;
            frames.size = f + 1;
            this.height = this.sp;
            this.unreachable = false;
            this.blockType = VOID_BLOCK;
            this.labels[f] = VOID_BLOCK.results;
            this.live = this.reporting && !dead;
          } else f = this.pushFrame(kind, bt, offset);
          if (this.live) {
            const view = frames.view(f);
            if (op === 0x02) cg!.block(view, offset);
            else if (op === 0x03) cg!.loop(view, offset);
            else cg!.if(view, offset);
          }
          break;
        }
        case 0x05: { // else
          const frames = this.frames;
          const f = frames.size - 1;
          if (frames.kind[f] !== FrameKind.if) throw r.error('END opcode expected', at);
          const ft = this.blockType;
          // As at end: an if without results checks only the height.
          if (ft.results.length !== 0) this.checkFrameEnd();
          else if (this.sp !== this.height) throw this.error('type mismatch');
          if (this.initCount !== 0) this.unsetLocals(f);
          const dead = frames.deadAtEntry[f] === 1;
          if (cg && !dead) cg.else(frames.view(f), offset);
          frames.kind[f] = FrameKind.else;
          frames.unreachable[f] = 0;
          this.unreachable = false;
          this.sp = this.height;
          this.live = this.reporting && !dead;
          if (ft.params.length !== 0) this.pushValues(ft.params);
          break;
        }
        case 0x0b: { // end
          const frames = this.frames;
          const f = frames.size - 1;
          const ft = this.blockType;
          const results = ft.results;
          // A block without results (most) checks only the height: checkFrameEnd, a call, is for the rest.
          if (results.length !== 0) this.checkFrameEnd();
          else if (this.sp !== this.height) throw this.error('type mismatch');
          if (frames.kind[f] === FrameKind.if && !subtypes(ft.params, results, m.superTypes)) throw r.error('type mismatch', at);
          if (this.initCount !== 0) this.unsetLocals(f);
          if (cg && frames.deadAtEntry[f] === 0) cg.end(frames.view(f), offset);
          if (f === 0) {
            frames.size = 0;
            r.pos = pos;
            if (pos !== end) throw r.error('section size mismatch', pos);
            if (cg) cg.endFunction(funcIndex, offset);
            return;
          }
          // Close the frame: the one around it is innermost again. Written out here, its only use: as
          // a method V8 called it (no inlining budget left in this loop), which cost more than its stores.
          const outer = f - 1;
          frames.size = f;
          this.height = frames.height[outer]!;
          const dead = frames.unreachable[outer] === 1;
          this.unreachable = dead;
          this.blockType = this.blockTypes[frames.typeId[outer]!]!;
          this.live = this.reporting && !dead && frames.deadAtEntry[outer] === 0;
          if (results.length !== 0) this.pushValues(results);
          break;
        }
        // #region branches
        case 0x0c: { // br
          let depth = bytes[pos]!;
          if (depth < 0x80 && pos < end) pos++;
          else { r.pos = pos; depth = r.u32(); pos = r.pos; }
          const target = this.label(depth);
          const types = this.labelTypes(target);
          if (types.length) this.popValues(types);
          if (this.live) cg!.br(depth, this.frames.view(target), offset);
          this.setUnreachable();
          break;
        }
        case 0x0d: { // br_if
          let depth = bytes[pos]!;
          if (depth < 0x80 && pos < end) pos++;
          else { r.pos = pos; depth = r.u32(); pos = r.pos; }
          // label(depth) and the condition in place (the common case) checked here, anything else by
          // popExpect (V8 inlines neither call in this loop, out of budget).
          const size = this.frames.size;
          if (depth >= size) throw this.error('unknown label');
          const target = size - 1 - depth;
          const sp = this.sp;
          if (sp > this.height && this.stack[sp - 1] === I32) this.sp = sp - 1;
          else this.popExpect(I32);
          const types = this.labelTypes(target);
          if (types.length) {
            this.popValues(types);
            this.pushValues(types);
          }
          if (this.live) cg!.brIf(depth, this.frames.view(target), offset);
          break;
        }
        case 0x0e: { // br_table
          r.pos = pos;
          const count = r.u32();
          if (count > end - r.pos) throw this.error('unexpected end of section or function');
          if (this.brTargets.length < count) this.brTargets = new Uint32Array(Math.max(count, this.brTargets.length * 2));
          const targets = this.brTargets;
          // Labels of one byte (nearly all) read here, longer ones by u32 (a call per label otherwise).
          pos = r.pos;
          for (let i = 0; i < count; i++) {
            const b = bytes[pos]!;
            if (b < 0x80 && pos < end) {
              targets[i] = b;
              pos++;
            } else { r.pos = pos; targets[i] = r.u32(); pos = r.pos; }
          }
          r.pos = pos;
          const defaultDepth = r.u32();
          pos = r.pos;
          this.popExpect(I32);
          const arity = this.labelTypes(this.label(defaultDepth)).length;
          const fp = this.frames.size;
          // Marks which frames this br_table has checked: a fresh array is all unmarked.
          if (this.seen.length < fp) this.seen = new Uint32Array(this.frames.kind.length);
          const epoch = ++this.epoch;
          const seen = this.seen;
          for (let i = 0; i < count; i++) {
            const depth = targets[i]!;
            if (depth >= fp) throw this.error('unknown label');
            const absolute = fp - 1 - depth;
            const types = this.labelTypes(absolute);
            if (types.length !== arity) throw this.error('type mismatch');
            // Each distinct target's values are checked once: linear in the table plus the labels'
            // arities. (Labels carrying nothing, as most do, have none to check.)
            if (arity === 0 || seen[absolute] === epoch) continue;
            seen[absolute] = epoch;
            this.peekValues(types);
          }
          if (arity !== 0) this.popValues(this.labelTypes(this.label(defaultDepth)));
          if (this.live) cg!.brTable(targets, count, defaultDepth, offset);
          this.setUnreachable();
          break;
        }
        // #endregion branches
        case 0x0f: // return
          if (type.results.length !== 0) this.popValues(type.results);
          if (this.live) cg!.return(offset);
          this.setUnreachable();
          break;
        case 0x10: { // call
          // One or two bytes (a module of more than 128 functions calls most of them with two).
          let f = bytes[pos]!;
          if (f < 0x80 && pos < end) pos++;
          else if (pos + 1 < end && bytes[pos + 1]! < 0x80) {
            f = (f & 0x7f) | (bytes[pos + 1]! << 7);
            pos += 2;
          } else { r.pos = pos; f = r.u32(); pos = r.pos; }
          if (f >= m.functions.length) throw r.error(`unknown function ${f}`, at + 1);
          const ft = m.types[m.functions[f]!]!;
          this.popValues(ft.params);
          this.pushValues(ft.results);
          if (this.live) cg!.call(f, ft, offset);
          break;
        }
        case 0x11: { // call_indirect
          r.pos = pos;
          const ft = this.readIndirectCall();
          pos = r.pos;
          const table = this.indirectTable;
          this.popExpect(this.tableAddress(table));
          this.popValues(ft.params);
          this.pushValues(ft.results);
          if (this.live) cg!.callIndirect(this.indirectType, ft, table, offset);
          break;
        }

        case 0x14: // call_ref
        case 0x15: // return_call_ref (out of this loop: see callRef)
          r.pos = pos;
          this.callRef(op === 0x15, offset);
          pos = r.pos;
          break;

        // ---- tail calls: the callee's results become ours, then the rest is unreachable as after return ----
        case 0x12: { // return_call
          r.pos = pos;
          const f = r.u32();
          pos = r.pos;
          if (f >= m.functions.length) throw r.error(`unknown function ${f}`, at + 1);
          const ft = m.types[m.functions[f]!]!;
          this.checkTailResults(ft);
          this.popValues(ft.params);
          if (this.live) cg!.returnCall(f, ft, offset);
          this.setUnreachable();
          break;
        }
        case 0x13: { // return_call_indirect
          r.pos = pos;
          const ft = this.readIndirectCall();
          pos = r.pos;
          const table = this.indirectTable;
          this.checkTailResults(ft);
          this.popExpect(this.tableAddress(table));
          this.popValues(ft.params);
          if (this.live) cg!.returnCallIndirect(this.indirectType, ft, table, offset);
          this.setUnreachable();
          break;
        }

        // ---- exception handling ----
        case 0x08: { // throw
          r.pos = pos;
          const tag = this.readTagIndex();
          pos = r.pos;
          const ft = m.types[m.tags[tag]!]!;
          this.popValues(ft.params);
          if (this.live) cg!.throw(tag, ft, offset);
          this.setUnreachable();
          break;
        }
        case 0x0a: // throw_ref
          this.popExpect(EXNREF);
          if (this.live) cg!.throwRef(offset);
          this.setUnreachable();
          break;
        case 0x1f: { // try_table
          r.pos = pos;
          const bt = this.readBlockType();
          this.readCatches();
          pos = r.pos;
          const f = this.pushFrame(FrameKind.tryTable, bt, offset);
          if (this.live) cg!.tryTable(this.frames.view(f), this.catches, offset);
          break;
        }

        // ---- legacy exception handling: try, catch, catch_all, delegate, rethrow ----
        case 0x06: { // try
          r.pos = pos;
          const bt = this.readBlockType();
          pos = r.pos;
          const f = this.pushFrame(FrameKind.try, bt, offset);
          if (this.live) cg!.legacyTry(this.frames.view(f), offset);
          break;
        }
        case 0x07: // catch
        case 0x19: { // catch_all
          r.pos = pos;
          const tag = op === 0x07 ? this.readTagIndex() : -1;
          pos = r.pos;
          this.legacyCatch(tag, at, offset);
          break;
        }
        case 0x18: { // delegate
          r.pos = pos;
          const depth = r.u32();
          pos = r.pos;
          this.delegate(depth, at, offset);
          break;
        }
        case 0x09: { // rethrow
          r.pos = pos;
          const depth = r.u32();
          pos = r.pos;
          const kind = this.frames.kind[this.label(depth)];
          if (kind !== FrameKind.catch && kind !== FrameKind.catchAll) throw this.error('invalid rethrow label');
          if (this.live) cg!.rethrow(depth, offset);
          this.setUnreachable();
          break;
        }

        // ---- parametric ----
        case 0x1a: { // drop
          const t = this.pop();
          if (this.live) cg!.drop(t as ValType, offset);
          break;
        }
        case 0x1b: { // select
          this.popExpect(I32);
          const t1 = this.pop();
          const t2 = this.pop();
          // Numeric or vector types only: references need the typed form.
          if ((t1 !== UNKNOWN_TYPE && !isNumType(t1) && t1 !== V128) || (t2 !== UNKNOWN_TYPE && !isNumType(t2) && t2 !== V128)) {
            throw this.error('type mismatch');
          }
          if (t1 !== t2 && t1 !== UNKNOWN_TYPE && t2 !== UNKNOWN_TYPE) throw this.error('type mismatch');
          const t = t1 !== UNKNOWN_TYPE ? t1 : t2;
          this.push(t);
          if (this.live) cg!.select(t as ValType, offset);
          break;
        }
        case 0x1c: { // select t
          r.pos = pos;
          const n = r.u32();
          if (n !== 1) throw r.error('invalid result arity', at);
          const gc = gcHeapUse.count;
          const t = readValType(r, m);
          if (gcHeapUse.count !== gc) this.requireGc(offset);
          pos = r.pos;
          this.popExpect(I32);
          this.popExpect(t);
          this.popExpect(t);
          this.push(t);
          if (this.live) cg!.select(storageType(t), offset);
          break;
        }
        case 0x25: { // table.get
          r.pos = pos;
          const t = this.readTableIndex();
          pos = r.pos;
          this.popExpect(this.tableAddress(t));
          this.push(this.tableType(t));
          if (this.live) cg!.tableGet(t, offset);
          break;
        }
        case 0x26: { // table.set
          r.pos = pos;
          const t = this.readTableIndex();
          pos = r.pos;
          this.popExpect(this.tableType(t));
          this.popExpect(this.tableAddress(t));
          if (this.live) cg!.tableSet(t, offset);
          break;
        }

        // ---- memory size ----
        case 0x3f: { // memory.size
          r.pos = pos;
          const mem = this.readMemoryIndex();
          pos = r.pos;
          this.push(this.addressType(mem));
          if (this.live) cg!.memorySize(mem, offset);
          break;
        }
        case 0x40: { // memory.grow
          r.pos = pos;
          const mem = this.readMemoryIndex();
          pos = r.pos;
          const at = this.addressType(mem);
          this.popExpect(at);
          this.push(at);
          if (this.live) cg!.memoryGrow(mem, offset);
          break;
        }

        // ---- constants ----
        case 0x42: { // i64.const
          // Up to four bytes (most constants), the value fits in 28 bits: decoded here.
          let low = 0;
          let high: number;
          let shift = 0;
          let p = pos;
          let b = 0x80;
          while (b & 0x80 && shift < 28 && p < end) {
            b = bytes[p++]!;
            low |= (b & 0x7f) << shift;
            shift += 7;
          }
          if (!(b & 0x80)) {
            if (b & 0x40) low |= -1 << shift;
            high = low >> 31;
            pos = p;
          } else {
            r.pos = pos;
            r.i64();
            pos = r.pos;
            low = r.low;
            high = r.high;
          }
          this.push(0x7e);
          if (this.live) cg!.i64Const(low, high, offset);
          break;
        }
        case 0x43: {
          r.pos = pos;
          const bits = r.u32Fixed();
          pos = r.pos;
          this.push(0x7d);
          if (this.live) cg!.f32Const(bits, offset);
          break;
        }
        case 0x44:
          r.pos = pos;
          r.u64Fixed();
          pos = r.pos;
          this.push(0x7c);
          if (this.live) cg!.f64Const(r.low, r.high, offset);
          break;

        // ---- loads, stores and numeric operators: a case for every opcode, grouped by shape, so
        // that the switch's jump table reaches each one directly (a chain of tests on its family,
        // read from a table, cost more). The operand types come from the operator table's flat
        // arrays; operands not in place go to simpleOperator, the plain path. ----
        case 0x28: case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d: case 0x2e: // i32.load ... i32.load16_s
        case 0x2f: case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: // i32.load16_u ... i64.load32_u
        case 0x36: case 0x37: case 0x38: case 0x39: case 0x3a: // i32.store i64.store f32.store f64.store i32.store8
        case 0x3b: case 0x3c: case 0x3d: case 0x3e: { // i32.store16 i64.store8 i64.store16 i64.store32
          // Address (and value) in place, alignment in one byte and at most natural, a 32-bit memory present.
          const isLoad = op < 0x36;
          const stack = this.stack;
          const sp = this.sp;
          const height = this.height;
          const align = bytes[pos]!;
          const inPlace = isLoad
            ? sp - 1 >= height && stack[sp - 1] === I32
            : sp - 2 >= height && stack[sp - 1] === opParam1[op] && stack[sp - 2] === I32;
          if (inPlace && pos + 1 < end && align <= opNaturalAlign[op]! && m.memories.length !== 0 && !m.memories[0]!.address64) {
            // The offset: nearly always one or two bytes; else a LEB128, limited as in simpleOperator.
            let memOffset = bytes[pos + 1]!;
            if (memOffset < 0x80) pos += 2;
            else if (pos + 2 < end && bytes[pos + 2]! < 0x80) {
              memOffset = (memOffset & 0x7f) | (bytes[pos + 2]! << 7);
              pos += 3;
            } else {
              r.pos = pos + 1;
              memOffset = r.u64Number();
              if (memOffset > 0xffffffff) throw r.error('offset out of range', pos + 1);
              pos = r.pos;
            }
            if (isLoad) {
              stack[sp - 1] = opResult[op]!;
              if (this.live) cg!.load(op, 0, align, memOffset, offset);
            } else {
              this.sp = sp - 2;
              if (this.live) cg!.store(op, 0, align, memOffset, offset);
            }
          } else {
            r.pos = pos;
            this.simpleOperator(op, op, offset, at);
            pos = r.pos;
          }
          break;
        }

        // Two operands of one type: arithmetic (a result of that type) and comparisons (an i32).
        case 0x6a: case 0x6b: case 0x6c: case 0x6d: case 0x6e: case 0x6f: case 0x70: case 0x71:
        case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77: case 0x78: // i32.add ... i32.rotr
        case 0x7c: case 0x7d: case 0x7e: case 0x7f: case 0x80: case 0x81: case 0x82: case 0x83:
        case 0x84: case 0x85: case 0x86: case 0x87: case 0x88: case 0x89: case 0x8a: // i64.add ... i64.rotr
        case 0x92: case 0x93: case 0x94: case 0x95: case 0x96: case 0x97: case 0x98: // f32.add ... f32.copysign
        case 0xa0: case 0xa1: case 0xa2: case 0xa3: case 0xa4: case 0xa5: case 0xa6: // f64.add ... f64.copysign
        case 0x46: case 0x47: case 0x48: case 0x49: case 0x4a: case 0x4b: case 0x4c: case 0x4d:
        case 0x4e: case 0x4f: // i32.eq ... i32.ge_u
        case 0x51: case 0x52: case 0x53: case 0x54: case 0x55: case 0x56: case 0x57: case 0x58:
        case 0x59: case 0x5a: // i64.eq ... i64.ge_u
        case 0x5b: case 0x5c: case 0x5d: case 0x5e: case 0x5f: case 0x60: // f32.eq ... f32.ge
        case 0x61: case 0x62: case 0x63: case 0x64: case 0x65: case 0x66: { // f64.eq ... f64.ge
          const t = opParam0[op]!;
          const sp = this.sp;
          const stack = this.stack;
          if (sp - 2 >= this.height && stack[sp - 1] === t && stack[sp - 2] === t) {
            stack[sp - 2] = opResult[op]!;
            this.sp = sp - 1;
            if (this.live) {
              if (opFamily[op] === FAMILY_COMPARE) cg!.compare(op, offset);
              else cg!.binary(op, offset);
            }
          } else {
            r.pos = pos;
            this.simpleOperator(op, op, offset, at);
            pos = r.pos;
          }
          break;
        }
        // One operand: i32.eqz and i64.eqz (comparisons), the rest unary operators.
        case 0x45: case 0x50: // i32.eqz i64.eqz
        case 0x67: case 0x68: case 0x69: // i32.clz i32.ctz i32.popcnt
        case 0x79: case 0x7a: case 0x7b: // i64.clz i64.ctz i64.popcnt
        case 0x8b: case 0x8c: case 0x8d: case 0x8e: case 0x8f: case 0x90: case 0x91: // f32.abs ... f32.sqrt
        case 0x99: case 0x9a: case 0x9b: case 0x9c: case 0x9d: case 0x9e: case 0x9f: // f64.abs ... f64.sqrt
        case 0xa7: case 0xa8: case 0xa9: case 0xaa: case 0xab: case 0xac: case 0xad: case 0xae:
        case 0xaf: case 0xb0: case 0xb1: case 0xb2: case 0xb3: case 0xb4: case 0xb5: case 0xb6:
        case 0xb7: case 0xb8: case 0xb9: case 0xba: case 0xbb: case 0xbc: case 0xbd: case 0xbe:
        case 0xbf: case 0xc0: case 0xc1: case 0xc2: case 0xc3: case 0xc4: { // conversions: i32.wrap_i64 ... i64.extend32_s
          const sp = this.sp;
          const stack = this.stack;
          if (sp - 1 >= this.height && stack[sp - 1] === opParam0[op]) {
            stack[sp - 1] = opResult[op]!;
            if (this.live) {
              if (opFamily[op] === FAMILY_COMPARE) cg!.compare(op, offset);
              else cg!.unary(op, offset);
            }
          } else {
            r.pos = pos;
            this.simpleOperator(op, op, offset, at);
            pos = r.pos;
          }
          break;
        }

        default:
          // Prefixed and reference operators, and opcodes that are not operators of ours.
          r.pos = pos;
          if (op >= 0xd0) this.referenceOrPrefixed(op, at, offset);
          else this.simpleOperator(op, op, offset, at);
          pos = r.pos;
      }
    }
  }

  /**
   * Reference operators and the 0xfc and 0xfd prefixes, out of the main switch: its cases then
   * span only 0x00-0xc4, nearly every opcode in the range, dense enough that V8's optimizing
   * compiler dispatches through a jump table instead of a tree of comparisons (its rule weighs
   * the range against the case count).
   */
  private referenceOrPrefixed(op: number, at: number, offset: number): void {
    const r = this.r;
    const cg = this.cg;
    switch (op) {
      case 0xd0: { // ref.null
        const gc = gcHeapUse.count;
        const t = readHeapType(r, this.module);
        if (gcHeapUse.count !== gc) this.requireGc(offset);
        this.push(t);
        if (this.live) cg!.refNull(storageType(t), offset);
        break;
      }
      case 0xd1: { // ref.is_null
        const t = this.pop();
        if (t !== UNKNOWN_TYPE && !isRefType(t)) throw this.error('type mismatch');
        this.push(I32);
        if (this.live) cg!.refIsNull(offset);
        break;
      }
      case 0xd2: { // ref.func
        const f = r.u32();
        if (f >= this.module.functions.length) throw r.error(`unknown function ${f}`, at + 1);
        if (!this.module.declaredFuncRefs.has(f)) throw r.error('undeclared function reference', at);
        this.push(funcRefType(this.module, f));
        if (this.live) cg!.refFunc(f, offset);
        break;
      }
      case 0xd4: { // ref.as_non_null
        typedRefUse.count++;
        const t = this.popRef();
        this.push(t === UNKNOWN_TYPE ? t : asNonNull(t));
        if (this.live) cg!.refAsNonNull(offset);
        break;
      }
      case 0xd5: // br_on_null
      case 0xd6: // br_on_non_null
        this.brOnNull(op === 0xd6, offset);
        break;
      case 0xd3: // ref.eq
        gcUse.count++;
        this.popExpect(EQREF);
        this.popExpect(EQREF);
        this.push(I32);
        if (this.live) cg!.refEq(offset);
        break;
      case 0xfb:
        gcUse.count++;
        this.prefixedFB(at, offset);
        break;
      case 0xfc:
        this.prefixedFC(at, offset);
        break;
      case 0xfd:
        this.prefixedFD(at, offset);
        break;
      case 0xfe:
        this.prefixedFE(at, offset);
        break;
      default:
        this.simpleOperator(op, op, offset, at);
    }
  }

  /** Operators checked by their table row: numeric ops, loads and stores. */
  private simpleOperator(index: number, opcode: number, offset: number, at: number): void {
    const family = opFamily[index];
    const p0 = opParam0[index]!;
    const p1 = opParam1[index]!;
    const result = opResult[index]!;
    switch (family) {
      case FAMILY_BINARY:
      case FAMILY_COMPARE: {
        if (p1 !== 0) {
          // Fast path: both operands present with the right types.
          const sp = this.sp;
          if (sp - 2 >= this.height && this.stack[sp - 1] === p1 && this.stack[sp - 2] === p0) {
            this.stack[sp - 2] = result;
            this.sp = sp - 1;
          } else {
            this.popExpect(p1);
            this.popExpect(p0);
            this.push(result);
          }
        } else {
          this.popExpect(p0);
          this.push(result);
        }
        if (this.live) {
          if (family === FAMILY_BINARY) this.cg!.binary(opcode, offset);
          else this.cg!.compare(opcode, offset);
        }
        return;
      }
      case FAMILY_UNARY: {
        const sp = this.sp;
        if (sp - 1 >= this.height && this.stack[sp - 1] === p0) this.stack[sp - 1] = result;
        else {
          this.popExpect(p0);
          this.push(result);
        }
        if (this.live) this.cg!.unary(opcode, offset);
        return;
      }
      case FAMILY_LOAD:
      case FAMILY_STORE: {
        const memOffset = this.readMemarg(index, at);
        const align = this.memargAlign;
        // The table's address operand is i32; a memory64 memory's is i64 (memargAddress).
        const address = p0 === I32 ? this.memargAddress : p0;
        if (family === FAMILY_LOAD) {
          this.popExpect(address);
          this.push(result);
          if (this.live) this.cg!.load(opcode, this.memargMemory, align, memOffset, offset);
        } else {
          this.popExpect(p1);
          this.popExpect(address);
          if (this.live) this.cg!.store(opcode, this.memargMemory, align, memOffset, offset);
        }
        return;
      }
      case FAMILY_CONST:
        throw new Error('unreachable: constants are decoded inline');
      case FAMILY_UNSUPPORTED:
        throw unsupported(opProposal[index]!, offset);
      default: {
        const prefixed = UNSUPPORTED_PREFIXES[opcode as keyof typeof UNSUPPORTED_PREFIXES];
        if (prefixed) throw unsupported(prefixed, offset);
        throw this.r.error(`illegal opcode ${opcode.toString(16)}`, at);
      }
    }
  }

  /** The alignment (log2) of the memarg readMemarg read last. */
  private memargAlign = 0;
  /** The memory of the memarg readMemarg read last, and its address type. */
  private memargMemory = 0;
  private memargAddress = I32;
  /** A memarg of the load or store at dispatch `index`, checked: its offset (and memargAlign). */
  private readMemarg(index: number, at: number): number {
    const r = this.r;
    let align = r.u32();
    let memory = 0;
    if (align & 0x40 && align < 0x80) {
      // Bit 6 announces a memory index (multi-memory).
      align &= ~0x40;
      const memoryAt = r.pos;
      memory = r.u32();
      if (memory >= this.module.memories.length) throw r.error(`unknown memory ${memory}`, memoryAt);
    }
    if (align >= 0x40) throw r.error('malformed memop flags', at + 1);
    const offsetAt = r.pos;
    // Up to 2^64 - 1 for a memory64 memory, read as a double (above 2^53 it is rounded, and no
    // access is in bounds either way).
    const memOffset = r.u64Number();
    this.checkMemory(memory);
    const address = this.addressType(memory);
    // The alignment first, as the reference interpreter checks (align.wast breaks both rules at once).
    if (align > opNaturalAlign[index]!) throw r.error('alignment must not be larger than natural', at);
    if (memOffset > 0xffffffff && address === I32) throw r.error('offset out of range', offsetAt);
    this.memargAlign = align;
    this.memargMemory = memory;
    this.memargAddress = address;
    return memOffset;
  }

  /** FunctionContext.refOperandNonNull: whether the reference operand of the operator being reported is non-nullable. */
  refOperandNonNull = false;

  // #region require-gc
  /**
   * GC's structs and arrays in a body (an operator, a cast to a concrete type, or a local, block or
   * select type naming one) are counted (the fuzzer asks, see gcUse); the code generator compiles
   * them all (codegen/ops/gcObjects.ts, gcRefs.ts).
   */
  private requireGc(_offset: number): void {
    gcUse.count++;
  }
  // #endregion require-gc

  /** The operand stack as gcOperators.ts sees it (one object: it checks GC's operators through it). */
  private readonly gcOperands: GcOperands;
  /** The 0xfb prefix: GC's operators (gcOperators.ts). */
  private prefixedFB(at: number, offset: number): void {
    const r = this.r;
    const subAt = r.pos;
    const sub = r.u32();
    const immediates = r.pos;
    r.pos = subAt;
    const depth = REF_OPERAND_DEPTH[sub] ?? 0;
    this.refOperandNonNull = depth > 0 && this.sp >= depth && !isNullable(this.stack[this.sp - depth]!);
    validateGcOperator(this.gcOperands, at);
    if (!this.live) return;
    const cg = this.cg!;
    if (sub <= 0x13) return this.gcObjectOperator(sub, immediates, offset);
    switch (sub) {
      case 0x14: case 0x15: case 0x16: case 0x17: { // ref.test, ref.test null, ref.cast, ref.cast null
        const end = r.pos;
        r.pos = immediates;
        const target = readHeapType(r, this.module);
        r.pos = end;
        cg.refTest(sub === 0x14 || sub === 0x16 ? asNonNull(target) : target, sub >= 0x16, offset);
        return;
      }
      case 0x18: case 0x19: { // br_on_cast, br_on_cast_fail
        const { depth, target } = this.castBranchImmediates(immediates);
        cg.brOnCast(depth, this.frames.view(this.label(depth)), target, sub === 0x19, offset);
        return;
      }
      // Custom descriptors.
      case 0x20: case 0x21: case 0x22: { // struct.new_desc, struct.new_default_desc, ref.get_desc: a type index
        const end = r.pos;
        r.pos = immediates;
        const t = r.u32();
        r.pos = end;
        if (sub === 0x22) cg.refGetDesc(t, offset);
        else cg.structNewDesc(t, sub === 0x21, offset);
        return;
      }
      case 0x23: case 0x24: { // ref.cast_desc_eq (ref ht), (ref null ht)
        const end = r.pos;
        r.pos = immediates;
        const target = readHeapType(r, this.module);
        r.pos = end;
        cg.refCastDesc(sub === 0x23 ? asNonNull(target) : target, offset);
        return;
      }
      case 0x25: case 0x26: { // br_on_cast_desc_eq, br_on_cast_desc_eq_fail
        const { depth, target } = this.castBranchImmediates(immediates);
        cg.brOnCastDesc(depth, this.frames.view(this.label(depth)), target, sub === 0x26, offset);
        return;
      }
      case 0x1c: cg.refI31(offset); return;
      case 0x1d: case 0x1e: cg.i31Get(sub === 0x1d, offset); return;
      // 0x1a, 0x1b: any.convert_extern, extern.convert_any: one representation, nothing to do.
    }
  }

  /** A cast branch's immediates, read again at `immediates`: its label depth and target type (flags bit 1: the target is nullable). */
  private castBranchImmediates(immediates: number): { depth: number; target: ValType } {
    const r = this.r;
    const end = r.pos;
    r.pos = immediates;
    const flags = r.u8();
    const depth = r.u32();
    readHeapType(r, this.module);
    const target = readHeapType(r, this.module);
    r.pos = end;
    return { depth, target: flags & 2 ? target : asNonNull(target) };
  }

  // #region gc-object-dispatch
  /** GC's struct and array operators (0x00-0x13), validated already: their immediates read again for the code generator. */
  private gcObjectOperator(sub: number, immediates: number, offset: number): void {
    const r = this.r;
    const cg = this.cg!;
    if (sub === 0x0f) return cg.arrayLen(offset); // the only one without a type index
    const end = r.pos;
    r.pos = immediates;
    const t = r.u32();
    switch (sub) {
      case 0x00: case 0x01: cg.structNew(t, sub === 0x01, offset); break;
      case 0x02: case 0x03: case 0x04: cg.structGet(t, r.u32(), sub === 0x03, offset); break;
      case 0x05: cg.structSet(t, r.u32(), offset); break;
      case 0x06: case 0x07: cg.arrayNew(t, sub === 0x07, offset); break;
      case 0x08: cg.arrayNewFixed(t, r.u32(), offset); break;
      case 0x09: case 0x0a: cg.arrayNewSegment(t, r.u32(), sub === 0x09, offset); break;
      case 0x0b: case 0x0c: case 0x0d: cg.arrayGet(t, sub === 0x0c, offset); break;
      case 0x0e: cg.arraySet(t, offset); break;
      case 0x10: cg.arrayFill(t, offset); break;
      case 0x11: cg.arrayCopy(t, r.u32(), offset); break;
      case 0x12: case 0x13: cg.arrayInitSegment(t, r.u32(), sub === 0x12, offset); break;
    }
    r.pos = end;
  }
  // #endregion gc-object-dispatch

  /** The 0xfc prefix: saturating truncations, bulk memory and table operators. */
  private prefixedFC(at: number, offset: number): void {
    const r = this.r;
    const cg = this.cg;
    const sub = r.u32();
    const opcode = (0xfc << 12) | sub;
    switch (sub) {
      case 8: { // memory.init (the memory is checked before the segment, as the reference interpreter does)
        const dataAt = r.pos;
        r.u32();
        const mem = this.readMemoryIndex();
        const afterMem = r.pos;
        r.pos = dataAt;
        const data = this.readDataIndex();
        r.pos = afterMem;
        this.popExpect(I32);
        this.popExpect(I32);
        this.popExpect(this.addressType(mem));
        if (this.live) cg!.memoryInit(data, mem, offset);
        return;
      }
      case 9: { // data.drop
        const data = this.readDataIndex();
        if (this.live) cg!.dataDrop(data, offset);
        return;
      }
      case 10: { // memory.copy
        const dest = this.readMemoryIndex();
        const source = this.readMemoryIndex();
        // The length is the narrower of the two address types.
        const destAddress = this.addressType(dest), sourceAddress = this.addressType(source);
        this.popExpect(destAddress === I64 && sourceAddress === I64 ? I64 : I32);
        this.popExpect(sourceAddress);
        this.popExpect(destAddress);
        if (this.live) cg!.memoryCopy(dest, source, offset);
        return;
      }
      case 11: { // memory.fill
        const mem = this.readMemoryIndex();
        const address = this.addressType(mem);
        this.popExpect(address);
        this.popExpect(I32);
        this.popExpect(address);
        if (this.live) cg!.memoryFill(mem, offset);
        return;
      }
      case 12: { // table.init (the table is checked before the segment)
        const elemAt = r.pos;
        r.u32();
        const table = this.readTableIndex();
        const afterTable = r.pos;
        r.pos = elemAt;
        const elem = this.readElemIndex();
        r.pos = afterTable;
        if (!isSubtype(this.module.elements[elem]!.type, this.tableType(table), this.module.superTypes)) throw this.error('type mismatch');
        this.popExpect(I32);
        this.popExpect(I32);
        this.popExpect(this.tableAddress(table));
        if (this.live) cg!.tableInit(elem, table, offset);
        return;
      }
      case 13: { // elem.drop
        const elem = this.readElemIndex();
        if (this.live) cg!.elemDrop(elem, offset);
        return;
      }
      case 14: { // table.copy
        const dest = this.readTableIndex();
        const source = this.readTableIndex();
        if (!isSubtype(this.tableType(source), this.tableType(dest), this.module.superTypes)) throw this.error('type mismatch');
        // The length is the narrower of the two index types.
        const destAddress = this.tableAddress(dest), sourceAddress = this.tableAddress(source);
        this.popExpect(destAddress === I64 && sourceAddress === I64 ? I64 : I32);
        this.popExpect(sourceAddress);
        this.popExpect(destAddress);
        if (this.live) cg!.tableCopy(dest, source, offset);
        return;
      }
      case 15: { // table.grow
        const t = this.readTableIndex();
        const address = this.tableAddress(t);
        this.popExpect(address);
        this.popExpect(this.tableType(t));
        this.push(address);
        if (this.live) cg!.tableGrow(t, offset);
        return;
      }
      case 16: { // table.size
        const t = this.readTableIndex();
        this.push(this.tableAddress(t));
        if (this.live) cg!.tableSize(t, offset);
        return;
      }
      case 17: { // table.fill
        const t = this.readTableIndex();
        const address = this.tableAddress(t);
        this.popExpect(address);
        this.popExpect(this.tableType(t));
        this.popExpect(address);
        if (this.live) cg!.tableFill(t, offset);
        return;
      }
      case 19: case 20: // i64.add128, i64.sub128: two i64 pairs (low, high) to one
      case 21: case 22: // i64.mul_wide_s, i64.mul_wide_u: two i64s to their product's halves
        for (let n = sub < 21 ? 4 : 2; n > 0; n--) this.popExpect(I64);
        this.push(I64);
        this.push(I64);
        if (this.live) cg!.wideArithmetic(opcode, offset);
        return;
      default:
        if (sub < 64) this.simpleOperator(256 + sub, opcode, offset, at);
        else throw r.error(`illegal opcode fc ${sub}`, at);
    }
  }

  /** The immediate of v128.const, or i8x16.shuffle's lanes: reused (the code generator copies it). */
  private readonly sixteenBytes = new Uint8Array(16);
  /** Read 16 raw bytes into sixteenBytes (copied, not a subarray: nothing allocated per operator). */
  private readSixteenBytes(): Uint8Array {
    const r = this.r;
    r.skip(16);
    const out = this.sixteenBytes, bytes = r.bytes, from = r.pos - 16;
    for (let i = 0; i < 16; i++) out[i] = bytes[from + i]!;
    return out;
  }

  /**
   * The 0xfd prefix, fixed-width and relaxed SIMD: operators with no immediate, loads and stores are checked by
   * their table row as the scalar ones are (simpleOperator); here the immediates of their own.
   * A lane index out of range is invalid, not malformed: the decoder reads any byte.
   */
  private prefixedFD(at: number, offset: number): void {
    const r = this.r;
    const cg = this.cg;
    const sub = r.u32();
    const opcode = (0xfd << 12) | sub;
    if (sub >= SIMD_SUB_LIMIT) {
      const info = operatorInfo(opcode);
      if (info?.family === 'unsupported') throw unsupported(info.proposal, offset);
      throw r.error(`illegal opcode fd ${sub}`, at);
    }
    const index = SIMD_DISPATCH + sub;
    switch (opFamily[index]) {
      case FAMILY_V128CONST: {
        const bytes = this.readSixteenBytes();
        this.push(V128);
        if (this.live) cg!.v128Const(bytes, offset);
        return;
      }
      case FAMILY_SHUFFLE: {
        const lanes = this.readSixteenBytes();
        for (let i = 0; i < 16; i++) if (lanes[i]! >= 32) throw this.error('invalid lane index');
        this.popExpect(V128);
        this.popExpect(V128);
        this.push(V128);
        if (this.live) cg!.shuffle(lanes, offset);
        return;
      }
      case FAMILY_LANE: {
        const lane = r.u8();
        if (lane >= opLaneCount[index]!) throw this.error('invalid lane index');
        this.popOperands(index);
        if (this.live) cg!.simdLane(opcode, lane, offset);
        return;
      }
      case FAMILY_LOAD_LANE:
      case FAMILY_STORE_LANE: {
        const memOffset = this.readMemarg(index, at);
        const align = this.memargAlign;
        const lane = r.u8();
        if (lane >= opLaneCount[index]!) throw this.error('invalid lane index');
        if (opFamily[index] === FAMILY_LOAD_LANE) {
          this.popExpect(V128);
          this.popExpect(this.memargAddress);
          this.push(V128);
        } else {
          this.popExpect(V128);
          this.popExpect(this.memargAddress);
        }
        if (!this.live) return;
        if (opFamily[index] === FAMILY_LOAD_LANE) cg!.loadLane(opcode, this.memargMemory, align, memOffset, lane, offset);
        else cg!.storeLane(opcode, this.memargMemory, align, memOffset, lane, offset);
        return;
      }
      case FAMILY_TERNARY:
        this.popOperands(index);
        if (this.live) cg!.ternary(opcode, offset);
        return;
      case 0:
        throw r.error(`illegal opcode fd ${sub}`, at);
      default:
        this.simpleOperator(index, opcode, offset, at);
    }
  }

  // #region atomic-validation
  /**
   * The 0xfe prefix, threads: atomic.fence (a reserved zero byte), and every other operator an
   * access through a memarg whose alignment must be exactly natural. The address operand is the
   * memory's address type (i64 for a memory64 memory), the others as the row says. Any memory,
   * shared or not, is valid: waiting on an unshared one traps when it runs.
   */
  private prefixedFE(at: number, offset: number): void {
    const r = this.r;
    const sub = r.u32();
    const opcode = (0xfe << 12) | sub;
    const index = sub < ATOMIC_SUB_LIMIT ? ATOMIC_DISPATCH + sub : -1;
    if (index < 0 || opFamily[index] === 0) throw r.error(`illegal opcode fe ${sub}`, at);
    if (opFamily[index] !== FAMILY_ATOMIC) { // atomic.fence
      if (r.u8() !== 0) throw r.error('malformed atomic.fence: zero byte expected', at);
      if (this.live) this.cg!.atomicFence(offset);
      return;
    }
    const memOffset = this.readMemarg(index, at);
    if (this.memargAlign !== opNaturalAlign[index]) throw this.error('atomic alignment must be natural');
    const p1 = opParam1[index]!, p2 = opParam2[index]!, result = opResult[index]!;
    if (p2 !== 0) this.popExpect(p2);
    if (p1 !== 0) this.popExpect(p1);
    this.popExpect(this.memargAddress);
    if (result !== 0) this.push(result);
    if (this.live) this.cg!.atomic(opcode, this.memargMemory, memOffset, offset);
  }
  // #endregion atomic-validation

  /** Pop the operands of the operator at dispatch `index` (up to three, by its row) and push its result. */
  private popOperands(index: number): void {
    const p1 = opParam1[index]!, p2 = opParam2[index]!, result = opResult[index]!;
    if (p2 !== 0) this.popExpect(p2);
    if (p1 !== 0) this.popExpect(p1);
    this.popExpect(opParam0[index]!);
    if (result !== 0) this.push(result);
  }
}
