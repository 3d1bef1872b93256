// The GC heap's collector on hand-made objects: shapes registered, references written as words
// with heap.bytes, roots given by a marker. Each heap here is a fresh one (newGcHeap), with only
// the roots the test gives it.
import { describe, expect, it } from 'vitest';
import { arrayBytes, GC_HEADER, headerWord } from '../abi/gcObjects.ts';
import { type GcHeap, LARGE_OBJECT, MIN_BUDGET, newGcHeap } from './gcHeap.ts';

const NODE = 7; // struct { i64 value; ref next; ref other }
const NODE_BYTES = 32;
const REFS = 8; // array of references
const BYTES = 9; // array of i8

function setup(): { heap: GcHeap; roots: Set<number> } {
  const heap = newGcHeap();
  heap.registerType(NODE, { kind: 'struct', size: NODE_BYTES, refOffsets: [16, 24] });
  heap.registerType(REFS, { kind: 'array', elementSize: 8, elementIsRef: true });
  heap.registerType(BYTES, { kind: 'array', elementSize: 1, elementIsRef: false });
  const roots = new Set<number>();
  heap.markers.push((mark) => roots.forEach(mark));
  return { heap, roots };
}

const view = (heap: GcHeap, address: number, bytes: number) => {
  const b = heap.bytes(address, bytes);
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
};
const setWord = (heap: GcHeap, at: number, word: number) => view(heap, at, 8).setBigUint64(0, BigInt(word), true);
const getWord = (heap: GcHeap, at: number) => Number(view(heap, at, 8).getBigUint64(0, true));

function node(heap: GcHeap, value: number, next = 0, other = 0): number {
  const a = heap.allocate(headerWord(NODE, 'struct'), 0, NODE_BYTES);
  setWord(heap, a + 8, value);
  setWord(heap, a + 16, next);
  setWord(heap, a + 24, other);
  return a;
}
const refArray = (heap: GcHeap, length: number) => heap.allocate(headerWord(REFS, 'array'), length, arrayBytes(length, 8));

describe('GC heap', () => {
  it('allocates zeroed objects with their header, and recognises their addresses (only their starts)', () => {
    const { heap } = setup();
    const a = refArray(heap, 5);
    expect(a % 8).toBe(0);
    const header = view(heap, a, GC_HEADER.SIZE);
    expect(header.getUint32(GC_HEADER.TYPE, true)).toBe(headerWord(REFS, 'array'));
    expect(header.getUint32(GC_HEADER.LENGTH, true)).toBe(5);
    expect([...heap.bytes(a + 8, 40)].every((b) => b === 0)).toBe(true);
    expect(heap.isObject(a)).toBe(true);
    expect(heap.isObject(a + 8)).toBe(false);
    expect(heap.isObject(a + 4)).toBe(false);
    expect(heap.isObject(0)).toBe(false);
    expect(heap.isObject(8)).toBe(false);
    expect(() => heap.allocate(headerWord(NODE, 'struct'), 0, 12)).toThrow(RangeError);
  });

  it('frees what no root reaches, keeps what roots reach through struct fields and reference arrays', () => {
    const { heap, roots } = setup();
    const leaf = node(heap, 3);
    const mid = node(heap, 2, leaf);
    const arr = refArray(heap, 3);
    setWord(heap, arr + 8 + 16, mid); // element 2
    const other = node(heap, 4);
    const top = node(heap, 1, 0, arr);
    const garbage = node(heap, 99, other); // reaches `other`, but nothing reaches it
    const garbageArray = refArray(heap, 2);
    roots.add(top);
    heap.collect();
    for (const live of [top, arr, mid, leaf]) expect(heap.isObject(live)).toBe(true);
    for (const dead of [garbage, other, garbageArray]) expect(heap.isObject(dead)).toBe(false);
    expect(getWord(heap, leaf + 8)).toBe(3);
    expect(getWord(heap, mid + 16)).toBe(leaf);
    expect(heap.collections).toBe(1);
    expect(heap.liveBytes).toBe(3 * NODE_BYTES + arrayBytes(3, 8));
  });

  it('ignores words that are not object addresses: i31s, host words, interior and foreign pointers', () => {
    const { heap, roots } = setup();
    const a = node(heap, 1);
    const b = node(heap, 2);
    const c = node(heap, 3);
    roots.add(a + 1).add(b + 2).add(c + 8).add(0).add(8).add(2 ** 40);
    heap.collect();
    expect([a, b, c].map((x) => heap.isObject(x))).toEqual([false, false, false]);
  });

  it('reuses freed memory, zeroed, and allocates in place of the dead without growing', () => {
    const { heap, roots } = setup();
    const keep = node(heap, 42);
    roots.add(keep);
    const dead = new Set<number>();
    for (let i = 0; i < 1000; i++) dead.add(node(heap, 0xdeadbeef, keep, keep));
    heap.collect();
    const mapped = heap.mappedBytes;
    let reused = 0;
    for (let i = 0; i < 1000; i++) {
      const a = heap.allocate(headerWord(NODE, 'struct'), 0, NODE_BYTES);
      if (dead.has(a)) reused++;
      // Zeroed: neither the old value nor the old references are left.
      expect([getWord(heap, a + 8), getWord(heap, a + 16), getWord(heap, a + 24)]).toEqual([0, 0, 0]);
    }
    expect(reused).toBe(1000);
    expect(heap.mappedBytes).toBe(mapped);
    expect(getWord(heap, keep + 8)).toBe(42);
  });

  it('zeroes the dead between live objects, and refills those holes', () => {
    const { heap, roots } = setup();
    const all: number[] = [];
    for (let i = 0; i < 3000; i++) all.push(node(heap, 0x5555 + i, 0x1000 * 8, 0x2000 * 8));
    all.filter((_, i) => i % 3 === 0).forEach((a) => roots.add(a));
    heap.collect();
    for (let i = 0; i < all.length; i++) expect(heap.isObject(all[i]!)).toBe(i % 3 === 0);
    const fresh = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const a = heap.allocate(headerWord(NODE, 'struct'), 0, NODE_BYTES);
      fresh.add(a);
      expect([getWord(heap, a + 8), getWord(heap, a + 16), getWord(heap, a + 24)]).toEqual([0, 0, 0]);
    }
    expect(all.filter((a, i) => i % 3 !== 0 && fresh.has(a)).length).toBe(2000);
    all.filter((_, i) => i % 3 === 0).forEach((a, k) => expect(getWord(heap, a + 8)).toBe(0x5555 + 3 * k));
  });

  it('zeroes dead memory as allocation reaches it, slice after slice, in partly live and emptied chunks', () => {
    const { heap, roots } = setup();
    // 3 MiB of nodes full of non-zero words: every 1000th one kept, so some chunks keep a few
    // live objects and their holes are long runs; the chunk made last is emptied entirely.
    const all: number[] = [];
    for (let i = 0; i < (3 << 20) / NODE_BYTES; i++) all.push(node(heap, 0x7777, 0x1000 * 8, 0x2000 * 8));
    const kept = all.filter((_, i) => i % 1000 === 0 && i < all.length - (1 << 20) / NODE_BYTES);
    kept.forEach((a) => roots.add(a));
    heap.collect();
    expect(heap.liveBytes).toBe(kept.length * NODE_BYTES);
    const dead = new Set(all.filter((a) => !roots.has(a)));
    let reused = 0;
    let dirty = 0;
    for (let i = 0; i < all.length; i++) {
      const a = heap.allocate(headerWord(NODE, 'struct'), 0, NODE_BYTES);
      if (dead.has(a)) reused++;
      if (getWord(heap, a + 8) !== 0 || getWord(heap, a + 16) !== 0 || getWord(heap, a + 24) !== 0) dirty++;
    }
    expect(dirty).toBe(0);
    expect(reused).toBeGreaterThan(0.9 * dead.size);
    kept.forEach((a) => expect(getWord(heap, a + 8)).toBe(0x7777));
  });

  it('keeps emptied chunks mapped for the next budget of allocation instead of mapping new ones', () => {
    const { heap } = setup();
    const perBudget = MIN_BUDGET / NODE_BYTES;
    for (let i = 0; i < perBudget; i++) node(heap, i);
    const mapped = heap.mappedBytes;
    heap.collect();
    expect(heap.liveBytes).toBe(0);
    expect(heap.mappedBytes).toBe(mapped);
    for (let i = 0; i < perBudget - 1; i++) node(heap, i);
    expect(heap.collections).toBe(1);
    expect(heap.mappedBytes).toBe(mapped);
  }, 60_000);

  it('marks a list longer than a budget of allocation (over a million nodes) without overflowing the JS stack', () => {
    const { heap } = setup();
    const count = Math.ceil((1.25 * MIN_BUDGET) / NODE_BYTES);
    let head = 0;
    heap.markers.push((mark) => mark(head)); // the list so far (collections come while it grows)
    for (let i = 0; i < count; i++) head = node(heap, i, head);
    expect(heap.collections).toBeGreaterThan(0);
    for (let i = 0; i < 100_000; i++) node(heap, -1); // garbage between collections
    heap.collect();
    expect(heap.liveBytes).toBe(count * NODE_BYTES);
    let n = 0, wrong = 0;
    for (let at = head; at !== 0; at = getWord(heap, at + 16)) {
      if (getWord(heap, at + 8) !== count - 1 - n) wrong++;
      n++;
    }
    expect([n, wrong]).toEqual([count, 0]);
  }, 120_000);

  it('gives large objects their own mappings and unmaps them when dead', () => {
    const { heap, roots } = setup();
    const length = 4 * LARGE_OBJECT;
    const big = heap.allocate(headerWord(BYTES, 'array'), length, arrayBytes(length, 1));
    const bigRefs = refArray(heap, LARGE_OBJECT); // 8x the threshold, of references
    const target = node(heap, 5);
    setWord(heap, bigRefs + 8 + 8 * (LARGE_OBJECT - 1), target); // its last element
    heap.bytes(big + 8, length).fill(7);
    roots.add(bigRefs);
    const mapped = heap.mappedBytes;
    expect(mapped).toBeGreaterThanOrEqual(arrayBytes(length, 1) + arrayBytes(LARGE_OBJECT, 8));
    heap.collect();
    expect(heap.isObject(big)).toBe(false);
    expect(heap.isObject(bigRefs)).toBe(true);
    expect(heap.isObject(bigRefs + 8 * 1000)).toBe(false); // inside it
    expect(heap.isObject(target)).toBe(true);
    expect(heap.mappedBytes).toBeLessThanOrEqual(mapped - arrayBytes(length, 1));
    roots.clear();
    heap.collect();
    expect(heap.isObject(bigRefs)).toBe(false);
  });

  it('collects by itself once the budget is allocated, and stays bounded; never while noCollection > 0', () => {
    const { heap, roots } = setup();
    const keep = node(heap, 1);
    roots.add(keep);
    for (let i = 0; i < (4 * MIN_BUDGET) / NODE_BYTES; i++) node(heap, i, keep);
    expect(heap.collections).toBeGreaterThanOrEqual(3);
    expect(heap.mappedBytes).toBeLessThanOrEqual(MIN_BUDGET + (6 << 20));
    expect(getWord(heap, keep + 8)).toBe(1);
    const before = heap.collections;
    heap.noCollection++;
    const held = node(heap, 2); // only in this variable
    for (let i = 0; i < (2 * MIN_BUDGET) / NODE_BYTES; i++) node(heap, i);
    heap.collect();
    expect(heap.collections).toBe(before);
    expect(heap.isObject(held)).toBe(true);
    heap.noCollection--;
    heap.collect();
    expect(heap.isObject(held)).toBe(false);
  }, 60_000);

  it('scans every word of an object whose type has no shape', () => {
    const { heap, roots } = setup();
    const target = node(heap, 1);
    const unknown = heap.allocate(headerWord(1234, 'struct'), 0, 48);
    setWord(heap, unknown + 40, target);
    roots.add(unknown);
    heap.collect();
    expect(heap.isObject(target)).toBe(true);
    expect(heap.isObject(unknown)).toBe(true);
  });

  it('reports the host words of reachable objects (every object while noCollection > 0)', () => {
    const { heap, roots } = setup();
    const reached = node(heap, 0, 4 * 11 + 2, 1);
    const arr = refArray(heap, 2);
    setWord(heap, arr + 16, 4 * 12 + 2);
    const unreached = node(heap, 0, 4 * 13 + 2);
    roots.add(reached).add(arr);
    const words: number[] = [];
    heap.hostWords((w) => words.push(w));
    expect(words.sort()).toEqual([46, 50]);
    heap.noCollection++;
    words.length = 0;
    heap.hostWords((w) => words.push(w));
    expect(words.sort()).toEqual([46, 50, 54]);
    heap.noCollection--;
    expect(heap.isObject(unreached)).toBe(true);
  });
});
