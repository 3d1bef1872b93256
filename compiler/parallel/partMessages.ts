// What goes between the main thread and a compile worker. A compiled part crosses as flat typed
// arrays (structured clone copies an array of numbers far faster than thousands of small
// objects); the code's buffer is transferred, not copied. The module's declarations (`info`)
// stay behind: the main thread compiles a part of its own and has them.

import type { Relocation } from '../abi/index.ts';
import type { CompileOptions, CompiledModuleWithNotes, CompiledPart, ModulePart } from '../codegen/moduleCompiler.ts';
import { CompileError } from '../errors.ts';
import type { ModuleInfo } from '../binary/types.ts';

export interface PartJob {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly part: ModulePart;
  readonly options: Omit<CompileOptions, 'part'>;
}

/** A part compiled as the module's bytes stream in: started, fed chunk by chunk, ended. */
export type StreamMessage =
  | { readonly id: number; readonly kind: 'start'; readonly part: ModulePart; readonly options: Omit<CompileOptions, 'part'>; readonly expectedBytes: number }
  | { readonly id: number; readonly kind: 'chunk'; readonly bytes: Uint8Array }
  | { readonly id: number; readonly kind: 'end' };

/** A compiled module as flat typed arrays (a part sent by a worker, an entry of the CLI's compile cache). */
export interface PackedModule {
  readonly code: Uint8Array;
  /** [funcIndex, offset, size, prefix] per function. */
  readonly functions: Int32Array;
  /** [codeOffset, trap, funcIndex, wasmOffset] per trap site. */
  readonly trapSites: Int32Array;
  readonly relocations: readonly Relocation[];
  /** [start, end] per data range. */
  readonly dataRanges: Int32Array;
  readonly notes: readonly (readonly [number, string])[];
  readonly stubbed: readonly (readonly [number, string])[];
  readonly boundsChecks: { kept: number; removed: number };
}

export interface PackedPart extends PackedModule {
  /** [position, callee, addend] per call. */
  readonly calls: Int32Array;
  readonly dispatchFunctions: readonly number[];
}

export interface PackedError {
  readonly compileError: boolean;
  readonly reason: string;
  readonly offset?: number;
  readonly funcIndex?: number;
}

/** Items as rows of `fields` numbers each (written in place: no array per item). */
function rows<T>(items: readonly T[], fields: number, write: (row: Int32Array, at: number, item: T) => void): Int32Array {
  const a = new Int32Array(items.length * fields);
  for (let i = 0; i < items.length; i++) write(a, i * fields, items[i]!);
  return a;
}

export function packModule(m: CompiledModuleWithNotes): PackedModule {
  return {
    code: m.code,
    functions: rows(m.functions, 4, (a, i, f) => ((a[i] = f.funcIndex), (a[i + 1] = f.offset), (a[i + 2] = f.size), (a[i + 3] = f.prefix))),
    trapSites: m.trapSites,
    relocations: m.relocations,
    dataRanges: rows(m.dataRanges, 2, (a, i, r) => ((a[i] = r[0]), (a[i + 1] = r[1]))),
    notes: m.notes, stubbed: [...m.stubbed], boundsChecks: m.boundsChecks,
  };
}

export function packPart(p: CompiledPart): PackedPart {
  return { ...packModule(p), calls: p.calls, dispatchFunctions: p.dispatchFunctions };
}

const groups = <T>(a: Int32Array, n: number, make: (at: number) => T): T[] => Array.from({ length: a.length / n }, (_, i) => make(i * n));

/** A packed module back as a CompiledModuleWithNotes; `info` is the module's declarations, decoded again from its bytes. */
export function unpackModule(p: PackedModule, info: ModuleInfo): CompiledModuleWithNotes {
  return {
    info, code: p.code, relocations: p.relocations, notes: p.notes, dataRanges: groups(p.dataRanges, 2, (i) => [p.dataRanges[i]!, p.dataRanges[i + 1]!] as const),
    functions: groups(p.functions, 4, (i) => ({ funcIndex: p.functions[i]!, offset: p.functions[i + 1]!, size: p.functions[i + 2]!, prefix: p.functions[i + 3]! })),
    trapSites: p.trapSites,
    stubbed: new Map(p.stubbed), boundsChecks: p.boundsChecks,
  };
}

/** A packed part back as a CompiledPart; `info` is the module's, from the main thread's own part. */
export function unpackPart(p: PackedPart, info: ModuleInfo): CompiledPart {
  return {
    ...unpackModule(p, info),
    calls: p.calls,
    dispatchFunctions: p.dispatchFunctions,
  };
}

export function packError(e: unknown): PackedError {
  if (e instanceof CompileError) return { compileError: true, reason: e.reason, offset: e.offset, funcIndex: e.funcIndex };
  return { compileError: false, reason: (e as Error)?.stack ?? String(e) };
}

export function unpackError(e: PackedError): Error {
  return e.compileError ? new CompileError(e.reason, e.offset, e.funcIndex) : new Error(`compile worker: ${e.reason}`);
}
