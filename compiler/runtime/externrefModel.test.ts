// A model-based test of externref lifetimes (values.ts, ValueKeeper): random sequences of
// instantiating, linking, storing, passing on, copying in wasm, dropping instances, collecting
// handles and collecting garbage, checked after every step against a model that holds only
// numbers. The model holds no value, so only the runtime keeps them alive: a value freed too early
// reads back wrong (or throws), a value kept too long is what the other tests measure.
import { expect, it } from 'vitest';
import type { CompiledModule } from '../abi/index.ts';
import { compileModule } from '../codegen/moduleCompiler.ts';
import { rng } from '../testing/rng.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { Instance } from './instance.ts';
import { collectGarbage, reclaim } from './reclaim.ts';
import type { Global, Table } from './tableAndGlobal.ts';
import { externRefs } from './values.ts';

const fullGc = () => expect(collectGarbage()).toBe(true);


const SLOTS = 4;
const body = `
  (global $g (export "g") (mut externref) (ref.null extern))
  (func (export "put") (param i32 externref) local.get 0 local.get 1 table.set $t)
  (func (export "get") (param i32) (result externref) local.get 0 table.get $t)
  (func (export "copy") (param i32 i32) local.get 1 local.get 0 table.get $t table.set $t)
  (func (export "toGlobal") (param i32) local.get 0 table.get $t global.set $g)
  (func (export "fromGlobal") (param i32) local.get 0 global.get $g table.set $t)`;
const OWN = `(module (table $t (export "t") ${SLOTS} externref) ${body})`;
const WITH_FUNCREFS = `(module (table $t (export "t") ${SLOTS} externref) (table (export "f") 1 funcref) (func (export "h")) ${body})`;
const SHARING = `(module (import "a" "t" (table $t ${SLOTS} externref)) (export "t" (table $t)) ${body})`;
// Linked to another instance through its functions (which keep each other alive), or only through
// its global (which the other's instance does not keep alive): wasm moves values between them.
const FUNCS = `(module
  (import "a" "put" (func $put (param i32 externref))) (import "a" "get" (func $get (param i32) (result externref)))
  (table $t (export "t") ${SLOTS} externref) ${body}
  (func (export "pull") (param i32 i32) local.get 1 local.get 0 call $get table.set $t local.get 0 ref.null extern call $put)
  (func (export "push") (param i32 i32) local.get 1 local.get 0 table.get $t call $put local.get 0 ref.null extern table.set $t))`;
const VIA_GLOBAL = `(module
  (import "a" "g" (global $theirs (mut externref)))
  (table $t (export "t") ${SLOTS} externref) ${body}
  (func (export "pull") (param i32 i32) local.get 1 global.get $theirs table.set $t ref.null extern global.set $theirs)
  (func (export "push") (param i32 i32) local.get 0 table.get $t global.set $theirs local.get 0 ref.null extern table.set $t))`;

interface Exports {
  put(i: number, v: unknown): void;
  get(i: number): unknown;
  copy(from: number, to: number): void;
  toGlobal(i: number): void;
  fromGlobal(i: number): void;
  t: Table;
  g: Global;
  f?: Table;
  h?: unknown;
  pull?(from: number, to: number): void;
  push?(from: number, to: number): void;
}
/**
 * What the model knows of a live instance: its table (shared ones have one id) and its global, by
 * id; and, for one linked to another, that one's table (FUNCS) or global (VIA_GLOBAL).
 */
interface Live {
  instance: Instance;
  table: number;
  global: number;
  theirs?: { table: number } | { global: number };
}

// Each in a function of its own, so that the test's frame keeps no value alive in a register.
const exportsOf = (l: Live) => l.instance.exports as unknown as Exports;
const putNew = (l: Live, slot: number, id: number) => exportsOf(l).put(slot, { id });
const passOn = (from: Live, s: number, to: Live, r: number) => exportsOf(to).put(r, exportsOf(from).get(s));
const idAt = (l: Live, slot: number) => (exportsOf(l).get(slot) as { id: number } | null)?.id ?? null;
const pullFrom = (l: Live, s: number, d: number) => exportsOf(l).pull!(s, d);
const pushTo = (l: Live, s: number, d: number) => exportsOf(l).push!(s, d);
const globalId = (l: Live) => (exportsOf(l).g.value as { id: number } | null)?.id ?? null;

it('values survive as long as something holds them, through random instantiations, moves, drops and collections', async () => {
  const own = compileModule(await watToWasm(OWN));
  const withFuncrefs = compileModule(await watToWasm(WITH_FUNCREFS));
  const sharing = compileModule(await watToWasm(SHARING));
  const funcs = compileModule(await watToWasm(FUNCS));
  const viaGlobal = compileModule(await watToWasm(VIA_GLOBAL));
  const next = rng(31);
  const random = (n: number) => Math.floor(next() * n);
  const tables = new Map<number, (number | null)[]>();
  const globals = new Map<number, number | null>();
  let live: Live[] = [];
  let nextId = 1;
  let nextTable = 1;
  let nextGlobal = 1;
  const counts: Record<string, number> = {};
  const newTable = () => {
    tables.set(nextTable, new Array<number | null>(SLOTS).fill(null));
    return nextTable++;
  };
  const newGlobal = () => {
    globals.set(nextGlobal, null);
    return nextGlobal++;
  };
  const make = (compiled: CompiledModule) => {
    live.push({ instance: new Instance(compiled), table: newTable(), global: newGlobal() });
  };
  // What the model stops tracking once no live instance refers to it.
  const forget = () => {
    const refers = (x: Live, t: 'table' | 'global', id: number) =>
      x[t] === id || (x.theirs !== undefined && t in x.theirs && (x.theirs as Record<string, number>)[t] === id);
    for (const id of tables.keys()) if (!live.some((x) => refers(x, 'table', id))) tables.delete(id);
    for (const id of globals.keys()) if (!live.some((x) => refers(x, 'global', id))) globals.delete(id);
  };
  make(own);
  const weakenedBefore = externRefs.weakened;
  // One random step. In a function of its own, so that once it returns no variable of a frame
  // still refers to an instance it dropped; the garbage collection it asks for comes after.
  const act = (): { op: string; gc: boolean } => {
    const r = random(1000);
    const pick = () => live[random(live.length)]!;
    let op: string;
    let gc = false;
    if (live.length === 0 || r < 60) {
      op = 'new';
      make(random(8) === 0 ? withFuncrefs : own);
    } else if (r < 80) {
      op = 'share';
      const from = pick();
      live.push({ instance: new Instance(sharing, { a: { t: exportsOf(from).t } }), table: from.table, global: newGlobal() });
    } else if (r < 110) {
      op = 'link';
      const to = pick();
      const e = exportsOf(to);
      if (random(2) === 0) {
        live.push({ instance: new Instance(funcs, { a: { put: e.put, get: e.get } }), table: newTable(), global: newGlobal(), theirs: { table: to.table } });
      } else {
        live.push({ instance: new Instance(viaGlobal, { a: { g: e.g } }), table: newTable(), global: newGlobal(), theirs: { global: to.global } });
      }
    } else if (r < 230) {
      // Wasm moves a value from the linked instance's table to the other's table or global, or back.
      const l = live.find((x, i) => x.theirs && i >= random(live.length)) ?? live.find((x) => x.theirs);
      op = 'pull';
      if (l) {
        const d = random(SLOTS);
        const own = tables.get(l.table)!;
        const theirs = l.theirs!;
        const into = random(2) === 0;
        // A slot that holds a value, if one does (the case under test).
        const from = into ? own : 'table' in theirs ? tables.get(theirs.table)! : [];
        const full = [...from.keys()].filter((k) => from[k] !== null);
        const s = full.length > 0 ? full[random(full.length)]! : random(SLOTS);
        if (into && random(2) === 0) {
          // A new value only this instance holds, left to its keeper by a collection.
          putNew(l, s, nextId);
          own[s] = nextId++;
          externRefs.safePoint();
          externRefs.collect();
        }
        if ('table' in theirs) {
          const other = tables.get(theirs.table)!;
          if (into) {
            op = 'push';
            pushTo(l, s, d);
            const v = own[s]!;
            own[s] = null;
            other[d] = v;
          } else {
            pullFrom(l, s, d);
            const v = other[s]!;
            other[s] = null;
            own[d] = v;
          }
        } else if (into) {
          op = 'push';
          pushTo(l, s, d);
          globals.set(theirs.global, own[s]!);
          own[s] = null;
        } else {
          pullFrom(l, s, d);
          own[d] = globals.get(theirs.global)!;
          globals.set(theirs.global, null);
        }
        // Now and then the linked instance goes at once, and its garbage before any collection of handles.
        if (random(2) === 0) {
          live = live.filter((x) => x !== l);
          forget();
          gc = true;
        }
      }
    } else if (r < 330) {
      op = 'put';
      const l = pick();
      const slot = random(SLOTS);
      putNew(l, slot, nextId);
      tables.get(l.table)![slot] = nextId++;
    } else if (r < 480) {
      op = 'pass';
      const from = pick();
      const to = pick();
      const s = random(SLOTS);
      const d = random(SLOTS);
      passOn(from, s, to, d);
      tables.get(to.table)![d] = tables.get(from.table)![s]!;
      // Now and then the source goes at once, and its garbage before any collection of handles.
      if (random(4) === 0 && from.table !== to.table) {
        live = live.filter((x) => x !== from);
        forget();
        gc = true;
      }
    } else if (r < 580) {
      op = 'copy';
      const l = pick();
      const s = random(SLOTS);
      const d = random(SLOTS);
      exportsOf(l).copy(s, d);
      tables.get(l.table)![d] = tables.get(l.table)![s]!;
    } else if (r < 630) {
      op = 'toGlobal';
      const l = pick();
      const s = random(SLOTS);
      exportsOf(l).toGlobal(s);
      globals.set(l.global, tables.get(l.table)![s]!);
    } else if (r < 680) {
      op = 'fromGlobal';
      const l = pick();
      const s = random(SLOTS);
      exportsOf(l).fromGlobal(s);
      tables.get(l.table)![s] = globals.get(l.global)!;
    } else if (r < 800) {
      op = 'drop';
      const l = pick();
      live = live.filter((x) => x !== l);
      forget();
      // Often at once: what only the dropped instance held dies before any collection of handles.
      gc = random(2) === 0;
    } else if (r < 890) {
      op = 'collect';
      externRefs.safePoint();
      externRefs.collect();
    } else if (r < 960) {
      op = 'gc';
      gc = true;
    } else if (r < 990) {
      op = 'reclaim';
      expect(reclaim()).toBe(true);
    } else {
      // A function reference crosses from JS into wasm: instances with a funcref table are no longer closed.
      op = 'escape';
      const l = live.find((x) => exportsOf(x).f);
      if (l) exportsOf(l).f!.set(0, exportsOf(l).h);
    }
    return { op, gc };
  };
  for (let step = 0; step < 3000; step++) {
    const { op, gc } = act();
    if (gc) fullGc();
    counts[op] = (counts[op] ?? 0) + 1;
    for (const l of live) {
      for (let s = 0; s < SLOTS; s++) expect(idAt(l, s), `step ${step} (${op}): slot ${s}`).toBe(tables.get(l.table)![s]);
      expect(globalId(l), `step ${step} (${op}): global`).toBe(globals.get(l.global));
    }
  }
  // Every kind of step happened, and collections weakened some values (the case under test).
  for (const op of ['new', 'share', 'link', 'pull', 'push', 'put', 'pass', 'copy', 'toGlobal', 'fromGlobal', 'drop', 'collect', 'gc', 'reclaim', 'escape']) {
    expect(counts[op], op).toBeGreaterThan(0);
  }
  expect(externRefs.weakened - weakenedBefore).toBeGreaterThan(100);
}, 120_000);

