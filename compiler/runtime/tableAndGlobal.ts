// Tables and globals as native objects shared by every instance that imports them.
// A table is an element array of 8-byte references whose BASE and LENGTH every instance using it
// holds a copy of in its VMContext (see TABLE in compiler/abi); a global is a 16-byte cell an
// instance's VMContext points to.

import { isRefType, ValType, type RefType } from '../binary/types.ts';
import { isTypedRef, storageType } from '../binary/refTypes.ts';
import { TABLE, GLOBAL_CELL_SIZE } from '../abi/index.ts';
import { getNative, PROT_READ, PROT_WRITE, roundUp } from './native.ts';
import { SlotViews } from './runtimeState.ts';
import { externRefs, type FunctionHolder, readValue, writeValue, type ValueKeeper } from './values.ts';
import { nativeRegistry } from './reclaim.ts';

/** A table's element array, unmapped when the table is collected (every instance using it is gone then too). */
interface Elements {
  address: number;
  bytes: number;
}
const elementArrays = nativeRegistry<Elements>(({ address, bytes }) => {
  if (address) getNative().munmap(address, bytes);
});

/** The most elements a table may have (the JS API's limit). */
export const MAX_TABLE_LENGTH = 10_000_000;

/** A small bump allocator over mmap'd pages, for cells that live as long as the process. */
class NativeCells {
  private page = 0;
  private used = 0;
  private size = 0;
  private buffer: ArrayBuffer = new ArrayBuffer(0);
  alloc(bytes: number): { address: number; buffer: ArrayBuffer; offset: number } {
    bytes = roundUp(bytes, 16);
    if (this.used + bytes > this.size) {
      const native = getNative();
      this.size = roundUp(Math.max(bytes, 64 * 1024), native.pageSize);
      this.page = native.mmap(this.size, PROT_READ | PROT_WRITE);
      this.buffer = native.view(this.page, this.size);
      this.used = 0;
    }
    const offset = this.used;
    this.used += bytes;
    return { address: this.page + offset, buffer: this.buffer, offset };
  }
}
const cells = new NativeCells();

// The externref tables and globals alive: their handles are the roots of externRefs.collect().
const externTables = new Set<WeakRef<Table>>();
const externGlobals = new Set<WeakRef<Global>>();
externRefs.markers.push((mark) => {
  for (const ref of externTables) {
    const t = ref.deref();
    if (!t) externTables.delete(ref);
    else for (let i = 0; i < t.length; i++) mark(t.getRaw(i), t.keeper);
  }
  for (const ref of externGlobals) {
    const g = ref.deref();
    if (!g) externGlobals.delete(ref);
    else mark(g.getRaw(), g.keeper);
  }
});

/** What holds a copy of a table's BASE and LENGTH: an instance, whose VMContext has the table's entry at `entry`. */
export interface TableEntryHolder {
  writeTableEntry(entry: number, base: number, length: number): void;
}

// #region table
export class Table implements FunctionHolder {
  readonly element: RefType;
  readonly maximum: number | undefined;
  /** A table64 table: its indices and sizes are i64 to wasm code. */
  readonly address64: boolean;
  /**
   * The VMContext entries holding this table's BASE and LENGTH, weakly: a dead instance's
   * VMContext is unmapped, and the table must not keep its instance alive either.
   */
  private entries: { holder: WeakRef<TableEntryHolder>; entry: number }[] = [];
  /** How many entries were alive at the last sweep: the next sweeps when there are twice as many. */
  private entriesSwept = 0;
  private capacity = 0;
  private elements = 0;
  private slots!: SlotViews;
  private words!: Uint32Array;
  private lengthNow = 0;
  /** Instances whose functions are (or were) stored here: their code must outlive the table. */
  readonly owners = new Set<object>();
  /** Its group's keeper (ValueKeeper): what the group holds lives as long as this table. */
  readonly keeper: ValueKeeper = externRefs.newKeeper();
  private readonly mapping: Elements = { address: 0, bytes: 0 };

  constructor(element: RefType, initial: number, maximum?: number, init: unknown = null, address64 = false) {
    if (initial > MAX_TABLE_LENGTH) throw new RangeError('table too large');
    this.element = element;
    this.maximum = maximum;
    this.address64 = address64;
    this.reserve(Math.max(initial, 4));
    elementArrays.register(this, this.mapping);
    // (exnref handles are externref handles: runtime/exceptions.ts)
    const stored = storageType(element);
    if (stored === ValType.externref || stored === ValType.exnref) externTables.add(new WeakRef(this));
    this.lengthNow = initial;
    if (init !== null) this.fill(0, init, initial);
  }

  get length(): number {
    return this.lengthNow;
  }

  /** Address of element 0 now (a table that can never grow keeps it for life: compiler/abi: fixedTableLength). */
  get elementsAddress(): number {
    return this.elements;
  }

  /** Keep `holder`'s entry at `entry` (compiler/abi: TABLE) up to date from now on: written now and at every growth. */
  addEntry(holder: TableEntryHolder, entry: number): void {
    holder.writeTableEntry(entry, this.elements, this.lengthNow);
    if (this.entries.length >= 2 * this.entriesSwept + 8) this.sweepEntries();
    this.entries.push({ holder: new WeakRef(holder), entry });
  }

  private sweepEntries(): void {
    this.entries = this.entries.filter((e) => e.holder.deref() !== undefined);
    this.entriesSwept = this.entries.length;
  }

  /** Every live instance's copy of BASE and LENGTH rewritten, after a growth. */
  private updateEntries(): void {
    let dead = 0;
    for (const { holder, entry } of this.entries) {
      const h = holder.deref();
      if (h) h.writeTableEntry(entry, this.elements, this.lengthNow);
      else dead++;
    }
    if (dead > 0) this.sweepEntries();
  }

  /** The raw 64-bit element (a FuncRef address or externref handle). */
  getRaw(i: number): number {
    return this.slots.getAddress(i);
  }
  setRaw(i: number, value: number): void {
    this.slots.setAddress(i, value);
  }
  get(i: number): unknown {
    if (!(i >= 0 && i < this.lengthNow)) throw new RangeError('table index out of bounds');
    return readValue(this.slots, i, this.element);
  }
  set(i: number, value: unknown): void {
    if (!(i >= 0 && i < this.lengthNow)) throw new RangeError('table index out of bounds');
    externRefs.safePoint();
    writeValue(this.slots, i, this.element, value, this);
  }
  fill(start: number, value: unknown, n: number): void {
    if (n === 0) return;
    this.set(start, value);
    const raw = this.getRaw(start);
    for (let i = 1; i < n; i++) this.setRaw(start + i, raw);
  }

  /** Grow by `delta` elements set to the JS value `init`: the old length, or -1. */
  grow(delta: number, init: unknown = null): number {
    return this.growRaw(delta, this.rawOf(init));
  }
  private rawOf(value: unknown): number {
    const scratch = new SlotViews(new ArrayBuffer(8), 0, 1);
    writeValue(scratch, 0, this.element, value, this);
    return scratch.getAddress(0);
  }

  /** Grow by `delta` elements set to `init` (raw): the old length, or -1. */
  growRaw(delta: number, init: number): number {
    const old = this.lengthNow;
    const max = Math.min(this.maximum ?? MAX_TABLE_LENGTH, MAX_TABLE_LENGTH);
    if (delta < 0 || old + delta > max) return -1;
    if (old + delta > this.capacity) this.reserve(Math.max(old + delta, this.capacity * 2));
    for (let i = old; i < old + delta; i++) this.setRaw(i, init);
    this.lengthNow = old + delta;
    this.updateEntries();
    return old;
  }

  private reserve(capacity: number): void {
    const native = getNative();
    const bytes = roundUp(capacity * TABLE.ELEMENT_SIZE, native.pageSize);
    const address = native.mmap(bytes, PROT_READ | PROT_WRITE);
    const buffer = native.view(address, bytes);
    const words = new Uint32Array(buffer);
    if (this.elements) {
      words.set(this.words.subarray(0, this.lengthNow * 2));
      // Generated code reloads BASE after every call, and growRaw rewrites every copy of it
      // before returning, so nothing uses the old array any more.
      native.munmap(this.elements, this.capacity * TABLE.ELEMENT_SIZE);
    }
    this.elements = address;
    this.mapping.address = address;
    this.mapping.bytes = bytes;
    this.capacity = bytes / TABLE.ELEMENT_SIZE;
    this.words = words;
    this.slots = new SlotViews(buffer, 0, this.capacity);
  }
}
// #endregion table

// #region global
export class Global implements FunctionHolder {
  /** Address of the 16-byte cell. */
  readonly cell: number;
  private readonly slots: SlotViews;
  /** Instances whose function a funcref global holds. */
  readonly owners = new Set<object>();
  /** A reference global's group's keeper (as for Table). */
  readonly keeper: ValueKeeper | undefined;
  constructor(readonly type: ValType, readonly mutable: boolean, value?: unknown) {
    if (isRefType(type)) this.keeper = externRefs.newKeeper();
    const c = cells.alloc(GLOBAL_CELL_SIZE);
    this.cell = c.address;
    this.slots = new SlotViews(c.buffer, c.offset, 2);
    const stored = storageType(type);
    if (stored === ValType.externref || stored === ValType.exnref) externGlobals.add(new WeakRef(this));
    if (stored === ValType.exnref) {
      // An exnref has no JS value either: null until its module's initializer runs.
      if (value !== undefined) throw new TypeError('an exnref global cannot be given a value from JS');
      this.slots.i64[0] = 0n;
    } else if (type === ValType.v128) {
      // A v128 has no JS value: such a global starts at zero, set by its module's initializer.
      if (value !== undefined) throw new TypeError('a v128 global cannot be given a value from JS');
      this.slots.i64[0] = this.slots.i64[1] = 0n;
    } else if (value !== undefined) this.value = value;
    else if (type === ValType.i64) this.value = 0n;
    else if (type === ValType.funcref || type === ValType.externref) this.value = null;
    else if (isTypedRef(type)) this.setRaw(0); // null, or (non-nullable) until the instance writes the initializer
    else this.value = 0;
  }
  get value(): unknown {
    return readValue(this.slots, 0, this.type);
  }
  set value(v: unknown) {
    externRefs.safePoint();
    writeValue(this.slots, 0, this.type, v, this);
  }
  getRaw(): number {
    return this.slots.getAddress(0);
  }
  setRaw(v: number): void {
    this.slots.setAddress(0, v);
  }
  /** The value's raw 64 bits (exact NaN payloads; i32/f32 in the low half). */
  get bits(): bigint {
    return BigInt.asUintN(64, this.slots.i64[0]!);
  }
  set bits(v: bigint) {
    this.slots.i64[0] = BigInt.asIntN(64, v);
  }
  /** The cell's raw 16 bytes, to copy one global into another exactly (NaN payloads included). */
  get rawSlots(): SlotViews {
    return this.slots;
  }
}
// #endregion global
