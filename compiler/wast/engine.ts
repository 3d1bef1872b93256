// The engine interface: how the .wast runner talks to a WebAssembly implementation.
//
// HOW EXECUTION PLUGS IN:
//   The runner only needs `compile` to check validation (assert_invalid, assert_malformed, and
//   that every `module` compiles). Everything that runs code (invoke, get, assert_return,
//   assert_trap, assert_exhaustion, assert_exception, register, assert_unlinkable,
//   assert_uninstantiable, `module instance`) is skipped as "execution not implemented yet"
//   while the engine lacks any of these five:
//     instantiate(module, imports)  -> Instance; throws LinkError (unlinkable), RuntimeError
//                                      (trap during start/segment init), CompileError never
//     invoke(instance, name, args)  -> WasmValue[]; throws RuntimeError on a trap (message
//                                      as the spec words it: "integer divide by zero", and
//                                      "call stack exhausted" for assert_exhaustion), or
//                                      WasmException for an uncaught wasm exception
//     get(instance, name)           -> WasmValue (an exported global's value)
//     exports(instance)             -> the instance's exports, for linking (`register`)
//     spectest()                    -> the `spectest` host module's exports (shape below)
//   Lightbeam's engine is lightbeamEngine() (validation, browser-safe) completed in the worker
//   process by withExecution() from node/executionEngine.ts (code generator + native runtime, Node
//   only, x86-64 Linux). v8Engine.ts is a complete example over the host's WebAssembly.
//   Any stage may throw NotImplemented(reason): the command is skipped with that reason.
//   Values cross this interface as `WasmValue` (exact bits for floats; see below), so NaN
//   payloads and -0 survive. When the compiler improves, record the gain in the baseline:
//   `UPDATE=1 npx vitest run compiler/wast`, and commit compiler/wast/baseline.json.
//
// Browser-safe: no Node imports here.

import type { CompileError } from '../errors.ts';

// #region wasm-value
/** A reference value as a script sees it. */
export type RefValue =
  | { kind: 'null'; heap?: string }
  /** A host reference made by the script with `(ref.extern n)` / `(ref.host n)`. */
  | { kind: 'extern'; host: number }
  /** A function reference (opaque to the script). */
  | { kind: 'func'; value: unknown }
  /** Any other non-null reference, by its most specific category (struct, array, i31, exn, any). */
  | { kind: 'struct' | 'array' | 'i31' | 'exn' | 'any'; value: unknown };

/** A WebAssembly value, exactly: floats as bit patterns so NaN payloads and -0 are kept. */
export type WasmValue =
  | { type: 'i32'; value: number } // signed 32-bit
  | { type: 'i64'; value: bigint } // signed 64-bit
  | { type: 'f32'; bits: number } // IEEE-754 single bits, unsigned
  | { type: 'f64'; bits: bigint } // IEEE-754 double bits, unsigned
  | { type: 'v128'; bytes: Uint8Array } // 16 bytes, little-endian lanes
  | { type: 'ref'; ref: RefValue };
// #endregion wasm-value

// #region engine-interface
/** What `compile` returns: opaque to the runner. */
export type CompiledModule = unknown;
/** What `instantiate` returns: opaque to the runner. */
export type Instance = unknown;

/** An import value: an export of another instance (opaque) or a host value. */
export type ExternValue = unknown;
/** Imports by module name, then field name. */
export type ImportObject = Record<string, Record<string, ExternValue>>;

/**
 * The `spectest` host module every script may import from (names as in the spec interpreter):
 * `print`, `print_i32`, `print_i64`, `print_f32`, `print_f64`, `print_i32_f32`, `print_f64_f64`
 * (functions that return nothing), `global_i32` = 666, `global_i64` = 666, `global_f32` = 666.6,
 * `global_f64` = 666.6 (immutable globals), `table` (10 funcref, max 20), `memory` (1 page, max 2).
 */
export interface SpectestShape {
  print: ExternValue;
  print_i32: ExternValue;
  print_i64: ExternValue;
  print_f32: ExternValue;
  print_f64: ExternValue;
  print_i32_f32: ExternValue;
  print_f64_f64: ExternValue;
  global_i32: ExternValue;
  global_i64: ExternValue;
  global_f32: ExternValue;
  global_f64: ExternValue;
  table: ExternValue;
  /** A table with i64 indices (memory64's table64), for engines that have them. */
  table64?: ExternValue;
  memory: ExternValue;
  /** A shared memory (1 page, max 2; threads), for engines that have them. */
  shared_memory?: ExternValue;
}

/** A wasm exception that escaped an invocation (for assert_exception). */
export class WasmException extends Error {
  override name = 'WasmException';
}

export interface Engine {
  /** A short name for reports, e.g. "lightbeam" or "v8". */
  readonly name: string;
  /**
   * Decode, validate (and, when it can, compile) a binary module. Throws CompileError;
   * `unsupported feature: <proposal>` for what is out of scope, and NotImplemented for what
   * the compiler cannot do yet at all.
   */
  compile(bytes: Uint8Array): CompiledModule;
  instantiate?(module: CompiledModule, imports: ImportObject): Instance;
  invoke?(instance: Instance, name: string, args: WasmValue[]): WasmValue[];
  get?(instance: Instance, name: string): WasmValue;
  /** The instance's exports by name, to be used as imports by later modules. */
  exports?(instance: Instance): Record<string, ExternValue>;
  /** The `spectest` module's exports. */
  spectest?(): SpectestShape;
}
// #endregion engine-interface

/** Thrown by an engine for a stage that does not exist yet; the runner skips with this reason. */
export class NotImplemented extends Error {
  override name = 'NotImplemented';
  constructor(readonly reason: string) {
    super(reason);
  }
}

export type { CompileError };
