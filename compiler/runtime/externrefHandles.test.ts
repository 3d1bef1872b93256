// Issue 11, item 6: externref handles are collected (their values become collectable) once no
// table, global or segment holds them, and only then.
import { describe, expect, it } from 'vitest';
import type { CompiledModule } from '../abi/index.ts';
import { compileModule } from '../codegen/moduleCompiler.ts';
import { watToWasm } from '../text/watToWasm.ts';
import * as api from '../api/index.ts';
import { Instance } from './instance.ts';
import { collectGarbage, reclaim } from './reclaim.ts';
import { Global, Table } from './tableAndGlobal.ts';
import { externRefs } from './values.ts';

const fullGc = () => expect(collectGarbage()).toBe(true);

describe('externref handles', () => {
  it('200,000 distinct objects through one table slot leave few handles; what tables and globals hold survives', async () => {
    const bytes = await watToWasm(`(module
      (import "js" "kept" (global $kept (mut externref)))
      (table (export "t") 2 externref)
      (func (export "put") (param externref) i32.const 0 local.get 0 table.set 0)
      (func (export "get") (param i32) (result externref) local.get 0 table.get 0)
      (func (export "kept") (result externref) global.get $kept))`);
    const kept = new api.Global({ value: 'externref', mutable: true }, { name: 'in a global' });
    const e = new api.Instance(new api.Module(bytes), { js: { kept } }).exports as Record<string, (...a: unknown[]) => unknown>;
    const inSlot1 = { name: 'in slot 1' };
    (e.t as unknown as api.Table).set(1, inSlot1);
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

// What only a closed instance holds, that instance keeps, and the handle table refers to weakly:
// an object that refers back to its instance must not keep the instance alive for ever.
describe('values that only closed instances hold', () => {
  const holder = `(module
    (table (export "t") 2 externref) (global (export "g") (mut externref) (ref.null extern))
    (func (export "put") (param externref) i32.const 0 local.get 0 table.set 0 local.get 0 global.set 0)
    (func (export "get") (result externref) i32.const 0 table.get 0)
    (func (export "move") i32.const 1 i32.const 0 table.get 0 table.set 0
      i32.const 0 ref.null extern table.set 0 ref.null extern global.set 0))`;
  type Holder = { put(v: unknown): void; get(): unknown; move(): void; t: Table; g: Global };
  let compiled: CompiledModule;
  const instance = (imports = {}) => new Instance(compiled, imports);
  const exportsOf = (inst: Instance) => inst.exports as unknown as Holder;
  // In functions of their own, so that no register of the test's frame keeps an object alive.
  const putNew = (inst: Instance, id: number) => exportsOf(inst).put({ id });
  const passOn = (from: Instance, to: Instance) => exportsOf(to).put(exportsOf(from).get());
  // A collection at a safe point, where nothing is in flight.
  const collect = () => {
    externRefs.safePoint();
    externRefs.collect();
  };

  it('keeps them while the instance lives, wherever its code moves them', async () => {
    compiled = compileModule(await watToWasm(holder));
    const a = instance();
    expect(a.closed).toBe(true);
    putNew(a, 1);
    collect();
    expect(reclaim()).toBe(true);
    expect(exportsOf(a).get()).toEqual({ id: 1 });
    exportsOf(a).move();
    collect();
    fullGc();
    expect(exportsOf(a).t.get(1)).toEqual({ id: 1 });
    expect(exportsOf(a).get()).toBe(null);
  });

  it('lets an instance go whose object refers back to it', () => {
    const probes: WeakRef<object>[] = [];
    const make = () => {
      const inst = instance();
      const value = { exports: inst.exports };
      exportsOf(inst).put(value);
      probes.push(new WeakRef(value));
    };
    for (let i = 0; i < 20; i++) make();
    expect(reclaim()).toBe(true);
    // The last one given out may still be in flight (see ExternRefTable.collect).
    expect(probes.filter((p) => p.deref()).length).toBeLessThanOrEqual(1);
  });

  it('holds again what JS hands on from one to another, until it knows where it went', () => {
    let a: Instance | undefined = instance();
    const b = instance();
    putNew(a, 2);
    collect(); // now only a's keeper holds it
    passOn(a, b); // b's table has it, and b's keeper does not know yet
    a = undefined;
    fullGc();
    expect(exportsOf(b).get()).toEqual({ id: 2 });
    collect();
    fullGc();
    expect(exportsOf(b).get()).toEqual({ id: 2 });
  });

  it('holds what toHandle gave out since the last safe point, which may be in flight', () => {
    const handle = externRefs.toHandle({ id: 3 });
    externRefs.collect();
    expect(externRefs.fromHandle(handle)).toEqual({ id: 3 });
  });

  it('an exported global keeps what the instance held after the instance is gone', () => {
    let a: Instance | undefined = instance();
    const g = exportsOf(a).g;
    putNew(a, 4);
    collect();
    a = undefined;
    expect(reclaim()).toBe(true);
    expect(g.value).toEqual({ id: 4 });
  });

  it('an instance that imports another\'s function, table or reference global is not closed, nor is the other', async () => {
    const a = instance();
    const user = compileModule(await watToWasm(`(module (import "a" "put" (func (param externref))))`));
    new Instance(user, { a: { put: exportsOf(a).put } });
    expect(a.closed).toBe(false);
    const b = instance();
    const c = new Instance(compileModule(await watToWasm(`(module (import "b" "t" (table 2 externref)))`)), { b: { t: exportsOf(b).t } });
    expect(b.closed).toBe(false);
    expect(c.closed).toBe(false);
    const d = instance();
    new Instance(compileModule(await watToWasm(`(module (import "d" "g" (global (mut externref))))`)), { d: { g: exportsOf(d).g } });
    expect(d.closed).toBe(false);
    // Numbers carry no handles: a number global, given as a value or shared, links nothing.
    const exporter = new Instance(compileModule(await watToWasm(`(module (global (export "h") i32 (i32.const 6)))`)));
    const numbers = new Instance(compileModule(await watToWasm(`(module (import "n" "g" (global i32)) (import "n" "h" (global i32)))`)), {
      n: { g: 5, h: exporter.exports.h },
    });
    expect(numbers.closed).toBe(true);
    expect(exporter.closed).toBe(true);
    expect(instance().closed).toBe(true);
  });

  // Last: a function reference that crossed from JS into wasm opens, for good, every instance with
  // a funcref table (it could call that function and hand it its handles).
  it('once a function reference crosses from JS into wasm, no instance with a funcref table is closed', async () => {
    const withTable = compileModule(await watToWasm(`(module (table (export "f") 1 funcref) (func (export "h")))`));
    const early = new Instance(withTable);
    expect(early.closed).toBe(true);
    const other = new Instance(withTable);
    (early.exports.f as Table).set(0, other.exports.h);
    expect(early.closed).toBe(false);
    expect(other.closed).toBe(false);
    expect(new Instance(withTable).closed).toBe(false);
    expect(instance().closed).toBe(true); // no funcref table: still closed
  });
});
