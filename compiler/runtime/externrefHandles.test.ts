// Issue 11, item 6: externref handles are collected (their values become collectable) once no
// table, global or segment holds them, and only then.
import { describe, expect, it } from 'vitest';
import type { CompiledModule } from '../abi/index.ts';
import { compileModule } from '../codegen/moduleCompiler.ts';
import { watToWasm } from '../text/watToWasm.ts';
import * as api from '../api/index.ts';
import { Instance, toBits } from './instance.ts';
import { ValType } from '../binary/types.ts';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';
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

  const group = (inst: Instance) => inst.keeper.group();

  it('an instance that imports another\'s table, reference global or function that passes references joins its group', async () => {
    const a = instance();
    const user = compileModule(await watToWasm(`(module (import "a" "put" (func (param externref))))`));
    const u = new Instance(user, { a: { put: exportsOf(a).put } });
    expect(group(u)).toBe(group(a));
    const b = instance();
    const c = new Instance(compileModule(await watToWasm(`(module (import "b" "t" (table 2 externref)))`)), { b: { t: exportsOf(b).t } });
    expect(group(c)).toBe(group(b));
    const d = instance();
    const e = new Instance(compileModule(await watToWasm(`(module (import "d" "g" (global (mut externref))))`)), { d: { g: exportsOf(d).g } });
    expect(group(e)).toBe(group(d));
    // A group stays closed: its code moves handles only among its own places.
    for (const inst of [a, u, b, c, d, e]) expect(inst.closed).toBe(true);
    expect(group(a)).not.toBe(group(b));
    // Numbers carry no handles: a number global, given as a value or shared, links nothing; nor
    // does a function whose calls pass no reference.
    const exporter = new Instance(compileModule(await watToWasm(`(module (global (export "h") i32 (i32.const 6)) (func (export "n") (param i32) (result i32) local.get 0))`)));
    const numbers = new Instance(compileModule(await watToWasm(`(module (import "n" "g" (global i32)) (import "n" "h" (global i32)) (import "n" "n" (func (param i32) (result i32))))`)), {
      n: { g: 5, h: exporter.exports.h, n: exporter.exports.n },
    });
    expect(group(numbers)).not.toBe(group(exporter));
  });

  it('a function reference crossing from JS into wasm joins its instance\'s group to the receiver\'s, if its calls pass references', async () => {
    const withTable = compileModule(await watToWasm(`(module (table (export "f") 1 funcref) (func (export "h")) (func (export "r") (param externref)))`));
    const receiver = new Instance(withTable);
    const other = new Instance(withTable);
    (receiver.exports.f as Table).set(0, other.exports.h); // no references pass through h
    expect(group(receiver)).not.toBe(group(other));
    (receiver.exports.f as Table).set(0, other.exports.r);
    expect(group(receiver)).toBe(group(other));
    expect(receiver.closed).toBe(true);
    expect(new Instance(withTable).closed).toBe(true);
  });

  it('a module with GC types is not closed: a handle its code moves into an object outlives the instance', async () => {
    const parse = await requireWasmToolsTextToBinary();
    const boxes = compileModule(parse(`(module
      (type $box (struct (field externref)))
      (table 1 externref)
      (func (export "put") (param externref) i32.const 0 local.get 0 table.set 0)
      (func (export "box") (result anyref) i32.const 0 table.get 0 struct.new $box i32.const 0 ref.null extern table.set 0)
      (func (export "unbox") (param anyref) (result externref) local.get 0 ref.cast (ref $box) struct.get $box 0))`));
    type Boxes = { put(v: unknown): void; box(): unknown; unbox(b: unknown): unknown };
    let a: Instance | undefined = new Instance(boxes);
    const b = new Instance(boxes);
    expect(a.closed).toBe(false);
    const putNewIn = (inst: Instance) => (inst.exports as unknown as Boxes).put({ id: 5 });
    putNewIn(a);
    collect(); // only the table holds it
    const box = (a.exports as unknown as Boxes).box(); // now only the object does
    a = undefined;
    fullGc();
    expect((b.exports as unknown as Boxes).unbox(box)).toEqual({ id: 5 });
  });

  // A module that uses a holder's table and its put and get (as a side module uses its main module).
  const user = `(module
    (import "a" "t" (table $theirs 2 externref))
    (import "a" "put" (func $put (param externref)))
    (import "a" "get" (func $get (result externref)))
    (table $t 1 externref) (global $g (mut externref) (ref.null extern))
    (func (export "store") (param externref) local.get 0 call $put local.get 0 global.set $g)
    (func (export "mine") (result externref) i32.const 0 table.get $t))`;
  type User = { store(v: unknown): void };

  it('lets a group of linked instances go whose object refers back to them', async () => {
    const compiledUser = compileModule(await watToWasm(user));
    const probes: WeakRef<object>[] = [];
    const make = () => {
      const a = instance();
      const u = new Instance(compiledUser, { a: { t: exportsOf(a).t, put: exportsOf(a).put, get: exportsOf(a).get } });
      const value = { a: a.exports, u: u.exports };
      (u.exports as unknown as User).store(value);
      probes.push(new WeakRef(value));
    };
    for (let i = 0; i < 20; i++) make();
    expect(reclaim()).toBe(true);
    expect(probes.filter((p) => p.deref()).length).toBeLessThanOrEqual(1);
  });

  // Where a member of a group can go before the others (an instance importing another's global,
  // or receiving a function reference: neither keeps it alive), what its code moved into their
  // places before it went must outlive it, even before the next collection of handles.
  it('keeps what a member\'s code moved into another\'s places, after that member is gone', async () => {
    const a = instance();
    const viaGlobal = compileModule(await watToWasm(`(module
      (import "a" "g" (global $theirs (mut externref)))
      (table (export "t") 1 externref)
      (func (export "push") i32.const 0 table.get 0 global.set $theirs i32.const 0 ref.null extern table.set 0))`));
    const viaReference = compileModule(await watToWasm(`(module
      (type $put (func (param externref)))
      (table (export "f") 1 funcref) (table (export "t") 1 externref)
      (func (export "push") i32.const 0 table.get 1 i32.const 0 call_indirect (type $put) i32.const 0 ref.null extern table.set 1))`));
    type Pusher = { t: Table; f?: Table; push(): void };
    const pushers = [
      () => new Instance(viaGlobal, { a: { g: exportsOf(a).g } }),
      () => {
        const inst = new Instance(viaReference);
        (inst.exports as unknown as Pusher).f!.set(0, exportsOf(a).put);
        return inst;
      },
    ];
    // In a function of its own: once it returns, no frame refers to the member.
    const moveOut = (make: () => Instance, id: number) => {
      const p = make();
      (p.exports as unknown as Pusher).t.set(0, { id });
      collect(); // only p's table holds it
      (p.exports as unknown as Pusher).push(); // now only a's global does
      return new WeakRef(p);
    };
    for (const [k, make] of pushers.entries()) {
      const gone = moveOut(make, 6 + k);
      fullGc();
      expect(gone.deref()).toBe(undefined);
      expect(exportsOf(a).g.value).toEqual({ id: 6 + k });
      collect();
      fullGc();
      expect(exportsOf(a).g.value).toEqual({ id: 6 + k });
    }
  });

  // Last: a function reference that went where nothing says (toBits without a holder) opens, for
  // good, every group (any code could call it and hand it its handles).
  it('once a function reference that passes references crosses with nothing to say where, no group is closed', async () => {
    const a = instance();
    const b = instance();
    toBits(ValType.funcref, exportsOf(b).put);
    expect(a.closed).toBe(false);
    expect(b.closed).toBe(false);
    expect(instance().closed).toBe(false);
  });
});
