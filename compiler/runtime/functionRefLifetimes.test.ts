// Function references that cross from JS into wasm keep their instance alive exactly as long as
// some place that can hold them lives (instance.ts, region crossing): an instance handed a
// function is freed with the last place that may hold it, and one that may have been handed
// another's functions through a reference keeps that one alive.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CompiledModule } from '../abi/index.ts';
import { compileModule } from '../codegen/moduleCompiler.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { Instance } from './instance.ts';
import { reclaim } from './reclaim.ts';
import { Global, type Table } from './tableAndGlobal.ts';
import { ValType } from '../binary/types.ts';

// Keeps what its table's slot 0 calls, `keep` puts a reference there, `hand` calls slot 0 with a
// reference to its own `answer` (42), `callKept` calls what slot 1 holds.
const USER = `(module
  (type $give (func (param funcref)))
  (type $ask (func (result i32)))
  (import "js" "fetch" (func $fetch (result funcref)))
  (table (export "t") 2 funcref)
  (elem declare func $answer)
  (func $answer (result i32) i32.const 42)
  (func (export "g") (result i32) i32.const 7)
  (func (export "keep") (param funcref) i32.const 1 local.get 0 table.set 0)
  (func (export "fetchAndKeep") i32.const 1 call $fetch table.set 0)
  (func (export "hand") ref.func $answer i32.const 0 call_indirect (type $give))
  (func (export "callKept") (result i32) i32.const 1 call_indirect (type $ask)))`;
type User = { t: Table; g(): number; keep(f: unknown): void; fetchAndKeep(): void; hand(): void; callKept(): number };

let user: CompiledModule;
beforeAll(async () => {
  user = compileModule(await watToWasm(USER));
});
const exportsOf = (inst: Instance) => inst.exports as unknown as User;
const noFetch = { js: { fetch: () => null } };
/** After this, whatever nothing references is gone (true: the machinery to collect is there). */
const collectAll = () => expect(reclaim()).toBe(true);

// Each step in a function of its own, so that no register of the test's frame keeps an instance alive.
describe('function references from JS', () => {
  it('an instance handed its own functions, and a long-lived instance\'s, is freed when dropped', () => {
    const library = new Instance(user, noFetch);
    const probes: WeakRef<Instance>[] = [];
    const make = (i: number) => {
      const inst = new Instance(user, noFetch);
      const e = exportsOf(inst);
      e.t.set(0, e.g); // into its table from JS
      e.keep(i % 2 ? e.g : exportsOf(library).g); // as an argument its code stores
      expect(e.callKept()).toBe(7);
      probes.push(new WeakRef(inst));
    };
    for (let i = 0; i < 20; i++) make(i);
    collectAll();
    expect(probes.filter((p) => p.deref()).length).toBe(0);
    expect(exportsOf(library).g()).toBe(7);
  });

  it('a table or global set from JS keeps the function\'s instance, and only while it lives', () => {
    let table: Table | undefined = new Instance(user, noFetch).exports.t as unknown as Table;
    let global: Global | undefined = new Global(ValType.funcref, true);
    const probes: WeakRef<Instance>[] = [];
    const put = () => {
      const a = new Instance(user, noFetch);
      const b = new Instance(user, noFetch);
      table!.set(1, exportsOf(a).g);
      global!.value = exportsOf(b).g;
      probes.push(new WeakRef(a), new WeakRef(b));
    };
    const callBoth = () => (table!.get(1) as () => number)() + (global!.value as () => number)();
    put();
    collectAll();
    expect(probes.map((p) => p.deref() !== undefined)).toEqual([true, true]);
    expect(callBoth()).toBe(14);
    table = undefined;
    global = undefined;
    collectAll();
    expect(probes.map((p) => p.deref() !== undefined)).toEqual([false, false]);
  });

  it('an instance keeps the function a host function returned to it, and lets it go with itself', () => {
    let holder: Instance | undefined;
    const probe = { ref: undefined as WeakRef<Instance> | undefined };
    const setUp = () => {
      const source = new Instance(user, noFetch);
      holder = new Instance(user, { js: { fetch: () => exportsOf(source).g } });
      exportsOf(holder).fetchAndKeep();
      probe.ref = new WeakRef(source);
    };
    const callKept = () => exportsOf(holder!).callKept();
    setUp();
    collectAll();
    expect(probe.ref!.deref()).toBeDefined();
    expect(callKept()).toBe(7);
    holder = undefined;
    collectAll();
    expect(probe.ref!.deref()).toBeUndefined();
  });

  it('an instance whose function takes references keeps alive those that may have passed it theirs', () => {
    // The library stores what it is given; a short-lived instance calls it through its table with
    // a reference to its own function, then is dropped. The library still calls that function.
    const library = new Instance(user, noFetch);
    const probe = { ref: undefined as WeakRef<Instance> | undefined };
    const visit = () => {
      const visitor = new Instance(user, noFetch);
      exportsOf(visitor).t.set(0, exportsOf(library).keep);
      exportsOf(visitor).hand();
      probe.ref = new WeakRef(visitor);
    };
    visit();
    collectAll();
    expect(probe.ref!.deref()).toBeDefined();
    expect(exportsOf(library).callKept()).toBe(42);
  });
});
