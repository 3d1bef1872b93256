// Posting Lightbeam's WebAssembly objects to worker threads, as V8's are posted. V8's shared
// WebAssembly.Memory and its Module are structured-cloneable: a threaded program (emscripten's
// pthreads, wasm-bindgen's rayon) compiles a module, makes a shared memory and posts both to its
// workers. Lightbeam's are JS objects, whose clone would lose their class. So, once Lightbeam is
// installed (install.ts), every message posted through Node's public API (a MessagePort, hence a
// Worker and parentPort; a BroadcastChannel; workerData; structuredClone) is looked through as
// structured clone would, and one that holds a Lightbeam object is sent as an envelope: a copy of
// its containers in which each object is a tagged record of what makes it in another thread
//
//   shared Memory: its SharedBacking (V8's shared memory and the size word) and its maximum
//   Module:        its bytes and compile options (the receiving thread compiles them again)
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
import type * as WorkerThreads from 'node:worker_threads';
import { LinearMemory, type SharedBacking } from '../runtime/linearMemory.ts';
import { Exception, Global, Instance, Memory, memoryOf, Table, Tag } from './index.ts';
import type { CompileOptions } from './compileOptions.ts';
import { Module, moduleSource } from './module.ts';

/** The key of an envelope (a message that holds Lightbeam objects) and of a record (one such object). */
const ENVELOPE = '__lightbeam_envelope__';
const RECORD = '__lightbeam_object__';

type ObjectRecord =
  | { [RECORD]: 'Memory'; backing: SharedBacking; maximum: number | undefined; address64: boolean }
  | { [RECORD]: 'Module'; bytes: Uint8Array; options: CompileOptions };

function dataCloneError(name: string): DOMException {
  return new DOMException(`#<${name}> could not be cloned.`, 'DataCloneError');
}

// #region thread-records
/** The record a Lightbeam object is posted as; undefined for any other value; throws what V8 throws. */
function recordOf(value: object): ObjectRecord | undefined {
  if (Memory.is(value)) {
    const native = Memory.nativeOf(value);
    const backing = native.sharedBacking;
    if (!backing) throw dataCloneError('Memory'); // only a shared memory is cloneable
    return { [RECORD]: 'Memory', backing, maximum: native.declaredMax, address64: native.address64 };
  }
  if (value instanceof Module) return { [RECORD]: 'Module', ...moduleSource(value) };
  if (value instanceof Instance) throw dataCloneError('Instance');
  if (Table.is(value)) throw dataCloneError('Table');
  if (Global.is(value)) throw dataCloneError('Global');
  if (value instanceof Tag) throw dataCloneError('Tag');
  if (value instanceof Exception) throw dataCloneError('Exception');
  return undefined;
}

/** The object a record stands for, made in this thread. */
function revived(record: ObjectRecord): object {
  if (record[RECORD] === 'Module') return new Module(record.bytes, record.options);
  const pages = record.backing.memory.buffer.byteLength / 65536;
  return memoryOf(new LinearMemory(pages, record.maximum, record.address64, 16, true, record.backing));
}
// #endregion thread-records

const isRecord = (value: object): value is ObjectRecord => Object.prototype.hasOwnProperty.call(value, RECORD);

/**
 * Containers we look into: plain objects, arrays, Maps and Sets. Anything else is passed as it
 * is, for structured clone to deal with: buffers and views, ports and Node's other host objects
 * (whose own properties are not what is cloned), and instances of the program's own classes (a
 * Lightbeam object held by one of those is not found: post it in a plain object).
 */
function isContainer(value: object): boolean {
  if (Array.isArray(value) || value instanceof Map || value instanceof Set) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Does the message hold a Lightbeam object anywhere (throwing for one that cannot be posted)? */
function holdsLightbeamObjects(message: unknown): boolean {
  if (typeof message !== 'object' || message === null) return false;
  const seen = new Set<object>();
  const pending: object[] = [message];
  // Only objects are queued: a message of a million numbers costs a loop, not a million entries.
  const visit = (v: unknown) => {
    if (typeof v === 'object' && v !== null && !seen.has(v)) pending.push(v);
  };
  let found = false;
  while (pending.length) {
    const value = pending.pop()!;
    if (seen.has(value)) continue;
    seen.add(value);
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key)) visit((value as Record<string, unknown>)[key]);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i]);
    } else if (value instanceof Map) {
      for (const [k, v] of value) {
        visit(k);
        visit(v);
      }
    } else if (value instanceof Set) {
      for (const v of value) visit(v);
    } else if (recordOf(value)) found = true; // (keep looking: a later object may be one V8 refuses)
  }
  return found;
}

/** A copy of the message's containers with each Lightbeam object as its record (shared and cyclic parts kept so). */
function withRecords(value: unknown, copies: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const known = copies.get(value);
  if (known !== undefined) return known;
  const record = recordOf(value);
  if (record) {
    copies.set(value, record);
    return record;
  }
  if (!isContainer(value)) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    copies.set(value, copy);
    for (let i = 0; i < value.length; i++) copy[i] = withRecords(value[i], copies);
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map();
    copies.set(value, copy);
    for (const [k, v] of value) copy.set(withRecords(k, copies), withRecords(v, copies));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set();
    copies.set(value, copy);
    for (const v of value) copy.add(withRecords(v, copies));
    return copy;
  }
  const copy: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
  copies.set(value, copy);
  for (const key of Object.keys(value)) copy[key] = withRecords((value as Record<string, unknown>)[key], copies);
  return copy;
}

// #region thread-envelope
/** The message to post: itself, or an envelope of it with its Lightbeam objects as records. */
export function encodeMessage(message: unknown): unknown {
  if (!holdsLightbeamObjects(message)) return message;
  if (!canRevive) throw new DOMException('Lightbeam cannot post WebAssembly objects on this version of Node (no MessagePort dispatch to revive them in)', 'DataCloneError');
  return { [ENVELOPE]: withRecords(message, new Map()) };
}

/** False when this Node lacks the MessagePort dispatch installThreadMessages revives messages in: posting a Lightbeam object is then refused. */
let canRevive = true;

/** A received message: an envelope's contents with its records revived (in place: the clone is ours), or the message itself. */
export function decodeMessage(message: unknown): unknown {
  if (typeof message !== 'object' || message === null || !Object.prototype.hasOwnProperty.call(message, ENVELOPE)) return message;
  const made = new Map<object, object>();
  const seen = new Set<object>();
  const revive = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (isRecord(value)) {
      let object = made.get(value);
      if (!object) made.set(value, (object = revived(value)));
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
    return decodeMessage(clone(encodeMessage(value), options));
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
