// GC's heap: where structs and arrays live (compiler/abi/gcObjects.ts lays them out), one per
// thread, in native memory so generated code reads a field with one load.
//
// A non-moving mark-sweep collector: generated code and JS hold raw addresses, so objects never
// move. Small objects are bumped through the free runs of 1 MiB chunks, large ones get mappings of
// their own (gcChunk.ts). A collection marks from the roots (`markers`: the runtime's tables,
// globals, segments, the wasm stack, JS-held objects) by an explicit worklist, so that a list a
// million objects deep does not overflow the JS stack (marking a scanned object's every granule),
// then sweeps: the unmarked stretches of the mark bitmaps are the free runs allocation bumps
// through next, found without reading an object; the dead objects in them are left as they are
// and zeroed slice by slice as allocation reaches them (`zeroAhead`: allocate promises zeroed
// objects, and the memory below the region's LIMIT is zero). Empty chunks stay mapped while the
// next budget needs them, the rest are unmapped. It collects when the bytes allocated since the
// last collection pass a budget that grows with the live bytes, so the work is amortised and the
// mapped memory stays within about twice the live data (plus 32 MiB).
//
// Generated code allocates inline: the free run being bumped through is the thread's allocation
// region (abi GC_REGION: TOP, LIMIT and the chunk's start bitmap in the runtime's state block,
// `useRegion`): generated code bumps TOP and sets each object's start bit itself (the bitmap is
// native memory beside the chunk). The heap counts the bytes bumped since it last looked (TOP
// minus where it looked) when a collection, the budget or a new region needs the count.

import { arrayBytes, GC_HEADER, OBJECT_ALIGN, OBJECT_KIND_ARRAY, OBJECT_KIND_SHIFT, OBJECT_KIND_STRUCT, TYPE_ID_BITS, TYPE_ID_MASK } from '../abi/gcObjects.ts';
import { getNative } from './native.ts';
import { Chunk, CHUNK_SIZE } from './gcChunk.ts';

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
   * May collect first (unless noCollection > 0): every object no root reaches is freed.
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
  // Added with inline allocation:
  /**
   * Keep the allocation region in `cell` (6 u32: TOP's low and high halves, then LIMIT's, then
   * STARTS'; the runtime's state block at GC_REGION.TOP), where generated code bumps it. Until then the heap
   * keeps it in memory of its own, which only allocate() bumps.
   */
  useRegion(cell: Uint32Array): void;
  /** Calls of allocate() so far: objects bumped inline by generated code are not among them. */
  readonly allocateCalls: number;
  // Added with the collector:
  /** Collect now (unless noCollection > 0: then nothing happens). */
  collect(): void;
  /** Whether `word` is the address of an object allocated and not freed. */
  isObject(word: number): boolean;
  /**
   * Calls `report(word)` for each host-value word (an externref handle's) a live object holds:
   * objects reached from the roots, or every object not yet freed while noCollection > 0.
   */
  hostWords(report: (word: number) => void): void;
  /** Collections so far, the bytes of objects that survived the last one, and the bytes mapped now. */
  readonly collections: number;
  readonly liveBytes: number;
  readonly mappedBytes: number;
}
// #endregion gc-heap-interface

/** Objects above this many bytes get a mapping of their own. */
export const LARGE_OBJECT = 64 * 1024;
/** The least budget of bytes allocated between two collections. */
export const MIN_BUDGET = 32 * 1024 * 1024;
/**
 * LIGHTBEAM_GC_STRESS=1 in the environment: collect before every allocation (a missing root then
 * shows at once, in tests and spec scripts).
 */
const STRESS = typeof process !== 'undefined' && !!process.env.LIGHTBEAM_GC_STRESS;
/** Empty chunks a sweep keeps mapped beyond what the next budget needs; it unmaps the others. */
const SPARE_CHUNKS = 4;
/** A bump region ending before an object up to this size fits is dropped for the next run (until the next sweep). */
const SMALL_OBJECT = 256;
/**
 * Bytes of a region zeroed at a time, as allocation reaches them: the sweep zeroes nothing, so
 * the zeroing happens just before the objects are written (in cache) and costs no pass of its own.
 */
const ZERO_SLICE = 128 * 1024;
/** The largest object (bytes): an array of more fails as out of memory. */
const MAX_OBJECT = 2 ** 31;

/**
 * A free run [start, end) of a chunk (absolute addresses): zero from `dirtyEnd` on, but before it
 * it may still hold dead objects (the sweep leaves them: the run is zeroed as allocation reaches it).
 */
interface Run {
  readonly chunk: Chunk;
  start: number;
  readonly end: number;
  readonly dirtyEnd: number;
}

class MarkSweepHeap implements GcHeap {
  readonly markers: ((mark: (word: number) => void) => void)[] = [];
  noCollection = 0;
  allocateCalls = 0;
  collections = 0;
  liveBytes = 0;
  mappedBytes = 0;
  private readonly shapes = new Map<number, ObjectShape>();
  /** By type id, what sizeOf needs fast (it runs for every object marking or sweeping passes): a struct's bytes, minus an array's element size, 0 without a shape. */
  private readonly sizeById = new Int32Array(1 << TYPE_ID_BITS);
  /** By type id, what marking reads for every object it reaches: a struct's reference offsets; for an array, whether its elements are references. */
  private readonly refOffsetsById: (readonly number[] | undefined)[] = [];
  private readonly refArrayById = new Uint8Array(1 << TYPE_ID_BITS);
  /** The chunk marking last found a word in (the next word is usually in it too); reset when a marking starts. */
  private markChunk: Chunk | undefined;
  /** Objects whose size the shapes do not give (no shape registered, or `bytes` disagreed): scanned word by word. */
  private readonly oddSizes = new Map<number, number>();
  /** Every chunk, by increasing base (binary search finds a word's). */
  private chunks: Chunk[] = [];
  private low = Infinity;
  private high = 0;
  /** The free runs the last sweep left, and the next one to bump through. */
  private runs: Run[] = [];
  private nextRun = 0;
  // #region gc-region-fields
  /**
   * The region allocation bumps through: [TOP, end) of `current`, TOP in `region` (GC_REGION's
   * layout: generated code bumps it), with the LIMIT published there `limit` (the memory below it
   * is zero: beyond it, up to `dirtyEnd`, dead objects may remain), or TOP to send every
   * allocation to allocate() (no region, or stress), and `current`'s start bitmap (biased: see
   * Chunk.startsBias) where generated code sets the start bits of the objects it bumps. Objects
   * from `counted` to TOP are not counted in `countedBytes` yet.
   */
  private region: Uint32Array = new Uint32Array(6);
  private current: Chunk | undefined;
  private end = 0;
  private limit = 0;
  private dirtyEnd = 0;
  private counted = 0;
  /** Bytes allocated, but for the region's objects not counted yet. */
  private countedBytes = 0;
  // #endregion gc-region-fields
  private sinceCollection = 0;
  private budget = STRESS ? 0 : MIN_BUDGET;
  private readonly worklist: number[] = [];
  private collecting = false;
  /** While tracing for hostWords: where host words of reached objects go. */
  private reportHost: ((word: number) => void) | undefined;

  get allocatedBytes(): number {
    return this.countedBytes + (this.current ? this.top - this.counted : 0);
  }

  useRegion(cell: Uint32Array): void {
    cell.set(this.region.subarray(0, 6));
    this.region = cell;
  }

  /** The region's TOP (an address below 2^47: exact as a number). */
  private get top(): number {
    return this.region[0]! + this.region[1]! * 0x100000000;
  }
  /** Set TOP to `top` and publish LIMIT: `end`, or TOP itself (every allocation calls out) under stress or without a region. */
  private setRegion(top: number): void {
    const r = this.region;
    const hi = Math.floor(top / 0x100000000);
    r[0] = top >>> 0;
    r[1] = hi;
    const limit = STRESS || !this.current ? top : this.limit;
    r[2] = limit >>> 0;
    r[3] = Math.floor(limit / 0x100000000);
    const starts = this.current ? this.current.startsBias : 0;
    r[4] = starts >>> 0;
    r[5] = Math.floor(starts / 0x100000000);
  }

  // #region gc-count-region
  /**
   * Count the bytes of the objects bumped into the region since it was last looked at (their
   * start bits are set already: generated code sets them, allocate() too).
   */
  private countRegion(): void {
    const c = this.current;
    if (!c) return;
    const top = this.top;
    const bytes = top - this.counted;
    if (bytes === 0) return;
    c.used = Math.max(c.used, top - c.base);
    c.liveBytes += bytes;
    this.countedBytes += bytes;
    this.sinceCollection += bytes;
    this.counted = top;
  }
  // #endregion gc-count-region

  registerType(typeId: number, shape: ObjectShape): void {
    this.shapes.set(typeId, shape);
    this.sizeById[typeId] = shape.kind === 'struct' ? shape.size : -shape.elementSize;
    this.refOffsetsById[typeId] = shape.kind === 'struct' ? shape.refOffsets : undefined;
    this.refArrayById[typeId] = shape.kind === 'array' && shape.elementIsRef ? 1 : 0;
  }
  shapeOf(typeId: number): ObjectShape | undefined {
    return this.shapes.get(typeId);
  }

  // #region gc-allocate
  allocate(header: number, length: number, bytes: number): number {
    if (!(bytes % OBJECT_ALIGN === 0 && bytes >= GC_HEADER.SIZE)) throw new RangeError(`bad object size ${bytes}`);
    if (bytes > MAX_OBJECT) throw new RangeError('out of memory for GC objects');
    this.allocateCalls++;
    const uncounted = this.current ? this.top - this.counted : 0;
    if (this.sinceCollection + uncounted >= this.budget && this.noCollection === 0) this.collect();
    if (bytes > LARGE_OBJECT) {
      const chunk = this.mapChunk(Math.ceil(bytes / getNative().pageSize) * getNative().pageSize, true);
      const address = chunk.base;
      chunk.setStart(0);
      chunk.used = bytes;
      this.writeHeader(chunk, address, header, length, bytes);
      chunk.liveBytes += bytes;
      this.countedBytes += bytes;
      this.sinceCollection += bytes;
      return address;
    }
    // Bumped like generated code's objects, its start bit set alike (the next count counts it).
    let address = this.top;
    if (!this.current || address + bytes > this.limit) {
      this.refill(bytes);
      address = this.top;
    }
    const c = this.current!;
    this.writeHeader(c, address, header, length, bytes);
    c.setStart(c.granule(address));
    this.setRegion(address + bytes);
    return address;
  }

  private writeHeader(chunk: Chunk, address: number, header: number, length: number, bytes: number): void {
    const at = (address - chunk.base) >>> 2;
    chunk.u32[at + GC_HEADER.TYPE / 4] = header;
    chunk.u32[at + GC_HEADER.LENGTH / 4] = length;
    if (this.sizeOf(chunk, address) !== bytes) this.oddSizes.set(address, bytes);
  }

  /**
   * Bump through [start, end) of `chunk` next (the previous region was counted and given up), its
   * memory zero from `dirtyEnd` on; zeroed to hold `bytes` at least.
   */
  private startRegion(chunk: Chunk, start: number, end: number, dirtyEnd: number, bytes: number): void {
    this.current = chunk;
    this.end = end;
    this.counted = start;
    this.limit = start;
    this.dirtyEnd = dirtyEnd;
    this.zeroAhead(start, bytes);
  }

  // #region gc-zero-ahead
  /**
   * Raise the region's LIMIT to hold `bytes` from `top` (within `end`): the next slice of dead
   * objects zeroed, or, once no dead one is left ahead, all the way to `end`.
   */
  private zeroAhead(top: number, bytes: number): void {
    // (Under stress every allocation comes here: a slice of its own bytes, not 128 KiB each time.)
    let limit = Math.min(this.end, Math.max(top + bytes, this.limit + (STRESS ? 0 : ZERO_SLICE)));
    if (this.limit < this.dirtyEnd) {
      const c = this.current!;
      c.u8.fill(0, this.limit - c.base, Math.min(limit, this.dirtyEnd) - c.base);
    }
    if (limit >= this.dirtyEnd) limit = this.end;
    this.limit = limit;
    this.setRegion(top);
  }
  // #endregion gc-zero-ahead

  /** Make [top, limit) hold `bytes` (small): more of the current run, the next free run that does, or a new chunk. */
  private refill(bytes: number): void {
    if (this.current && this.top + bytes <= this.end) {
      this.countRegion();
      this.zeroAhead(this.top, bytes);
      return;
    }
    this.countRegion();
    const runs = this.runs;
    if (bytes > SMALL_OBJECT) {
      // First fit among all the runs left (the current region's rest goes back among them).
      for (let i = this.nextRun; i < runs.length; i++) {
        const run = runs[i]!;
        if (run.end - run.start >= bytes) {
          this.giveBack();
          this.startRegion(run.chunk, run.start, run.end, run.dirtyEnd, bytes);
          runs.splice(i, 1);
          return;
        }
      }
    } else {
      // Runs too small for this object are left until the next sweep finds them again.
      while (this.nextRun < runs.length) {
        const run = runs[this.nextRun++]!;
        if (run.end - run.start >= bytes) {
          this.startRegion(run.chunk, run.start, run.end, run.dirtyEnd, bytes);
          return;
        }
      }
    }
    this.giveBack();
    const chunk = this.mapChunk(CHUNK_SIZE, false);
    this.startRegion(chunk, chunk.base, chunk.base + chunk.size, chunk.base, bytes);
  }

  /** The current region's rest, back among the runs (a medium object or a new chunk takes its place). */
  private giveBack(): void {
    this.countRegion();
    if (this.current && this.end - this.top >= GC_HEADER.SIZE) {
      const top = this.top;
      this.runs.push({ chunk: this.current, start: top, end: this.end, dirtyEnd: this.limit < this.dirtyEnd ? this.dirtyEnd : top });
    }
    this.dropRegion();
  }

  /** No region: TOP = LIMIT = 0, so generated code calls out for its next object. */
  private dropRegion(): void {
    this.current = undefined;
    this.end = this.counted = this.limit = this.dirtyEnd = 0;
    this.setRegion(0);
  }

  private mapChunk(size: number, large: boolean): Chunk {
    let chunk: Chunk;
    try {
      chunk = Chunk.map(size, large);
    } catch (e) {
      // Out of memory: a collection may free enough (a large object's mapping, or whole chunks).
      if (this.noCollection > 0 || this.collecting) throw e;
      this.collect();
      chunk = Chunk.map(size, large);
    }
    this.mappedBytes += size;
    const i = this.chunkIndexAfter(chunk.base);
    this.chunks.splice(i, 0, chunk);
    this.low = Math.min(this.low, chunk.base);
    this.high = Math.max(this.high, chunk.base + chunk.size);
    return chunk;
  }
  // #endregion gc-allocate

  bytes(address: number, length: number): Uint8Array {
    const c = this.chunkOf(address);
    if (!c || address + length > c.base + c.size) throw new RangeError(`not a GC heap address: ${address}`);
    return c.u8.subarray(address - c.base, address - c.base + length);
  }

  isObject(word: number): boolean {
    if (word % OBJECT_ALIGN !== 0) return false;
    this.countRegion();
    const c = this.chunkOf(word);
    return c !== undefined && c.isStart(c.granule(word));
  }

  /** The index of the first chunk whose base is above `address`. */
  private chunkIndexAfter(address: number): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.chunks[mid]!.base <= address) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  private chunkOf(address: number): Chunk | undefined {
    if (!(address >= this.low && address < this.high)) return undefined;
    const c = this.chunks[this.chunkIndexAfter(address) - 1];
    return c && address < c.base + c.size ? c : undefined;
  }

  /** An object's bytes, by its header and its type's shape (NaN without a shape). */
  private sizeOf(chunk: Chunk, address: number): number {
    if (this.oddSizes.size !== 0) {
      const odd = this.oddSizes.get(address);
      if (odd !== undefined) return odd;
    }
    const at = (address - chunk.base) >>> 2;
    const header = chunk.u32[at + GC_HEADER.TYPE / 4]!;
    const size = this.sizeById[header & TYPE_ID_MASK]!;
    const kind = (header >>> OBJECT_KIND_SHIFT) << OBJECT_KIND_SHIFT;
    if (size > 0 && kind === OBJECT_KIND_STRUCT) return size;
    if (size < 0 && kind === OBJECT_KIND_ARRAY) return arrayBytes(chunk.u32[at + GC_HEADER.LENGTH / 4]!, -size);
    return NaN;
  }

  // #region gc-mark
  /** Mark the object `word` is the address of, if it is one (any other word is ignored). */
  private readonly markWord = (word: number): void => {
    if (!(word >= this.low && word < this.high) || word % OBJECT_ALIGN !== 0) return;
    const c = this.markChunkOf(word);
    if (c !== undefined) this.markIn(c, word - c.base);
  };

  /**
   * Mark the object at `offset` in chunk `c` if one starts there and it is not marked yet, and
   * queue it. Offsets are below 2^31 and granules are offset / 8: integer arithmetic, where
   * addresses (above 2^32) would be doubles.
   */
  private markIn(c: Chunk, offset: number): void {
    const g = offset >>> 3; // OBJECT_ALIGN is 8
    const w = g >>> 5;
    const bit = 1 << (g & 31);
    const marks = c.marks;
    if ((c.starts[w]! & bit) === 0 || (marks[w]! & bit) !== 0) return;
    marks[w] = marks[w]! | bit;
    this.worklist.push(c.base + offset);
  }

  /** The chunk holding `address` (within [low, high)), or undefined: the last one found first. */
  private markChunkOf(address: number): Chunk | undefined {
    const last = this.markChunk;
    if (last !== undefined && address >= last.base && address < last.base + last.size) return last;
    const c = this.chunks[this.chunkIndexAfter(address) - 1];
    if (c === undefined || address >= c.base + c.size) return undefined;
    return (this.markChunk = c);
  }

  /** Mark from every root, then everything the marked objects reach (a worklist: no recursion). */
  private markFromRoots(): void {
    this.markChunk = undefined;
    for (const c of this.chunks) c.marks.fill(0);
    for (const marker of this.markers) {
      marker(this.markWord);
      this.drain();
    }
  }

  private drain(): void {
    const worklist = this.worklist;
    while (worklist.length) {
      const address = worklist.pop()!;
      const c = this.markChunkOf(address)!;
      const at = address - c.base;
      if (this.oddSizes.size !== 0) {
        const odd = this.oddSizes.get(address);
        if (odd !== undefined) {
          // Unknown layout: every word may be a reference.
          c.markSpan(at >>> 3, odd >>> 3);
          for (let off = GC_HEADER.SIZE; off < odd; off += 8) this.visitField(c, at + off);
          continue;
        }
      }
      const id = c.u32[at >>> 2]! & TYPE_ID_MASK;
      // The object's size as sizeOf gives it (generated code makes objects of registered types only).
      const size = this.sizeById[id]!;
      c.markSpan(at >>> 3, (size > 0 ? size : arrayBytes(c.u32[(at >>> 2) + 1]!, -size)) >>> 3);
      const offsets = this.refOffsetsById[id];
      if (offsets !== undefined) {
        for (let k = 0; k < offsets.length; k++) this.visitField(c, at + offsets[k]!);
      } else if (this.refArrayById[id] === 1) {
        const end = at + GC_HEADER.SIZE + c.u32[(at >>> 2) + 1]! * 8;
        for (let off = at + GC_HEADER.SIZE; off < end; off += 8) this.visitField(c, off);
      }
    }
  }

  /**
   * A reference field at `offset` in chunk `c`: an object to mark, or a host word to report. A
   * field usually points into its own object's chunk (objects made together lie together): that
   * is tried first, on the field's two halves, before the address is put together.
   */
  private visitField(c: Chunk, offset: number): void {
    const u32 = c.u32;
    const lo = u32[offset >>> 2]!;
    const hi = u32[(offset >>> 2) + 1]!;
    if ((lo & 7) === 0) {
      if ((lo | hi) === 0) return;
      const inChunk = hi === c.baseHigh ? (lo - c.baseLow) >>> 0 : -1;
      if (inChunk >= 0 && inChunk < c.size) this.markIn(c, inChunk);
      else this.markWord(lo + hi * 0x100000000);
    } else if ((lo & 3) === 2 && this.reportHost) this.reportHost(lo + hi * 0x100000000);
  }
  // #endregion gc-mark

  // #region gc-collect
  collect(): void {
    if (this.noCollection > 0 || this.collecting) return;
    this.countRegion();
    this.collecting = true;
    try {
      this.markFromRoots();
      this.sweep();
    } finally {
      this.worklist.length = 0;
      this.collecting = false;
    }
    this.collections++;
    this.sinceCollection = 0;
    this.budget = this.budgetFor(this.liveBytes);
  }

  /**
   * Free every unmarked object: the start bits of marked objects only are kept, and the
   * unmarked stretches of each chunk's mark bitmap become the free runs (their dead objects
   * zeroed later, by zeroAhead); empty chunks are kept for the next budget or unmapped. It reads
   * the bitmaps only, neither the live objects nor the dead ones.
   */
  private sweep(): void {
    const kept: Chunk[] = [];
    const runs: Run[] = [];
    const empty: Chunk[] = [];
    let live = 0;
    let freeBytes = 0;
    for (const c of this.chunks) {
      const chunkRuns: Run[] = [];
      let liveHere = 0;
      if (c.large) {
        if (c.isMarked(0)) liveHere = c.used;
      } else {
        // The free runs are the unmarked stretches of the mark bitmap (a scanned object's every
        // granule is marked): found word by word, without reading the objects.
        const marks = c.marks;
        let liveGranules = 0;
        let free = 0; // the granule where the free stretch being passed started, or -1 in a live one
        for (let w = 0; w < marks.length; w++) {
          const bits = marks[w]!;
          if (bits === 0) {
            if (free < 0) free = w * 32;
            continue;
          }
          if (bits === 0xffffffff && free < 0) {
            liveGranules += 32;
            continue;
          }
          for (let b = 0; b < 32; b++) {
            if ((bits >>> b) & 1) {
              liveGranules++;
              if (free >= 0) {
                const start = c.base + free * OBJECT_ALIGN;
                const end = c.base + (w * 32 + b) * OBJECT_ALIGN;
                chunkRuns.push({ chunk: c, start, end, dirtyEnd: end });
                freeBytes += end - start;
                free = -1;
              }
            } else if (free < 0) free = w * 32 + b;
          }
        }
        liveHere = liveGranules * OBJECT_ALIGN;
        if (free >= 0 && liveHere > 0) {
          const start = c.base + free * OBJECT_ALIGN;
          const end = c.base + c.size;
          chunkRuns.push({ chunk: c, start, end, dirtyEnd: Math.max(start, c.base + c.used) });
          freeBytes += end - start;
        }
      }
      if (liveHere === 0) {
        if (c.large) this.unmapChunk(c);
        else empty.push(c);
        continue;
      }
      // Dead objects stay where they are until allocation reaches them (zeroAhead); `used` still
      // says how far the chunk was ever written, so a page never written is never zeroed (nor committed).
      c.keepMarkedStarts();
      c.liveBytes = liveHere;
      live += liveHere;
      runs.push(...chunkRuns);
      kept.push(c);
    }
    // Empty chunks stay mapped while the free runs hold less than the next budget: the
    // allocation until the next collection reuses them (unmapping them only to map as many again
    // costs system calls and a page fault per page); the rest are unmapped.
    const budget = this.budgetFor(live);
    for (const c of empty) {
      if (freeBytes >= budget + SPARE_CHUNKS * CHUNK_SIZE) {
        this.unmapChunk(c);
        continue;
      }
      c.keepMarkedStarts();
      c.liveBytes = 0;
      runs.push({ chunk: c, start: c.base, end: c.base + c.size, dirtyEnd: c.base + c.used });
      freeBytes += c.size;
      kept.push(c);
    }
    kept.sort((a, b) => a.base - b.base);
    for (const address of this.oddSizes.keys()) {
      const c = this.chunkOf(address)!;
      if (!c.isMarked(c.granule(address))) this.oddSizes.delete(address);
    }
    this.chunks = kept;
    this.low = kept.length ? kept[0]!.base : Infinity;
    this.high = kept.length ? kept[kept.length - 1]!.base + kept[kept.length - 1]!.size : 0;
    this.runs = runs;
    this.nextRun = 0;
    this.dropRegion();
    this.liveBytes = live;
  }

  private unmapChunk(c: Chunk): void {
    c.unmap();
    this.mappedBytes -= c.size;
  }

  /** Bytes to allocate after a collection that found `live` bytes before the next one. */
  private budgetFor(live: number): number {
    return STRESS ? 0 : Math.max(MIN_BUDGET, live);
  }

  // #endregion gc-collect

  // #region gc-host-words
  hostWords(report: (word: number) => void): void {
    if (this.collecting || this.chunks.length === 0) return;
    this.countRegion();
    this.collecting = true;
    this.reportHost = report;
    try {
      if (this.noCollection === 0) this.markFromRoots();
      else {
        this.markChunk = undefined;
        // JS holds objects the roots do not show: every object not freed counts as reached.
        for (const c of this.chunks) {
          for (let g = c.nextStart(0); g >= 0; g = c.nextStart(g + 1)) this.worklist.push(c.base + g * OBJECT_ALIGN);
        }
        this.drain();
      }
    } finally {
      this.reportHost = undefined;
      this.worklist.length = 0;
      this.collecting = false;
    }
  }
  // #endregion gc-host-words
}

let heap: GcHeap | undefined;
/** This thread's GC heap. */
export function getGcHeap(): GcHeap {
  return (heap ??= new MarkSweepHeap());
}

/** A heap of its own (for tests: the thread's heap has the runtime's roots). */
export function newGcHeap(): GcHeap {
  return new MarkSweepHeap();
}
