// The JS string builtins (the JS API's `wasm:js-string` builtin set): functions a module imports
// from "wasm:js-string" when it is compiled with `{ builtins: ['js-string'] }`. They are the
// engine's, not the import object's: their types are checked when the module is compiled, they do
// not appear in Module.imports, and instantiation supplies them. Each is a small adapter from a
// JS String operation to wasm's types: externref arguments must be strings (else a trap), i32
// arguments are read as unsigned, and a trap is a RuntimeError wasm cannot catch.
// Runs anywhere (no Node): the trap is made by the caller's `trap`, and GC arrays are reached
// through the caller's `arrays`.

import { ValType } from '../binary/types.ts';
import { REF_NON_NULL } from '../binary/refTypes.ts';

/** The builtin sets this engine knows, by the name `builtins` lists (the import module is "wasm:" + it). */
export const BUILTIN_SETS = ['js-string'] as const;
export const JS_STRING_MODULE = 'wasm:js-string';

const EXTERN = ValType.externref;
const EXTERN_NON_NULL = ValType.externref | REF_NON_NULL;
const I32 = ValType.i32;
/**
 * In a builtin's parameters: its array type, `(ref null $array16)` where $array16 is
 * `(array (mut i16))` alone in its recursion group, final; the import's type names the module's own
 * type index, so compileOptions.ts matches it by shape (isCharCodeArrayRef).
 */
export const CHAR_CODE_ARRAY = -1;

/** Raise a trap: the caller makes an error wasm cannot catch. */
export type Trap = (message: string) => never;

/** How builtins reach GC arrays (the runtime's: runtime/gcWrappers.ts). */
export interface CharCodeArrays {
  /** The elements of the array of i16 `array` (a JS value standing for one) is, as a view; undefined if it is none. */
  i16Elements(array: unknown): Uint16Array | undefined;
}

export interface StringBuiltin {
  readonly params: readonly number[];
  readonly results: readonly number[];
  readonly make: (trap: Trap, arrays: CharCodeArrays) => (...args: never[]) => unknown;
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

/** The elements of a builtin's array argument (CHAR_CODE_ARRAY), or a trap when it is null. */
function elementsOf(array: unknown, arrays: CharCodeArrays, trap: Trap, what: string): Uint16Array {
  if (array === null) trap(`${what}: null array`);
  return arrays.i16Elements(array) ?? trap(`${what}: not an array of i16`);
}

/** The string of char codes `codes` (in slices: an argument list has a limit). */
function stringOfCodes(codes: Uint16Array): string {
  const SLICE = 8192;
  let s = '';
  for (let i = 0; i < codes.length; i += SLICE) s += String.fromCharCode(...codes.subarray(i, i + SLICE));
  return s;
}

export const JS_STRING_BUILTINS: Readonly<Record<string, StringBuiltin>> = {
  test: { params: [EXTERN], results: [I32], make: () => (s: unknown) => (typeof s === 'string' ? 1 : 0) },
  cast: { params: [EXTERN], results: [EXTERN_NON_NULL], make: (trap) => (s: unknown) => stringOf(s, trap, 'cast') },
  fromCharCodeArray: {
    params: [CHAR_CODE_ARRAY, I32, I32], results: [EXTERN_NON_NULL],
    make: (trap, arrays) => (array: unknown, start: number, end: number) => {
      const codes = elementsOf(array, arrays, trap, 'fromCharCodeArray');
      const from = start >>> 0, to = end >>> 0;
      if (from > to || to > codes.length) trap(`fromCharCodeArray: [${from}, ${to}) is not inside the array (length ${codes.length})`);
      return stringOfCodes(codes.subarray(from, to));
    },
  },
  intoCharCodeArray: {
    params: [EXTERN, CHAR_CODE_ARRAY, I32], results: [I32],
    make: (trap, arrays) => (s: unknown, array: unknown, start: number) => {
      const str = stringOf(s, trap, 'intoCharCodeArray');
      const codes = elementsOf(array, arrays, trap, 'intoCharCodeArray');
      const at = start >>> 0;
      if (at + str.length > codes.length) trap(`intoCharCodeArray: ${str.length} codes from ${at} do not fit the array (length ${codes.length})`);
      for (let i = 0; i < str.length; i++) codes[at + i] = str.charCodeAt(i);
      return str.length;
    },
  },
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
