// GC's builtins (compiler/abi: GcBuiltin): what generated code calls out for, making structs and
// arrays and arrays' bulk operations, on this thread's heap (gcHeap.ts). Each handler reads its
// arguments from the call-out buffer, writes an address result to slot 0, and returns 0 or the
// trap code.

import { arrayBytes, GC_HEADER, TYPE_ID_MASK } from '../abi/gcObjects.ts';
import { bufferOffsets, GcBuiltin, TrapCode } from '../abi/index.ts';
import { ValType, type FuncType, type ModuleInfo } from '../binary/types.ts';
import { getGcHeap } from './gcHeap.ts';
import { gcTypeInfo } from './gcTypes.ts';
import type { SlotViews } from './runtimeState.ts';

const I32 = ValType.i32, I64 = ValType.i64, V128 = ValType.v128;

/** The builtins' types as their stubs see them: every integer a 64-bit slot, a value 8 bytes or a v128. */
export const GC_BUILTIN_TYPES: Record<GcBuiltin, FuncType> = {
  [GcBuiltin.structNew]: { params: [I32], results: [I64] },
  [GcBuiltin.arrayNew]: { params: [I32, I32], results: [I64] },
  [GcBuiltin.arrayNewFilled]: { params: [I32, I64, I32], results: [I64] },
  [GcBuiltin.arrayNewFilledVector]: { params: [I32, V128, I32], results: [I64] },
  [GcBuiltin.arrayNewData]: { params: [I32, I32, I32, I32], results: [I64] },
  [GcBuiltin.arrayNewElem]: { params: [I32, I32, I32, I32], results: [I64] },
  [GcBuiltin.arrayFill]: { params: [I64, I32, I64, I32], results: [] },
  [GcBuiltin.arrayFillVector]: { params: [I64, I32, V128, I32], results: [] },
  [GcBuiltin.arrayCopy]: { params: [I64, I32, I64, I32, I32], results: [] },
  [GcBuiltin.arrayInitData]: { params: [I32, I64, I32, I32, I32], results: [] },
  [GcBuiltin.arrayInitElem]: { params: [I32, I64, I32, I32, I32], results: [] },
};

/** What a handler needs of the calling instance. */
export interface GcCaller {
  readonly module: ModuleInfo;
  readonly dataSegments: readonly (Uint8Array | undefined)[];
  readonly elemSegments: readonly (readonly number[] | undefined)[];
}

/** Objects above this size are refused ("out of memory"): lengths come from wasm, unchecked. */
const MAX_OBJECT_BYTES = 2 ** 30;

// #region gc-allocation
/** A new zeroed array of type index t: its address, or a trap code as a negative number. */
export function allocateArray(module: ModuleInfo, t: number, length: number): number {
  const ti = gcTypeInfo(module, t);
  const bytes = arrayBytes(length, ti.elementSize);
  if (bytes > MAX_OBJECT_BYTES) return -TrapCode.outOfMemory;
  try {
    return getGcHeap().allocate(ti.header, length, bytes);
  } catch (e) {
    if (e instanceof RangeError) return -TrapCode.outOfMemory;
    throw e;
  }
}

/** A new zeroed struct of type index t: its address, or a trap code as a negative number. */
export function allocateStruct(module: ModuleInfo, t: number): number {
  const ti = gcTypeInfo(module, t);
  try {
    return getGcHeap().allocate(ti.header, 0, ti.layout!.size);
  } catch (e) {
    if (e instanceof RangeError) return -TrapCode.outOfMemory;
    throw e;
  }
}
// #endregion gc-allocation

/** An array's length (its header's second dword). */
export function arrayLength(address: number): number {
  const h = getGcHeap().bytes(address, GC_HEADER.SIZE);
  return (h[4]! | (h[5]! << 8) | (h[6]! << 16) | (h[7]! << 24)) >>> 0;
}

/** The element size of the array at `address`, from its type id's shape. */
function elementSizeOf(address: number): number {
  const h = getGcHeap().bytes(address, GC_HEADER.SIZE);
  const id = (h[0]! | (h[1]! << 8) | (h[2]! << 16)) & TYPE_ID_MASK;
  const shape = getGcHeap().shapeOf(id);
  if (shape?.kind !== 'array') throw new RangeError(`not an array: type id ${id}`);
  return shape.elementSize;
}

/** Elements [index, index + n) of an array as bytes. */
const elementBytes = (address: number, size: number, index: number, n: number): Uint8Array =>
  n === 0 ? new Uint8Array(0) : getGcHeap().bytes(address + GC_HEADER.SIZE + index * size, n * size);

/** Write `n` copies of `value` (its first `size` bytes) from `to`. */
function fillBytes(to: Uint8Array, value: Uint8Array, size: number, n: number): void {
  for (let k = 0; k < n; k++) to.set(value.subarray(0, size), k * size);
}

/** Write reference words, little-endian 64-bit, from `to`. */
function writeWords(to: Uint8Array, words: readonly number[], from: number, n: number): void {
  const dv = new DataView(to.buffer, to.byteOffset, to.byteLength);
  for (let k = 0; k < n; k++) {
    const w = words[from + k]!;
    dv.setUint32(8 * k, w >>> 0, true);
    dv.setUint32(8 * k + 4, Math.floor(w / 2 ** 32), true);
  }
}

// #region gc-builtin-handlers
/** The handlers, reading their arguments from `s` (the runtime's call-out buffer). */
export function gcHandlers(s: SlotViews): Record<GcBuiltin, (inst: GcCaller) => number> {
  const u = (slot: number) => s.u32[slot * 2]!;
  // A v128 parameter takes 16 bytes of the buffer: the parameters after it are found by their offsets.
  const offsetsOf = (type: FuncType) => bufferOffsets(type.params);
  const valueBytes = (type: FuncType, param: number) => new Uint8Array(s.u32.buffer, s.u32.byteOffset + offsetsOf(type)[param]!, 16);
  const lastU32 = (type: FuncType) => s.u32[offsetsOf(type)[type.params.length - 1]! / 4]!;
  const result = (address: number): number => {
    if (address < 0) return -address;
    s.setAddress(0, address);
    return 0;
  };
  const filled = (type: FuncType) => (inst: GcCaller): number => {
    const [t, n] = [u(0), lastU32(type)];
    const address = allocateArray(inst.module, t, n);
    if (address < 0) return -address;
    const size = gcTypeInfo(inst.module, t).elementSize;
    fillBytes(elementBytes(address, size, 0, n), valueBytes(type, 1), size, n);
    return result(address);
  };
  const fill = (type: FuncType) => (): number => {
    const [a, d, n] = [s.getAddress(0), u(1), lastU32(type)];
    if (a === 0) return TrapCode.nullArrayReference;
    if (d + n > arrayLength(a)) return TrapCode.outOfBoundsArrayAccess;
    const size = elementSizeOf(a);
    fillBytes(elementBytes(a, size, d, n), valueBytes(type, 2), size, n);
    return 0;
  };
  return {
    [GcBuiltin.structNew]: (inst) => result(allocateStruct(inst.module, u(0))),
    [GcBuiltin.arrayNew]: (inst) => result(allocateArray(inst.module, u(0), u(1))),
    [GcBuiltin.arrayNewFilled]: filled(GC_BUILTIN_TYPES[GcBuiltin.arrayNewFilled]),
    [GcBuiltin.arrayNewFilledVector]: filled(GC_BUILTIN_TYPES[GcBuiltin.arrayNewFilledVector]),
    [GcBuiltin.arrayNewData]: (inst) => {
      const [t, seg, from, n] = [u(0), u(1), u(2), u(3)];
      const data = inst.dataSegments[seg] ?? new Uint8Array(0);
      const size = gcTypeInfo(inst.module, t).elementSize;
      if (from + n * size > data.length) return TrapCode.outOfBoundsMemoryAccess;
      const address = allocateArray(inst.module, t, n);
      if (address < 0) return -address;
      elementBytes(address, size, 0, n).set(data.subarray(from, from + n * size));
      return result(address);
    },
    [GcBuiltin.arrayNewElem]: (inst) => {
      const [t, seg, from, n] = [u(0), u(1), u(2), u(3)];
      const items = inst.elemSegments[seg] ?? [];
      if (from + n > items.length) return TrapCode.outOfBoundsTableAccess;
      const address = allocateArray(inst.module, t, n);
      if (address < 0) return -address;
      writeWords(elementBytes(address, 8, 0, n), items, from, n);
      return result(address);
    },
    [GcBuiltin.arrayFill]: fill(GC_BUILTIN_TYPES[GcBuiltin.arrayFill]),
    [GcBuiltin.arrayFillVector]: fill(GC_BUILTIN_TYPES[GcBuiltin.arrayFillVector]),
    [GcBuiltin.arrayCopy]: () => {
      const [dst, d, src, from, n] = [s.getAddress(0), u(1), s.getAddress(2), u(3), u(4)];
      if (dst === 0 || src === 0) return TrapCode.nullArrayReference;
      if (d + n > arrayLength(dst) || from + n > arrayLength(src)) return TrapCode.outOfBoundsArrayAccess;
      const size = elementSizeOf(dst);
      // set() copies through a temporary when both views share a buffer, so overlaps are safe.
      elementBytes(dst, size, d, n).set(elementBytes(src, size, from, n));
      return 0;
    },
    [GcBuiltin.arrayInitData]: (inst) => {
      const [seg, a, d, from, n] = [u(0), s.getAddress(1), u(2), u(3), u(4)];
      if (a === 0) return TrapCode.nullArrayReference;
      if (d + n > arrayLength(a)) return TrapCode.outOfBoundsArrayAccess;
      const data = inst.dataSegments[seg] ?? new Uint8Array(0);
      const size = elementSizeOf(a);
      if (from + n * size > data.length) return TrapCode.outOfBoundsMemoryAccess;
      elementBytes(a, size, d, n).set(data.subarray(from, from + n * size));
      return 0;
    },
    [GcBuiltin.arrayInitElem]: (inst) => {
      const [seg, a, d, from, n] = [u(0), s.getAddress(1), u(2), u(3), u(4)];
      if (a === 0) return TrapCode.nullArrayReference;
      if (d + n > arrayLength(a)) return TrapCode.outOfBoundsArrayAccess;
      const items = inst.elemSegments[seg] ?? [];
      if (from + n > items.length) return TrapCode.outOfBoundsTableAccess;
      writeWords(elementBytes(a, 8, d, n), items, from, n);
      return 0;
    },
  };
}
// #endregion gc-builtin-handlers
