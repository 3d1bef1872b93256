// Converting between JS values and wasm values in 8-byte slots, as the WebAssembly JS API
// does (ToWebAssemblyValue / ToJSValue): i32 as a Number, i64 as a BigInt, f32/f64 as Numbers,
// externref and anyref as any JS value (word 0 is null; a GC object as its wrapper, gcWrappers.ts),
// funcref as an exported function or null.

import { NULL_REF } from '../abi/index.ts';
import { isRefType, ValType } from '../binary/types.ts';
import {
  ANYREF, isExact, isNullable, isTypedRef, REF_BOTTOM, REF_INDEX_SHIFT, REF_KIND_ARRAY, REF_KIND_EQ, REF_KIND_I31, REF_KIND_STRUCT, refKind, refTypeIndex, refTypeName, storageType,
} from '../binary/refTypes.ts';
import type { SlotViews } from './runtimeState.ts';
import { isSubtypeId } from './supertypeIds.ts';
import { headerOf, isArrayHeader, isStructHeader, objectAddress, typeIdOfHeader, wrapObject } from './gcWrappers.ts';

// #region reference-words
/**
 * externref and the any hierarchy share one representation, a 64-bit word, so any.convert_extern
 * and extern.convert_any are free: 0 is null; an odd word is an i31, its value shifted left by one
 * (the low 32 bits, so two equal i31s are equal words: ref.eq compares words); a word whose low
 * two bits are 10 is a host value, its handle times four plus two; a GC object (a word that is
 * a multiple of 8) is its address.
 */
export const HOST_TAG = 2;
const hostWord = (handle: number): number => handle * 4 + HOST_TAG;
/** The word of an i31 (v in [-2^30, 2^30)). */
export const i31Word = (v: number): number => ((v << 1) | 1) >>> 0;
/** An i31's value, signed, from its word. */
export const i31Value = (word: number): number => (word | 0) >> 1;
/** A JS Number the JS API turns into an i31 (ToWebAssemblyValue for anyref, eqref, i31ref and externref). */
export const isI31Number = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= -0x40000000 && v < 0x40000000 && !Object.is(v, -0);
// #endregion reference-words

// #region externref-handles
/**
 * externref values cross into wasm as 64-bit handles: an index into this table plus one (0 is
 * null), as a word times four plus two (reference-words above: an i31 needs no handle). Wasm may copy a handle anywhere it can hold an externref: tables, globals, passive
 * element segments, and its own stack while it runs. So handles are collected only when no wasm
 * activation is running (then the stack holds none), at a safe point where no handle is in
 * flight between JS and wasm (safePoint()): the table marks every handle the live tables, globals
 * and segments hold (the "markers" registered by the runtime) and frees the rest for reuse, their
 * values becoming collectable. It collects when the number of handles has doubled since the last
 * time, so the cost is amortised (linear in the handles made).
 *
 * A handle only closed groups of instances hold (see ValueKeeper) is kept by its group, and the
 * table refers to its object weakly. Otherwise an object that refers back to the instance holding
 * it (a WASI shim's, say) would keep the instance alive for ever.
 */
class ExternRefTable {
  /** By handle - 1: the value, a Weak reference to an object a keeper holds, or FREE. */
  private readonly values: unknown[] = [];
  /** The handles of the values held here, and (weakly) of the objects keepers hold. */
  private readonly handles = new Map<unknown, number>();
  private readonly weakHandles = new WeakMap<object, number>();
  /** How many values were Weak after the last collection (at most: then toHandle looks in weakHandles). */
  private weakCount = 0;
  private readonly free: number[] = [];
  private inUse = 0;
  /** By handle - 1: the safe point after which toHandle last gave it out (it may be in flight). */
  private readonly given: number[] = [];
  private safePoints = 0;
  /** Collect when this many handles are in use. */
  private nextCollection = 65_536;
  /** Each calls `mark(handle, keeper)` for every handle some live table, global or segment holds. */
  readonly markers: ((mark: (handle: number, keeper: ValueKeeper | undefined) => void) => void)[] = [];
  private readonly keepers = new Set<WeakRef<ValueKeeper>>();
  /** Whether collecting is safe now (the runtime: no wasm activation is running). */
  canCollect: () => boolean = () => false;
  collections = 0;
  /** Values left to keepers so far (for tests). */
  weakened = 0;

  get size(): number {
    return this.inUse;
  }

  toHandle(value: unknown): number {
    if (value === null) return NULL_REF;
    if (isI31Number(value)) return i31Word(value);
    let h = this.handles.get(value);
    if (h === undefined) {
      // A GC object's wrapper (gcWrappers.ts) crosses as the object's own word, not as a host value.
      const address = objectAddress(value);
      if (address !== undefined) return address;
      if (this.weakCount > 0 && isObject(value) && (h = this.weakHandles.get(value)) !== undefined) {
        // In flight again, so wasm may store it where its keeper is not: held here until the next collection.
        this.hold(h, value);
      } else {
        h = this.free.pop();
        if (h === undefined) {
          this.values.push(value);
          h = this.values.length;
        } else this.values[h - 1] = value;
        this.handles.set(value, h);
        this.inUse++;
      }
    }
    this.given[h - 1] = this.safePoints;
    return hostWord(h);
  }
  fromHandle(word: number): unknown {
    if (word === NULL_REF) return null;
    if (word & 1) return i31Value(word);
    if ((word & 7) === 0) return wrapObject(word); // a GC object
    if ((word & 3) !== HOST_TAG) throw new RangeError(`not an externref handle: ${word}`);
    const handle = (word - HOST_TAG) / 4;
    const value = this.values[handle - 1];
    if (value instanceof Weak) return value.deref();
    if (value === FREE || handle > this.values.length) throw new RangeError(`bad externref handle ${handle}`);
    return value;
  }

  // #endregion externref-handles

  /** A keeper for a new instance, table or global: a closed group of its own until joined or released. */
  newKeeper(): ValueKeeper {
    const keeper = new ValueKeeper();
    if (this.noneClosed) keeper.released = true;
    else {
      this.keepers.add(new WeakRef(keeper));
      if (this.keepers.size >= this.nextKeeperSweep) this.sweepKeepers();
    }
    return keeper;
  }
  /**
   * The groups of `a` and `b` become one (wasm code may now move handles between their places):
   * what either holds, their common keeper holds, as long as any place of either lives.
   */
  join(a: ValueKeeper, b: ValueKeeper): void {
    let root = a.group(), other = b.group();
    if (root === other) return;
    if (other.kept.size > root.kept.size) [root, other] = [other, root];
    other.into = root;
    if (root.released || other.released) {
      this.holdKept(other);
      this.release(root);
      return;
    }
    for (const object of other.kept) root.kept.add(object);
    other.kept = new Set();
  }
  /** For good: the objects `keeper`'s group holds are held by this table again. */
  release(keeper: ValueKeeper): void {
    keeper = keeper.group();
    if (keeper.released) return;
    keeper.released = true;
    this.holdKept(keeper);
  }
  private holdKept(keeper: ValueKeeper): void {
    for (const object of keeper.kept) {
      const h = this.weakHandles.get(object);
      if (h !== undefined) this.hold(h, object);
    }
    keeper.kept.clear();
  }
  /** For good: no group is closed (a function reference went where nothing says). */
  releaseAll(): void {
    this.noneClosed = true;
    for (const ref of this.keepers) {
      const keeper = ref.deref();
      if (keeper) this.release(keeper);
    }
    this.keepers.clear();
  }
  private noneClosed = false;
  /** Forget dead, joined and released keepers (amortised: when the set has doubled). */
  private sweepKeepers(): void {
    for (const ref of this.keepers) {
      const keeper = ref.deref();
      if (!keeper || keeper.released || keeper.into) this.keepers.delete(ref);
    }
    this.nextKeeperSweep = Math.max(1024, 2 * this.keepers.size);
  }
  private nextKeeperSweep = 1024;
  /** Handle `h`'s object, held weakly, is held here again. */
  private hold(h: number, object: object): void {
    this.weakHandles.delete(object);
    this.handles.set(object, h);
    this.values[h - 1] = object;
  }

  /**
   * Called where no handle is in flight (before a call's arguments, or a table or global store, are
   * converted to handles): collects if the handles have doubled since the last time.
   */
  safePoint(): void {
    this.safePoints++;
    if (this.inUse >= this.nextCollection && this.canCollect()) this.collect();
  }

  // #region externref-collect
  /**
   * Free every handle nothing marks, and leave each object only closed instances hold to them.
   * Outside a safe point (the runtime's reclaim), what toHandle gave out since the last one may be
   * in flight, so it counts as marked.
   */
  collect(): void {
    // New sets, swapped in at the end: until then the old ones hold what they held (a GC may come).
    const kept = new Map<ValueKeeper, Set<object>>();
    // Per handle: HELD if a table, global or segment this table must hold for marks it, KEPT if a keeper does.
    const marks = new Uint8Array(this.values.length + 1);
    const mark = (word: number, keeper: ValueKeeper | undefined) => {
      if ((word & 3) !== HOST_TAG) return; // null, an i31
      const h = (word - HOST_TAG) / 4;
      if (!(h > 0 && h < marks.length)) return;
      const value = this.values[h - 1];
      const object = value instanceof Weak ? value.peek() : value;
      if (keeper) keeper = keeper.group();
      if (keeper && !keeper.released && isObject(object)) {
        let set = kept.get(keeper);
        if (!set) kept.set(keeper, (set = new Set()));
        set.add(object);
        marks[h]! |= KEPT;
      } else marks[h]! |= HELD;
    };
    for (const marker of this.markers) marker(mark);
    for (let h = 1; h < marks.length; h++) if (this.given[h - 1] === this.safePoints) marks[h]! |= HELD;
    let weak = 0;
    for (let h = 1; h < marks.length; h++) {
      const value = this.values[h - 1];
      if (value === FREE) continue;
      if (marks[h] === 0) {
        if (!(value instanceof Weak)) this.handles.delete(value);
        else {
          const object = value.peek();
          if (object) this.weakHandles.delete(object);
        }
        this.values[h - 1] = FREE;
        this.free.push(h);
        this.inUse--;
      } else if (value instanceof Weak) {
        const object = value.peek();
        if (marks[h]! & HELD && object) this.hold(h, object);
        else weak++;
      } else if (!(marks[h]! & HELD)) {
        // Only keepers hold it.
        this.handles.delete(value);
        this.weakHandles.set(value as object, h);
        this.values[h - 1] = new Weak(value as object);
        this.weakened++;
        weak++;
      }
    }
    this.weakCount = weak;
    for (const ref of this.keepers) {
      const keeper = ref.deref();
      if (!keeper || keeper.released || keeper.into) this.keepers.delete(ref);
      else keeper.kept = kept.get(keeper) ?? new Set();
    }
    // Emptied: `mark` may outlive this call (a call site's feedback in V8 can keep the closure,
    // and so this Map, alive through the next GC, and with it every object it lists).
    kept.clear();
    this.nextCollection = Math.max(65_536, 2 * this.inUse);
    this.collections++;
  }
}
// #endregion externref-collect

// #region value-keeper
/**
 * What a closed group of instances holds: the objects its tables, globals and segments hold, as
 * of the last collection. A group is closed while wasm code can move its handles only among its
 * own places: an instance, its tables and globals are one group; importing another instance's
 * table or reference global, or a function whose type has a reference parameter or result, joins
 * the two groups, and so does a function reference of such a type crossing from JS into wasm (the
 * receiving table, global or instance and the function's instance: code that can call it can hand
 * it handles, and it can return its own). Every place of a group refers to its keeper, so what the
 * group holds lives as long as any of them does, and a cycle through the group is garbage like any
 * other. A group is released for good (its objects held by the handle table again) when a handle
 * may leave it in wasm: its module declares GC types (an object's field can hold a handle, and any
 * instance can read it), or a function reference of its went where nothing says.
 */
export class ValueKeeper {
  kept = new Set<object>();
  released = false;
  /** Once joined to another group: a keeper of that group (which holds what this one held). */
  into: ValueKeeper | undefined;
  /** The keeper that speaks for this one's group. */
  group(): ValueKeeper {
    let root: ValueKeeper = this;
    while (root.into) root = root.into;
    // Shortened paths: each keeper of the group points at the root (which they keep alive).
    for (let k: ValueKeeper = this; k.into && k.into !== root; ) {
      const next: ValueKeeper = k.into;
      k.into = root;
      k = next;
    }
    return root;
  }
}
// #endregion value-keeper

const FREE = Symbol('free handle');
const HELD = 1;
const KEPT = 2;
class Weak {
  private readonly ref: WeakRef<object>;
  constructor(object: object) {
    this.ref = new WeakRef(object);
  }
  deref(): object {
    const object = this.ref.deref();
    if (object === undefined) throw new Error('an externref value was collected while wasm still held it (a Lightbeam bug)');
    return object;
  }
  peek(): object | undefined {
    return this.ref.deref();
  }
}
function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
export const externRefs = new ExternRefTable();

/** Where a function reference from JS goes: a table, a global, or the instance whose code receives it. */
export interface FunctionHolder {
  /** What it keeps alive: the instances whose functions it holds or may hold (and see funcRefs.toAddress). */
  readonly owners: Set<object>;
  /** Its group's keeper (ValueKeeper): a function reference crossing to it joins its instance's group. */
  readonly keeper: ValueKeeper | undefined;
}

/** How funcrefs cross: the instance layer installs these (a record address <-> an exported function). */
export const funcRefs = {
  /**
   * The record address of a function reference crossing from JS into wasm, to `holder`, which
   * from then on keeps the function's instance alive (undefined: nothing says where it goes, and
   * the function's instance is kept for good).
   */
  toAddress(value: unknown, _holder: FunctionHolder | undefined): number {
    if (value === null) return NULL_REF;
    throw new TypeError('not a WebAssembly function');
  },
  fromAddress(address: number): unknown {
    if (address === NULL_REF) return null;
    throw new TypeError('funcref conversion is not installed');
  },
  /** The process-wide type id (runtime/typeIds.ts) of the function whose record is at `address`. */
  typeIdAt(_address: number): number {
    throw new TypeError('funcref conversion is not installed');
  },
};

/**
 * A reference type in global form as an error message names it: a concrete type's process-wide id
 * (runtime/typeIds.ts) means nothing to the reader and differs from process to process, so it
 * reads as its kind: `(ref null <struct type>)`.
 */
function globalTypeName(type: number): string {
  if (refTypeIndex(type) < 0) return refTypeName(type);
  const kind = refKind(type) === REF_KIND_STRUCT ? 'struct' : refKind(type) === REF_KIND_ARRAY ? 'array' : 'function';
  return `(ref ${isNullable(type) ? 'null ' : ''}<${kind} type>)`;
}

// #region typed-ref-to-wasm
/**
 * The JS API's ToWebAssemblyValue for a typed reference (function references; `type` in its global
 * form, runtime/typeIds.ts): null only for a nullable type, an exported wasm function of the type
 * a `(ref $t)` names or of a subtype it declares (GC; not for an exact type), anything for
 * `(ref extern)` but null.
 * TypeError otherwise.
 */
function typedRefToWasm(type: number, value: unknown, holder: FunctionHolder | undefined): number {
  if (value === null) {
    if (!isNullable(type)) throw new TypeError(`null is not a value of the non-nullable type ${globalTypeName(type)}`);
    return NULL_REF;
  }
  if (type & REF_BOTTOM) throw new TypeError(`only null is a value of type ${globalTypeName(type)}`);
  if ((type & 0xff) === ANYREF) return anyRefToWasm(type, value);
  if (storageType(type) === ValType.externref) return externRefs.toHandle(value);
  const address = funcRefs.toAddress(value, holder);
  const id = type >>> REF_INDEX_SHIFT; // the type id a global (ref $t) names; 0: (ref func)
  if (id !== 0 && !idMatches(funcRefs.typeIdAt(address), id, type)) throw new TypeError('the function is not of the reference\'s type');
  return address;
}
// #endregion typed-ref-to-wasm

// #region any-ref-to-wasm
/**
 * ToWebAssemblyValue for the any hierarchy (not null): a GC object's wrapper is its object, if the
 * object is of the type (struct or array kind, a concrete type's id or a subtype's, runtime/
 * supertypeIds.ts); an integer Number in i31 range is an i31; another JS value is a host value,
 * which only anyref takes.
 */
function anyRefToWasm(type: number, value: unknown): number {
  const kind = refKind(type);
  const address = objectAddress(value);
  if (address !== undefined) {
    if (objectIsOfType(headerOf(address), type)) return address;
  } else if (kind === 0) return externRefs.toHandle(value);
  else if ((kind === REF_KIND_EQ || kind === REF_KIND_I31) && refTypeIndex(type) < 0 && isI31Number(value)) return i31Word(value);
  throw new TypeError(`the value is not of type ${globalTypeName(type)}`);
}

/** Whether an object with header dword `header` (abi/gcObjects.ts) is of the any-hierarchy type `type` (in global form). */
function objectIsOfType(header: number, type: number): boolean {
  switch (refKind(type)) {
    case 0: case REF_KIND_EQ: return true;
    case REF_KIND_STRUCT: if (!isStructHeader(header)) return false; break;
    case REF_KIND_ARRAY: if (!isArrayHeader(header)) return false; break;
    default: return false; // i31
  }
  const id = type >>> REF_INDEX_SHIFT; // 0: struct or array itself
  return id === 0 || idMatches(typeIdOfHeader(header), id, type);
}

/** Whether a value of type id `actual` is of the type `id` names: that type or, unless `type` is exact (custom descriptors), a subtype. */
function idMatches(actual: number, id: number, type: number): boolean {
  return isExact(type) ? actual === id : isSubtypeId(actual, id);
}
// #endregion any-ref-to-wasm

// #region to-wasm
/**
 * Typed-array stores do the JS API's conversions themselves: Int32Array/Float32Array/Float64Array
 * apply ToNumber (a BigInt throws TypeError), BigInt64Array applies ToBigInt (a Number throws
 * TypeError) and wraps modulo 2^64. Only the upper half of an i32/f32 slot is left as it was:
 * the convention says it is undefined. A funcref is kept alive by `holder` (funcRefs.toAddress).
 */
export function writeValue(slots: SlotViews, slot: number, type: number, value: unknown, holder?: FunctionHolder): void {
  switch (type) {
    case ValType.i32:
      slots.i32[slot * 2] = value as number;
      return;
    case ValType.i64:
      slots.i64[slot] = value as bigint;
      return;
    case ValType.f32:
      slots.f32[slot * 2] = value as number;
      return;
    case ValType.f64:
      slots.f64[slot] = value as number;
      return;
    case ValType.externref:
      slots.setAddress(slot, externRefs.toHandle(value));
      return;
    case ValType.funcref:
      slots.setAddress(slot, funcRefs.toAddress(value, holder));
      return;
    default:
      if (isTypedRef(type) && isRefType(type)) return slots.setAddress(slot, typedRefToWasm(type, value, holder));
      throw new TypeError(`cannot pass a value of type 0x${type.toString(16)} to WebAssembly`);
  }
}
// #endregion to-wasm

// #region to-js
export function readValue(slots: SlotViews, slot: number, type: number): unknown {
  switch (type) {
    case ValType.i32: return slots.i32[slot * 2];
    case ValType.i64: return slots.i64[slot];
    case ValType.f32: return slots.f32[slot * 2];
    case ValType.f64: return slots.f64[slot];
    case ValType.externref: return externRefs.fromHandle(slots.getAddress(slot));
    case ValType.funcref: return funcRefs.fromAddress(slots.getAddress(slot));
    default:
      // A typed reference reads as the funcref or externref it is stored as.
      if (isTypedRef(type) && isRefType(type)) return readValue(slots, slot, storageType(type));
      throw new TypeError(`cannot read a value of type 0x${type.toString(16)} from WebAssembly`);
  }
}
// #endregion to-js
