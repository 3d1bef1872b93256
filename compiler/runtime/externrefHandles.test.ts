// Issue 11, item 6: externref handles are collected (their values become collectable) once no
// table, global or segment holds them, and only then.
import { describe, expect, it } from 'vitest';
import { watToWasm } from '../text/watToWasm.ts';
import { Global, Instance, Module, Table } from '../api/index.ts';
import { externRefs } from './values.ts';

describe('externref handles', () => {
  it('200,000 distinct objects through one table slot leave few handles; what tables and globals hold survives', async () => {
    const bytes = await watToWasm(`(module
      (import "js" "kept" (global $kept (mut externref)))
      (table (export "t") 2 externref)
      (func (export "put") (param externref) i32.const 0 local.get 0 table.set 0)
      (func (export "get") (param i32) (result externref) local.get 0 table.get 0)
      (func (export "kept") (result externref) global.get $kept))`);
    const kept = new Global({ value: 'externref', mutable: true }, { name: 'in a global' });
    const e = new Instance(new Module(bytes), { js: { kept } }).exports as Record<string, (...a: unknown[]) => unknown>;
    const inSlot1 = { name: 'in slot 1' };
    (e.t as unknown as Table).set(1, inSlot1);
    const before = externRefs.collections;
    let last: unknown;
    for (let i = 0; i < 200_000; i++) e.put!((last = { i }));
    expect(externRefs.collections).toBeGreaterThan(before);
    expect(externRefs.size).toBeLessThan(140_000);
    expect(e.get!(0)).toBe(last);
    expect(e.get!(1)).toBe(inSlot1);
    expect(e.kept!()).toEqual({ name: 'in a global' });
    expect(kept.value).toEqual({ name: 'in a global' });
  }, 60_000);
});
