// Posting Lightbeam's WebAssembly objects to worker threads, as V8's are posted. V8's shared
// WebAssembly.Memory and its Module are structured-cloneable: a threaded program (emscripten's
// pthreads, wasm-bindgen's rayon) compiles a module, makes a shared memory and posts both to its
// workers. Lightbeam's are JS objects, whose clone would lose their class. So, once Lightbeam is
// installed (install.ts), every message posted through Node's public API (a MessagePort, hence a
// Worker and parentPort; a BroadcastChannel; workerData; structuredClone) is looked through as
// structured clone would (plain objects, arrays, Maps, Sets, and instances of the program's own
// classes, which structured clone takes as plain objects of their own enumerable properties), and
// one that holds a Lightbeam object is sent as an envelope: a copy of the objects that lead to
// Lightbeam objects, in which each of those is a tagged record of what makes it in another thread
//
//   shared Memory: its SharedBacking (V8's shared memory and the size word) and its maximum
//   Module:        its bytes, compile options and machine code (postedModule.ts: the receiving
//                  thread does not compile it again); within one thread, structuredClone's new
//                  Module shares the code
//
// Everything else in the message is left as it was: the same SharedArrayBuffers, ArrayBuffers
// and ports (so transfer lists still name them), and a message without Lightbeam objects is posted
// untouched. The receiving thread revives the envelope before any listener sees it: MessagePort's
// dispatch (the method Node's message delivery calls, named by the registered symbol
// `nodejs.internal.kHybridDispatch`; 'message' listeners, onmessage and addEventListener all run
// from it), receiveMessageOnPort, and workerData when Lightbeam is installed in the worker. As
// V8, an unshared Memory, an Instance, Table, Global, Tag or Exception throws a DataCloneError.
// Node only.

import { createRequire, syncBuiltinESMExports } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { types } from 'node:util';
import type * as WorkerThreads from 'node:worker_threads';
import { LinearMemory, type SharedBacking } from '../runtime/linearMemory.ts';
import { Exception, Global, Instance, Memory, memoryOf, Table, Tag } from './index.ts';
import { Module, moduleOfCode, moduleSource } from './module.ts';
import { type PostedModule, postedModule, receivedModule } from './postedModule.ts';

/** The key of an envelope (a message that holds Lightbeam objects) and of a record (one such object). */
const ENVELOPE = '__lightbeam_envelope__';
const RECORD = '__lightbeam_object__';

type ObjectRecord =
  | { [RECORD]: 'Memory'; backing: SharedBacking; maximum: number | undefined; address64: boolean }
  | { [RECORD]: 'Module'; posted: PostedModule }
  /** A module cloned within this thread (structuredClone): its index in the clone's list of them. */
  | { [RECORD]: 'Module'; sameThread: number };

function dataCloneError(name: string): DOMException {
  return new DOMException(`#<${name}> could not be cloned.`, 'DataCloneError');
}

// #region thread-records
/** Is `value` a Lightbeam object that can be posted? False for any other value; throws what V8 throws. */
function isPostable(value: object): boolean {
  if (Memory.is(value)) {
    if (!Memory.nativeOf(value).sharedBacking) throw dataCloneError('Memory'); // only a shared memory is cloneable
    return true;
  }
  if (value instanceof Module) return true;
  if (value instanceof Instance) throw dataCloneError('Instance');
  if (Table.is(value)) throw dataCloneError('Table');
  if (Global.is(value)) throw dataCloneError('Global');
  if (value instanceof Tag) throw dataCloneError('Tag');
  if (value instanceof Exception) throw dataCloneError('Exception');
  return false;
}

/**
 * The record a postable Lightbeam object is posted as. A module's is its code (postedModule.ts);
 * within one thread (`sameThread`, structuredClone's list) the module itself, whose code the clone shares.
 */
function recordOf(value: Memory | Module, sameThread: Module[] | undefined): ObjectRecord {
  if (value instanceof Module) {
    if (sameThread) return { [RECORD]: 'Module', sameThread: sameThread.push(value) - 1 };
    return { [RECORD]: 'Module', posted: postedModule(value) };
  }
  const native = Memory.nativeOf(value);
  return { [RECORD]: 'Memory', backing: native.sharedBacking!, maximum: native.declaredMax, address64: native.address64 };
}

/** The object a record stands for, made in this thread. */
function revived(record: ObjectRecord, sameThread: Module[] | undefined): object {
  if (record[RECORD] === 'Memory') {
    const pages = record.backing.memory.buffer.byteLength / 65536;
    return memoryOf(new LinearMemory(pages, record.maximum, record.address64, 16, true, record.backing));
  }
  if ('posted' in record) return receivedModule(record.posted);
  const module = sameThread![record.sameThread]!;
  const { bytes, options } = moduleSource(module);
  return moduleOfCode(bytes, module.compiled, options);
}
// #endregion thread-records

const isRecord = (value: object): value is ObjectRecord => Object.prototype.hasOwnProperty.call(value, RECORD);

/** A plain object, as structured clone makes and as a received message holds. */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Containers we revive in: what structured clone makes of the containers we look into. */
function isContainer(value: object): boolean {
  return Array.isArray(value) || value instanceof Map || value instanceof Set || isPlainObject(value);
}

/**
 * How structured clone takes an object we look into: arrays, Maps and Sets, and as a plain object
 * of its own enumerable properties an object of no kind V8 clones otherwise: a plain object, or an
 * instance of the program's own class (its prototype is not cloned). Anything else is passed as it
 * is, for structured clone to deal with: buffers, views, dates, errors and other built-ins V8
 * clones by kind or refuses, ports and Node's other host objects (whose own properties are not
 * what is cloned: an object of a class is copied only when it leads to a Lightbeam object, and a
 * host object never holds one), and Lightbeam's objects.
 */
function shapeOf(value: object): 'array' | 'map' | 'set' | 'object' | 'other' {
  if (Array.isArray(value)) return 'array';
  if (value instanceof Map) return 'map';
  if (value instanceof Set) return 'set';
  if (isPlainObject(value)) return 'object';
  if (clonedByKind(value) || isPostable(value)) return 'other';
  return 'object';
}

/** Objects V8 clones by their kind (or refuses), not as their own properties. */
function clonedByKind(value: object): boolean {
  const t = types;
  return t.isAnyArrayBuffer(value) || t.isArrayBufferView(value) || t.isDate(value) || t.isRegExp(value) || t.isNativeError(value)
    || t.isBoxedPrimitive(value) || t.isProxy(value) || t.isPromise(value) || t.isWeakMap(value) || t.isWeakSet(value)
    || t.isMapIterator(value) || t.isSetIterator(value) || t.isGeneratorObject(value) || t.isModuleNamespaceObject(value)
    || t.isExternal(value) || t.isKeyObject(value) || t.isCryptoKey(value);
}

/** Calls `visit` with each member of an object of that shape that structured clone clones (keys and values of a Map). */
function forEachMember(value: object, shape: 'array' | 'map' | 'set' | 'object', visit: (v: unknown) => void): void {
  if (shape === 'object') {
    for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key)) visit((value as Record<string, unknown>)[key]);
  } else if (shape === 'array') {
    const array = value as unknown[];
    for (let i = 0; i < array.length; i++) visit(array[i]);
  } else if (shape === 'map') {
    for (const [k, v] of value as Map<unknown, unknown>) {
      visit(k);
      visit(v);
    }
  } else for (const v of value as Set<unknown>) visit(v);
}

/**
 * Does the message hold a Lightbeam object anywhere (throwing for one that cannot be posted)?
 * With `referrers`, every object looked into is listed under each of the objects that hold it.
 */
function holdsLightbeamObjects(message: unknown, referrers?: Map<object, object[]>, found: object[] = []): boolean {
  if (typeof message !== 'object' || message === null) return false;
  const seen = new Set<object>();
  const pending: object[] = [message];
  // Only objects are queued: a message of a million numbers costs a loop, not a million entries.
  let holder: object;
  const visit = referrers
    ? (v: unknown) => {
        if (typeof v !== 'object' || v === null) return;
        const list = referrers.get(v);
        if (list) list.push(holder);
        else referrers.set(v, [holder]);
        if (!seen.has(v)) pending.push(v);
      }
    : (v: unknown) => {
        if (typeof v === 'object' && v !== null && !seen.has(v)) pending.push(v);
      };
  while (pending.length) {
    const value = pending.pop()!;
    if (seen.has(value)) continue;
    seen.add(value);
    const shape = shapeOf(value);
    if (shape !== 'other') {
      holder = value;
      forEachMember(value, shape, visit);
    } else if (isPostable(value)) found.push(value); // (keep looking: a later object may be one V8 refuses)
  }
  return found.length > 0;
}

/** The objects of the message a Lightbeam object is reached from (the objects themselves included). */
function leadingToLightbeamObjects(message: unknown): Set<object> {
  const referrers = new Map<object, object[]>();
  const leading = new Set<object>();
  const pending: object[] = [];
  holdsLightbeamObjects(message, referrers, pending);
  while (pending.length) {
    const value = pending.pop()!;
    if (leading.has(value)) continue;
    leading.add(value);
    for (const holder of referrers.get(value) ?? []) pending.push(holder);
  }
  return leading;
}

/**
 * A copy of the message's objects that lead to Lightbeam objects, with each Lightbeam object as
 * its record (shared and cyclic parts kept so); everything else is left as it was.
 */
function withRecords(value: unknown, leading: Set<object>, copies: Map<object, unknown>, sameThread: Module[] | undefined): unknown {
  if (typeof value !== 'object' || value === null || !leading.has(value)) return value;
  const known = copies.get(value);
  if (known !== undefined) return known;
  const shape = shapeOf(value);
  if (shape === 'other') {
    const record = recordOf(value as Memory | Module, sameThread);
    copies.set(value, record);
    return record;
  }
  const copyOf = (v: unknown) => withRecords(v, leading, copies, sameThread);
  if (shape === 'array') {
    const array = value as unknown[];
    const copy: unknown[] = [];
    copies.set(value, copy);
    for (let i = 0; i < array.length; i++) copy[i] = copyOf(array[i]);
    return copy;
  }
  if (shape === 'map') {
    const copy = new Map();
    copies.set(value, copy);
    for (const [k, v] of value as Map<unknown, unknown>) copy.set(copyOf(k), copyOf(v));
    return copy;
  }
  if (shape === 'set') {
    const copy = new Set();
    copies.set(value, copy);
    for (const v of value as Set<unknown>) copy.add(copyOf(v));
    return copy;
  }
  // A plain object, or an instance of a class as structured clone takes it: its own enumerable properties.
  const copy: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
  copies.set(value, copy);
  for (const key of Object.keys(value)) copy[key] = copyOf((value as Record<string, unknown>)[key]);
  return copy;
}

// #region thread-envelope
/**
 * The message to post: itself, or an envelope of it with its Lightbeam objects as records.
 * `sameThread` (structuredClone's): the list the modules are put in, for decodeMessage to take them from.
 */
export function encodeMessage(message: unknown, sameThread?: Module[]): unknown {
  if (!holdsLightbeamObjects(message)) return message;
  if (!canRevive) throw new DOMException('Lightbeam cannot post WebAssembly objects on this version of Node (no MessagePort dispatch to revive them in)', 'DataCloneError');
  return { [ENVELOPE]: withRecords(message, leadingToLightbeamObjects(message), new Map(), sameThread) };
}

/** False when this Node lacks the MessagePort dispatch installThreadMessages revives messages in: posting a Lightbeam object is then refused. */
let canRevive = true;

/** A received message: an envelope's contents with its records revived (in place: the clone is ours), or the message itself. */
export function decodeMessage(message: unknown, sameThread?: Module[]): unknown {
  if (typeof message !== 'object' || message === null || !Object.prototype.hasOwnProperty.call(message, ENVELOPE)) return message;
  const made = new Map<object, object>();
  const seen = new Set<object>();
  const revive = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (isRecord(value)) {
      let object = made.get(value);
      if (!object) made.set(value, (object = revived(value, sameThread)));
      return object;
    }
    if (seen.has(value) || !isContainer(value)) return value;
    seen.add(value);
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) value[i] = revive(value[i]);
    else if (value instanceof Map) {
      // Revived anew in their order (a key may be a record).
      const entries = [...value].map(([k, v]) => [revive(k), revive(v)] as const);
      value.clear();
      for (const [k, v] of entries) value.set(k, v);
    } else if (value instanceof Set) {
      const members = [...value].map(revive);
      value.clear();
      for (const v of members) value.add(v);
    } else for (const key of Object.keys(value)) (value as Record<string, unknown>)[key] = revive((value as Record<string, unknown>)[key]);
    return value;
  };
  return revive((message as Record<string, unknown>)[ENVELOPE]);
}
// #endregion thread-envelope

let installed = false;

/**
 * Post and receive Lightbeam's objects through worker_threads (once per thread). Workers inherit
 * the process's --import preloads (so `lightbeam node` and the register hook install Lightbeam
 * in them too) except eval workers, which Node starts without them: their code is run after
 * importing the same preloads.
 */
export function installThreadMessages(): void {
  if (installed) return;
  installed = true;
  // The module's exports object, whose members we replace (syncBuiltinESMExports carries them to `import`).
  const threads = createRequire(import.meta.url)('node:worker_threads') as Record<string, unknown>;
  const { MessagePort, BroadcastChannel, receiveMessageOnPort, Worker: NodeWorker } = threads as unknown as typeof WorkerThreads;

  // #region thread-hooks
  for (const proto of [MessagePort.prototype, BroadcastChannel.prototype] as { postMessage(...args: unknown[]): void }[]) {
    const post = proto.postMessage;
    Object.defineProperty(proto, 'postMessage', {
      value: function postMessage(this: unknown, ...args: unknown[]) {
        if (args.length > 0) args[0] = encodeMessage(args[0]);
        return Reflect.apply(post, this, args);
      },
      writable: true, enumerable: true, configurable: true,
    });
  }
  // Every delivery to a port goes through its dispatch, with the message as Node's listeners get it.
  const dispatchKey = Symbol.for('nodejs.internal.kHybridDispatch');
  const dispatch = (MessagePort.prototype as unknown as Record<symbol, Function>)[dispatchKey];
  if (typeof dispatch !== 'function') canRevive = false;
  else {
    Object.defineProperty(MessagePort.prototype, dispatchKey, {
      value: function (this: unknown, data: unknown, type: string, event: unknown) {
        return Reflect.apply(dispatch, this, [type === 'message' ? decodeMessage(data) : data, type, event]);
      },
      writable: true, configurable: true,
    });
  }
  threads.receiveMessageOnPort = (port: WorkerThreads.MessagePort) => {
    const received = receiveMessageOnPort(port);
    return received && { message: decodeMessage(received.message) };
  };
  threads.Worker = class Worker extends NodeWorker {
    constructor(filename: string | URL, options?: WorkerThreads.WorkerOptions) {
      if (options && 'workerData' in options) options = { ...options, workerData: encodeMessage(options.workerData) };
      if (options?.eval && typeof filename === 'string') filename = withPreloads(filename, options.execArgv ?? process.execArgv);
      super(filename, options);
    }
  };
  if (!threads.isMainThread) threads.workerData = decodeMessage(threads.workerData);
  const clone = globalThis.structuredClone;
  globalThis.structuredClone = function structuredClone(value: unknown, options?: StructuredSerializeOptions) {
    const modules: Module[] = []; // cloned in this thread: the clone shares their code
    return decodeMessage(clone(encodeMessage(value, modules), options), modules);
  } as typeof clone;
  syncBuiltinESMExports();
  // #endregion thread-hooks
}

/** An eval worker's code run after the --import modules of its execArgv (Node loads those only for a worker of a file). */
function withPreloads(code: string, execArgv: readonly string[]): string {
  const preloads: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const spec = arg === '--import' ? execArgv[++i] : arg.startsWith('--import=') ? arg.slice('--import='.length) : undefined;
    if (spec === undefined) continue;
    // A path is resolved as Node resolves it, from the working directory; a package name as it is.
    const isPath = spec.startsWith('.') || isAbsolute(spec);
    preloads.push(isPath ? pathToFileURL(resolve(spec)).href : spec);
  }
  if (preloads.length === 0) return code;
  // The code runs as Node runs an eval worker's: a CommonJS module body named [worker eval].
  const body = `(function (exports, require, module, __filename, __dirname) {${code}\n})`;
  return `(async () => { for (const p of ${JSON.stringify(preloads)}) await import(p); })().then(() => `
    + `require('node:vm').runInThisContext(${JSON.stringify(body)}, { filename: '[worker eval]' })`
    + '.call(module.exports, module.exports, require, module, __filename, __dirname));';
}
