// The `WebAssembly` namespace object, shaped as the JS API's WebIDL says: its members
// non-enumerable, each interface's operations and attributes enumerable, @@toStringTag on the
// namespace and on each prototype, and constructor lengths that count required arguments only.
// Node only (it gathers ./index.ts). compileStreaming/instantiateStreaming take a fetch Response.

import { CompileError, LinkError, RuntimeError } from '../errors.ts';
import { checkImportObject, Exception, Global, Instance, instantiate, JSTag, Memory, Table, Tag } from './index.ts';
import { compile, compileChunks, Module, validate } from './module.ts';
import { type LightbeamCompileOptions, readCompileOptions } from './compileOptions.ts';

// #region idl-shape
/** Make a class look like a WebIDL interface object. */
function idlInterface(cls: Function, name: string, length: number): void {
  const enumerable = (target: object, skip: readonly (string | symbol)[]) => {
    for (const key of Reflect.ownKeys(target)) {
      if (skip.includes(key)) continue;
      const desc = Object.getOwnPropertyDescriptor(target, key)!;
      // Internal hooks (nativeOf) stay hidden; the API's own members are enumerable.
      Object.defineProperty(target, key, { ...desc, enumerable: key !== 'nativeOf' && key !== 'is' });
    }
  };
  enumerable(cls.prototype, ['constructor']);
  enumerable(cls, ['prototype', 'length', 'name']);
  Object.defineProperty(cls.prototype, Symbol.toStringTag, { value: `WebAssembly.${name}`, writable: false, enumerable: false, configurable: true });
  Object.defineProperty(cls, 'length', { value: length });
}

idlInterface(Module, 'Module', 1);
idlInterface(Instance, 'Instance', 1);
idlInterface(Memory, 'Memory', 1);
idlInterface(Table, 'Table', 1);
idlInterface(Global, 'Global', 1);
idlInterface(Tag, 'Tag', 1);
idlInterface(Exception, 'Exception', 2);
Object.defineProperty(Exception, 'name', { value: 'Exception' }); // (the runtime's class is WasmException)
// Lengths count the required arguments only.
Object.defineProperty(instantiate, 'length', { value: 1 });
Object.defineProperty(Table.prototype.set, 'length', { value: 1 });
Object.defineProperty(Table.prototype.grow, 'length', { value: 1 });
// #endregion idl-shape

/** A fetch Response, checked as the JS API's streaming functions check it. */
async function checkedResponse(source: unknown, what: string): Promise<Response> {
  const response = await source;
  if (typeof Response === 'undefined' || !(response instanceof Response)) {
    throw new TypeError(`WebAssembly.${what}(): Argument 0 must be a Response or a promise of one`);
  }
  const type = response.headers.get('Content-Type');
  if (type === null || type.split(';')[0]!.trim().toLowerCase() !== 'application/wasm') {
    throw new TypeError(`WebAssembly.${what}(): Incorrect response MIME type. Expected 'application/wasm'.`);
  }
  if (!response.ok) throw new TypeError(`WebAssembly.${what}(): HTTP status code is not ok`);
  if (response.bodyUsed) throw new TypeError(`WebAssembly.${what}(): the Response body has already been read`);
  return response;
}

/** The body's chunks as they arrive; the body is cancelled if the compiler stops reading early. */
async function* bodyChunks(response: Response): AsyncGenerator<Uint8Array> {
  if (!response.body) return;
  const reader = response.body.getReader();
  let ended = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield value;
    }
    ended = true;
  } finally {
    if (!ended) await reader.cancel().catch(() => {});
  }
}

// #region compile-streaming
/** The module in a Response's body, compiled as it arrives (`what`: the function, for messages). */
async function streamedModule(source: unknown, what: string, options: LightbeamCompileOptions | undefined): Promise<Module> {
  const response = await checkedResponse(source, what);
  return compileChunks(bodyChunks(response), options, Number(response.headers.get('Content-Length')) || 0);
}

async function compileStreaming(source: unknown, options?: LightbeamCompileOptions): Promise<Module> {
  return streamedModule(source, 'compileStreaming', readCompileOptions(options, 'WebAssembly.compileStreaming'));
}

async function instantiateStreaming(
  source: unknown, importObject?: Record<string, unknown>, options?: LightbeamCompileOptions,
): Promise<{ module: Module; instance: Instance }> {
  // Before the body is read, as the JS API says (and V8 does).
  checkImportObject(importObject);
  const module = await streamedModule(source, 'instantiateStreaming', readCompileOptions(options, 'WebAssembly.instantiateStreaming'));
  return { module, instance: await instantiate(module, importObject) };
}
// #endregion compile-streaming
Object.defineProperty(instantiateStreaming, 'length', { value: 1 });
Object.defineProperty(compileStreaming, 'length', { value: 1 });

// #region namespace
/** The members of `WebAssembly`, by name. */
export const members = {
  Module, Instance, Memory, Table, Global, Tag, Exception, JSTag, CompileError, LinkError, RuntimeError,
  validate, compile, instantiate, compileStreaming, instantiateStreaming,
};

/**
 * A `WebAssembly` namespace object over `members`, as WebIDL makes one: writable, configurable
 * members; its interfaces (the classes) non-enumerable, its operations enumerable.
 */
export function namespaceOf(of: Record<string, unknown>): object {
  const ns = {};
  for (const [name, value] of Object.entries(of)) {
    const isInterface = typeof value === 'function' && Object.getOwnPropertyDescriptor(value, 'prototype')?.writable === false;
    Object.defineProperty(ns, name, { value, writable: true, enumerable: !isInterface, configurable: true });
  }
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'WebAssembly', writable: false, enumerable: false, configurable: true });
  return ns;
}

/** Lightbeam's `WebAssembly`, ready to become `globalThis.WebAssembly`. */
export const WebAssembly = namespaceOf(members);
// #endregion namespace
