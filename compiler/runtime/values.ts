// Converting between JS values and wasm values in 8-byte slots, as the WebAssembly JS API
// does (ToWebAssemblyValue / ToJSValue): i32 as a Number, i64 as a BigInt, f32/f64 as Numbers,
// externref as any JS value (handle 0 is null), funcref as an exported function or null.

import { NULL_REF } from '../abi/index.ts';
import { ValType } from '../binary/types.ts';
import type { SlotViews } from './runtimeState.ts';

// #region externref-handles
/**
 * externref values cross into wasm as 64-bit handles. A handle is an index into this table
 * plus one (0 is null). Handles are never reused: the table keeps its values alive, which is
 * simple and safe (wasm may copy a handle anywhere), at the price of memory for programs that
 * pass many distinct objects.
 */
class ExternRefTable {
  private readonly values: unknown[] = [];
  private readonly handles = new Map<unknown, number>();
  toHandle(value: unknown): number {
    if (value === null) return NULL_REF;
    let h = this.handles.get(value);
    if (h === undefined) {
      this.values.push(value);
      h = this.values.length;
      this.handles.set(value, h);
    }
    return h;
  }
  fromHandle(handle: number): unknown {
    if (handle === NULL_REF) return null;
    if (handle > this.values.length) throw new RangeError(`bad externref handle ${handle}`);
    return this.values[handle - 1];
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
