// The compile-only half of the WebAssembly-like API: Module, validate, compile. Runs in the
// browser (the playground compiles and disassembles); running needs ./index.ts (Node only).

import { BASELINE_FEATURES, type CpuFeatures } from '../abi/index.ts';
import type { ExternKind, ModuleInfo } from '../binary/types.ts';
import type { CompiledModule } from '../abi/index.ts';
import { type CompiledModuleWithNotes, compileModule, StreamingCompiler } from '../codegen/moduleCompiler.ts';
import { CompileError } from '../errors.ts';
import { validateModule } from '../validate/index.ts';
import { type CompileOptions, type LightbeamCompileOptions, readCompileOptions, type SuppliedImport, suppliedImports } from './compileOptions.ts';

export type { LightbeamCompileOptions } from './compileOptions.ts';

export type Bytes = ArrayBuffer | ArrayBufferView;

/** A copy of the bytes, so later changes by the caller cannot reach the compiler. */
export function copyBytes(bytes: Bytes): Uint8Array {
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes.slice(0));
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
  throw new TypeError('expected an ArrayBuffer or a typed array of module bytes');
}

/** The CPU features compiled code may use (compiler/abi: CpuFeatures); the Node API sets what CPUID found. */
let targetFeatures: CpuFeatures = BASELINE_FEATURES;
export function setTargetFeatures(features: CpuFeatures): void {
  targetFeatures = features;
}

let defaultInterruptible = false;
/** The Node API turns interruptible on by default in worker threads. */
export function setDefaultInterruptible(on: boolean): void {
  defaultInterruptible = on;
}

/** Every option a module is compiled with: the code generator's, and the API's (a cache names its entries by them all). */
export interface ModuleCompileOptions extends CompileOptions {
  readonly features: CpuFeatures;
  readonly interruptible: boolean;
}

/**
 * Compiles a module through a cache of compiled code: `compile` runs only when the cache has no
 * entry for these bytes and options. The Node API installs one (./nodeCodeCache.ts, which reads
 * and writes files); without one (in a browser, or the library) every module is compiled.
 */
export type CachedCompile = (bytes: Uint8Array, options: ModuleCompileOptions, compile: () => CompiledModuleWithNotes) => CompiledModule;
let cachedCompile: CachedCompile | null = null;
export function setCachedCompile(through: CachedCompile | null): void {
  cachedCompile = through;
}

/** Whether compileChunks should gather a body of this many bytes (0: not known) and compile it through the cache. */
let gatherForCache: (expectedBytes: number) => boolean = () => false;
export function setGatherForCache(when: (expectedBytes: number) => boolean): void {
  gatherForCache = when;
}

/** Compile `bytes` as a Module does: through the cache when one is installed (postedModule.ts: a worker's twin too). */
export function compileBytes(bytes: Uint8Array, read: CompileOptions): CompiledModule {
  const options: ModuleCompileOptions = { ...read, features: targetFeatures, interruptible: read.interruptible ?? defaultInterruptible };
  const compile = () => compileModule(bytes, { features: options.features, interruptible: options.interruptible });
  return cachedCompile ? cachedCompile(bytes, options, compile) : compile();
}

/** The JS API's names of the kinds of imports and exports (`'function'` where the binary says func). */
export type ExternalKind = 'function' | Exclude<ExternKind, 'func'>;
const externalKind = (kind: ExternKind): ExternalKind => (kind === 'func' ? 'function' : kind);

/**
 * What this API compiled (`lightbeam node` reports it, to show a program really ran on Lightbeam);
 * `modulesReceived`: the modules made of code another thread compiled and posted (postedModule.ts).
 */
export const apiStats = { modules: 0, moduleBytes: 0, instances: 0, modulesReceived: 0 };

/** What another thread needs to make the same module: its bytes and compile options (both structured-cloneable). */
export let moduleSource: (m: Module) => { bytes: Uint8Array; options: CompileOptions };

/** A module compiled already (by compileChunks, or another thread: moduleOfCode), for the Module constructor called next to take as it is. */
let streamed: { bytes: Uint8Array; compiled: CompiledModule; options: CompileOptions } | null = null;

/** The code generator's options for a module of these compile options compiled in this thread; `interruptible` overrides. */
export function codegenOptions(read: CompileOptions, interruptible = read.interruptible ?? defaultInterruptible): { features: CpuFeatures; interruptible: boolean } {
  return { features: targetFeatures, interruptible };
}

/** A Module of code compiled already, for its bytes with these options (postedModule.ts: code another thread compiled). */
export function moduleOfCode(bytes: Uint8Array, compiled: CompiledModule, options: CompileOptions): Module {
  streamed = { bytes, compiled, options };
  return new Module(bytes);
}

// #region api-module
/** A compiled module, like WebAssembly.Module. */
export class Module {
  /** What the code generator produced (code, function offsets, declarations). */
  readonly compiled: CompiledModule;
  /** The imports the engine supplies (builtins, string constants: see compileOptions.ts), by import index. */
  readonly supplied: ReadonlyMap<number, SuppliedImport>;
  private readonly bytes: Uint8Array;
  /** The compile options it was compiled with (posted with its bytes to another thread: threadMessages.ts). */
  private readonly options: CompileOptions;

  constructor(bytes: Bytes, options?: LightbeamCompileOptions) {
    const given = streamed;
    streamed = null;
    const read = given ? given.options : readCompileOptions(options, 'WebAssembly.Module');
    if (given) {
      this.bytes = given.bytes;
      this.compiled = given.compiled;
    } else {
      this.bytes = copyBytes(bytes);
      this.compiled = compileBytes(this.bytes, read);
    }
    refuseStubs(this.compiled);
    this.options = read;
    this.supplied = suppliedImports(this.compiled.info, read);
    apiStats.modules++;
    apiStats.moduleBytes += this.bytes.length;
  }

  get info(): ModuleInfo {
    return this.compiled.info;
  }

  static exports(m: Module): { name: string; kind: ExternalKind }[] {
    checkModule(m, 'exports');
    return m.info.exports.map((e) => ({ name: e.name, kind: externalKind(e.kind) }));
  }

  static imports(m: Module): { module: string; name: string; kind: ExternalKind }[] {
    checkModule(m, 'imports');
    // The imports the engine supplies are not the import object's business: they are left out.
    return m.info.imports
      .filter((_, k) => !m.supplied.has(k))
      .map((i) => ({ module: i.module, name: i.name, kind: externalKind(i.desc.kind) }));
  }

  static customSections(m: Module, name: string): ArrayBuffer[] {
    checkModule(m, 'customSections');
    if (arguments.length < 2) throw new TypeError('WebAssembly.Module.customSections(): a section name is required');
    const wanted = String(name);
    return m.info.customSections
      .filter((s) => s.name === wanted)
      .map((s) => m.bytes.slice(s.offset, s.offset + s.size).buffer);
  }

  static {
    moduleSource = (m) => ({ bytes: m.bytes, options: m.options });
  }
}
// #endregion api-module


/**
 * A function the code generator could not compile is a stub that traps when called: the spec
 * runner counts such calls as skipped, but a program must not get a module that fails later
 * (today every operator of WebAssembly 2.0 compiles, so this is a guard against a regression).
 */
function refuseStubs(compiled: CompiledModule): void {
  const stubbed = (compiled as { stubbed?: ReadonlyMap<number, string> }).stubbed;
  if (stubbed === undefined || stubbed.size === 0) return;
  const [func, why] = stubbed.entries().next().value!;
  throw new CompileError(`${why} (function ${func})`);
}

function checkModule(m: unknown, what: string): void {
  if (!(m instanceof Module)) throw new TypeError(`WebAssembly.Module.${what}(): Argument 0 must be a WebAssembly.Module`);
}

/** True when the bytes are a valid module (that we support), its builtin imports included. */
export function validate(bytes: Bytes, ...options: [LightbeamCompileOptions?]): boolean {
  const copy = copyBytes(bytes);
  const read = readCompileOptions(options[0], 'WebAssembly.validate');
  try {
    suppliedImports(validateModule(copy), read);
    return true;
  } catch (e) {
    if (e instanceof CompileError) return false;
    throw e;
  }
}

/**
 * Compile a module from its bytes as they arrive (WebAssembly.compileStreaming): each function is
 * compiled as soon as all of its body is here, so compiling overlaps with downloading.
 * `expectedBytes` (a Content-Length, or 0) sizes the buffers. Rejects with CompileError as soon
 * as a chunk shows a problem, without waiting for the rest. With a cache installed and a body of a
 * known size it would keep, the body is gathered first and compiled through the cache instead:
 * the cache's key is a hash of all of the bytes, so a hit is only known at the end.
 */
export async function compileChunks(
  chunks: AsyncIterable<Uint8Array>, options?: LightbeamCompileOptions, expectedBytes = 0,
): Promise<Module> {
  const read = readCompileOptions(options, 'WebAssembly.compileStreaming');
  const compiler = gatherForCache(expectedBytes) ? null : new StreamingCompiler(
    { features: targetFeatures, interruptible: read.interruptible ?? defaultInterruptible }, expectedBytes,
  );
  // A copy of every byte for the Module (customSections reads them); the compiler keeps none.
  let bytes = new Uint8Array(Math.max(expectedBytes, 1024));
  let length = 0;
  for await (const chunk of chunks) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('WebAssembly.compileStreaming(): the body must be bytes');
    compiler?.push(chunk);
    if (length + chunk.length > bytes.length) {
      const grown = new Uint8Array(Math.max(2 * bytes.length, length + chunk.length));
      grown.set(bytes.subarray(0, length));
      bytes = grown;
    }
    bytes.set(chunk, length);
    length += chunk.length;
  }
  const all = length === bytes.length ? bytes : bytes.slice(0, length);
  if (!compiler) return new Module(all, read);
  streamed = { bytes: all, compiled: compiler.finish(), options: read };
  return new Module(streamed.bytes, options);
}

// Options as a rest parameter: the JS API says compile.length is 1.
export async function compile(bytes: Bytes, ...options: [LightbeamCompileOptions?]): Promise<Module> {
  return new Module(bytes, options[0]);
}
