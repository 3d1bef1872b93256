// Test-only (Node): binaryen's interpreter as an independent oracle for the GC source. `wasm-opt
// --fuzz-exec-before` runs a module its own way and prints what it saw; fuzzExecLines runs the
// module on Lightbeam the same way and prints the same lines, and compareFuzzExec compares them
// line by line. What binaryen does (found from its output on -ttf modules):
//
// - It instantiates the module, then goes through the exports in order. A function export prints
//   `[fuzz-exec] export NAME` and is called once, every argument zero (null for a reference; a
//   non-nullable parameter prints `[trap fuzzer can only send defaultable parameters to exports]`
//   instead), then `[fuzz-exec] note result: NAME => V` with one more line per further result, or
//   `[trap MESSAGE]`, or `[exception thrown: TAG PAYLOAD...]` (tags: `imported-wasm-tag`,
//   `imported-js-tag`, else `tag$N`, N the index among the module's own tags). A global export
//   prints `[fuzz-exec] export NAME` and `[LoggingExternalInterface logging V]`, read when its
//   turn comes; other exports print nothing. A trap ends only that call: the next export runs.
//   A trap during instantiation prints `[trap MESSAGE]`, an exception `[exception thrown: failed
//   to instantiate module]`, and no export runs.
// - Values: integers in decimal, floats as the shortest text that reads back (`1.e+300`, `nan`,
//   `-nan:0x400000`: compared here as numbers, every NaN alike), v128 as `i32x4 0x... x4`, null
//   as `null`, a function as `function`, an i31 as `i31ref(N)`, a host value as `externref(N)`, a
//   JS error as `jserror`, any other object (struct, array, exception) as `object(P)`, P its JS
//   prototype as binaryen models custom descriptors' JS API: the first field of a struct's
//   descriptor when that field is an extern reference (printed as a value), else `null`.
// - Imports ("fuzzing-support"): log-* print `[LoggingExternalInterface logging ARGS]` (an i64 as
//   two i32s, low half first); throw(0) throws a JS error, throw(n) the wasm tag "wasmtag" with n;
//   table-get/set use the table exported as "table" (missing or out of bounds: a JS error);
//   call-export(i) calls export number i of all exports (not a function, an i64 or v128 or exnref
//   parameter or a v128 or exnref result, or a non-nullable parameter: a JS error; else zeros);
//   the -catch forms return 1 for any exception (a trap passes through), 0 otherwise; call-ref(f)
//   does the same for a function reference; sleep(ms, id) returns id. An imported immutable
//   externref global is the host value whose number is the sum of its module's and name's
//   characters, mod 251. Its interpreter stops deep recursion as `[host limit stack limit]`.
//
// Lightbeam's transcript follows all of that (log-v128, which no JS API function could be, gets
// its v128 as a BigInt through the runtime's test-only v128ArgumentHosts). Where the two cannot
// line up, the comparison stops and says why (`unjudged`): binaryen reached a host limit, or
// Lightbeam ran out of stack (the spec leaves both to the engine). Trap messages are not compared
// (binaryen words its own), only that a call trapped.

import { fork, type ChildProcess } from 'node:child_process';
import * as api from '../../api/index.ts';
import { ValType } from '../../binary/types.ts';
import { isDefaultable, isRefTypeCode, storageType } from '../../binary/refTypes.ts';
import { exceptionPayload, exceptionTag, JSTag, uncatchable, WasmException } from '../../runtime/exceptions.ts';
import { fromBits, invokeBits, toBits, wasmFunctionInfo } from '../../runtime/instance.ts';
import { v128ArgumentHosts } from '../../runtime/calls.ts';
import { Global as RuntimeGlobal } from '../../runtime/tableAndGlobal.ts';
import type { FuncType, ModuleInfo } from '../../binary/types.ts';
import { structLayoutOf } from '../../abi/gcObjects.ts';
import { getGcHeap } from '../../runtime/gcHeap.ts';
import { headerOf, isStructHeader, objectAddress, typeIdOfHeader } from '../../runtime/gcWrappers.ts';
import { moduleTypes } from '../../runtime/typeIds.ts';
import type { FuzzExecReply } from './fuzzExecTwin.ts';
import { askChild } from './childRequest.ts';

/** What Lightbeam's run could not follow: the comparison stops at the line it makes. */
const UNJUDGED = '[unjudged';
/** A JS error thrown by an import, as binaryen's fuzz_shell throws one (printed `jserror`). */
const JS_ERROR = Object.freeze({ jserror: true });
/** A host value, as binaryen makes for an imported externref global. */
class HostValue { constructor(readonly payload: number) {} }
/** More calls out than this, and Lightbeam's run stops (binaryen has no such limit, but -ttf modules end). */
const IMPORT_CALL_BUDGET = 100_000;

const scratch = new DataView(new ArrayBuffer(8));
function floatText(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0';
  // Never as an integer: binaryen writes 2**64 as f64 "18446744073709551615" (which reads back as
  // 2**64), JS "18446744073709551616"; tokens that both look like integers (i32, i64) are compared
  // exactly, any other pair as the numbers they read as.
  return Number.isInteger(x) ? x.toExponential() : String(x);
}

/** A JS value of wasm type `type` (a parameter of an import, a global, a payload), printed as binaryen does. */
function printJs(type: number, v: unknown): string {
  const t = storageType(type);
  if (t === ValType.i32) return String((v as number) | 0);
  if (t === ValType.i64) return String(BigInt.asIntN(64, v as bigint));
  if (t === ValType.f32 || t === ValType.f64) return floatText(v as number);
  if (v === null || v === undefined) return 'null';
  if (v === JS_ERROR) return 'jserror';
  if (v instanceof HostValue) return `externref(${v.payload})`;
  if (typeof v === 'function') return 'function';
  if (typeof v === 'number') return `i31ref(${v})`; // an i31, or one made external
  return `object(${printJs(ValType.externref, jsPrototype(v))})`;
}

/** The module being run (set by `run`): its struct types, found by the ids the heap knows them by. */
let running: { readonly info: ModuleInfo; readonly indexById: ReadonlyMap<number, number> } | undefined;

function heapWord(address: number): bigint {
  const b = getGcHeap().bytes(address, 8);
  let w = 0n;
  for (let i = 7; i >= 0; i--) w = (w << 8n) | BigInt(b[i]!);
  return w;
}

/**
 * The JS prototype binaryen gives a wasm object (custom descriptors' JS API): the value of its
 * descriptor's first field when the object is a struct with a descriptor whose first field is an
 * extern reference; null otherwise.
 */
function jsPrototype(v: unknown): unknown {
  const address = objectAddress(v);
  if (address === undefined || !running) return null;
  const header = headerOf(address);
  if (!isStructHeader(header)) return null;
  const { info, indexById } = running;
  const def = info.typeDefs[indexById.get(typeIdOfHeader(header)) ?? -1];
  if (def?.kind !== 'struct' || (def.descriptor ?? -1) < 0) return null;
  const descriptorDef = info.typeDefs[def.descriptor!]!;
  const first = descriptorDef.fields[0];
  // The extern hierarchy only (the low byte: an anyref field is stored alike, but binaryen takes no prototype from it).
  if (!first || (first.type & 0xff) !== ValType.externref) return null;
  const descriptor = Number(heapWord(address + structLayoutOf(def).descriptor));
  if (descriptor === 0) return null;
  return fromBits(first.type as ValType, heapWord(descriptor + structLayoutOf(descriptorDef).offsets[0]!));
}

/** A raw wasm value (an export's result, a global's or a payload's bits) printed as binaryen does. */
function printBits(type: number, bits: bigint): string {
  switch (type) {
    case ValType.i32: return String(Number(BigInt.asIntN(32, bits)));
    case ValType.i64: return String(BigInt.asIntN(64, bits));
    case ValType.f32: scratch.setUint32(0, Number(bits & 0xffffffffn), true); return floatText(scratch.getFloat32(0, true));
    case ValType.f64: scratch.setBigUint64(0, BigInt.asUintN(64, bits), true); return floatText(scratch.getFloat64(0, true));
    case ValType.v128: {
      const lanes = [0, 1, 2, 3].map((k) => `0x${((bits >> BigInt(32 * k)) & 0xffffffffn).toString(16).padStart(8, '0')}`);
      return `i32x4 ${lanes.join(' ')}`;
    }
  }
  if (storageType(type) === ValType.exnref) return bits === 0n ? 'null' : 'object(null)';
  return printJs(type, fromBits(type as ValType, bits));
}

/** A log-* import's parameters as binaryen prints them: an i64 as two i32s, low half first. */
function printLogged(params: readonly number[], args: readonly unknown[]): string {
  return params.map((t, i) => {
    if (t === ValType.v128) return printBits(t, args[i] as bigint);
    if (t !== ValType.i64) return printJs(t, args[i]);
    const v = BigInt.asIntN(64, args[i] as bigint);
    return `${BigInt.asIntN(32, v)} ${BigInt.asIntN(32, v >> 32n)}`;
  }).join(' ');
}

/** Whether fuzz_shell's JS can call a function of type `type` with zero arguments (else it throws a JS error). */
function callableFromJs(type: FuncType): boolean {
  const bad = (t: number) => t === ValType.v128 || storageType(t) === ValType.exnref;
  return type.params.every((t) => t !== ValType.i64 && !bad(t) && isDefaultable(t)) && !type.results.some(bad);
}

const zeroOf = (t: number): unknown => (t === ValType.i64 ? 0n : isRefTypeCode(t) ? null : 0);
const isTrap = (e: unknown) => e instanceof api.RuntimeError;
const stackExhausted = (e: unknown) => e instanceof api.RuntimeError && e.reason === 'call stack exhausted';
/** Lightbeam's run cannot go on as binaryen's does: thrown past every wasm handler (as a trap is). */
class Stop { constructor(readonly why: string) { uncatchable.add(this); } }

/** The host value binaryen gives an imported externref global: its names' characters summed, mod 251. */
export function hostPayload(module: string, name: string): number {
  let p = 0;
  for (const s of [module, name]) for (const c of new TextEncoder().encode(s)) p = (p + c) % 251;
  return p;
}

/** Lightbeam's run of `bytes` as binaryen's `--fuzz-exec-before` runs it, in its lines. */
export function fuzzExecLines(bytes: Uint8Array): string[] {
  const out: string[] = [];
  try {
    run(bytes, out);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    out.push(e.why);
  }
  return out;
}

function run(bytes: Uint8Array, out: string[]): void {
  const module = new api.Module(bytes);
  const info = module.info;
  running = { info, indexById: new Map(Array.from(moduleTypes(info).ids, (id, i) => [id, i])) };
  const wasmTag = new api.Tag({ parameters: ['i32'] });
  const typeOfImport = new Map<unknown, FuncType>();
  let instance: api.Instance | undefined;
  let calls = 0;
  const during = () => new Stop(`${UNJUDGED}: an import called during instantiation]`);
  const native = () => {
    if (!instance) throw during();
    return api.Instance.nativeOf(instance);
  };
  const callAsJs = (f: unknown, type: FuncType | undefined) => {
    if (typeof f !== 'function' || !type || !callableFromJs(type)) throw JS_ERROR;
    (f as (...a: unknown[]) => unknown)(...type.params.map(zeroOf));
  };
  const typeOf = (f: unknown) => wasmFunctionInfo(f)?.type ?? typeOfImport.get(f);
  const callExport = (i: number) => {
    const e = info.exports[i >>> 0];
    if (!e || e.kind !== 'func') throw JS_ERROR;
    const f = native().exports[e.name];
    callAsJs(f, typeOf(f));
  };
  const catching = (call: () => void) => {
    try {
      call();
      return 0;
    } catch (e) {
      if (isTrap(e) || e instanceof Stop) throw e;
      // Node's own stack ran out, in JS between wasm frames: where binaryen's interpreter would reach its own limit.
      if (e instanceof RangeError) throw new Stop(`${UNJUDGED}: Lightbeam's call stack exhausted]`);
      return 1;
    }
  };
  const table = () => {
    const e = info.exports.find((x) => x.kind === 'table' && x.name === 'table');
    if (!e) throw JS_ERROR;
    if (!instance) throw during();
    return instance.exports[e.name] as api.Table;
  };
  const fuzzing: Record<string, (...a: unknown[]) => unknown> = {
    'throw': (n) => { throw (n as number) === 0 ? JS_ERROR : new api.Exception(wasmTag, [n]); },
    'table-get': (i) => { const t = table(); if ((i as number) >>> 0 >= t.length) throw JS_ERROR; return t.get((i as number) >>> 0); },
    'table-set': (i, v) => { const t = table(); if ((i as number) >>> 0 >= t.length) throw JS_ERROR; t.set((i as number) >>> 0, v); },
    'call-export': (i) => { callExport(i as number); },
    'call-export-catch': (i) => catching(() => callExport(i as number)),
    'call-ref': (f) => { callAsJs(f, typeOf(f)); },
    'call-ref-catch': (f) => catching(() => callAsJs(f, typeOf(f))),
    'sleep': (_ms, id) => id,
  };
  const imports: Record<string, Record<string, unknown>> = {};
  for (const imp of info.imports) {
    const ns = (imports[imp.module] ??= {});
    const d = imp.desc;
    if (d.kind === 'func') {
      const type = info.types[d.typeIndex]!;
      const special = imp.module === 'fuzzing-support' ? fuzzing[imp.name] : undefined;
      const log = imp.module === 'fuzzing-support' && imp.name.startsWith('log');
      if (!special && !log) throw new Stop(`${UNJUDGED}: an import binaryen does not provide: ${imp.module}.${imp.name}]`);
      const f = (...a: unknown[]) => {
        if (++calls > IMPORT_CALL_BUDGET) throw new Stop(`${UNJUDGED}: over ${IMPORT_CALL_BUDGET} imported calls]`);
        if (special) return special(...a);
        const what = imp.name === 'log-branch' ? 'log-branch' : 'logging';
        out.push(`[LoggingExternalInterface ${what}${type.params.length ? ' ' : ''}${printLogged(type.params, a)}]`);
        return undefined;
      };
      typeOfImport.set(f, type);
      if (log) v128ArgumentHosts.add(f); // log-v128 takes its argument as a BigInt (no JS API function can)
      ns[imp.name] = f;
    } else if (d.kind === 'tag' && imp.module === 'fuzzing-support' && (imp.name === 'wasmtag' || imp.name === 'jstag')) {
      ns[imp.name] = imp.name === 'jstag' ? api.JSTag : wasmTag;
    } else if (d.kind === 'global' && !d.type.mutable && (d.type.type & 0xff) === ValType.externref) {
      ns[imp.name] = new HostValue(hostPayload(imp.module, imp.name));
    } else {
      throw new Stop(`${UNJUDGED}: an import binaryen does not provide: ${imp.module}.${imp.name}]`);
    }
  }
  try {
    instance = new api.Instance(module, imports);
  } catch (e) {
    // binaryen prints the trap, or that an exception ended instantiation, and nothing more: no export runs.
    if (isTrap(e)) out.push(`[trap ${(e as api.RuntimeError).reason}]`);
    else if (e === JS_ERROR || e instanceof WasmException) out.push('[exception thrown: failed to instantiate module]');
    else throw e;
    return;
  }
  const tags = native().tags;
  const importedTags = info.importedTagCount;
  for (const e of info.exports) {
    if (e.kind === 'global') {
      out.push(`[fuzz-exec] export ${e.name}`);
      const g = native().exports[e.name] as RuntimeGlobal;
      const shown = g.type === ValType.v128
        ? printBits(ValType.v128, (BigInt(g.rawSlots.u32[0]!) | (BigInt(g.rawSlots.u32[1]!) << 32n) | (BigInt(g.rawSlots.u32[2]!) << 64n) | (BigInt(g.rawSlots.u32[3]!) << 96n)))
        : isRefTypeCode(g.type) ? (storageType(g.type) === ValType.exnref ? printBits(g.type, g.bits) : printJs(g.type, g.value)) : printBits(g.type, g.bits);
      out.push(`[LoggingExternalInterface logging ${shown}]`);
      continue;
    }
    if (e.kind !== 'func') continue;
    out.push(`[fuzz-exec] export ${e.name}`);
    const f = native().exports[e.name];
    const type = wasmFunctionInfo(f)?.type;
    if (!type) throw new Stop(`${UNJUDGED}: an export that is no wasm function of this module]`);
    if (!type.params.every(isDefaultable)) {
      out.push('[trap fuzzer can only send defaultable parameters to exports]');
      continue;
    }
    try {
      const bits = invokeBits(f, type.params.map((t) => (isRefTypeCode(t) && storageType(t) !== ValType.exnref ? toBits(t, null) : 0n)));
      if (bits.length) out.push(`[fuzz-exec] note result: ${e.name} => ${printBits(type.results[0]!, bits[0]!)}`, ...bits.slice(1).map((b, i) => printBits(type.results[i + 1]!, b)));
    } catch (x) {
      if (x instanceof Stop) throw x;
      if (stackExhausted(x)) throw new Stop(`${UNJUDGED}: Lightbeam's call stack exhausted]`);
      if (isTrap(x)) { out.push(`[trap ${(x as api.RuntimeError).reason}]`); continue; }
      if (x === JS_ERROR) { out.push('[exception thrown: imported-js-tag jserror]'); continue; }
      if (x instanceof WasmException) {
        const tag = exceptionTag(x);
        const params = tag === wasmTag ? [ValType.i32] : null;
        const name = tag === wasmTag ? 'imported-wasm-tag' : tag === JSTag ? 'imported-js-tag' : `tag$${tags.indexOf(tag) - importedTags}`;
        const types = params ?? info.types[info.tags[tags.indexOf(tag)]!]!.params;
        const payload = exceptionPayload(x).map((v, i) => (isRefTypeCode(types[i]!) ? printJs(types[i]!, v) : printBits(types[i]!, v as bigint)));
        out.push(`[exception thrown: ${[name, ...payload].join(' ')}]`);
        continue;
      }
      throw new Stop(`${UNJUDGED}: Lightbeam threw ${(x as Error)?.name ?? typeof x}: ${String((x as Error)?.message ?? x).split('\n')[0]}]`);
    }
  }
}

/** Whether two tokens of a line say the same: equal text, or the same number however binaryen wrote it. */
function sameToken(a: string, b: string): boolean {
  if (a === b) return true;
  const nan = /^-?nan(:0x[0-9a-f]+)?\]?$/;
  if (nan.test(a) && nan.test(b)) return a.endsWith(']') === b.endsWith(']'); // the spec leaves a NaN's bits free
  const close = (t: string) => (t.endsWith(']') ? [t.slice(0, -1), ']'] : [t, '']);
  const [x, xEnd] = close(a), [y, yEnd] = close(b);
  if (xEnd !== yEnd) return false;
  const number = (t: string): number | undefined => {
    if (/^-?inf(inity)?$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    return /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : undefined;
  };
  if (/^-?\d+$/.test(x!) && /^-?\d+$/.test(y!) && x !== '-0' && y !== '-0') return BigInt(x!) === BigInt(y!);
  const p = number(x!), q = number(y!);
  return p !== undefined && q !== undefined && Object.is(p, q);
}

/** Whether binaryen's line and Lightbeam's say the same (a trap is a trap: the messages are each engine's). */
export function sameFuzzExecLine(binaryen: string, ours: string): boolean {
  if (binaryen === ours) return true;
  if (binaryen.startsWith('[trap ') && ours.startsWith('[trap ')) return true;
  const a = binaryen.split(' '), b = ours.split(' ');
  return a.length === b.length && a.every((t, i) => sameToken(t, b[i]!));
}

export type FuzzExecVerdict =
  | { readonly agree: true; readonly lines: number }
  /** The runs agree up to `line`, where they cannot be compared further (`why`, one of a few kinds). */
  | { readonly unjudged: string; readonly line: number }
  | { readonly summary: string; readonly detail: string };

/** Why the comparison stops at a line pair that differs, when that is no finding; else undefined. */
function whyUnjudged(binaryen: string | undefined, ours: string | undefined): string | undefined {
  if (binaryen?.startsWith('[host limit')) return `binaryen's ${binaryen.slice(1, -1)}`;
  if (ours?.startsWith(UNJUDGED)) return ours.slice(UNJUDGED.length + 2, -1).replace(/(Lightbeam threw \w+).*/, '$1').replace(/(does not provide).*/, '$1');
  return undefined;
}

// #region compare-fuzz-exec
/** binaryen's lines against Lightbeam's: the first pair that differs, unless it is one the two cannot share. */
export function compareFuzzExec(binaryen: readonly string[], ours: readonly string[]): FuzzExecVerdict {
  const n = Math.max(binaryen.length, ours.length);
  for (let i = 0; i < n; i++) {
    const a = binaryen[i], b = ours[i];
    if (a !== undefined && b !== undefined && sameFuzzExecLine(a, b)) continue;
    const why = whyUnjudged(a, b);
    if (why) return { unjudged: why, line: i + 1 };
    const context = binaryen.slice(Math.max(0, i - 4), i).map((l) => `    ${l}`).join('\n');
    return {
      summary: `binaryen / Lightbeam: ${a ?? '(end)'} / ${b ?? '(end)'}`,
      detail: `binaryen's --fuzz-exec-before and Lightbeam's run differ at line ${i + 1}:\n${context}\n  binaryen:  ${a ?? '(end)'}\n  Lightbeam: ${b ?? '(end)'}`,
    };
  }
  return { agree: true, lines: n };
}
// #endregion compare-fuzz-exec

const TWIN = new URL('./fuzzExecTwin.ts', import.meta.url).pathname;
/** Per module; binaryen's interpreter is far slower than Lightbeam, and has no time limit of its own. */
const BINARYEN_TIMEOUT_MS = 20_000;
let twin: { proc: ChildProcess; ready: Promise<void> } | undefined;
let nextId = 0;

/** binaryen's `--fuzz-exec-before` output for `bytes`, or why there is none (it failed, or took too long). */
export async function binaryenFuzzExec(bytes: Uint8Array): Promise<{ lines: string[] } | { failed: string }> {
  if (!twin) {
    const proc = fork(TWIN, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    twin = { proc, ready: new Promise((resolve) => proc.once('message', () => resolve())) };
  }
  const { proc, ready } = twin;
  await ready;
  const id = nextId++;
  const reply = await askChild<FuzzExecReply>(proc, id, bytes, BINARYEN_TIMEOUT_MS, { exit: () => 'binaryen died', timeout: 'binaryen timed out' });
  if ('died' in reply) {
    proc.kill('SIGKILL');
    twin = undefined;
    return { failed: reply.died };
  }
  if (reply.error !== undefined) return { failed: 'binaryen failed' };
  if (reply.status !== 0) return { failed: `binaryen failed (status ${reply.status})` };
  return { lines: reply.lines! };
}

/** The outcome of one module: a count's name, and a finding's summary and detail when they differ. */
export interface FuzzExecOutcome { readonly count: string; readonly finding?: { readonly summary: string; readonly detail: string } }

/**
 * Run `bytes` (as generated: not exposed, so its exports are binaryen's) in binaryen's interpreter
 * and on Lightbeam its way; `beforeOwnRun` is called just before Lightbeam runs it.
 */
export async function fuzzExecCheck(bytes: Uint8Array, beforeOwnRun: () => void = () => {}): Promise<FuzzExecOutcome> {
  const theirs = await binaryenFuzzExec(bytes);
  if ('failed' in theirs) return { count: `fuzz-exec: ${theirs.failed}` };
  beforeOwnRun();
  const v = compareFuzzExec(theirs.lines, fuzzExecLines(bytes));
  if ('agree' in v) return { count: 'fuzz-exec: agree' };
  if ('unjudged' in v) return { count: `fuzz-exec: agree up to ${v.unjudged}` };
  return { count: 'fuzz-exec: mismatch', finding: v };
}
