// Chapter 13's examples: instantiation through Lightbeam's JS API (compiler/api) and through V8's
// WebAssembly, side by side — the order in which segments and the start function take effect,
// seen through an imported memory and table after instantiation succeeds or fails; what happens
// to imports of the wrong kind; and the JS API conformance counts that CI holds the API to.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/lib/root.ts';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { nativeUnavailable } from '../../src/lib/examples.ts';
import { describeMachine, type Output } from '../../src/lib/exampleOutput.ts';

/** The subset of the WebAssembly namespace both engines offer here. */
interface Api {
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
  Table: new (d: { element: string; initial: number }) => { get(i: number): unknown };
  Global: new (d: { value: string; mutable?: boolean }, v?: unknown) => unknown;
  Module: new (bytes: Uint8Array) => unknown;
  Instance: new (m: never, imports?: Record<string, unknown>) => { exports: Record<string, unknown> };
}

// #region segment-scenarios
/** A module importing a memory and a table, with an element segment, data segments and a start function. */
const scenario = (elemAt: number, dataAt: number[], startTraps: boolean) => `(module
  (import "env" "memory" (memory 1))
  (import "env" "table" (table 2 funcref))
  (func $f)
  (func $start ${startTraps ? 'unreachable' : ''})
  (elem (i32.const ${elemAt}) $f)
  ${dataAt.map((at, i) => `(data (i32.const ${at}) "seg${i}")`).join('\n  ')}
  (start $start))`;

const scenarios: [what: string, wat: string][] = [
  ['everything in bounds', scenario(0, [0, 16], false)],
  ['the second data segment is out of bounds', scenario(0, [0, 65534], false)],
  ['the element segment is out of bounds', scenario(2, [0, 16], false)],
  ['the start function traps', scenario(0, [0, 16], true)],
];
// #endregion segment-scenarios

/** What instantiating did, and what the imported memory and table hold afterwards. */
function instantiateAndLook(api: Api, wasm: Uint8Array): string[] {
  const memory = new api.Memory({ initial: 1 });
  const table = new api.Table({ element: 'anyfunc', initial: 2 });
  let result: string;
  try {
    new api.Instance(new api.Module(wasm) as never, { env: { memory, table } });
    result = 'instantiated';
  } catch (e) {
    result = e instanceof Error ? `${e.constructor.name}` : String(e);
  }
  const text = (at: number) => new TextDecoder().decode(new Uint8Array(memory.buffer, at, 4)).replace(/\0/g, '·');
  return [result, `"${text(0)}" "${text(16)}"`, table.get(0) === null ? 'null' : 'a function'];
}

async function engines(): Promise<{ lightbeam: Api; v8: Api }> {
  const lightbeam = (await import('../../compiler/api/index.ts')) as unknown as Api;
  return { lightbeam, v8: WebAssembly as unknown as Api };
}

export async function segmentOrder(): Promise<Output[]> {
  const why = nativeUnavailable();
  if (why) return [{ kind: 'unavailable', reason: why }];
  const { lightbeam, v8 } = await engines();
  const rows: string[][] = [];
  for (const [what, wat] of scenarios) {
    const wasm = await watToWasm(wat, { name: 'scenario.wat' });
    const [ours, theirs] = [instantiateAndLook(lightbeam, wasm), instantiateAndLook(v8, wasm)];
    rows.push([what, ...ours, ours.join() === theirs.join() ? 'the same ✓' : `${theirs.join(', ')} ✗`]);
  }
  return [{
    kind: 'measured',
    columns: ['scenario', 'Lightbeam: instantiation', 'memory at 0 and 16 afterwards', 'table slot 0', 'V8'],
    rows,
    machine: await describeMachine(),
  }];
}

/** A module with three imports: a function, a memory of at least 2 pages, a mutable global (chapter 13 draws its VMContext too). */
const importer = readFileSync(join(repoRoot(), 'book/examples/importer.wat'), 'utf8');

export async function badImports(): Promise<Output[]> {
  const why = nativeUnavailable();
  if (why) return [{ kind: 'unavailable', reason: why }];
  const { lightbeam, v8 } = await engines();
  const wasm = await watToWasm(importer, { name: 'importer.wat' });
  const cases: [what: string, imports: (api: Api) => Record<string, unknown> | undefined][] = [
    ['no import object at all', () => undefined],
    ['"env" is missing', () => ({})],
    ['env.f is a number', (api) => ({ env: { f: 1, memory: new api.Memory({ initial: 2 }), counter: new api.Global({ value: 'i32', mutable: true }) } })],
    ['the memory has 1 page, 2 are required', (api) => ({ env: { f: () => {}, memory: new api.Memory({ initial: 1 }), counter: new api.Global({ value: 'i32', mutable: true }) } })],
    ['the global is a plain number, not a mutable Global', (api) => ({ env: { f: () => {}, memory: new api.Memory({ initial: 2 }), counter: 0 } })],
    ['everything right', (api) => ({ env: { f: () => {}, memory: new api.Memory({ initial: 2 }), counter: new api.Global({ value: 'i32', mutable: true }) } })],
  ];
  const attempt = (api: Api, imports: Record<string, unknown> | undefined): string => {
    try {
      new api.Instance(new api.Module(wasm) as never, imports);
      return 'instantiated';
    } catch (e) {
      return e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
    }
  };
  const rows = cases.map(([what, imports]) => {
    const ours = attempt(lightbeam, imports(lightbeam));
    const theirs = attempt(v8, imports(v8));
    const kind = (s: string) => s.split(':')[0];
    return [what, ours, `${theirs} ${kind(ours) === kind(theirs) ? '✓' : '✗'}`];
  });
  return [{ kind: 'measured', columns: ['imports', 'Lightbeam', 'V8 (✓: the same kind of error)'], rows, machine: await describeMachine() }];
}

interface JsApiBaseline {
  totals: { total: number; passed: number; failed: number };
  files: Record<string, { passed: number; failed: number; skipped: number; harness: string }>;
}

/** The JS API tests per folder, from the baseline the JS API ratchet (compiler/jsapi/conformance.test.ts) verifies. */
export function jsapiResults(): Output[] {
  const baseline = JSON.parse(readFileSync(join(repoRoot(), 'compiler/jsapi/baseline.json'), 'utf8')) as JsApiBaseline;
  const groups = new Map<string, { files: number; passed: number; failed: number; errors: number }>();
  for (const [file, c] of Object.entries(baseline.files)) {
    const folder = file.includes('/') ? file.slice(0, file.indexOf('/') + 1) : file;
    const g = groups.get(folder) ?? { files: 0, passed: 0, failed: 0, errors: 0 };
    g.files++;
    g.passed += c.passed;
    g.failed += c.failed;
    if (c.harness !== 'OK') g.errors++;
    groups.set(folder, g);
  }
  const rows = [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([folder, g]) => [folder, g.files, g.passed, g.failed, g.errors]);
  const t = baseline.totals;
  rows.push(['all', Object.keys(baseline.files).length, t.passed, t.failed, rows.reduce((n, r) => n + (r[4] as number), 0)]);
  return [{
    kind: 'table',
    title: `WebAssembly JS API tests: ${t.passed} of ${t.total} subtests pass (compiler/jsapi/baseline.json)`,
    columns: ['folder or file', 'test files', 'subtests passed', 'subtests failed', 'files the harness could not run'],
    rows,
  }];
}

// #region crossing-example
/** A module that keeps, in slot 1 of its table, a function it is given, and can hand its own `me` to whatever slot 0 holds. */
const keeper = `(module
  (type $give (func (param funcref)))
  (table (export "t") 2 funcref)
  (elem declare func $me)
  (func $me (export "me") (result i32) i32.const 7)
  (func (export "keep") (param funcref) i32.const 1 local.get 0 table.set 0)
  (func (export "hand") ref.func $me i32.const 0 call_indirect (type $give)))`;

/**
 * Function references from JavaScript, and what they keep alive: 200 instances each, dropped at
 * once, and counted after a garbage collection. `cross` (instance.ts) decides.
 */
export async function crossing(): Promise<Output[]> {
  const why = nativeUnavailable();
  if (why) return [{ kind: 'unavailable', reason: why }];
  const { compileModule } = await import('../../compiler/codegen/moduleCompiler.ts');
  const { Instance } = await import('../../compiler/runtime/instance.ts');
  const { reclaim } = await import('../../compiler/runtime/reclaim.ts');
  type Keeper = { t: { set(i: number, f: unknown): void }; me(): number; keep(f: unknown): void; hand(): void };
  const compiled = compileModule(await watToWasm(keeper));
  const exportsOf = (i: InstanceType<typeof Instance>) => i.exports as unknown as Keeper;
  const library = new Instance(compiled);
  const probes: Record<string, WeakRef<object>[]> = { own: [], libraryMe: [], handsBack: [] };
  // Each in a function of its own: no variable of a frame still refers to the instance after.
  const make = (kind: string) => {
    const instance = new Instance(compiled);
    const e = exportsOf(instance);
    if (kind === 'own') e.t.set(0, e.me); // its own function, into its own table
    if (kind === 'libraryMe') e.keep(exportsOf(library).me); // a long-lived instance's function that takes no references
    if (kind === 'handsBack') {
      e.t.set(0, exportsOf(library).keep); // one that takes references...
      e.hand(); // ...and is handed this instance's `me`, which the library keeps
    }
    probes[kind]!.push(new WeakRef(instance));
  };
  for (const kind of Object.keys(probes)) for (let i = 0; i < 200; i++) make(kind);
  reclaim();
  const alive = (kind: string) => probes[kind]!.filter((p) => p.deref()).length;
  return [{
    kind: 'table',
    columns: ['200 instances, dropped by JavaScript', 'still alive'],
    rows: [
      ['each given its own function, in its table', alive('own')],
      ['each given a long-lived instance\'s function that takes no references', alive('libraryMe')],
      ['each handing its function to a long-lived instance\'s that keeps it', alive('handsBack')],
    ],
  }];
}
// #endregion crossing-example
