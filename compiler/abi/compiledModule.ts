// What the code generator hands the runtime: the machine code of every defined function,
// laid out in one buffer, and what the runtime needs to make instances of it.
// Runs in the browser: plain data (the playground shows it; only Node runs it).

import type { ModuleInfo } from '../binary/types.ts';
import type { TrapCode } from './trapCodes.ts';

// #region compiled-module
export interface CompiledFunction {
  /** Index in the function index space (imported functions come first, so >= importedFunctionCount). */
  readonly funcIndex: number;
  /** Offset of the function's entry in `code`. Entered under the internal convention. */
  readonly offset: number;
  /** Bytes of code from `offset`, trap stubs included (for disassembly and profiling). */
  readonly size: number;
  /** Bytes of the function's code before `offset`: the stack-overflow stub the entry's check jumps back to (0 for a stub function). */
  readonly prefix: number;
}

/**
 * A place in `code` the runtime must patch once it knows where the code is loaded.
 * Calls between functions of the module are rel32 and need no relocation; these are for
 * absolute addresses (jump tables, constants pools addressed absolutely, ...).
 */
export type Relocation =
  /** Write the absolute address of function `funcIndex`'s entry as a u64 at `offset`. */
  | { readonly kind: 'funcAddress64'; readonly offset: number; readonly funcIndex: number }
  /** Write the absolute address of `code + target` as a u64 at `offset`. */
  | { readonly kind: 'codeAddress64'; readonly offset: number; readonly target: number };

/**
 * Where a trap may happen: a trap call (`call qword [r15 + TRAP_SITE_HANDLER]`) or a call to a
 * builtin that may trap. The runtime looks the call's return address up here to know which trap
 * it is (for a trap call) and where it happened. CompiledModule.trapSites holds these fields,
 * in this order, as four numbers per site.
 */
export interface TrapSite {
  /** Offset in `code` just after the `call` instruction (its return address). */
  readonly codeOffset: number;
  readonly trap: TrapCode;
  readonly funcIndex: number;
  /** Byte offset of the trapping instruction in the module. */
  readonly wasmOffset: number;
}

export interface CompiledModule {
  /** The module's declarations (types, imports, exports, memories, tables, globals, segments). */
  readonly info: ModuleInfo;
  /** Machine code of all defined functions. Position independent except for `relocations`. */
  readonly code: Uint8Array;
  /** One entry per defined function, in function-index order. */
  readonly functions: readonly CompiledFunction[];
  readonly relocations: readonly Relocation[];
  /**
   * Every TrapSite, flat: codeOffset, trap, funcIndex, wasmOffset for each (a module has tens of
   * thousands, and an object each had been an eighth of what compiling one allocated).
   */
  readonly trapSites: Int32Array;
}
// #endregion compiled-module
