// A WebAssembly-like JS API over Lightbeam: Module, Instance, Memory, Table, Global, validate,
// compile, instantiate, and the `WebAssembly` namespace object (./namespace.ts) shaped as the
// JS API's WebIDL says. Node only (instances run natively through compiler/runtime); the
// compile-only half is ./module.ts.

import { isRefType, ValType, type RefType } from '../binary/types.ts';
import { ANYREF, storageType } from '../binary/refTypes.ts';
import { Instance as RuntimeInstance, type ExportValue } from '../runtime/instance.ts';
import { LinearMemory, MAX_PAGES_64 } from '../runtime/linearMemory.ts';
import { Global as RuntimeGlobal, MAX_TABLE_LENGTH, Table as RuntimeTable } from '../runtime/tableAndGlobal.ts';
import { cpuFeatures } from '../runtime/cpuFeatures.ts';
import { Tag, uncatchable } from '../runtime/exceptions.ts';
import { RuntimeError } from '../errors.ts';
import { type LightbeamCompileOptions, readCompileOptions } from './compileOptions.ts';
import { type CharCodeArrays, JS_STRING_BUILTINS } from './jsStringBuiltins.ts';
import { i16Elements } from '../runtime/gcWrappers.ts';
import { detach } from './detach.ts';
import { MAX_MEMORY_PAGES, MAX_MEMORY64_PAGES } from '../validate/moduleChecks.ts';
import {
  addressTypeOf, addressValueToU64, descriptorOf, optionalAddress, requiredAddress, u64ToAddressValue, type AddressType,
} from './webidl.ts';
import { apiStats, copyBytes, Module, setTargetFeatures, type Bytes } from './module.ts';

// Code compiled here runs here: let it use what this machine has (AVX...). Elsewhere than x86-64
// Linux there is no CPUID to ask, and nothing runs: the baseline stays.
try {
  setTargetFeatures(cpuFeatures());
} catch {
  // not x86-64 Linux
}

export { CompileError, LinkError, RuntimeError } from '../errors.ts';
/** WebAssembly.Tag, WebAssembly.Exception and WebAssembly.JSTag are the runtime's own (runtime/exceptions.ts). */
export { Tag, WasmException as Exception, JSTag } from '../runtime/exceptions.ts';
export { Module, validate, compile, apiStats, type LightbeamCompileOptions } from './module.ts';
export { interrupt, interruptHandle, withTimeout } from './interruption.ts';
export { useCompileCache } from './nodeCodeCache.ts';

/**
 * The runtime object an API object is made for when wrapping an export (set just around the
 * `new`): a constructor argument would be visible to JS, where `new Memory(d, {})` must ignore it.
 */
let adopting: LinearMemory | RuntimeTable | RuntimeGlobal | undefined;

// #region api-objects
/**
 * Like WebAssembly.Memory. Its base address never moves; `buffer` is a new ArrayBuffer after a
 * grow, and the old one is detached. A 64-bit memory (`address: 'i64'`) takes and gives page
 * counts as BigInts. A shared memory (`shared: true`, threads) has a frozen SharedArrayBuffer
 * instead, of the size it had when read: a grow hands out a new one and leaves the old one as it
 * was, over the same bytes.
 */
export class Memory {
  readonly #native: LinearMemory;
  #buffer: ArrayBuffer;
  constructor(descriptor: { initial: number | bigint; maximum?: number | bigint; address?: AddressType; shared?: boolean }) {
    if (adopting instanceof LinearMemory) this.#native = adopting;
    else {
      // Members in the order WebIDL reads a dictionary: address, initial, maximum, shared.
      const d = descriptorOf(descriptor, 'WebAssembly.Memory');
      const address = addressTypeOf(d.address, 'WebAssembly.Memory');
      const initial = requiredAddress(d.initial, address, 'initial');
      const maximum = optionalAddress(d.maximum, address, 'maximum');
      const shared = Boolean(d.shared);
      if (shared && maximum === undefined) throw new TypeError('WebAssembly.Memory(): a shared memory must have a maximum');
      // A valid memory type first (the spec's limit), then what the runtime can allocate.
      const [limit, bits] = address === 'i64' ? [MAX_MEMORY64_PAGES, '64'] : [MAX_MEMORY_PAGES, '32'];
      if (initial > limit) throw new RangeError(`WebAssembly.Memory(): initial is above the ${limit} pages of a ${bits}-bit memory`);
      if (maximum !== undefined && maximum > limit) throw new RangeError(`WebAssembly.Memory(): maximum is above the ${limit} pages of a ${bits}-bit memory`);
      if (maximum !== undefined && maximum < initial) throw new RangeError('WebAssembly.Memory(): maximum is below initial');
      if (initial > MAX_PAGES_64) throw new RangeError(`WebAssembly.Memory(): cannot allocate ${initial} pages (Lightbeam gives a memory at most ${MAX_PAGES_64})`);
      this.#native = new LinearMemory(initial, maximum, address === 'i64', 16, shared);
    }
    wrappers.set(this.#native, this);
    // The JS API detaches the old buffer on every grow, from JS or from wasm (a shared one's stays).
    this.#buffer = this.#native.arrayBuffer;
    this.#native.onGrow(() => {
      if (!this.#native.shared) detach(this.#buffer);
      this.#buffer = this.#native.arrayBuffer;
    });
  }
  get buffer(): ArrayBuffer {
    this.#native.refreshShared(); // another thread may have grown a shared memory
    // Past 4 GiB no ArrayBuffer over the memory can hold it all (linearMemory.ts: VIEW_LIMIT):
    // refused rather than a buffer whose writes past its end would be silently dropped.
    if (!this.#native.viewsWhole) throw new RangeError(`WebAssembly.Memory.buffer: a memory of ${this.#native.byteLength} bytes is larger than the 4 GiB an ArrayBuffer over native memory may hold in Node 20`);
    return this.#buffer;
  }
  grow(delta: number | bigint): number | bigint {
    const native = this.#native; // the brand check comes before the argument's conversion
    const address = addressOf(native);
    const old = native.grow(addressValueToU64(delta, address, 'delta'));
    if (old < 0) throw new RangeError('WebAssembly.Memory.grow(): maximum memory size exceeded');
    return u64ToAddressValue(old, address);
  }
  static is(value: unknown): value is Memory {
    return typeof value === 'object' && value !== null && #native in value;
  }
  static nativeOf(m: Memory): LinearMemory {
    return m.#native;
  }
}

const REF_TYPES: Record<string, RefType> = { anyfunc: ValType.funcref, funcref: ValType.funcref, externref: ValType.externref };
const VALUE_TYPES: Record<string, ValType> = {
  i32: ValType.i32, i64: ValType.i64, f32: ValType.f32, f64: ValType.f64, ...REF_TYPES,
};

/** The JS API's DefaultValue: what a missing value argument means (externref: undefined, not null). */
function defaultValue(type: ValType): unknown {
  switch (type) {
    case ValType.i64: return 0n;
    case ValType.funcref: return null;
    case ValType.externref: return undefined;
    // A typed reference (a table or global of a module's): as its family's; null for a
    // non-nullable one is then refused with a TypeError when it is written. The any hierarchy's
    // default is null (only externref's is undefined), though it is stored as externref.
    default:
      if ((type & 0xff) === ANYREF) return null;
      return isRefType(type) ? defaultValue(storageType(type)) : 0;
  }
}

/** Like WebAssembly.Table. A 64-bit table (`address: 'i64'`) takes and gives indices and lengths as BigInts. */
export class Table {
  readonly #native: RuntimeTable;
  constructor(descriptor: { element: string; initial: number | bigint; maximum?: number | bigint; address?: AddressType }, value?: unknown) {
    if (adopting instanceof RuntimeTable) this.#native = adopting;
    else {
      // Members in WebIDL's order: element, address, initial, maximum.
      const d = descriptorOf(descriptor, 'WebAssembly.Table');
      const elementType = d.element;
      if (elementType === undefined) throw new TypeError('WebAssembly.Table(): the descriptor needs an element type');
      const name = String(elementType);
      const element = REF_TYPES[name];
      if (element === undefined) throw new TypeError(`WebAssembly.Table(): unknown element type ${name}`);
      const address = addressTypeOf(d.address, 'WebAssembly.Table');
      const initial = requiredAddress(d.initial, address, 'initial');
      const maximum = optionalAddress(d.maximum, address, 'maximum');
      if (maximum !== undefined && maximum < initial) throw new RangeError('WebAssembly.Table(): maximum is below initial');
      if (initial > MAX_TABLE_LENGTH) throw new RangeError(`WebAssembly.Table(): initial is above ${MAX_TABLE_LENGTH} elements`);
      const init = arguments.length < 2 ? defaultValue(element) : value;
      this.#native = new RuntimeTable(element, initial, maximum, null, address === 'i64');
      if (init !== null) this.#native.fill(0, init, initial);
    }
    wrappers.set(this.#native, this);
  }
  get length(): number | bigint {
    return u64ToAddressValue(this.#native.length, addressOf(this.#native));
  }
  get(index: number | bigint): unknown {
    const native = this.#native; // the brand check comes before the argument's conversion
    return native.get(addressValueToU64(index, addressOf(native), 'index'));
  }
  set(index: number | bigint, value?: unknown): void {
    const native = this.#native;
    const i = addressValueToU64(index, addressOf(native), 'index');
    native.set(i, arguments.length < 2 ? defaultValue(native.element) : value);
  }
  grow(delta: number | bigint, value?: unknown): number | bigint {
    const native = this.#native;
    const address = addressOf(native);
    const d = addressValueToU64(delta, address, 'delta');
    const old = native.grow(d, arguments.length < 2 ? defaultValue(native.element) : value);
    if (old < 0) throw new RangeError('WebAssembly.Table.grow(): failed to grow table');
    return u64ToAddressValue(old, address);
  }
  static is(value: unknown): value is Table {
    return typeof value === 'object' && value !== null && #native in value;
  }
  static nativeOf(t: Table): RuntimeTable {
    return t.#native;
  }
}

/** Like WebAssembly.Global. */
export class Global {
  readonly #native: RuntimeGlobal;
  constructor(descriptor: { value: string; mutable?: boolean }, value?: unknown) {
    if (adopting instanceof RuntimeGlobal) this.#native = adopting;
    else {
      // Members in WebIDL's order: mutable, value.
      const d = descriptorOf(descriptor, 'WebAssembly.Global');
      const mutable = !!d.mutable;
      const valueType = d.value;
      if (valueType === undefined) throw new TypeError('WebAssembly.Global(): the descriptor needs a value type');
      const name = String(valueType);
      const type = VALUE_TYPES[name];
      if (type === undefined) throw new TypeError(`WebAssembly.Global(): unknown value type ${name}`);
      this.#native = new RuntimeGlobal(type, mutable);
      this.#native.value = value === undefined ? defaultValue(type) : value;
    }
    wrappers.set(this.#native, this);
  }
  get value(): unknown {
    return this.#native.value;
  }
  set value(v: unknown) {
    if (!this.#native.mutable) throw new TypeError("can't set the value of an immutable global");
    this.#native.value = v;
  }
  valueOf(): unknown {
    return this.#native.value;
  }
  static is(value: unknown): value is Global {
    return typeof value === 'object' && value !== null && #native in value;
  }
  static nativeOf(g: Global): RuntimeGlobal {
    return g.#native;
  }
}
// #endregion api-objects

/** The address type of a runtime memory or table (an export's wrapper learns it here, not from a descriptor). */
function addressOf(native: LinearMemory | RuntimeTable): AddressType {
  return native.address64 ? 'i64' : 'i32';
}

/** One API object per runtime object, so exports compare equal with `===`. */
const wrappers = new WeakMap<object, Memory | Table | Global>();

function wrap(value: ExportValue): unknown {
  if (typeof value === 'function' || value instanceof Tag) return value;
  const known = wrappers.get(value);
  if (known) return known;
  adopting = value;
  // The descriptors below are not read: the wrapper takes its types (element, address) from the runtime object.
  try {
    if (value instanceof LinearMemory) return new Memory({ initial: 0 });
    if (value instanceof RuntimeTable) return new Table({ element: 'funcref', initial: 0 });
    return new Global({ value: 'i32' });
  } finally {
    adopting = undefined;
  }
}

/** The API object of a runtime memory (threadMessages.ts makes one for a memory posted from another thread). */
export function memoryOf(native: LinearMemory): Memory {
  return wrap(native) as Memory;
}

function unwrap(value: unknown): unknown {
  if (Memory.is(value)) return Memory.nativeOf(value);
  if (Table.is(value)) return Table.nativeOf(value);
  if (Global.is(value)) return Global.nativeOf(value);
  return value;
}

/**
 * Counting crossings, to measure which a program makes most (scripts/check-packages.mts
 * --count-calls). When on, each imported JS function and each exported wasm function an
 * Instance makes is wrapped in a counting closure: slower, and exported functions are then not
 * the same objects as the table holds. Off by default.
 */
export const callCounts = { enabled: false, intoWasm: new Map<string, number>(), outOfWasm: new Map<string, number>() };

function counted<F extends (...args: never[]) => unknown>(f: F, name: string, counts: Map<string, number>): F {
  return ((...args: never[]) => {
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return f(...args);
  }) as F;
}

// #region api-instance
/** Like WebAssembly.Instance: instantiates synchronously and runs the start function. */
export class Instance {
  readonly #exports: Readonly<Record<string, unknown>>;
  readonly #native: RuntimeInstance;
  constructor(module: Module, importObject?: Record<string, unknown>) {
    if (!(module instanceof Module)) throw new TypeError('WebAssembly.Instance(): first argument must be a WebAssembly.Module');
    checkImportObject(importObject);
    const supplied = module.supplied;
    if (module.info.imports.length > supplied.size && importObject === undefined) {
      throw new TypeError('imports argument must be present and must be an object');
    }
    // Only the imports the module names are read (once each), and API objects become runtime ones.
    // Builtins and string constants are the engine's (compileOptions.ts): a new set per instance.
    const imports: Record<string, Record<string, unknown>> = {};
    for (const [k, imp] of module.info.imports.entries()) {
      const mine = supplied.get(k);
      if (mine !== undefined) {
        (imports[imp.module] ??= {})[imp.name] = 'constant' in mine ? mine.constant : JS_STRING_BUILTINS[mine.builtin]!.make(builtinTrap, charCodeArrays);
        continue;
      }
      const m = (importObject as Record<string, unknown>)[imp.module];
      if (m === null || (typeof m !== 'object' && typeof m !== 'function')) {
        throw new TypeError(`import module ${JSON.stringify(imp.module)} is not an object`);
      }
      let value = unwrap((m as Record<string, unknown>)[imp.name]);
      if (callCounts.enabled && imp.desc.kind === 'func' && typeof value === 'function') {
        value = counted(value as (...a: never[]) => unknown, `${imp.module}.${imp.name}`, callCounts.outOfWasm);
      }
      (imports[imp.module] ??= {})[imp.name] = value;
    }
    this.#native = new RuntimeInstance(module.compiled, imports);
    const exports: Record<string, unknown> = Object.create(null);
    for (const [name, value] of Object.entries(this.#native.exports)) {
      exports[name] = callCounts.enabled && typeof value === 'function' ? counted(value, name, callCounts.intoWasm) : wrap(value);
    }
    this.#exports = Object.freeze(exports);
    apiStats.instances++;
  }
  get exports(): Readonly<Record<string, unknown>> {
    return this.#exports;
  }
  /** The runtime instance underneath. */
  static nativeOf(i: Instance): RuntimeInstance {
    return i.#native;
  }
}
// #endregion api-instance

/** A builtin's trap: a RuntimeError that wasm cannot catch, as a trap in wasm code makes. */
function builtinTrap(message: string): never {
  const error = new RuntimeError(`wasm:js-string ${message}`);
  uncatchable.add(error);
  throw error;
}
/** fromCharCodeArray and intoCharCodeArray reach GC arrays through the wrappers JS sees them as. */
const charCodeArrays: CharCodeArrays = { i16Elements };

export async function instantiate(source: Module, importObject?: Record<string, unknown>): Promise<Instance>;
export async function instantiate(
  source: Bytes, importObject?: Record<string, unknown>, options?: LightbeamCompileOptions,
): Promise<{ module: Module; instance: Instance }>;
export async function instantiate(source: Module | Bytes, importObject?: Record<string, unknown>, options?: LightbeamCompileOptions): Promise<unknown> {
  checkImportObject(importObject);
  // Bytes are copied now; compiling them and reading the imports happen in later jobs, as in V8
  // (a getter on the import object runs after instantiate has returned its promise).
  // A Module is instantiated at once (its imports are read before instantiate returns, as in V8).
  if (source instanceof Module) return new Instance(source, importObject);
  const bytes = copyBytes(source);
  const read = readCompileOptions(options, 'WebAssembly.instantiate');
  await null;
  const module = new Module(bytes, read);
  await null;
  return { module, instance: new Instance(module, importObject) };
}

/** The import object is optional, but when given it must be an object (the JS API's `optional object`). */
export function checkImportObject(importObject: unknown): void {
  if (importObject === undefined) return;
  if (importObject === null || (typeof importObject !== 'object' && typeof importObject !== 'function')) {
    throw new TypeError('imports argument must be an object');
  }
}

