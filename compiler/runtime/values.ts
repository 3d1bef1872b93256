// Converting between JS values and wasm values in 8-byte slots, as the WebAssembly JS API
// does (ToWebAssemblyValue / ToJSValue): i32 as a Number, i64 as a BigInt, f32/f64 as Numbers,
// externref as any JS value (handle 0 is null), funcref as an exported function or null.

import { NULL_REF } from '../abi/index.ts';
import { ValType } from '../binary/types.ts';
import type { SlotViews } from './runtimeState.ts';

// #region externref-handles
/**
 * externref values cross into wasm as 64-bit handles: an index into this table plus one (0 is
 * null). Wasm may copy a handle anywhere it can hold an externref: tables, globals, passive
 * element segments, and its own stack while it runs. So handles are collected only when no wasm
 * activation is running (then the stack holds none), at a safe point where no handle is in
 * flight between JS and wasm (safePoint()): the table marks every handle the live tables, globals and segments hold (the
 * "markers" registered by the runtime) and frees the rest for reuse, their values becoming
 * collectable. It collects when the number of handles has doubled since the last time, so the
 * cost is amortised (linear in the handles made).
 */
class ExternRefTable {
  private readonly values: unknown[] = [];
  private readonly handles = new Map<unknown, number>();
  private readonly free: number[] = [];
  /** Collect when this many handles are in use. */
  private nextCollection = 65_536;
  /** Each calls `mark(handle)` for every handle some live table, global or segment holds. */
  readonly markers: ((mark: (handle: number) => void) => void)[] = [];
  /** Whether collecting is safe now (the runtime: no wasm activation is running). */
  canCollect: () => boolean = () => false;
  collections = 0;

  get size(): number {
    return this.handles.size;
  }

  toHandle(value: unknown): number {
    if (value === null) return NULL_REF;
    let h = this.handles.get(value);
    if (h === undefined) {
      h = this.free.pop();
      if (h === undefined) {
        this.values.push(value);
        h = this.values.length;
      } else this.values[h - 1] = value;
      this.handles.set(value, h);
    }
    return h;
  }
  fromHandle(handle: number): unknown {
    if (handle === NULL_REF) return null;
    if (handle > this.values.length) throw new RangeError(`bad externref handle ${handle}`);
    return this.values[handle - 1];
  }

  /**
   * Called where no handle is in flight (before a call's arguments, or a table or global store, are
   * converted to handles): collects if the handles have doubled since the last time.
   */
  safePoint(): void {
    if (this.handles.size >= this.nextCollection && this.canCollect()) this.collect();
  }

  /** Free every handle nothing marks. */
  collect(): void {
    const live = new Uint8Array(this.values.length + 1);
    const mark = (h: number) => {
      if (h > 0 && h < live.length) live[h] = 1;
    };
    for (const marker of this.markers) marker(mark);
    for (let h = 1; h <= this.values.length; h++) {
      // A freed slot holds undefined, whose own handle (if it has one) is another.
      if (live[h] || this.handles.get(this.values[h - 1]) !== h) continue;
      this.handles.delete(this.values[h - 1]);
      this.values[h - 1] = undefined;
      this.free.push(h);
    }
    this.nextCollection = Math.max(65_536, 2 * this.handles.size);
    this.collections++;
  }
}
export const externRefs = new ExternRefTable();
// #endregion externref-handles

/** How funcrefs cross: the instance layer installs these (a record address <-> an exported function). */
export const funcRefs = {
  toAddress(value: unknown): number {
    if (value === null) return NULL_REF;
    throw new TypeError('not a WebAssembly function');
  },
  fromAddress(address: number): unknown {
    if (address === NULL_REF) return null;
    throw new TypeError('funcref conversion is not installed');
  },
  /** The instance a function belongs to: a table or global holding it must keep that instance alive. */
  ownerOf(_value: unknown): object | undefined {
    return undefined;
  },
};

// #region to-wasm
/**
 * Typed-array stores do the JS API's conversions themselves: Int32Array/Float32Array/Float64Array
 * apply ToNumber (a BigInt throws TypeError), BigInt64Array applies ToBigInt (a Number throws
 * TypeError) and wraps modulo 2^64. Only the upper half of an i32/f32 slot is left as it was:
 * the convention says it is undefined.
 */
export function writeValue(slots: SlotViews, slot: number, type: number, value: unknown): void {
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
      slots.setAddress(slot, funcRefs.toAddress(value));
      return;
    default:
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
    default: throw new TypeError(`cannot read a value of type 0x${type.toString(16)} from WebAssembly`);
  }
}
// #endregion to-js
