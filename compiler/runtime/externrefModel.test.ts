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
}
/** What the model knows of a live instance: its table (shared ones have one id) and its global. */
interface Live {
  instance: Instance;
  table: number;
  global: number | null;
}

// Each in a function of its own, so that the test's frame keeps no value alive in a register.
const exportsOf = (l: Live) => l.instance.exports as unknown as Exports;
const putNew = (l: Live, slot: number, id: number) => exportsOf(l).put(slot, { id });
const passOn = (from: Live, s: number, to: Live, r: number) => exportsOf(to).put(r, exportsOf(from).get(s));
const idAt = (l: Live, slot: number) => (exportsOf(l).get(slot) as { id: number } | null)?.id ?? null;
const globalId = (l: Live) => (exportsOf(l).g.value as { id: number } | null)?.id ?? null;

it('values survive as long as something holds them, through random instantiations, moves, drops and collections', async () => {
  const own = compileModule(await watToWasm(OWN));
  const withFuncrefs = compileModule(await watToWasm(WITH_FUNCREFS));
  const sharing = compileModule(await watToWasm(SHARING));
  const next = rng(31);
  const random = (n: number) => Math.floor(next() * n);
  const tables = new Map<number, (number | null)[]>();
  let live: Live[] = [];
  let nextId = 1;
  let nextTable = 1;
  const counts: Record<string, number> = {};
  const make = (compiled: CompiledModule) => {
    const table = nextTable++;
    tables.set(table, new Array<number | null>(SLOTS).fill(null));
    live.push({ instance: new Instance(compiled), table, global: null });
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
      live.push({ instance: new Instance(sharing, { a: { t: exportsOf(from).t } }), table: from.table, global: null });
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
        if (!live.some((x) => x.table === from.table)) tables.delete(from.table);
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
      l.global = tables.get(l.table)![s]!;
    } else if (r < 680) {
      op = 'fromGlobal';
      const l = pick();
      const s = random(SLOTS);
      exportsOf(l).fromGlobal(s);
      tables.get(l.table)![s] = l.global;
    } else if (r < 800) {
      op = 'drop';
      const l = pick();
      live = live.filter((x) => x !== l);
      if (!live.some((x) => x.table === l.table)) tables.delete(l.table);
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
      expect(globalId(l), `step ${step} (${op}): global`).toBe(l.global);
    }
  }
  // Every kind of step happened, and collections weakened some values (the case under test).
  for (const op of ['new', 'share', 'put', 'pass', 'copy', 'toGlobal', 'fromGlobal', 'drop', 'collect', 'gc', 'reclaim', 'escape']) {
    expect(counts[op], op).toBeGreaterThan(0);
  }
  expect(externRefs.weakened - weakenedBefore).toBeGreaterThan(100);
}, 120_000);

