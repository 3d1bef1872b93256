// GC's heap: where structs and arrays live (compiler/abi/gcObjects.ts lays them out), one per
// thread, in native memory so generated code reads a field with one load. This first version
// allocates by bumping a pointer through 1 MiB chunks and never frees: the collector (marking
// from the roots the runtime registers, `markers`, and a scan of the wasm stack) is to come, with
// this interface.

import { GC_HEADER, OBJECT_ALIGN } from '../abi/gcObjects.ts';
import { getNative, PROT_READ, PROT_WRITE } from './native.ts';

// #region gc-heap-interface
/** What the heap knows of a type id's objects: where their references are, for marking. */
export type ObjectShape =
  | { readonly kind: 'struct'; readonly size: number; readonly refOffsets: readonly number[] }
  | { readonly kind: 'array'; readonly elementSize: number; readonly elementIsRef: boolean };

export interface GcHeap {
  /** Record what objects of process-wide type id `typeId` hold (before the first is allocated). */
  registerType(typeId: number, shape: ObjectShape): void;
  shapeOf(typeId: number): ObjectShape | undefined;
  /**
   * A new object of `bytes` bytes (a multiple of OBJECT_ALIGN, header included), zeroed but for
   * its header (`header` at GC_HEADER.TYPE, `length` at GC_HEADER.LENGTH): its address, a multiple
   * of OBJECT_ALIGN. Throws a RangeError when memory is exhausted (the runtime traps or throws).
   */
  allocate(header: number, length: number, bytes: number): number;
  /** The bytes of `length` bytes at `address` inside an object (a view of native memory). */
  bytes(address: number, length: number): Uint8Array;
  /** Each calls `mark(word)` for every reference word it holds (tables, globals, segments, JS-held objects). */
  readonly markers: ((mark: (word: number) => void) => void)[];
  /** While above 0, allocate does not collect (JS code is holding object words in its own variables). */
  noCollection: number;
  /** Bytes allocated so far (for tests and statistics). */
  readonly allocatedBytes: number;
}
// #endregion gc-heap-interface

const CHUNK = 1 << 20;

/** A bump allocator through chunks of native memory; nothing is freed (no collector yet). */
class BumpHeap implements GcHeap {
  readonly markers: ((mark: (word: number) => void) => void)[] = [];
  noCollection = 0;
  allocatedBytes = 0;
  private readonly shapes = new Map<number, ObjectShape>();
  /** Chunks by base address, in the order made (a lookup searches them by address). */
  private readonly chunks: { base: number; size: number; u8: Uint8Array; dv: DataView }[] = [];
  private top = 0;
  private limit = 0;
  private current: { base: number; size: number; u8: Uint8Array; dv: DataView } | undefined;

  registerType(typeId: number, shape: ObjectShape): void {
    this.shapes.set(typeId, shape);
  }
  shapeOf(typeId: number): ObjectShape | undefined {
    return this.shapes.get(typeId);
  }

  allocate(header: number, length: number, bytes: number): number {
    if (bytes % OBJECT_ALIGN !== 0 || bytes < GC_HEADER.SIZE) throw new RangeError(`bad object size ${bytes}`);
    if (this.top + bytes > this.limit) this.newChunk(bytes);
    const address = this.top;
    this.top += bytes;
    this.allocatedBytes += bytes;
    const c = this.current!;
    c.dv.setUint32(address - c.base + GC_HEADER.TYPE, header, true);
    c.dv.setUint32(address - c.base + GC_HEADER.LENGTH, length, true);
    return address;
  }

  bytes(address: number, length: number): Uint8Array {
    const c = this.chunkOf(address);
    if (address + length > c.base + c.size) throw new RangeError(`bytes ${address}+${length} outside their chunk`);
    return c.u8.subarray(address - c.base, address - c.base + length);
  }

  private chunkOf(address: number): { base: number; size: number; u8: Uint8Array; dv: DataView } {
    for (let i = this.chunks.length - 1; i >= 0; i--) {
      const c = this.chunks[i]!;
      if (address >= c.base && address < c.base + c.size) return c;
    }
    throw new RangeError(`not a GC heap address: ${address}`);
  }

  private newChunk(bytes: number): void {
    const native = getNative();
    const size = Math.max(CHUNK, Math.ceil(bytes / native.pageSize) * native.pageSize);
    let base: number;
    try {
      base = native.mmap(size, PROT_READ | PROT_WRITE);
    } catch {
      throw new RangeError('out of memory for GC objects');
    }
    const buffer = native.view(base, size);
    const c = { base, size, u8: new Uint8Array(buffer), dv: new DataView(buffer) };
    this.chunks.push(c);
    this.current = c;
    this.top = base;
    this.limit = base + size;
  }
}

let heap: GcHeap | undefined;
/** This thread's GC heap. */
export function getGcHeap(): GcHeap {
  return (heap ??= new BumpHeap());
}
