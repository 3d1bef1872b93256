// The GC heap's roots in a running program: the words of suspended wasm activations (their
// frames on the wasm stack, a call-out's arguments), and the handles live objects hold, which
// ExternRefTable must not free. Objects are made by JS imports here (wasm keeps their addresses
// in i64s: the scan is conservative, types do not matter to it).
import { describe, expect, it } from 'vitest';
import { headerWord } from '../abi/gcObjects.ts';
import { watToWasm } from '../text/watToWasm.ts';
import * as api from '../api/index.ts';
import { getGcHeap } from './gcHeap.ts';
import './runtime.ts';
import { externRefs } from './values.ts';
import { Global, Table } from './tableAndGlobal.ts';
import { ANYREF } from '../binary/refTypes.ts';
import type { RefType, ValType } from '../binary/types.ts';

const BOX = 0x3ff01; // struct { ref }: a type id no module of the tests reaches
const heap = getGcHeap();
heap.registerType(BOX, { kind: 'struct', size: 16, refOffsets: [8] });
const box = () => heap.allocate(headerWord(BOX, 'struct'), 0, 16);
const setField = (address: number, word: number) => {
  const b = heap.bytes(address + 8, 8);
  new DataView(b.buffer, b.byteOffset, 8).setBigUint64(0, BigInt(word), true);
};
const getField = (address: number) => {
  const b = heap.bytes(address + 8, 8);
  return Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true));
};

async function instantiate(wat: string, imports: Record<string, unknown>) {
  const bytes = await watToWasm(wat);
  return new api.Instance(new api.Module(bytes), { js: imports }).exports as Record<string, (...a: unknown[]) => unknown>;
}

describe('GC roots', () => {
  it('keeps what suspended activations hold in their frames and call-out arguments, frees the rest', async () => {
    const made: number[] = [];
    const seen: boolean[] = [];
    const afterNested: boolean[] = [];
    let inner: (() => unknown) | undefined;
    const e = await instantiate(`(module
      (import "js" "alloc" (func $alloc (result i64)))
      (import "js" "collect" (func $collect))
      (import "js" "check" (func $check (param i64)))
      (import "js" "reenter" (func $reenter))
      (func (export "outer") (result i64) (local $kept i64)
        (local.set $kept (call $alloc))
        (drop (call $alloc)) ;; held by nothing
        (call $reenter) ;; a nested activation collects while this one is suspended
        (call $check (call $alloc)) ;; in the call-out buffer only
        (local.get $kept))
      (func (export "inner") (local $kept i64)
        (local.set $kept (call $alloc))
        (call $collect)
        (call $check (local.get $kept))))`, {
      alloc: () => {
        made.push(box());
        return BigInt(made.at(-1)!);
      },
      collect: () => {
        heap.collect();
        // made[0]: in the suspended outer activation's local; made[1]: dropped; made[2]: in this one's local.
        afterNested.push(...made.map((a) => heap.isObject(a)));
      },
      check: (word: bigint) => {
        heap.collect();
        seen.push(heap.isObject(Number(word)));
      },
      reenter: () => inner!(),
    });
    inner = e.inner as () => unknown;
    const before = heap.collections;
    const kept = Number(e.outer!() as bigint);
    expect(heap.collections).toBeGreaterThanOrEqual(before + 3);
    expect(seen).toEqual([true, true]);
    expect(afterNested).toEqual([true, false, true]);
    expect(kept).toBe(made[0]);
    expect(heap.isObject(made[0]!)).toBe(true); // nothing has collected since outer returned
    heap.collect();
    // No activation holds them now (made[3], the last call-out's argument, stays in the call-out
    // buffer until another call-out overwrites it: the scan is conservative).
    expect([made[0], made[2]].map((a) => heap.isObject(a!))).toEqual([false, false]);
  });

  it('keeps what tables and globals of the any hierarchy hold (as their raw words)', () => {
    // anyref is stored as externref (binary/refTypes.ts storageType): the tables and globals the
    // runtime walks for externref handles are the ones that can hold objects.
    const table = new Table(ANYREF as RefType, 3);
    const global = new Global(ANYREF as ValType, true, null);
    heap.noCollection++; // JS holds them until they are stored
    const inTable = box();
    const inGlobal = box();
    const reachedThroughTable = box();
    const garbage = box();
    setField(inTable, reachedThroughTable);
    table.setRaw(2, inTable);
    global.setRaw(inGlobal);
    heap.noCollection--;
    heap.collect();
    expect([inTable, inGlobal, reachedThroughTable, garbage].map((a) => heap.isObject(a))).toEqual([true, true, true, false]);
    table.setRaw(2, 0);
    global.setRaw(0);
    heap.collect();
    expect([inTable, inGlobal, reachedThroughTable].map((a) => heap.isObject(a))).toEqual([false, false, false]);
  });

  it("handles in live objects' fields are not freed by ExternRefTable; those in dead ones are", () => {
    const value = { name: 'held by a GC object' };
    const object = box();
    const word = externRefs.toHandle(value);
    setField(object, word);
    let held = true;
    heap.markers.push((mark) => held && mark(object));
    externRefs.safePoint(); // the handle is no longer in flight
    externRefs.collect();
    expect(externRefs.fromHandle(getField(object))).toBe(value);
    held = false;
    heap.collect();
    expect(heap.isObject(object)).toBe(false);
    const size = externRefs.size;
    externRefs.collect();
    expect(externRefs.size).toBe(size - 1);
    expect(() => externRefs.fromHandle(word)).toThrow(RangeError);
  });
});
