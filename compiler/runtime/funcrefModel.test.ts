// A model-based test of function-reference lifetimes (instance.ts, region crossing): random
// sequences of instantiating, handing functions from JS into wasm (table and global sets,
// arguments, an import's results), wasm handing its own functions to others through references,
// copying in wasm, calling through tables, dropping instances and collecting garbage, checked
// after every step against a model that holds only numbers. A function whose instance was freed
// too early reads back as a dangling reference, or calls into another instance's records, or
// into unmapped code; any of those fails a check.
import { expect, it } from 'vitest';
import { compileModule } from '../codegen/moduleCompiler.ts';
import { rng } from '../testing/rng.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { Instance } from './instance.ts';
import { collectGarbage, reclaim } from './reclaim.ts';
import type { Global, Table } from './tableAndGlobal.ts';

const SLOTS = 4;
// Function indexes (the name of an exported function): me 1, store 2, call 3.
const NODE = `(module
  (type $me (func (result i32)))
  (type $store (func (param funcref i32)))
  (type $call (func (param i32) (result i32)))
  (import "js" "id" (global $id i32))
  (import "js" "fetch" (func $fetch (result funcref)))
  (table $t (export "t") ${SLOTS} funcref)
  (global $g (export "g") (mut funcref) (ref.null func))
  (elem declare func $me)
  (func $me (export "me") (type $me) global.get $id)
  (func (export "store") (type $store) local.get 1 local.get 0 table.set $t)
  (func (export "call") (type $call) local.get 0 call_indirect $t (type $me))
  (func (export "callVia") (param i32 i32) (result i32) local.get 1 local.get 0 call_indirect $t (type $call))
  (func (export "giveTo") (param i32 i32) ref.func $me local.get 1 local.get 0 call_indirect $t (type $store))
  (func (export "fetchInto") (param i32) local.get 0 call $fetch table.set $t)
  (func (export "toGlobal") (param i32) local.get 0 table.get $t global.set $g)
  (func (export "fromGlobal") (param i32) local.get 0 global.get $g table.set $t)
  (func (export "copy") (param i32 i32) local.get 1 local.get 0 table.get $t table.set $t))`;

type Kind = 'me' | 'store' | 'call';
const KINDS: Kind[] = ['me', 'store', 'call'];
const INDEX: Record<Kind, string> = { me: '1', store: '2', call: '3' };
/** A function reference in the model: which instance (by id) and which of its functions. */
type Ref = { id: number; kind: Kind } | null;
interface Exports {
  me(): number;
  store(f: unknown, i: number): void;
  call(i: number): number;
  callVia(a: number, b: number): number;
  giveTo(a: number, b: number): void;
  fetchInto(i: number): void;
  toGlobal(i: number): void;
  fromGlobal(i: number): void;
  copy(from: number, to: number): void;
  t: Table;
  g: Global;
}
/** What the model knows of every instance, live or dropped: its table and its global. */
interface State {
  table: Ref[];
  global: Ref;
}

const exportsOf = (inst: Instance) => inst.exports as unknown as Exports;
const fullGc = () => expect(collectGarbage()).toBe(true);
const trapOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no trap';
};

it('functions stay callable as long as something holds them, through random hand-overs, calls, drops and collections', async () => {
  const compiled = compileModule(await watToWasm(NODE));
  const next = rng(32);
  const random = (n: number) => Math.floor(next() * n);
  const states = new Map<number, State>();
  // JS hands over the functions of public instances only: a private one's functions reach other
  // instances only through its own code (giveTo), which is where nothing but the runtime's rules
  // keeps it alive.
  let live: { id: number; instance: Instance; public: boolean }[] = [];
  let nextId = 1;
  // What the next call of an import `fetch` returns (set only around a fetchInto).
  let fetched: unknown = null;
  const counts: Record<string, number> = {};
  const make = () => {
    const id = nextId++;
    states.set(id, { table: new Array<Ref>(SLOTS).fill(null), global: null });
    live.push({ id, instance: new Instance(compiled, { js: { id, fetch: () => fetched } }), public: random(2) === 0 });
  };
  make();
  // One random step, in a function of its own: once it returns, no variable of a frame still
  // refers to an instance it dropped or a function it handed over.
  const act = (): { op: string; gc: boolean } => {
    const r = random(1000);
    const pick = () => live[random(live.length)]!;
    const pickRef = (): { value: unknown; ref: Ref } => {
      const open = live.filter((l) => l.public);
      const y = open.length > 0 ? open[random(open.length)]! : pick();
      const kind = KINDS[random(3)]!;
      return { value: exportsOf(y.instance)[kind], ref: { id: y.id, kind } };
    };
    const slot = () => random(SLOTS);
    let op: string;
    let gc = false;
    if (live.length === 0 || r < 70) {
      op = 'new';
      make();
    } else if (r < 170) {
      op = 'tableSet';
      const x = pick();
      const s = slot();
      const { value, ref } = pickRef();
      exportsOf(x.instance).t.set(s, value);
      states.get(x.id)!.table[s] = ref;
    } else if (r < 200) {
      op = 'globalSet';
      const x = pick();
      const { value, ref } = pickRef();
      exportsOf(x.instance).g.value = value;
      states.get(x.id)!.global = ref;
    } else if (r < 290) {
      op = 'argument';
      const x = pick();
      const s = slot();
      const { value, ref } = pickRef();
      exportsOf(x.instance).store(value, s);
      states.get(x.id)!.table[s] = ref;
    } else if (r < 350) {
      op = 'fetch';
      const x = pick();
      const s = slot();
      const { value, ref } = pickRef();
      fetched = value;
      exportsOf(x.instance).fetchInto(s);
      fetched = null;
      states.get(x.id)!.table[s] = ref;
    } else if (r < 500) {
      // x calls what its slot a holds with a reference to its own `me`: a store keeps it.
      op = 'giveTo';
      const x = pick();
      const a = slot();
      const b = slot();
      const target = states.get(x.id)!.table[a]!;
      const message = trapOf(() => exportsOf(x.instance).giveTo(a, b));
      if (target === null) expect(message).toMatch(/uninitialized|null/);
      else if (target.kind !== 'store') expect(message).toMatch(/signature|type/);
      else {
        expect(message).toBe('no trap');
        states.get(target.id)!.table[b] = { id: x.id, kind: 'me' };
      }
    } else if (r < 570) {
      op = 'copy';
      const x = pick();
      const s = slot();
      const d = slot();
      exportsOf(x.instance).copy(s, d);
      const t = states.get(x.id)!.table;
      t[d] = t[s]!;
    } else if (r < 610) {
      op = 'toGlobal';
      const x = pick();
      const s = slot();
      exportsOf(x.instance).toGlobal(s);
      states.get(x.id)!.global = states.get(x.id)!.table[s]!;
    } else if (r < 650) {
      op = 'fromGlobal';
      const x = pick();
      const s = slot();
      exportsOf(x.instance).fromGlobal(s);
      states.get(x.id)!.table[s] = states.get(x.id)!.global;
    } else if (r < 800) {
      op = 'drop';
      const x = pick();
      live = live.filter((l) => l !== x);
      gc = random(2) === 0;
    } else if (r < 950) {
      op = 'gc';
      gc = true;
    } else {
      op = 'reclaim';
      expect(reclaim()).toBe(true);
    }
    return { op, gc };
  };
  // The checks, in a function of their own too: every slot and global of every live instance
  // reads back as the model says, and each `me` and each `call` (into another, maybe dropped,
  // instance's table) answers as the model says.
  const check = (where: string) => {
    for (const { id, instance } of live) {
      const e = exportsOf(instance);
      const state = states.get(id)!;
      for (let s = 0; s < SLOTS; s++) {
        const want = state.table[s]!;
        const got = e.t.get(s) as { name: string } | null;
        expect(got === null ? null : got.name, `${where}: instance ${id} slot ${s}`).toBe(want === null ? null : INDEX[want.kind]);
        if (want?.kind === 'me') expect(e.call(s), `${where}: instance ${id} calls slot ${s}`).toBe(want.id);
        if (want?.kind === 'call') {
          const theirs = states.get(want.id)!.table;
          for (let b = 0; b < SLOTS; b++) {
            const inner = theirs[b]!;
            if (inner?.kind === 'me') expect(e.callVia(s, b), `${where}: instance ${id} through ${want.id}'s slot ${b}`).toBe(inner.id);
          }
        }
      }
      const g = e.g.value as { name: string } | null;
      expect(g === null ? null : g.name, `${where}: instance ${id} global`).toBe(state.global === null ? null : INDEX[state.global.kind]);
    }
  };
  for (let step = 0; step < 2500; step++) {
    const { op, gc } = act();
    if (gc) fullGc();
    counts[op] = (counts[op] ?? 0) + 1;
    check(`step ${step} (${op})`);
  }
  for (const op of ['new', 'tableSet', 'globalSet', 'argument', 'fetch', 'giveTo', 'copy', 'toGlobal', 'fromGlobal', 'drop', 'gc', 'reclaim']) {
    expect(counts[op], op).toBeGreaterThan(0);
  }
}, 120_000);
