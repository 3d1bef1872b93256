// Test-only (Node): run a module on one engine (V8's WebAssembly, or Lightbeam's compiler/api) and
// write down everything observable, as lines of text: instantiation, every call of every exported
// function with several argument tuples (its result, trap or exception), every call the module
// makes to its imports (with arguments), and at the end the state of every memory, table and
// global (exposeState exports them all). Two engines agree when their transcripts do, line by
// line, with V8's trap messages matched to the spec's (sameTrap).
//
// The imports follow binaryen's fuzzing convention (`wasm-opt -ttf` modules import
// "fuzzing-support" log-*, call-export(-catch), call-ref(-catch), table-get/set, sleep); any other
// import gets a value of its type, and an imported function logs its call and returns defaults.

import { createHash } from 'node:crypto';
import * as api from '../../api/index.ts';
import { sameTrap } from '../differentialRunner.ts';
import { describeGcValue } from './gcDump.ts';
import { moduleShape, type FuncType, type ModuleShape, type ValTypeName } from './moduleShape.ts';

/** What the harness needs of a WebAssembly-like API. */
export interface Engine {
  readonly name: string;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports?: object) => { readonly exports: Record<string, unknown> };
  readonly Memory: new (d: { initial: number; maximum?: number }) => object;
  readonly Table: new (d: { element: string; initial: number; maximum?: number }) => object;
  readonly Global: new (d: { value: string; mutable?: boolean }, v?: unknown) => object;
  /** For imported tags (binaryen's GC modules import "wasmtag" and "jstag"). */
  readonly Tag?: new (d: { parameters: readonly string[] }) => object;
  readonly JSTag?: object;
  /** What a GC object holds (only Lightbeam can tell: gcDump.ts), else undefined. */
  readonly describe?: (v: unknown) => string | undefined;
  /** The trap message of `e` if it is this engine's trap (RuntimeError), else undefined. */
  trapMessage(e: unknown): string | undefined;
}

/** An Engine from a namespace with the JS API's constructors (WebAssembly, or compiler/api). */
function engineOf(name: string, ns: object, trapMessage: Engine['trapMessage']): Engine {
  const { Module, Instance, Memory, Table, Global, Tag, JSTag } = ns as Omit<Engine, 'name' | 'trapMessage'>;
  return { name, Module, Instance, Memory, Table, Global, Tag, JSTag, trapMessage };
}

/** V8's own engine. */
export const v8Engine: Engine = engineOf('V8', WebAssembly, (e) => {
  if (e instanceof WebAssembly.RuntimeError) return e.message.replace(/^WebAssembly\.\w+\(\): /, '');
  if (e instanceof RangeError && /call stack/.test(e.message)) return e.message;
  return undefined;
});

/** A JS value thrown by an import: both engines must pass the same object through. */
class ImportThrow { constructor(readonly id: number) {} }
/** Host objects handed to wasm as externref, named by index so both transcripts can name them. */
const EXTERNS = Array.from({ length: 4 }, (_, id) => Object.freeze({ extern: id }));

/** Where show() asks the engine whose transcript is being written to describe a GC object. */
let describeObject: ((v: unknown) => string | undefined) | undefined;

function show(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'function') return 'func';
  const i = EXTERNS.indexOf(v as (typeof EXTERNS)[number]);
  if (i >= 0) return `extern#${i}`;
  const gc = describeObject?.(v);
  return gc !== undefined ? `gc ${gc}` : `? ${typeof v}`;
}

/** How a call ended, when it threw: `trap:<message>` lines are matched by sameLine. */
function thrown(engine: Engine, e: unknown): string {
  const trap = engine.trapMessage(e);
  if (trap !== undefined) return `trap:${trap}`;
  if (e instanceof ImportThrow) return `throw #${e.id}`;
  // The message after " | " is for the reader: engines word errors differently, only the class is compared.
  if (e instanceof Error) return `threw ${e.name} | ${e.message.split('\n')[0]}`;
  return `threw ${show(e)}`;
}

const ARGS: Readonly<Record<ValTypeName, readonly unknown[]>> = {
  i32: [0, 1, -1, 2147483647],
  i64: [0n, 1n, -1n, 9223372036854775807n],
  f32: [0, 1.5, -0, NaN],
  f64: [0, -2.5, Infinity, 5e-324],
  v128: [undefined],
  funcref: [null],
  externref: [null, EXTERNS[0], EXTERNS[1], 'text'],
  anyref: [null],
};
export const ARG_TUPLES = 3;
const IMPORT_CALL_BUDGET = 1000;
const REENTRY_DEPTH = 40;
const argsFor = (t: FuncType, k: number) => t.params.map((p) => ARGS[p][k % ARGS[p].length]);

function defaultValue(t: ValTypeName): unknown {
  return t === 'i64' ? 7n : t === 'i32' ? 7 : t === 'f32' ? 1.5 : t === 'f64' ? 2.5 : t === 'externref' ? EXTERNS[2] : null;
}
function returnDefaults(type: FuncType): unknown {
  if (type.results.length === 0) return undefined;
  if (type.results.length === 1) return defaultValue(type.results[0]!);
  return type.results.map(defaultValue);
}

function memoryState(m: { buffer: ArrayBuffer }): string {
  const b = new Uint8Array(m.buffer);
  return `${b.length / 65536} pages #${createHash('sha1').update(b).digest('hex').slice(0, 16)}`;
}

function tableState(t: { length: number; get(i: number): unknown }): string {
  const n = t.length;
  // An exnref element cannot be read from JS (a TypeError): shown as what it throws.
  const element = (i: number) => { try { return show(t.get(i)); } catch (e) { return `threw ${(e as Error).name}`; } };
  const shown = Array.from({ length: Math.min(n, 64) }, (_, i) => element(i));
  return `${n} [${shown.join(' ')}${n > 64 ? ' ...' : ''}]`;
}

export interface TranscriptOptions {
  /** Call the exported functions (default true); false: instantiation and state only. */
  readonly calls?: boolean;
  /** Replace import number `tamper % imports` by a value of the wrong kind or type (`tamper` picks which). */
  readonly tamper?: number;
}

/**
 * Wrong values for an import, for instantiation fuzzing: each engine must refuse them with the same
 * error class (LinkError, TypeError) as V8, or accept them the same way.
 */
function wrongImport(engine: Engine, k: number): unknown {
  switch (k % 9) {
    case 0: return 42;
    case 1: return () => 0;
    case 2: return new engine.Memory({ initial: 1 });
    case 3: return new engine.Memory({ initial: 0, maximum: 1 });
    case 4: return new engine.Table({ element: 'anyfunc', initial: 1 });
    case 5: return new engine.Table({ element: 'externref', initial: 100000 });
    case 6: return new engine.Global({ value: 'i32', mutable: true }, 1);
    case 7: return new engine.Global({ value: 'f64' }, 1);
    default: return 5n;
  }
}

/** The transcript of `bytes` on `engine` (pass the module's shape if already read). */
export function transcript(engine: Engine, bytes: Uint8Array, shape: ModuleShape = moduleShape(bytes), options: TranscriptOptions = {}): string[] {
  const outer = describeObject;
  describeObject = engine.describe;
  try {
    return transcriptOf(engine, bytes, shape, options);
  } finally {
    describeObject = outer;
  }
}

function transcriptOf(engine: Engine, bytes: Uint8Array, shape: ModuleShape, options: TranscriptOptions): string[] {
  const out: string[] = [];
  let importCalls = 0;
  let exports: Record<string, unknown> | undefined;
  const funcExports = [...shape.exportedFuncs.keys()];
  // Wasm re-entered from its imports, at most REENTRY_DEPTH deep: deeper, the engines' stack
  // limits (which the spec leaves to each) would decide where the recursion ends.
  let depth = 0;
  const reenter = (f: (...a: unknown[]) => unknown, args: unknown[]) => {
    if (depth >= REENTRY_DEPTH) throw new ImportThrow(8);
    depth++;
    try {
      return f(...args);
    } finally {
      depth--;
    }
  };
  const callExport = (index: number) => {
    const name = funcExports[index >>> 0];
    const f = name !== undefined ? exports?.[name] : undefined;
    if (typeof f !== 'function') throw new ImportThrow(1);
    return reenter(f as (...a: unknown[]) => unknown, argsFor(shape.exportedFuncs.get(name!)!, 0));
  };
  const table = () => {
    for (const n of ['table', '$tab0']) if (exports?.[n]) return exports[n] as { length: number; get(i: number): unknown; set(i: number, v: unknown): void };
    throw new ImportThrow(2);
  };
  const fuzzing: Record<string, (type: FuncType) => (...a: unknown[]) => unknown> = {
    'call-export': () => (i) => { callExport(i as number); },
    'call-export-catch': () => (i) => { try { callExport(i as number); return 0; } catch { return 1; } },
    'call-ref': () => (f) => { if (typeof f !== 'function') throw new ImportThrow(3); reenter(f as () => unknown, []); },
    'call-ref-catch': () => (f) => { try { if (typeof f !== 'function') return 1; reenter(f as () => unknown, []); return 0; } catch { return 1; } },
    'table-get': () => (i) => {
      const t = table();
      if ((i as number) >>> 0 >= t.length) throw new ImportThrow(4);
      return t.get((i as number) >>> 0);
    },
    'table-set': () => (i, v) => {
      const t = table();
      if ((i as number) >>> 0 >= t.length) throw new ImportThrow(4);
      t.set((i as number) >>> 0, v);
    },
    'sleep': () => (_ms, id) => id,
  };
  const imports: Record<string, Record<string, unknown>> = {};
  for (const imp of shape.imports) {
    const ns = (imports[imp.module] ??= {});
    let value: unknown;
    switch (imp.kind) {
      case 'function': {
        const special = imp.module === 'fuzzing-support' ? fuzzing[imp.name] : undefined;
        const label = `${imp.module}.${imp.name}`;
        const impl = special?.(imp.type);
        const type = imp.type;
        value = (...a: unknown[]) => {
          // A budget of calls out: modules that re-enter themselves through call-ref-catch can
          // otherwise take exponential time (binaryen's hang limit is reset by each caught trap).
          if (++importCalls > IMPORT_CALL_BUDGET) throw new ImportThrow(9);
          out.push(`${label}(${a.map(show).join(', ')})`);
          if (impl) return impl(...a);
          if (imp.name === 'throw') throw new ImportThrow(5);
          return returnDefaults(type);
        };
        break;
      }
      case 'memory': value = new engine.Memory({ initial: imp.min, maximum: imp.max }); break;
      case 'table': value = new engine.Table({ element: imp.element === 'funcref' ? 'anyfunc' : imp.element, initial: imp.min, maximum: imp.max }); break;
      case 'global':
        value = imp.mutable ? new engine.Global({ value: imp.type === 'funcref' ? 'anyfunc' : imp.type, mutable: true }, defaultValue(imp.type)) : defaultValue(imp.type);
        break;
      case 'tag':
        value = imp.name === 'jstag' && engine.JSTag ? engine.JSTag : engine.Tag ? new engine.Tag({ parameters: imp.params }) : undefined;
        break;
    }
    ns[imp.name] = value;
  }
  if (options.tamper !== undefined && shape.imports.length) {
    const imp = shape.imports[options.tamper % shape.imports.length]!;
    imports[imp.module]![imp.name] = wrongImport(engine, Math.floor(options.tamper / shape.imports.length));
    out.push(`tampered ${imp.module}.${imp.name}`);
  }
  try {
    exports = new engine.Instance(new engine.Module(bytes), imports).exports;
    out.push('instantiated');
  } catch (e) {
    out.push(`instantiate: ${thrown(engine, e)}`);
    return out;
  }
  for (const name of options.calls === false ? [] : funcExports) {
    const f = exports[name] as (...a: unknown[]) => unknown;
    const type = shape.exportedFuncs.get(name)!;
    if (type.params.includes('v128') || type.results.includes('v128')) continue;
    for (let k = 0; k < ARG_TUPLES; k++) {
      const args = argsFor(type, k);
      let result: string;
      try {
        result = show(f(...args));
      } catch (e) {
        result = thrown(engine, e);
      }
      out.push(`${name}(${args.map(show).join(', ')}) = ${result}`);
    }
  }
  for (const name of shape.exportNames) {
    const x = exports[name] as Record<string, unknown> | undefined;
    if (!x || typeof x !== 'object') continue;
    if ('buffer' in x) out.push(`${name}: memory ${memoryState(x as { buffer: ArrayBuffer })}`);
    else if ('length' in x && 'get' in x) out.push(`${name}: table ${tableState(x as never)}`);
    else if ('value' in x) {
      let v: string;
      try { v = show(x.value); } catch (e) { v = thrown(engine, e); }
      out.push(`${name}: global ${v}`);
    }
  }
  return out;
}

/** Whether line `ours` says what V8's line `v8` says (a trap matched through the spec's messages). */
export function sameLine(v8: string, ours: string): boolean {
  if (v8 === ours) return true;
  const note = (l: string) => l.replace(/ \| [\s\S]*$/, '');
  if (note(v8) === note(ours)) return true;
  const a = v8.indexOf('trap:'), b = ours.indexOf('trap:');
  if (a < 0 || b < 0 || v8.slice(0, a) !== ours.slice(0, b)) return false;
  return sameTrap(v8.slice(a + 5), ours.slice(b + 5));
}

// #region first-difference
/** The first difference between two transcripts, described; undefined when they agree. */
export function firstDifference(v8: readonly string[], ours: readonly string[]): string | undefined {
  const n = Math.max(v8.length, ours.length);
  for (let i = 0; i < n; i++) {
    if (v8[i] !== undefined && ours[i] !== undefined && sameLine(v8[i]!, ours[i]!)) continue;
    const context = v8.slice(Math.max(0, i - 3), i).map((l) => `    ${l}`).join('\n');
    return `transcripts differ at line ${i + 1}:\n${context}\n  V8:        ${v8[i] ?? '(end)'}\n  Lightbeam: ${ours[i] ?? '(end)'}`;
  }
  return undefined;
}
// #endregion first-difference

/** Lightbeam (compiler/api). */
export const lightbeamEngine: Engine = {
  ...engineOf('Lightbeam', api, (e) => (e instanceof api.RuntimeError ? e.reason : undefined)),
  describe: describeGcValue,
};
