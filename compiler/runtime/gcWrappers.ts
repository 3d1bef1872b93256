// GC objects (structs and arrays) as JavaScript sees them: the JS API's ToJSValue of an object
// reference gives an opaque object standing for it, the same one for the same object while JS
// holds it, and ToWebAssemblyValue of that object gives the reference back. Objects JS holds this
// way are roots of the GC heap (a marker on getGcHeap().markers).

import { GC_HEADER, OBJECT_KIND_ARRAY, OBJECT_KIND_STRUCT, TYPE_ID_MASK } from '../abi/gcObjects.ts';
import { getGcHeap } from './gcHeap.ts';

// #region gc-wrapper-object
/**
 * What every wrapper does (the JS API's "exported GC object"): it has no properties and a null
 * prototype, reading one gives undefined, and anything that would change it throws a TypeError,
 * in strict code or not (a plain frozen object fails silently outside strict code, hence a Proxy).
 * Object.isExtensible is false: the target is not extensible, as a Proxy's answer must agree.
 */
const refuse = (what: string) => (): never => {
  throw new TypeError(`a WebAssembly GC object cannot ${what}`);
};
const OPAQUE: ProxyHandler<object> = {
  get: () => undefined,
  set: refuse('have properties set'),
  defineProperty: refuse('have properties defined'),
  deleteProperty: refuse('have properties deleted'),
  setPrototypeOf: refuse('change its prototype'),
  preventExtensions: refuse('be made non-extensible (it is opaque, not frozen)'),
};
/** One target for all wrappers: it has nothing, and nothing can be added (each Proxy is still its own object). */
const TARGET: object = Object.freeze(Object.create(null) as object);
// #endregion gc-wrapper-object

// #region gc-wrapper-identity
/**
 * The wrappers alive, by object address: a WeakRef each, so a wrapper JS drops can be collected,
 * and then its entry is forgotten (the FinalizationRegistry; the entry is checked to be that
 * wrapper's, as the same address may have a newer wrapper by then). While an entry is here its
 * object is marked, whether its WeakRef still derefs or not: every object some wrapper stands for
 * stays alive and at its address, also while JS code holds the wrapper only in a variable V8 may
 * consider dead (callWasm's arguments during the call: the collector does not scan the entry
 * buffer), since a finalizer never runs before the synchronous call ends.
 * (A WeakRef made in a job keeps its wrapper until the job ends: that is V8's rule, not ours.)
 */
const wrappers = new Map<number, WeakRef<object>>();
const addresses = new WeakMap<object, number>();
const forget = new FinalizationRegistry<{ address: number; ref: WeakRef<object> }>(({ address, ref }) => {
  if (wrappers.get(address) === ref) wrappers.delete(address);
});
let markerRegistered = false;

/** The wrapper of the object at `address` (a non-zero multiple of 8): the same while it lives. */
export function wrapObject(address: number): object {
  const existing = wrappers.get(address)?.deref();
  if (existing !== undefined) return existing;
  if (!markerRegistered) {
    markerRegistered = true;
    getGcHeap().markers.push((mark) => {
      for (const address of wrappers.keys()) mark(address);
    });
  }
  const wrapper = new Proxy(TARGET, OPAQUE);
  const ref = new WeakRef(wrapper);
  wrappers.set(address, ref);
  addresses.set(wrapper, address);
  forget.register(wrapper, { address, ref });
  return wrapper;
}

/** The address of the object `value` stands for, undefined if it is no wrapper. */
export const objectAddress = (value: unknown): number | undefined =>
  typeof value === 'object' && value !== null ? addresses.get(value) : undefined;

/** How many objects wrappers hold alive now (for tests). */
export const wrappedCount = (): number => wrappers.size;
// #endregion gc-wrapper-identity

// #region gc-wrapper-header
/** The u32 at `address` in the heap (little-endian, as generated code stores it). */
function u32At(address: number): number {
  const b = getGcHeap().bytes(address, 4);
  return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
}
/** The header dword (type id | kind) of the object at `address`. */
export const headerOf = (address: number): number => u32At(address + GC_HEADER.TYPE);
export const isStructHeader = (header: number): boolean => (header & OBJECT_KIND_STRUCT) !== 0;
export const isArrayHeader = (header: number): boolean => (header & OBJECT_KIND_ARRAY) !== 0;
export const typeIdOfHeader = (header: number): number => header & TYPE_ID_MASK;

/**
 * The elements of the array of i16 `value` stands for, as a view of the heap (header dword 4 is
 * its length, elements from offset 8): undefined if `value` is no wrapper of an array of 2-byte
 * elements. The view is good until the next allocation (a collection may free what nothing holds).
 */
export function i16Elements(value: unknown): Uint16Array | undefined {
  const address = objectAddress(value);
  if (address === undefined) return undefined;
  const header = headerOf(address);
  const shape = getGcHeap().shapeOf(typeIdOfHeader(header));
  // (Generated code registers every type's shape before allocating; a test may not.)
  if (!isArrayHeader(header) || (shape !== undefined && (shape.kind !== 'array' || shape.elementSize !== 2))) return undefined;
  const length = u32At(address + GC_HEADER.LENGTH);
  if (length === 0) return new Uint16Array(0);
  const bytes = getGcHeap().bytes(address + GC_HEADER.SIZE, length * 2);
  return new Uint16Array(bytes.buffer, bytes.byteOffset, length);
}
// #endregion gc-wrapper-header
