// Exception handling's runtime half (the code generator's is compiler/codegen/exceptions.ts):
// tags, exception objects, the throw routines generated code calls, and the search for a handler.
//
// - A Tag is an object; its identity is the tag's (an imported tag is the same object).
// - An exception is a WasmException: its tag and its payload, numbers as raw bits (NaN payloads
//   survive), references as JS values. An exnref is a handle to one (externref handles: values.ts).
//   A JS value thrown into wasm (by an import) becomes one with the tag JSTag and the value as its
//   payload; leaving wasm again it is the value itself.
// - Throwing (a `throw`, a `throw_ref`, or an import call that threw) ends in `landException`:
//   it walks the handler chain (records in the frames of the running activation only: records
//   below the activation's record on the wasm stack), and at the first record with a matching
//   clause prepares the landing (pad address, rsp, rbp, r15, payload, exnref in the exception
//   area), makes the record's PREV the chain's head, and returns TrapCode.caught: the call-out
//   stub takes its trap path and the trap handler jumps to the pad. No match: the records of the
//   activation are unlinked and the exception leaves it as a JS exception (a trap's unwinding).

import { bufferOffsets, EXCEPTION_AREA, EXCEPTION_STATE, HANDLER_RECORD, TrapCode } from '../abi/index.ts';
import { type FuncType, ValType } from '../binary/types.ts';
import { isRefTypeCode } from '../binary/refTypes.ts';
import { SlotViews } from './runtimeState.ts';
import { externRefs, type FunctionHolder, funcRefs, readValue, writeValue } from './values.ts';

// #region tags
// Tag and WasmException are the JS API's WebAssembly.Tag and WebAssembly.Exception themselves
// (compiler/api dresses them as WebIDL interfaces): exceptions wasm throws to JS must be
// instances of the class JS catches them as. The runtime makes them with makeTag/makeException.

/** Value type names of the JS API's descriptors. */
const TYPE_NAMES: Readonly<Record<string, number>> = {
  i32: ValType.i32, i64: ValType.i64, f32: ValType.f32, f64: ValType.f64, v128: ValType.v128,
  externref: ValType.externref, anyfunc: ValType.funcref, funcref: ValType.funcref, exnref: ValType.exnref,
};
let madeType: FuncType | undefined;
let madeTypeId: number | undefined;
// Readers of the private fields (set by the classes' static blocks: the JS API's interfaces have no such statics).
/** A tag's type (a function type without results). */
export let tagType: (tag: Tag) => FuncType;
/** A module tag's process-wide type id (typeIds.ts); undefined for a tag made by JS, whose type is a plain function type. */
export let tagTypeId: (tag: Tag) => number | undefined;
export let exceptionTag: (e: WasmException) => Tag;
export let exceptionPayload: (e: WasmException) => readonly unknown[];
let madePayload: readonly unknown[] | undefined;

/** A tag: its type's params are the payload of the exceptions it tags. Identity is the tag's. */
export class Tag {
  readonly #type: FuncType;
  readonly #typeId: number | undefined;
  constructor(descriptor: { parameters: Iterable<string> }) {
    this.#typeId = madeTypeId;
    if (madeType) this.#type = madeType;
    else {
      if (descriptor === null || typeof descriptor !== 'object') throw new TypeError('WebAssembly.Tag(): the descriptor must be an object');
      const parameters = descriptor.parameters;
      if (parameters === undefined) throw new TypeError('WebAssembly.Tag(): the descriptor needs parameters');
      if (typeof (parameters as Iterable<string>)[Symbol.iterator] !== 'function') throw new TypeError('WebAssembly.Tag(): parameters must be a sequence');
      const params = [...parameters].map((name) => {
        const t = TYPE_NAMES[String(name)];
        if (t === undefined) throw new TypeError(`WebAssembly.Tag(): unknown value type ${String(name)}`);
        return t as ValType;
      });
      this.#type = { params, results: [] };
    }
  }
  static {
    tagType = (tag) => tag.#type;
    tagTypeId = (tag) => tag.#typeId;
  }
}


/**
 * A tag of a module (or an imported one's copy for the JS API); `typeId`: its type's process-wide
 * id, which an import of the tag must name (GC: types equal in structure may still differ, by
 * their recursion groups).
 */
export function makeTag(type: FuncType, typeId?: number): Tag {
  madeType = type;
  madeTypeId = typeId;
  try {
    return new Tag(undefined as never);
  } finally {
    madeType = undefined;
    madeTypeId = undefined;
  }
}

/** The tag of JS values thrown into wasm: catch_all catches them, and a module importing it catches them by tag. */
export const JSTag = makeTag({ params: [ValType.externref], results: [] });
// #endregion tags

// #region exception-object
/** An exception: its tag and payload (numbers as raw unsigned bits, a v128 as one 128-bit bigint, references as JS values). */
export class WasmException {
  readonly #tag: Tag;
  readonly #payload: readonly unknown[];
  declare stack?: string;
  constructor(tag: Tag, payload: Iterable<unknown>, options?: { traceStack?: boolean }) {
    if (madePayload) {
      this.#tag = tag;
      this.#payload = madePayload;
      return;
    }
    if (!(tag instanceof Tag)) throw new TypeError('WebAssembly.Exception(): the first argument must be a WebAssembly.Tag');
    if (tag === JSTag) throw new TypeError('WebAssembly.Exception(): cannot make an exception of the JS tag');
    if (payload === null || typeof payload !== 'object' || typeof (payload as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError('WebAssembly.Exception(): the payload must be a sequence');
    }
    const values = [...payload];
    const params = tagType(tag).params;
    if (values.length !== params.length) throw new TypeError('WebAssembly.Exception(): the payload does not match the tag');
    this.#tag = tag;
    this.#payload = params.map((t, i) => payloadFromJs(t, values[i]));
    if (options !== undefined && options !== null && typeof options !== 'object') throw new TypeError('WebAssembly.Exception(): options must be an object');
    if (options?.traceStack) {
      const holder: { stack?: string } = {};
      Error.captureStackTrace(holder, WasmException);
      this.stack = holder.stack ?? '';
    }
  }
  /** Is this exception tagged `tag`? */
  is(tag: Tag): boolean {
    if (!(tag instanceof Tag)) throw new TypeError('WebAssembly.Exception.is(): the argument must be a WebAssembly.Tag');
    return this.#tag === tag;
  }
  /** Payload value `index`, when the exception is tagged `tag`. */
  getArg(tag: Tag, index: number): unknown {
    if (!(tag instanceof Tag)) throw new TypeError('WebAssembly.Exception.getArg(): the first argument must be a WebAssembly.Tag');
    if (this.#tag !== tag) throw new TypeError('WebAssembly.Exception.getArg(): the exception has another tag');
    // WebIDL's [EnforceRange] unsigned long: not a finite u32 is a TypeError; past the payload a RangeError.
    const n = Number(index);
    if (!Number.isFinite(n) || Math.trunc(n) < 0 || Math.trunc(n) > 0xffffffff) throw new TypeError('WebAssembly.Exception.getArg(): bad index');
    const i = Math.trunc(n);
    const params = tagType(tag).params;
    if (i >= params.length) throw new RangeError('WebAssembly.Exception.getArg(): index out of range');
    return payloadToJs(params[i]!, this.#payload[i]);
  }
  static {
    exceptionTag = (e) => e.#tag;
    exceptionPayload = (e) => e.#payload;
  }
}


/** An exception thrown by wasm (its payload already in the runtime's form). */
export function makeException(tag: Tag, payload: readonly unknown[]): WasmException {
  madePayload = payload;
  try {
    return new WasmException(tag, payload);
  } finally {
    madePayload = undefined;
  }
}

/** Errors raised by traps: never caught by wasm, even when they come back through an import. */
export const uncatchable = new WeakSet<object>();

/** What JS sees of an exception leaving wasm: a JS value thrown into wasm is itself again. */
export function toJsException(e: WasmException): unknown {
  return exceptionTag(e) === JSTag ? exceptionPayload(e)[0] : e;
}

/** What wasm sees of something thrown in JS, or undefined when wasm may not catch it (a trap's error). */
export function fromJsException(e: unknown): WasmException | undefined {
  if (e instanceof WasmException) return e;
  if (typeof e === 'object' && e !== null && uncatchable.has(e)) return undefined;
  return makeException(JSTag, [e]);
}

const scratch = new SlotViews(new ArrayBuffer(16), 0, 2);
/** Where a function reference goes whose conversion is only a check (the payload keeps the JS value). */
const checkOnly = (): FunctionHolder => ({ owners: new Set(), keeper: undefined });
/**
 * A payload value from JS, as the JS API converts it (TypeError for a v128 or an exnref). A
 * reference stays the JS value it is, once checked against its type: its word would be no root
 * (a GC object's, or a host value's handle), and JS gets back what it gave (ToJSValue undoes
 * ToWebAssemblyValue for references).
 */
export function payloadFromJs(type: number, value: unknown): unknown {
  if (type === ValType.v128 || type === ValType.exnref) throw new TypeError('this type has no JS value');
  if (type === ValType.externref) return value;
  writeValue(scratch, 0, type, value, checkOnly()); // conversions, and a typed reference's check
  if (isRefTypeCode(type)) return value;
  return BigInt.asUintN(type === ValType.i32 || type === ValType.f32 ? 32 : 64, scratch.i64[0]!);
}

/** A payload value as JS sees it (TypeError for a v128 or an exnref). */
export function payloadToJs(type: number, value: unknown): unknown {
  if (type === ValType.v128 || type === ValType.exnref) throw new TypeError('this type has no JS value');
  if (isRefTypeCode(type)) return value;
  scratch.i64[0] = BigInt.asIntN(64, value as bigint);
  return readValue(scratch, 0, type);
}
// #endregion exception-object

// #region area
/** The payload of an exception of `type` thrown by wasm, read from the exception area. */
export function readPayload(area: SlotViews, type: FuncType): unknown[] {
  const offsets = bufferOffsets(type.params);
  return type.params.map((t, i) => {
    const k = offsets[i]! / 8;
    switch (t) {
      case ValType.i32: case ValType.f32: return BigInt(area.u32[2 * k]!);
      case ValType.i64: case ValType.f64: return BigInt.asUintN(64, area.i64[k]!);
      case ValType.v128: return (BigInt.asUintN(64, area.i64[k + 1]!) << 64n) | BigInt.asUintN(64, area.i64[k]!);
      case ValType.exnref: return externRefs.fromHandle(area.getAddress(k));
      default: return readValue(area, k, t);
    }
  });
}

/** Write a payload where a landing pad reads it; function references go to `holder` (the catching instance). */
export function writePayload(area: SlotViews, type: FuncType, payload: readonly unknown[], holder: FunctionHolder | undefined): void {
  const offsets = bufferOffsets(type.params);
  type.params.forEach((t, i) => {
    const k = offsets[i]! / 8;
    const v = payload[i];
    switch (t) {
      case ValType.i32: case ValType.f32: case ValType.i64: case ValType.f64:
        area.i64[k] = BigInt.asIntN(64, v as bigint);
        return;
      case ValType.v128:
        area.i64[k] = BigInt.asIntN(64, v as bigint);
        area.i64[k + 1] = BigInt.asIntN(64, (v as bigint) >> 64n);
        return;
      case ValType.exnref:
        area.setAddress(k, externRefs.toHandle(v));
        return;
      default:
        writeValue(area, k, t, v, holder);
    }
  });
}
// #endregion area

/** What the runtime needs to know of instances: installed by instance.ts. */
export interface ExceptionHooks {
  /** Tag `index` of the instance whose VMContext is `vmctx`. */
  tagOf(vmctx: number, index: number): Tag | undefined;
  /** The instance itself (where caught function references go). */
  holderOf(vmctx: number): FunctionHolder | undefined;
}

/** The memory the search reads: the state block and any native address (records on the wasm stack, clauses in code). */
export interface NativeReader {
  u64(address: number): number;
  u32(address: number): number;
  i32(address: number): number;
  setU64(address: number, value: number): void;
}

// #region land-exception
/**
 * Find a handler for `exception` in the activation whose record is at `activation` (records below
 * it on the stack are its frames'). Returns TrapCode.caught with the landing prepared, or
 * undefined after unlinking the activation's records. `area`: the exception area's payload.
 * `maxRecords`: the most records the walk visits (see chainLimit).
 */
export function landException(
  state: number, area: SlotViews, read: NativeReader, hooks: ExceptionHooks, activation: number, exception: WasmException,
  maxRecords: number,
): number | undefined {
  let record = read.u64(state + EXCEPTION_STATE.HANDLERS);
  for (let steps = 0; record !== 0 && record < activation; steps++) {
    if (steps === maxRecords) {
      record = 0; // a broken chain (see chainLimit): not caught; the activation's end restores the chain
      break;
    }
    const vmctx = read.u64(record + HANDLER_RECORD.VMCTX);
    const clauses = read.u64(record + HANDLER_RECORD.CLAUSES);
    const count = read.u32(clauses);
    for (let c = 0; c < count; c++) {
      const kind = read.u32(clauses + 4 + 8 * c);
      const all = kind >= 2;
      const tag = exceptionTag(exception);
      if (!all && hooks.tagOf(vmctx, read.u32(clauses + 8 + 8 * c)) !== tag) continue;
      // Caught: the pad's address, the frame, the payload, the exnref.
      const landings = read.u64(record + HANDLER_RECORD.LANDINGS);
      const at = EXCEPTION_STATE.AREA;
      read.setU64(state + at + EXCEPTION_AREA.PC, landings + read.i32(landings + 4 * c));
      read.setU64(state + at + EXCEPTION_AREA.RSP, read.u64(record + HANDLER_RECORD.RSP));
      read.setU64(state + at + EXCEPTION_AREA.RBP, read.u64(record + HANDLER_RECORD.RBP));
      read.setU64(state + at + EXCEPTION_AREA.VMCTX, vmctx);
      if (!all) writePayload(area, tagType(tag), exceptionPayload(exception), hooks.holderOf(vmctx));
      if (kind === 1 || kind === 3) read.setU64(state + at + EXCEPTION_AREA.EXNREF, externRefs.toHandle(exception));
      read.setU64(state + EXCEPTION_STATE.HANDLERS, read.u64(record + HANDLER_RECORD.PREV));
      return TrapCode.caught;
    }
    record = read.u64(record + HANDLER_RECORD.PREV);
  }
  read.setU64(state + EXCEPTION_STATE.HANDLERS, record);
  return undefined;
}
// #endregion land-exception

/**
 * The most records a walk of the chain visits, for a wasm stack of `stackBytes`: more live ones
 * than fit on it cannot be. A chain that goes on (a record a code-generator bug left linked, its
 * frame since reused, can point back at itself) is cut there: a walk ends instead of looping.
 */
export function chainLimit(stackBytes: number): number {
  return Math.ceil(stackBytes / HANDLER_RECORD.SIZE);
}

/**
 * Before a call-out's exception is looked at: drop the records of the activations nested in it,
 * all ended (those below `stackTop`, where the running activation is suspended). `maxRecords`:
 * see chainLimit.
 */
export function dropDeadRecords(state: number, read: NativeReader, stackTop: number, maxRecords: number): void {
  let record = read.u64(state + EXCEPTION_STATE.HANDLERS);
  if (record === 0 || record >= stackTop) return;
  for (let steps = 0; record !== 0 && record < stackTop; steps++) {
    if (steps === maxRecords) {
      record = 0; // a broken chain (see chainLimit)
      break;
    }
    record = read.u64(record + HANDLER_RECORD.PREV);
  }
  read.setU64(state + EXCEPTION_STATE.HANDLERS, record);
}
