// A WebAssembly-like JS API over Lightbeam: Module, Instance, Memory, Table, Global, validate,
// compile, instantiate. Node only (instances run natively through compiler/runtime); the
// compile-only half is ./module.ts.

import { ValType, type RefType } from '../binary/types.ts';
import { Instance as RuntimeInstance, type ExportValue } from '../runtime/instance.ts';
import { LinearMemory } from '../runtime/linearMemory.ts';
import { Global as RuntimeGlobal, Table as RuntimeTable } from '../runtime/tableAndGlobal.ts';
import { cpuFeatures } from '../runtime/cpuFeatures.ts';
import { Module, setTargetFeatures, type Bytes } from './module.ts';

// Code compiled here runs here: let it use what this machine has (AVX...). Elsewhere than x86-64
// Linux there is no CPUID to ask, and nothing runs: the baseline stays.
try {
  setTargetFeatures(cpuFeatures());
} catch {
  // not x86-64 Linux
}

export { CompileError, LinkError, RuntimeError } from '../errors.ts';
export { Module, validate, compile, type LightbeamCompileOptions } from './module.ts';
export { interrupt, interruptHandle, withTimeout } from './interruption.ts';

// #region api-objects
/** Like WebAssembly.Memory. Its base address never moves; `buffer` is a new ArrayBuffer after a grow. */
export class Memory {
  readonly native: LinearMemory;
  constructor(descriptor: { initial: number; maximum?: number }, native?: LinearMemory) {
    this.native = native ?? new LinearMemory(toIndex(descriptor.initial, 'initial'), optionalIndex(descriptor.maximum));
    wrappers.set(this.native, this);
  }
  get buffer(): ArrayBuffer {
    return this.native.arrayBuffer;
  }
  grow(delta: number): number {
    const old = this.native.grow(toIndex(delta, 'delta'));
    if (old < 0) throw new RangeError('WebAssembly.Memory.grow(): maximum memory size exceeded');
    return old;
  }
}

const REF_TYPES: Record<string, RefType> = { anyfunc: ValType.funcref, funcref: ValType.funcref, externref: ValType.externref };
const VALUE_TYPES: Record<string, ValType> = {
  i32: ValType.i32, i64: ValType.i64, f32: ValType.f32, f64: ValType.f64, ...REF_TYPES,
};

/** Like WebAssembly.Table. */
export class Table {
  readonly native: RuntimeTable;
  constructor(descriptor: { element: string; initial: number; maximum?: number }, value?: unknown, native?: RuntimeTable) {
    if (native) this.native = native;
    else {
      const element = REF_TYPES[descriptor.element];
      if (element === undefined) throw new TypeError(`unknown table element type ${descriptor.element}`);
      this.native = new RuntimeTable(element, toIndex(descriptor.initial, 'initial'), optionalIndex(descriptor.maximum), value ?? null);
    }
    wrappers.set(this.native, this);
  }
  get length(): number {
    return this.native.length;
  }
  get(index: number): unknown {
    return this.native.get(toIndex(index, 'index'));
  }
  set(index: number, value: unknown = null): void {
    this.native.set(toIndex(index, 'index'), value);
  }
  grow(delta: number, value: unknown = null): number {
    const old = this.native.grow(toIndex(delta, 'delta'), value);
    if (old < 0) throw new RangeError('WebAssembly.Table.grow(): failed to grow table');
    return old;
  }
}

/** Like WebAssembly.Global. */
export class Global {
  readonly native: RuntimeGlobal;
  constructor(descriptor: { value: string; mutable?: boolean }, value?: unknown, native?: RuntimeGlobal) {
    if (native) this.native = native;
    else {
      const type = VALUE_TYPES[descriptor.value];
      if (type === undefined) throw new TypeError(`unknown global type ${descriptor.value}`);
      this.native = new RuntimeGlobal(type, !!descriptor.mutable, value);
    }
    wrappers.set(this.native, this);
  }
  get value(): unknown {
    return this.native.value;
  }
  set value(v: unknown) {
    if (!this.native.mutable) throw new TypeError("can't set the value of an immutable global");
    this.native.value = v;
  }
  valueOf(): unknown {
    return this.native.value;
  }
}
// #endregion api-objects

/** One API object per runtime object, so exports compare equal with `===`. */
const wrappers = new WeakMap<object, Memory | Table | Global>();

function wrap(value: ExportValue): unknown {
  if (typeof value === 'function') return value;
  const known = wrappers.get(value);
  if (known) return known;
  if (value instanceof LinearMemory) return new Memory({ initial: 0 }, value);
  if (value instanceof RuntimeTable) return new Table({ element: 'funcref', initial: 0 }, undefined, value);
  return new Global({ value: 'i32' }, undefined, value);
}

function unwrap(value: unknown): unknown {
  if (value instanceof Memory || value instanceof Table || value instanceof Global) return value.native;
  return value;
}

// #region api-instance
/** Like WebAssembly.Instance: instantiates synchronously and runs the start function. */
export class Instance {
  readonly exports: Readonly<Record<string, unknown>>;
  /** The runtime instance underneath. */
  readonly native: RuntimeInstance;
  constructor(module: Module, importObject?: Record<string, unknown>) {
    if (!(module instanceof Module)) throw new TypeError('first argument must be a Module');
    checkImportObject(importObject);
    if (module.info.imports.length > 0 && importObject === undefined) {
      throw new TypeError('imports argument must be present and must be an object');
    }
    // Only the imports the module names are read (once each), and API objects become runtime ones.
    const imports: Record<string, Record<string, unknown>> = {};
    for (const imp of module.info.imports) {
      const m = (importObject as Record<string, unknown>)[imp.module];
      if (m === null || (typeof m !== 'object' && typeof m !== 'function')) {
        throw new TypeError(`import module ${JSON.stringify(imp.module)} is not an object`);
      }
      (imports[imp.module] ??= {})[imp.name] = unwrap((m as Record<string, unknown>)[imp.name]);
    }
    this.native = new RuntimeInstance(module.compiled, imports);
    const exports: Record<string, unknown> = Object.create(null);
    for (const [name, value] of Object.entries(this.native.exports)) exports[name] = wrap(value);
    this.exports = Object.freeze(exports);
  }
}
// #endregion api-instance

export async function instantiate(source: Module, importObject?: Record<string, unknown>): Promise<Instance>;
export async function instantiate(source: Bytes, importObject?: Record<string, unknown>): Promise<{ module: Module; instance: Instance }>;
export async function instantiate(source: Module | Bytes, importObject?: Record<string, unknown>): Promise<unknown> {
  checkImportObject(importObject);
  if (source instanceof Module) return new Instance(source, importObject);
  const module = new Module(source);
  return { module, instance: new Instance(module, importObject) };
}

/** The import object is optional, but when given it must be an object (the JS API's `optional object`). */
function checkImportObject(importObject: unknown): void {
  if (importObject === undefined) return;
  if (importObject === null || (typeof importObject !== 'object' && typeof importObject !== 'function')) {
    throw new TypeError('imports argument must be an object');
  }
}

function toIndex(v: unknown, what: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 0xffffffff) throw new TypeError(`${what} must be a non-negative integer`);
  return Math.floor(n);
}
function optionalIndex(v: unknown): number | undefined {
  return v === undefined ? undefined : toIndex(v, 'maximum');
}
