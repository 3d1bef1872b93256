// Linear memory: one reservation of the largest size the memory may reach plus a guard,
// mapped inaccessible; growing makes more of it readable and writable. The base address never
// moves, so generated code keeps it in r14 for the life of the instance.
//
// A shared memory (threads) must be seen from JS as a SharedArrayBuffer, and Node makes those
// only over memory of its own: no API turns a mapping of ours into one. V8's own shared
// WebAssembly.Memory is exactly the allocation a shared memory needs (its maximum reserved at
// once, growing in place, each grow handing out a new fixed-length SharedArrayBuffer over the same
// bytes, Atomics.wait and notify working on them, and the whole of it postable to a worker), so a
// shared LinearMemory borrows one as its backing store: V8 allocates it, our code runs on it.

import { getNative, PROT_NONE, PROT_READ, PROT_WRITE } from './native.ts';
import { nativeRegistry } from './reclaim.ts';

export const WASM_PAGE_SIZE = 65536;
/** The most pages a 32-bit memory may have (4 GiB). */
export const MAX_PAGES_32 = 65536;
/**
 * The most pages this runtime gives a memory64 memory (which may declare up to 2^48): 16 GiB, as
 * V8 gives one. Growing past it returns -1, as the spec allows; a minimum above it fails
 * instantiation. A memory without a maximum reserves that much address space (not memory).
 */
export const MAX_PAGES_64 = 262144;
/**
 * The most bytes an ArrayBuffer over native memory may have in Node 20: 4 GiB. N-API makes one
 * through a Buffer (napi_create_external_arraybuffer calls napi_create_external_buffer), and a
 * Buffer is at most buffer.constants.MAX_LENGTH = v8::TypedArray::kMaxLength = 2^32 bytes; koffi's
 * view of more aborts the process. So a memory larger than this is viewed up to here only
 * (`arrayBuffer`), and the runtime reaches the bytes above through raw memset/memmove/memcpy.
 */
export const VIEW_LIMIT = 2 ** 32;
/** The most bytes this runtime gives any memory: 4 GiB (for 1-byte pages of a 32-bit memory, 4 GiB - 1: see pageLimit). */
const MAX_BYTES = MAX_PAGES_32 * WASM_PAGE_SIZE;
/** Inaccessible bytes after the largest size: a stray access just past the end faults instead of reading a neighbour. */
export const GUARD_SIZE = 64 * 1024;

/**
 * V8's WebAssembly.Memory, taken when this module loads: before Lightbeam may replace the global
 * (compiler/api/install.ts imports this module first). Were it Lightbeam's own, a shared memory
 * would make a shared memory for ever: that is refused.
 */
const HostMemory = globalThis.WebAssembly.Memory;
const hostIsV8 = Function.prototype.toString.call(HostMemory).includes('[native code]');

/**
 * What every thread's LinearMemory over one shared memory holds in common, postable to a worker:
 * V8's memory (the bytes) and the size word, an i64 of the current size in bytes that every grow,
 * in any thread, raises. Generated code reads the word (its address is in each VMContext of a
 * module with a shared memory): memory.size, and a bounds check that failed on the instance's
 * own copy of the size, which another thread's grow leaves stale (compiler/abi: SharedMemoryArea).
 */
export interface SharedBacking {
  readonly memory: WebAssembly.Memory;
  readonly size: SharedArrayBuffer;
}

interface Mapping {
  readonly address: number;
  readonly size: number;
  /** The LinearMemory and every ArrayBuffer handed out: the mapping is unmapped when all are gone. */
  holders: number;
}

// #region linear-memory
export class LinearMemory {
  /** Address of byte 0; never changes. */
  readonly base: number;
  readonly maxPages: number;
  /** The maximum the memory was declared with, if any (import matching compares it). */
  readonly declaredMax: number | undefined;
  /** A memory64 memory: addresses, sizes and page counts are i64. */
  readonly address64: boolean;
  /** custom-page-sizes: log2 of the page size, 16 (64 KiB) or 0 (1 byte). */
  readonly pageSizeLog2: number;
  /** Bytes per page. */
  readonly pageSize: number;
  /** threads: a shared memory, backed by V8's (its `arrayBuffer` is a SharedArrayBuffer). */
  readonly shared: boolean;
  private pagesNow: number;
  private buffer: ArrayBuffer;
  /** Our own reservation (unshared), or V8's shared memory that holds the bytes. */
  private readonly mapping: Mapping | null;
  private readonly host: WebAssembly.Memory | null;
  /** A shared memory's size word (see SharedBacking), as an i64 array of one. */
  private readonly sizeWord: BigInt64Array | null;
  /** Called after every successful grow with the new size in bytes (instances update their VMContext). */
  private readonly growListeners = new Set<(bytes: number) => void>();

  /** `backing`: adopt this shared memory (another thread's `sharedBacking`, posted here) instead of making one. */
  constructor(initialPages: number, maxPages?: number, address64 = false, pageSizeLog2 = 16, shared = false, backing?: SharedBacking) {
    this.declaredMax = maxPages;
    this.address64 = address64;
    this.pageSizeLog2 = pageSizeLog2;
    this.pageSize = 2 ** pageSizeLog2;
    this.shared = shared;
    // A shared memory is V8's, which gives no memory (memory64 or not) more than 4 GiB.
    const limit = shared ? Math.min(pageLimit(address64, pageSizeLog2), MAX_PAGES_32) : pageLimit(address64, pageSizeLog2);
    maxPages ??= limit;
    if (!Number.isInteger(initialPages) || initialPages < 0 || initialPages > limit) {
      throw new RangeError(`memory size ${initialPages} pages is out of range`);
    }
    this.maxPages = Math.min(maxPages, limit);
    if (initialPages > this.maxPages) throw new RangeError('memory initial size exceeds its maximum');
    const native = getNative();
    if (shared) {
      // #region shared-backing
      // (Its pages are 64 KiB: the validator refuses a shared memory of 1-byte pages.)
      if (!backing && !hostIsV8) throw new Error('a shared memory needs V8\'s WebAssembly.Memory, and the runtime was loaded after Lightbeam replaced it');
      this.host = backing?.memory ?? new HostMemory({ initial: initialPages, maximum: this.maxPages, shared: true });
      this.sizeWord = new BigInt64Array(backing?.size ?? new SharedArrayBuffer(8));
      this.buffer = this.host.buffer as unknown as ArrayBuffer;
      this.base = native.addressOf(new Uint8Array(this.buffer));
      this.pagesNow = this.buffer.byteLength / WASM_PAGE_SIZE;
      this.raiseSizeWord(this.buffer.byteLength);
      this.mapping = null;
      return;
      // #endregion shared-backing
    }
    this.host = null;
    this.sizeWord = null;
    const reserved = committed(this.maxPages * this.pageSize) + GUARD_SIZE;
    this.base = reservations.take(reserved) ?? native.mmap(reserved, PROT_NONE, true);
    this.mapping = { address: this.base, size: reserved, holders: 0 };
    this.pagesNow = 0;
    this.buffer = new ArrayBuffer(0);
    if (initialPages > 0 && this.grow(initialPages) < 0) {
      reservations.release(this.base, reserved);
      throw new RangeError(`cannot commit ${initialPages} pages of memory`);
    }
    this.hold(this);
  }

  /** The size in pages (a shared memory's as another thread may have grown it). */
  get pages(): number {
    if (this.host) this.refreshShared();
    return this.pagesNow;
  }
  /** The size in bytes (a shared memory's as another thread may have grown it). */
  get byteLength(): number {
    if (this.host) this.refreshShared();
    return this.pagesNow * this.pageSize;
  }

  /**
   * The memory as an ArrayBuffer (no copy): all of it, or its first 4 GiB (VIEW_LIMIT) when it is
   * larger (`viewsWhole` says which). A new one after each grow; earlier ones stay valid (they
   * see the first bytes) and keep the reservation mapped while they live.
   */
  get arrayBuffer(): ArrayBuffer {
    return this.buffer;
  }

  /** Does `arrayBuffer` hold the whole memory (at most 4 GiB)? */
  get viewsWhole(): boolean {
    return this.buffer.byteLength === this.byteLength;
  }

  // #region beyond-the-view
  // The runtime's bulk operations (memory.fill, copy, init, data segments), given bytes the
  // caller checked are in bounds: through the ArrayBuffer where it reaches, raw memory above.
  /** Set n bytes at `at` to `byte`. */
  fill(at: number, byte: number, n: number): void {
    if (at + n <= this.buffer.byteLength) new Uint8Array(this.buffer).fill(byte & 0xff, at, at + n);
    else getNative().fill(this.base + at, byte & 0xff, n);
  }

  /** Copy n bytes from `from` to `to` in this memory (they may overlap). */
  copyWithin(to: number, from: number, n: number): void {
    if (Math.max(to, from) + n <= this.buffer.byteLength) new Uint8Array(this.buffer).copyWithin(to, from, from + n);
    else getNative().move(this.base + to, this.base + from, n);
  }

  /** Write `bytes` at `at`. */
  write(at: number, bytes: Uint8Array): void {
    if (at + bytes.length <= this.buffer.byteLength) new Uint8Array(this.buffer, at, bytes.length).set(bytes);
    else getNative().copyIn(this.base + at, bytes);
  }

  /** Copy n bytes from `from` in `src`, another memory, to `to` in this one. */
  copyFrom(src: LinearMemory, from: number, to: number, n: number): void {
    if (to + n <= this.buffer.byteLength && from + n <= src.buffer.byteLength) {
      new Uint8Array(this.buffer, to, n).set(new Uint8Array(src.buffer, from, n));
    } else getNative().move(this.base + to, src.base + from, n);
  }
  // #endregion beyond-the-view

  /**
   * Grow by `delta` pages: the old size in pages, or -1 (and no change) when it cannot. A shared
   * memory's size is read from its backing store first: another thread may have grown it.
   */
  grow(delta: number): number {
    if (this.host) return this.growShared(delta);
    const old = this.pagesNow;
    if (!Number.isInteger(delta) || delta < 0 || old + delta > this.maxPages) return -1;
    if (delta === 0) return old;
    const native = getNative();
    // Commit whole 64 KiB units (1-byte pages share them): from the end of what is committed.
    const from = committed(old * this.pageSize), to = committed((old + delta) * this.pageSize);
    try {
      if (to > from) native.mprotect(this.base + from, to - from, PROT_READ | PROT_WRITE);
    } catch {
      return -1;
    }
    let buffer: ArrayBuffer;
    try {
      buffer = native.view(this.base, Math.min((old + delta) * this.pageSize, VIEW_LIMIT));
    } catch {
      if (to > from) native.mprotect(this.base + from, to - from, PROT_NONE);
      return -1;
    }
    this.pagesNow = old + delta;
    this.buffer = buffer;
    this.hold(this.buffer);
    for (const listener of this.growListeners) listener(this.byteLength);
    return old;
  }

  private growShared(delta: number): number {
    const host = this.host!;
    let old: number;
    try {
      if (!Number.isInteger(delta) || delta < 0) return -1;
      old = host.grow(delta);
    } catch {
      return -1;
    }
    this.refreshShared();
    return old;
  }

  /** A shared memory: take up the size another thread may have grown it to (a no-op if none did). */
  refreshShared(): void {
    const buffer = this.host?.buffer as unknown as ArrayBuffer | undefined;
    if (!buffer || buffer.byteLength === this.buffer.byteLength) return;
    this.buffer = buffer;
    this.pagesNow = buffer.byteLength / WASM_PAGE_SIZE;
    this.raiseSizeWord(buffer.byteLength);
    for (const listener of this.growListeners) listener(this.pagesNow * this.pageSize);
  }

  /** Raise the size word to `bytes` unless another thread's grow already made it larger. */
  private raiseSizeWord(bytes: number): void {
    const word = this.sizeWord!;
    const wanted = BigInt(bytes);
    for (let seen = Atomics.load(word, 0); seen < wanted;) {
      const was = Atomics.compareExchange(word, 0, seen, wanted);
      if (was === seen) return;
      seen = was;
    }
  }

  /**
   * A shared memory's backing, for another thread to adopt (post it to a worker, which makes
   * `new LinearMemory(pages, max, address64, 16, true, it)`); null for an unshared memory.
   */
  get sharedBacking(): SharedBacking | null {
    return this.host ? { memory: this.host, size: this.sizeWord!.buffer as SharedArrayBuffer } : null;
  }

  /** Address of a shared memory's size word (0 for an unshared memory): generated code reads it. */
  get sizeWordAddress(): number {
    return this.sizeWord ? getNative().addressOf(this.sizeWord) : 0;
  }

  onGrow(listener: (bytes: number) => void): void {
    this.growListeners.add(listener);
  }

  private hold(holder: object): void {
    this.mapping!.holders++;
    registry.register(holder, this.mapping!);
  }
}
// #endregion linear-memory

// #region page-sizes
/** The most pages a memory of this address type and page size may have here. */
function pageLimit(address64: boolean, pageSizeLog2: number): number {
  if (pageSizeLog2 === 16) return address64 ? MAX_PAGES_64 : MAX_PAGES_32;
  // 1-byte pages: a 32-bit memory's page count, returned by memory.grow, must not be 2^32 (-1).
  return address64 ? MAX_BYTES : MAX_BYTES - 1;
}

/** Bytes rounded up to whole 64 KiB units, the granule of reserving and committing. */
function committed(bytes: number): number {
  return Math.ceil(bytes / WASM_PAGE_SIZE) * WASM_PAGE_SIZE;
}
// #endregion page-sizes

// #region reservation-pool
/**
 * Released reservations kept for the next memories of the same size (most are the 4 GiB + guard
 * of a memory without a maximum): reusing one costs one mmap(MAP_FIXED) that drops its pages,
 * and neither adds a mapping nor searches the address space.
 */
class ReservationPool {
  private readonly free = new Map<number, number[]>();
  private count = 0;
  static readonly CAPACITY = 16;
  take(size: number): number | undefined {
    const list = this.free.get(size);
    const address = list?.pop();
    if (address !== undefined) this.count--;
    return address;
  }
  release(address: number, size: number): void {
    const native = getNative();
    if (this.count >= ReservationPool.CAPACITY) return native.munmap(address, size);
    native.resetReservation(address, size);
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(address);
    this.count++;
  }
}
const reservations = new ReservationPool();
// #endregion reservation-pool

const registry = nativeRegistry<Mapping>((mapping) => {
  if (--mapping.holders === 0) reservations.release(mapping.address, mapping.size);
});
