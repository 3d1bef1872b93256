// The contract between the validator and the code generator.
//
// The validator drives the one pass: it decodes each operator, type-checks it, and only then
// calls the code generator with what it learned (immediates, the types it computed, the byte
// offset of the operator). The code generator never decodes and never re-checks types.
//
// Which calls happen:
// - beginModule once, when the declarations are known (at the start of the code section, or at
//   the end of a module without one); then beginFunction ... endFunction for each body in order
//   (except the bodies leavesBody turns down: nothing of those);
//   endModule once, after the last section, with the complete ModuleInfo (data segments, names).
// #region live-code-only
// - Only LIVE code is reported. An operator is reported when it is reachable: not after an
//   unconditional branch (br, br_table, return, a tail call, unreachable) in the same frame, and not inside a
//   block that itself began in dead code. Such dead blocks are never reported at all, so the
//   code generator sees a well-nested sequence of the live code only.
// - `nop` is never reported; everything else that is live is.
// - `else` and `end` are reported for every frame whose opening was reported (and `end` for the
//   function's own frame, just before endFunction). `frame.unreachable` then tells whether the
//   code falling through into them is dead.
// #endregion live-code-only
// - Operands have been popped and results pushed by the validator's type stack only; the code
//   generator keeps its own abstract value stack in step. In live code every operand type is
//   known (never UNKNOWN_TYPE).
// - `offset` is always the byte offset, in the module, of the operator's first byte (for
//   trap sites and disassembly notes).
// - Opcodes are numbers: a one-byte opcode is its byte; a prefixed one is (prefix << 12) | sub,
//   e.g. i32.trunc_sat_f32_s = 0xfc000. `operatorInfo(opcode)` in compiler/binary/operators.ts
//   gives its name and signature.
// - Objects passed in belong to the validator: a frame is a view of the validator's control
//   stack, valid only while that frame is open, and arrays (br_table targets, v128 constants,
//   shuffle lanes) are reused. Read them during the call, copy what you keep. FuncTypes and
//   ModuleInfo parts are stable.
// - Errors: throw CompileError (compiler/errors.ts) for implementation limits; anything the code
//   generator throws stops validation of the module.

import type { FuncType, GlobalType, ModuleInfo, RefType, ValType } from '../binary/types.ts';

// #region control-frame
export const FrameKind = {
  function: 0,
  block: 1,
  loop: 2,
  if: 3,
  /** An `if` frame after its `else`. */
  else: 4,
  /** Exception handling's try_table: a block whose catch clauses branch to labels around it. */
  tryTable: 5,
  /** The legacy exception handling's `try`, in its body (before any catch). */
  try: 6,
  /** A legacy `try` in one of its `catch` or `catch_all` bodies (the exception caught, for `rethrow`). */
  catch: 7,
  /** A legacy `try` in its `catch_all` body: no catch may follow. */
  catchAll: 8,
} as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** One entry of the validator's control stack, as the code generator sees it. */
export interface ControlFrame {
  readonly kind: FrameKind;
  /** The block type (for the function frame: the function's type). */
  readonly type: FuncType;
  /** Operand-stack height when the frame was entered, below its parameters. */
  readonly height: number;
  /** True once the rest of the frame is dead (after br, br_table, return or unreachable). */
  readonly unreachable: boolean;
  /** Position in the control stack: the function frame is 0. */
  readonly depth: number;
  /** Byte offset of the block/loop/if opcode (function frame: first byte of the body). */
  readonly offset: number;
}

// #region catch-clauses
/** The kinds of a try_table's catch clauses, as encoded. */
export const CatchKind = { catch: 0, catchRef: 1, catchAll: 2, catchAllRef: 3 } as const;

/**
 * A try_table's catch clauses, in order: kind, tag index (catch and catch_ref) and label, a
 * relative label index counted from the try_table's enclosing frame (clauses branch from outside
 * it). One object, reused for every try_table: copy what you keep.
 */
export interface CatchClauses {
  count: number;
  kinds: Uint8Array;
  tags: Uint32Array;
  labels: Uint32Array;
}
// #endregion catch-clauses

/** The types a branch to this frame carries: loop params (branch to its start) or results. */
export function labelTypes(frame: ControlFrame): readonly ValType[] {
  return frame.kind === FrameKind.loop ? frame.type.params : frame.type.results;
}
// #endregion control-frame

// #region function-context
/** What the validator knows while a body is being validated; handed to beginFunction. */
export interface FunctionContext {
  readonly module: ModuleInfo;
  readonly funcIndex: number;
  readonly type: FuncType;
  /**
   * Types of all locals: the parameters first, then the declared locals. One array, rewritten for
   * each body: valid until the function's end (keep a copy to hold it longer).
   */
  readonly locals: readonly ValType[];
  /** Number of open control frames (1 = only the function frame). */
  controlDepth(): number;
  /** The frame a branch with this relative label index targets (0 = innermost). */
  frame(relativeDepth: number): ControlFrame;
  /** Current height of the validator's operand stack. */
  stackHeight(): number;
  /**
   * Whether the reference operand of the operator being reported has a non-nullable type, so it
   * cannot be null and needs no null check: set for struct.get/get_s/get_u, struct.set,
   * array.get/get_s/get_u, array.set, array.len, i31.get_s/u, call_ref and return_call_ref
   * (meaningless for any other operator).
   */
  readonly refOperandNonNull: boolean;
  /**
   * Where the body's expression is: `code[start, end)` (after the local declarations, up to the
   * body's end), not yet validated: only for a cheap look ahead in beginFunction (which locals
   * are used where). One object, updated for each body (a subarray per body cost more than
   * weighing a small body's locals).
   */
  readonly expression: ExpressionBytes;
}

export interface ExpressionBytes {
  readonly code: Uint8Array;
  readonly start: number;
  readonly end: number;
  /** The module offset of code[0]: an operator at module offset o starts at code[o - base]. */
  readonly base: number;
}
// #endregion function-context

// #region code-generator
export interface CodeGenerator {
  // --- module and function ---
  beginModule(module: ModuleInfo): void;
  endModule(module: ModuleInfo): void;
  /**
   * Optional: true for a body this code generator leaves to another. Asked once for each body,
   * in order, when its size (in bytes) is known. The validator then steps over it, neither
   * validating it nor reporting anything of it: whoever splits a module this way must see every
   * body validated somewhere. A ModulePart (a worker thread's share of the functions) leaves the
   * other parts' bodies to them.
   */
  leavesBody?(funcIndex: number, size: number): boolean;
  /** `offset` is the byte offset of the body (its size field's first byte). */
  beginFunction(context: FunctionContext, offset: number): void;
  /** After the body's final `end` (which was reported as end() of the function frame). */
  endFunction(funcIndex: number, offset: number): void;

  // --- control ---
  unreachable(offset: number): void;
  /** `frame` is the new frame (already pushed; its params are on the stack). */
  block(frame: ControlFrame, offset: number): void;
  loop(frame: ControlFrame, offset: number): void;
  /** The i32 condition has been popped. */
  if(frame: ControlFrame, offset: number): void;
  /** `frame` is the if frame as the then-arm ends; frame.unreachable: the then-arm's end is dead. */
  else(frame: ControlFrame, offset: number): void;
  /** `frame` is the frame being closed (kind if = an if without else); it is popped after this call. */
  end(frame: ControlFrame, offset: number): void;
  /** `depth` is the relative label index; `target` the frame it names. */
  br(depth: number, target: ControlFrame, offset: number): void;
  /** The i32 condition has been popped. */
  brIf(depth: number, target: ControlFrame, offset: number): void;
  /** `targets` (reused: copy it) holds the relative label indices; the i32 index has been popped. */
  brTable(targets: Uint32Array, targetCount: number, defaultDepth: number, offset: number): void;
  return(offset: number): void;
  call(funcIndex: number, type: FuncType, offset: number): void;
  /** The i32 table index has been popped with the arguments. */
  callIndirect(typeIndex: number, type: FuncType, tableIndex: number, offset: number): void;
  /** A tail call (its results are the function's; the rest of the frame is dead after it, as after return). */
  returnCall(funcIndex: number, type: FuncType, offset: number): void;
  /** The i32 table index has been popped with the arguments. */
  returnCallIndirect(typeIndex: number, type: FuncType, tableIndex: number, offset: number): void;
  /** `frame` is the new try_table frame (already pushed); `catches` its clauses (reused: copy them). */
  tryTable(frame: ControlFrame, catches: CatchClauses, offset: number): void;
  /** throw: the tag's payload (its type's params) has been popped; the rest of the frame is dead. */
  throw(tagIndex: number, type: FuncType, offset: number): void;
  /** throw_ref: the exnref has been popped; the rest of the frame is dead. */
  throwRef(offset: number): void;
  /** Legacy exception handling: `try`, a block whose `catch` bodies follow its body (its frame's kind then `catch`). */
  legacyTry(frame: ControlFrame, offset: number): void;
  /**
   * `catch` (tag >= 0) or `catch_all` (tag -1): the body or the previous catch body ends (falling
   * through to the try's end unless `frame.unreachable`), and this catch body starts with the tag's payload.
   */
  legacyCatch(frame: ControlFrame, tag: number, offset: number): void;
  /** `delegate`: ends the try; what its body throws goes to the handlers of label `depth` (counted outside the try). */
  delegate(frame: ControlFrame, depth: number, offset: number): void;
  /** `rethrow`: throw again the exception caught by the catch body `depth` labels out. */
  rethrow(depth: number, offset: number): void;
  /** call_ref: the callee is a function reference above the arguments (typed, so no type check; null traps). */
  callRef(typeIndex: number, type: FuncType, offset: number): void;
  returnCallRef(typeIndex: number, type: FuncType, offset: number): void;

  // --- parametric ---
  /** `type` is the type of the dropped value. */
  drop(type: ValType, offset: number): void;
  /** `type` is the operand type, whether from the typed form (0x1c) or computed. */
  select(type: ValType, offset: number): void;

  // --- variables ---
  localGet(index: number, type: ValType, offset: number): void;
  localSet(index: number, type: ValType, offset: number): void;
  localTee(index: number, type: ValType, offset: number): void;
  globalGet(index: number, type: GlobalType, offset: number): void;
  globalSet(index: number, type: GlobalType, offset: number): void;

  // --- constants (raw bits, so NaN payloads survive; 64-bit values as two 32-bit halves) ---
  i32Const(value: number, offset: number): void;
  /** `low` and `high` are the two halves, each as a signed 32-bit number. */
  i64Const(low: number, high: number, offset: number): void;
  /** The IEEE-754 bits as an unsigned 32-bit number. */
  f32Const(bits: number, offset: number): void;
  f64Const(lowBits: number, highBits: number, offset: number): void;
  /** The 16 bytes, little-endian (lane 0 first); the array is reused: copy it. */
  v128Const(bytes: Uint8Array, offset: number): void;

  // --- numeric, by opcode ---
  /**
   * One operand, one result: clz, ctz, popcnt, abs, neg, sqrt, ceil, ..., conversions, extends,
   * reinterprets, trunc_sat; and SIMD's splats, v128.not, any_true, all_true, bitmask, lane-wise
   * unary operators and conversions (operator table: v128 operands or results).
   */
  unary(opcode: number, offset: number): void;
  /**
   * Two operands, one result: add, sub, mul, div, rem, and, or, xor, shifts, rotates, min, max,
   * copysign (operands and result of one type); and SIMD's lane-wise arithmetic and comparisons
   * (v128 results), swizzle, narrow, extmul, dot, and shifts (v128 shifted by an i32).
   */
  binary(opcode: number, offset: number): void;
  /** Comparisons to an i32 condition: eqz (one operand) and the relational operators (two). */
  compare(opcode: number, offset: number): void;
  /** Three operands, one result: v128.bitselect. */
  ternary(opcode: number, offset: number): void;
  /**
   * Wide arithmetic, two i64 results (low half, then high): i64.add128 and i64.sub128 (four i64
   * operands, two 128-bit numbers as low and high halves), i64.mul_wide_s and _u (two operands).
   */
  wideArithmetic(opcode: number, offset: number): void;
  /**
   * extract_lane (a v128 popped, the lane pushed) and replace_lane (a v128 and the lane's new
   * value popped, a v128 pushed); `lane` is below the shape's lane count.
   */
  simdLane(opcode: number, lane: number, offset: number): void;
  /** i8x16.shuffle of two v128s: `lanes` holds the 16 lane indices, each below 32 (reused: copy it). */
  shuffle(lanes: Uint8Array, offset: number): void;

  // --- memory (align is log2 of the alignment; memOffset is the memarg's u32 offset) ---
  /** Scalar loads and SIMD's v128.load, load8x8_s ... load32x2_u, load*_splat, load*_zero (by opcode). */
  load(opcode: number, memory: number, align: number, memOffset: number, offset: number): void;
  store(opcode: number, memory: number, align: number, memOffset: number, offset: number): void;
  /** v128.load8_lane ... load64_lane: the address and a v128 popped, the v128 with lane `lane` loaded pushed. */
  loadLane(opcode: number, memory: number, align: number, memOffset: number, lane: number, offset: number): void;
  /** v128.store8_lane ... store64_lane: the address and a v128 popped, lane `lane` stored. */
  storeLane(opcode: number, memory: number, align: number, memOffset: number, lane: number, offset: number): void;
  memorySize(memory: number, offset: number): void;
  memoryGrow(memory: number, offset: number): void;
  memoryInit(dataIndex: number, memory: number, offset: number): void;
  dataDrop(dataIndex: number, offset: number): void;
  memoryCopy(destMemory: number, sourceMemory: number, offset: number): void;
  memoryFill(memory: number, offset: number): void;
  /**
   * threads: an atomic access of memory `memory` (its natural alignment checked by the validator):
   * the loads, stores, read-modify-writes and cmpxchg, memory.atomic.wait32/64 and notify, by
   * opcode, operands popped and the result pushed as the operator table's row says.
   */
  atomic(opcode: number, memory: number, memOffset: number, offset: number): void;
  atomicFence(offset: number): void;

  // --- references ---
  refNull(type: RefType, offset: number): void;
  refIsNull(offset: number): void;
  refFunc(funcIndex: number, offset: number): void;
  /** ref.as_non_null: traps on null ("null reference"), else leaves the reference. */
  refAsNonNull(offset: number): void;
  /** br_on_null: branch to `target` (dropping the reference) if it is null. */
  brOnNull(depth: number, target: ControlFrame, offset: number): void;
  /** br_on_non_null: branch to `target` with the reference if it is not null, else drop it. */
  brOnNonNull(depth: number, target: ControlFrame, offset: number): void;

  // --- GC without objects: i31, ref.eq, casts to abstract types (any.convert_extern and
  // extern.convert_any change nothing: the two hierarchies share one representation) ---
  refEq(offset: number): void;
  refI31(offset: number): void;
  i31Get(signed: boolean, offset: number): void;
  /** ref.test (cast false) or ref.cast against `type`, an abstract heap type of the any hierarchy, nullable or not. */
  refTest(type: RefType, cast: boolean, offset: number): void;
  /** br_on_cast (onFail false) or br_on_cast_fail to `target` on `type` as refTest's. */
  brOnCast(depth: number, target: ControlFrame, type: RefType, onFail: boolean, offset: number): void;

  // --- GC's structs and arrays (type indices of the module; a packed field read with `signed`
  // sign-extended, else zero-extended) ---
  structNew(typeIndex: number, withDefaults: boolean, offset: number): void;
  structGet(typeIndex: number, field: number, signed: boolean, offset: number): void;
  structSet(typeIndex: number, field: number, offset: number): void;
  /** array.new (withDefault false) or array.new_default. */
  arrayNew(typeIndex: number, withDefault: boolean, offset: number): void;
  arrayNewFixed(typeIndex: number, count: number, offset: number): void;
  /** array.new_data (data true) or array.new_elem. */
  arrayNewSegment(typeIndex: number, segment: number, data: boolean, offset: number): void;
  arrayGet(typeIndex: number, signed: boolean, offset: number): void;
  arraySet(typeIndex: number, offset: number): void;
  arrayLen(offset: number): void;
  arrayFill(typeIndex: number, offset: number): void;
  arrayCopy(destType: number, sourceType: number, offset: number): void;
  /** array.init_data (data true) or array.init_elem. */
  arrayInitSegment(typeIndex: number, segment: number, data: boolean, offset: number): void;

  // --- tables ---
  tableGet(table: number, offset: number): void;
  tableSet(table: number, offset: number): void;
  tableSize(table: number, offset: number): void;
  tableGrow(table: number, offset: number): void;
  tableFill(table: number, offset: number): void;
  tableCopy(destTable: number, sourceTable: number, offset: number): void;
  tableInit(elemIndex: number, table: number, offset: number): void;
  elemDrop(elemIndex: number, offset: number): void;
}
// #endregion code-generator

/**
 * A code generator that does nothing: validation alone. Extend it to implement only some hooks
 * (e.g. in tests that record what the validator reports).
 */
export class NoopCodeGenerator implements CodeGenerator {
  beginModule(_module: ModuleInfo): void {}
  endModule(_module: ModuleInfo): void {}
  beginFunction(_context: FunctionContext, _offset: number): void {}
  endFunction(_funcIndex: number, _offset: number): void {}
  unreachable(_offset: number): void {}
  block(_frame: ControlFrame, _offset: number): void {}
  loop(_frame: ControlFrame, _offset: number): void {}
  if(_frame: ControlFrame, _offset: number): void {}
  else(_frame: ControlFrame, _offset: number): void {}
  end(_frame: ControlFrame, _offset: number): void {}
  br(_depth: number, _target: ControlFrame, _offset: number): void {}
  brIf(_depth: number, _target: ControlFrame, _offset: number): void {}
  brTable(_targets: Uint32Array, _targetCount: number, _defaultDepth: number, _offset: number): void {}
  return(_offset: number): void {}
  call(_funcIndex: number, _type: FuncType, _offset: number): void {}
  callIndirect(_typeIndex: number, _type: FuncType, _tableIndex: number, _offset: number): void {}
  returnCall(_funcIndex: number, _type: FuncType, _offset: number): void {}
  returnCallIndirect(_typeIndex: number, _type: FuncType, _tableIndex: number, _offset: number): void {}
  tryTable(_frame: ControlFrame, _catches: CatchClauses, _offset: number): void {}
  throw(_tagIndex: number, _type: FuncType, _offset: number): void {}
  throwRef(_offset: number): void {}
  callRef(_typeIndex: number, _type: FuncType, _offset: number): void {}
  returnCallRef(_typeIndex: number, _type: FuncType, _offset: number): void {}
  drop(_type: ValType, _offset: number): void {}
  select(_type: ValType, _offset: number): void {}
  localGet(_index: number, _type: ValType, _offset: number): void {}
  localSet(_index: number, _type: ValType, _offset: number): void {}
  localTee(_index: number, _type: ValType, _offset: number): void {}
  globalGet(_index: number, _type: GlobalType, _offset: number): void {}
  globalSet(_index: number, _type: GlobalType, _offset: number): void {}
  i32Const(_value: number, _offset: number): void {}
  i64Const(_low: number, _high: number, _offset: number): void {}
  f32Const(_bits: number, _offset: number): void {}
  f64Const(_lowBits: number, _highBits: number, _offset: number): void {}
  v128Const(_bytes: Uint8Array, _offset: number): void {}
  unary(_opcode: number, _offset: number): void {}
  binary(_opcode: number, _offset: number): void {}
  compare(_opcode: number, _offset: number): void {}
  ternary(_opcode: number, _offset: number): void {}
  simdLane(_opcode: number, _lane: number, _offset: number): void {}
  shuffle(_lanes: Uint8Array, _offset: number): void {}
  load(_opcode: number, _memory: number, _align: number, _memOffset: number, _offset: number): void {}
  store(_opcode: number, _memory: number, _align: number, _memOffset: number, _offset: number): void {}
  loadLane(_opcode: number, _memory: number, _align: number, _memOffset: number, _lane: number, _offset: number): void {}
  storeLane(_opcode: number, _memory: number, _align: number, _memOffset: number, _lane: number, _offset: number): void {}
  memorySize(_memory: number, _offset: number): void {}
  memoryGrow(_memory: number, _offset: number): void {}
  memoryInit(_dataIndex: number, _memory: number, _offset: number): void {}
  dataDrop(_dataIndex: number, _offset: number): void {}
  memoryCopy(_destMemory: number, _sourceMemory: number, _offset: number): void {}
  memoryFill(_memory: number, _offset: number): void {}
  atomic(_opcode: number, _memory: number, _memOffset: number, _offset: number): void {}
  atomicFence(_offset: number): void {}
  refNull(_type: RefType, _offset: number): void {}
  refIsNull(_offset: number): void {}
  refFunc(_funcIndex: number, _offset: number): void {}
  refAsNonNull(_offset: number): void {}
  brOnNull(_depth: number, _target: ControlFrame, _offset: number): void {}
  brOnNonNull(_depth: number, _target: ControlFrame, _offset: number): void {}
  refEq(_offset: number): void {}
  refI31(_offset: number): void {}
  i31Get(_signed: boolean, _offset: number): void {}
  refTest(_type: RefType, _cast: boolean, _offset: number): void {}
  brOnCast(_depth: number, _target: ControlFrame, _type: RefType, _onFail: boolean, _offset: number): void {}
  structNew(_typeIndex: number, _withDefaults: boolean, _offset: number): void {}
  structGet(_typeIndex: number, _field: number, _signed: boolean, _offset: number): void {}
  structSet(_typeIndex: number, _field: number, _offset: number): void {}
  arrayNew(_typeIndex: number, _withDefault: boolean, _offset: number): void {}
  arrayNewFixed(_typeIndex: number, _count: number, _offset: number): void {}
  arrayNewSegment(_typeIndex: number, _segment: number, _data: boolean, _offset: number): void {}
  arrayGet(_typeIndex: number, _signed: boolean, _offset: number): void {}
  arraySet(_typeIndex: number, _offset: number): void {}
  arrayLen(_offset: number): void {}
  arrayFill(_typeIndex: number, _offset: number): void {}
  arrayCopy(_destType: number, _sourceType: number, _offset: number): void {}
  arrayInitSegment(_typeIndex: number, _segment: number, _data: boolean, _offset: number): void {}
  tableGet(_table: number, _offset: number): void {}
  tableSet(_table: number, _offset: number): void {}
  tableSize(_table: number, _offset: number): void {}
  tableGrow(_table: number, _offset: number): void {}
  tableFill(_table: number, _offset: number): void {}
  tableCopy(_destTable: number, _sourceTable: number, _offset: number): void {}
  tableInit(_elemIndex: number, _table: number, _offset: number): void {}
  elemDrop(_elemIndex: number, _offset: number): void {}
  wideArithmetic(_opcode: number, _offset: number): void {}
  legacyTry(_frame: ControlFrame, _offset: number): void {}
  legacyCatch(_frame: ControlFrame, _tag: number, _offset: number): void {}
  delegate(_frame: ControlFrame, _depth: number, _offset: number): void {}
  rethrow(_depth: number, _offset: number): void {}
}
