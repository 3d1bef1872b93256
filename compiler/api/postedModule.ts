// A Module as it is posted to another thread (threadMessages.ts). V8 posts a compiled module, and
// the receiving thread has it without compiling; so does Lightbeam. The record carries the bytes
// (customSections reads them, and they are the fallback), the compile options and the machine code,
// packed as the parallel compiler's parts and the CLI's compile cache pack it
// (compiler/parallel/partMessages.ts). The receiving thread decodes the declarations again from
// the bytes, stepping over the function bodies (validated when the code was made), as a cache hit
// does, and makes its Module of them and that code. The code is copied (structured clone), not
// shared: each thread maps its own copy when it first instantiates the module, as it maps code it
// compiled itself, and unmaps it with its runtime.
//
// The code must be what that thread would compile: the same CPU features (one process: the same
// CPU) and the same interruptibility. A worker compiles interruptible by default and the main thread
// does not (interruption.ts), so a module the main thread compiled without saying is posted with
// an interruptible twin, compiled here on the first post (warm, once for every worker it goes to)
// and kept with the module for the next. A thread that would compile other code than it is given
// (the main thread, given a worker's module) compiles the bytes, as it did before.

import type { CompiledModuleWithNotes } from '../codegen/moduleCompiler.ts';
import { packModule, unpackModule, type PackedModule } from '../parallel/partMessages.ts';
import { validateModule } from '../validate/index.ts';
import type { CompileOptions } from './compileOptions.ts';
import { apiStats, codegenOptions, compileBytes, Module, moduleOfCode, moduleSource } from './module.ts';

/** Machine code for a module, and what it was compiled for. */
interface PostedCode {
  readonly packed: PackedModule;
  readonly interruptible: boolean;
  /** The CPU features it may use (CpuFeatures as JSON). */
  readonly features: string;
}

/** What a Module is posted as (structured-cloneable). */
export interface PostedModule {
  readonly bytes: Uint8Array;
  readonly options: CompileOptions;
  readonly code: PostedCode;
}

/** The code posted for each module, made on its first post. */
const postedCode = new WeakMap<Module, PostedCode>();

/** A typed array over exactly its own bytes (structured clone copies a view's whole buffer, and the code generator's may be twice the code). */
const trimmed = <T extends Uint8Array | Int32Array>(a: T): T => (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as T));

// #region posted-module
export function postedModule(m: Module): PostedModule {
  const { bytes, options } = moduleSource(m);
  let code = postedCode.get(m);
  if (!code) {
    // What a worker would compile: interruptible unless the options say.
    const target = codegenOptions(options, options.interruptible ?? true);
    const own = codegenOptions(options);
    // Every Module's code comes from compileModule, the StreamingCompiler or a compile cache's
    // entry (a packed module), with the notes' fields. The twin goes through the cache too.
    const compiled = own.interruptible === target.interruptible ? m.compiled : compileBytes(bytes, { ...options, interruptible: target.interruptible });
    const packed = packModule(compiled as CompiledModuleWithNotes);
    code = { packed: { ...packed, code: trimmed(packed.code), trapSites: trimmed(packed.trapSites) }, interruptible: target.interruptible, features: JSON.stringify(target.features) };
    postedCode.set(m, code);
  }
  return { bytes, options, code };
}

/** The Module a posted one is in this thread: of its code if this thread would compile the same, else compiled from its bytes. */
export function receivedModule(posted: PostedModule): Module {
  const { bytes, options, code } = posted;
  const here = codegenOptions(options);
  if (code.interruptible !== here.interruptible || code.features !== JSON.stringify(here.features)) return new Module(bytes, options);
  const info = validateModule(bytes, undefined, { skipBodies: true });
  const module = moduleOfCode(bytes, unpackModule(code.packed, info), options);
  apiStats.modulesReceived++;
  return module;
}
// #endregion posted-module
