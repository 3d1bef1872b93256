// The JS string builtins (the JS API's `wasm:js-string` builtin set): functions a module imports
// from "wasm:js-string" when it is compiled with `{ builtins: ['js-string'] }`. They are the
// engine's, not the import object's: their types are checked when the module is compiled, they do
// not appear in Module.imports, and instantiation supplies them. Each is a small adapter from a
// JS String operation to wasm's types: externref arguments must be strings (else a trap), i32
// arguments are read as unsigned, and a trap is a RuntimeError wasm cannot catch.
// Runs anywhere (no Node): the trap is made by the caller's `trap`.

import { ValType } from '../binary/types.ts';
import { REF_NON_NULL } from '../binary/refTypes.ts';

/** The builtin sets this engine knows, by the name `builtins` lists (the import module is "wasm:" + it). */
export const BUILTIN_SETS = ['js-string'] as const;
export const JS_STRING_MODULE = 'wasm:js-string';

const EXTERN = ValType.externref;
const EXTERN_NON_NULL = ValType.externref | REF_NON_NULL;
const I32 = ValType.i32;

/** Raise a trap: the caller makes an error wasm cannot catch. */
export type Trap = (message: string) => never;

export interface StringBuiltin {
  readonly params: readonly number[];
  readonly results: readonly number[];
  /**
   * Whose type names a GC array of i16 (`(ref null (array (mut i16)))`): fromCharCodeArray and
   * intoCharCodeArray. Lightbeam has no GC arrays yet, so no module can import them (see compileOptions.ts).
   */
  readonly needsArrays?: true;
  readonly make: (trap: Trap) => (...args: never[]) => unknown;
}

// #region js-string-builtins
/** A string, or a trap. */
function stringOf(value: unknown, trap: Trap, what: string): string {
  if (typeof value !== 'string') trap(`${what}: not a string`);
  return value;
}

/** charCodeAt and codePointAt: a string, an index in it (unsigned), then `read`; else a trap. */
function codeAt(trap: Trap, what: string, read: (str: string, index: number) => number) {
  return (s: unknown, i: number): number => {
    const str = stringOf(s, trap, what);
    const index = i >>> 0;
    if (index >= str.length) trap(`${what}: index ${index} out of bounds`);
    return read(str, index);
  };
}

export const JS_STRING_BUILTINS: Readonly<Record<string, StringBuiltin>> = {
  test: { params: [EXTERN], results: [I32], make: () => (s: unknown) => (typeof s === 'string' ? 1 : 0) },
  cast: { params: [EXTERN], results: [EXTERN_NON_NULL], make: (trap) => (s: unknown) => stringOf(s, trap, 'cast') },
  fromCharCodeArray: { params: [], results: [], needsArrays: true, make: (trap) => () => trap('fromCharCodeArray needs GC arrays') },
  intoCharCodeArray: { params: [], results: [], needsArrays: true, make: (trap) => () => trap('intoCharCodeArray needs GC arrays') },
  fromCharCode: { params: [I32], results: [EXTERN_NON_NULL], make: () => (c: number) => String.fromCharCode(c >>> 0) },
  fromCodePoint: {
    params: [I32], results: [EXTERN_NON_NULL],
    make: (trap) => (c: number) => {
      const code = c >>> 0;
      if (code > 0x10ffff) trap(`fromCodePoint: ${code} is not a code point`);
      return String.fromCodePoint(code);
    },
  },
  charCodeAt: { params: [EXTERN, I32], results: [I32], make: (trap) => codeAt(trap, 'charCodeAt', (str, i) => str.charCodeAt(i)) },
  codePointAt: { params: [EXTERN, I32], results: [I32], make: (trap) => codeAt(trap, 'codePointAt', (str, i) => str.codePointAt(i)!) },
  length: { params: [EXTERN], results: [I32], make: (trap) => (s: unknown) => stringOf(s, trap, 'length').length },
  concat: {
    params: [EXTERN, EXTERN], results: [EXTERN_NON_NULL],
    make: (trap) => (a: unknown, b: unknown) => stringOf(a, trap, 'concat') + stringOf(b, trap, 'concat'),
  },
  substring: {
    params: [EXTERN, I32, I32], results: [EXTERN_NON_NULL],
    make: (trap) => (s: unknown, start: number, end: number) => {
      const str = stringOf(s, trap, 'substring');
      const from = start >>> 0, to = end >>> 0;
      if (from > str.length || to < from) return '';
      return str.substring(from, to); // (an end past the string is the string's end)
    },
  },
  equals: {
    params: [EXTERN, EXTERN], results: [I32],
    make: (trap) => (a: unknown, b: unknown) => {
      if (a !== null) stringOf(a, trap, 'equals');
      if (b !== null) stringOf(b, trap, 'equals');
      return a === b ? 1 : 0;
    },
  },
  compare: {
    params: [EXTERN, EXTERN], results: [I32],
    make: (trap) => (a: unknown, b: unknown) => {
      const x = stringOf(a, trap, 'compare'), y = stringOf(b, trap, 'compare');
      return x === y ? 0 : x < y ? -1 : 1;
    },
  },
};
// #endregion js-string-builtins
