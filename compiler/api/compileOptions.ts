// The JS API's compile options (WebAssemblyCompileOptions: `builtins` and
// `importedStringConstants`) and Lightbeam's own (`interruptible`), and what they do to a module's
// imports: an import of an enabled builtin set ("wasm:js-string") or of the imported-string-
// constants module is the engine's to supply. Its type is checked when the module is compiled (a
// CompileError, or `validate` false, if it does not match), Module.imports leaves it out, and the
// instance gets it without looking at the import object. Runs anywhere (no Node).

import type { ModuleInfo } from '../binary/types.ts';
import { PackedType, ValType } from '../binary/types.ts';
import { ANYREF, isNullable, REF_NON_NULL, refTypeIndex } from '../binary/refTypes.ts';
import { CompileError } from '../errors.ts';
import { BUILTIN_SETS, CHAR_CODE_ARRAY, JS_STRING_BUILTINS, JS_STRING_MODULE } from './jsStringBuiltins.ts';
import { descriptorOf } from './webidl.ts';

/** Compile options: the JS API's, and Lightbeam's own `interruptible`. */
export interface LightbeamCompileOptions {
  /** Builtin sets to enable: 'js-string' is the one there is. Names this engine does not know are ignored. */
  readonly builtins?: Iterable<string>;
  /** The import module whose global imports are string constants: each one's value is its own name. */
  readonly importedStringConstants?: string | null;
  /**
   * Check for interrupts at function entries and loop heads, so a timeout, `interrupt()` or a
   * worker's termination can stop the code (RuntimeError "interrupted"). Default: off on the main
   * thread (no cost), on in worker threads (so `worker.terminate()` works).
   */
  readonly interruptible?: boolean;
}

/** The options once read, as WebIDL converts the dictionary (members in order: builtins, importedStringConstants). */
export interface CompileOptions {
  readonly builtins: readonly string[];
  readonly importedStringConstants: string | null;
  readonly interruptible: boolean | undefined;
}

/** What the engine supplies for an import it hides: a builtin function, or a string constant. */
export type SuppliedImport = { readonly builtin: string } | { readonly constant: string };

/** USVString: ToString (a Symbol throws), lone surrogates made U+FFFD. */
function usvString(value: unknown): string {
  if (typeof value === 'symbol') throw new TypeError('a Symbol cannot be converted to a string');
  // (String.prototype.toWellFormed, ES2024, is in Node 20 but not in the ES2023 library we type against.)
  return String(value).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export function readCompileOptions(options: unknown, what: string): CompileOptions {
  const d = descriptorOf(options, what);
  const builtinsValue = d.builtins;
  const builtins: string[] = [];
  if (builtinsValue !== undefined) {
    // sequence<USVString>: an object with an iterator, each element converted.
    const iterator = typeof builtinsValue === 'object' && builtinsValue !== null ? (builtinsValue as Iterable<unknown>)[Symbol.iterator] : undefined;
    if (typeof iterator !== 'function') throw new TypeError(`${what}(): options.builtins must be a sequence of strings`);
    for (const name of builtinsValue as Iterable<unknown>) builtins.push(usvString(name));
  }
  const constants = d.importedStringConstants;
  const interruptible = d.interruptible;
  return {
    builtins,
    importedStringConstants: constants === undefined || constants === null ? null : usvString(constants),
    interruptible: interruptible === undefined ? undefined : Boolean(interruptible),
  };
}

// #region check-builtin-imports
/**
 * The JS API's "validate builtins and imported strings": for each import the engine supplies, what
 * it supplies, by import index (empty without options). Throws CompileError where an import of an
 * enabled builtin set names no builtin or has the wrong type, where a string constant's import is
 * not an immutable global of type externref or (ref extern), or where `builtins` names a set twice.
 */
export function suppliedImports(info: ModuleInfo, options: CompileOptions): Map<number, SuppliedImport> {
  const supplied = new Map<number, SuppliedImport>();
  if (new Set(options.builtins).size !== options.builtins.length) throw new CompileError('builtins: a builtin set is named twice');
  const jsString = options.builtins.includes(BUILTIN_SETS[0]);
  const constants = options.importedStringConstants;
  info.imports.forEach((imp, i) => {
    const where = `import ${JSON.stringify(imp.module)} ${JSON.stringify(imp.name)}`;
    if (constants !== null && imp.module === constants) {
      const d = imp.desc;
      if (d.kind !== 'global' || d.type.mutable || (d.type.type !== ValType.externref && d.type.type !== (ValType.externref | REF_NON_NULL))) {
        throw new CompileError(`${where}: a string constant must be an immutable global of type externref or (ref extern)`);
      }
      supplied.set(i, { constant: imp.name });
    } else if (jsString && imp.module === JS_STRING_MODULE) {
      const builtin = Object.hasOwn(JS_STRING_BUILTINS, imp.name) ? JS_STRING_BUILTINS[imp.name]! : undefined;
      if (builtin === undefined) throw new CompileError(`${where}: no such builtin`);
      if (imp.desc.kind !== 'func') throw new CompileError(`${where}: a builtin is a function`);
      // The builtin's type is a function type alone in its recursion group, final, with no
      // supertype: the import's must be that type (equal under iso-recursive equivalence).
      const type = info.types[imp.desc.typeIndex]!;
      const def = info.typeDefs[imp.desc.typeIndex];
      const same = (a: readonly number[], b: readonly number[]) =>
        a.length === b.length && a.every((t, k) => t === b[k] || (b[k] === CHAR_CODE_ARRAY && isCharCodeArrayRef(info, t)));
      const plain = def === undefined || (def.kind === 'func' && def.final && def.supertype < 0 && def.groupSize === 1);
      if (!plain || !same(type.params, builtin.params) || !same(type.results, builtin.results)) {
        throw new CompileError(`${where}: the import's type is not the builtin's`);
      }
      supplied.set(i, { builtin: imp.name });
    }
  });
  return supplied;
}

/** Whether `t` is `(ref null $a)` with $a `(array (mut i16))`, alone in its recursion group and final (CHAR_CODE_ARRAY). */
function isCharCodeArrayRef(info: ModuleInfo, t: number): boolean {
  const index = refTypeIndex(t);
  if (index < 0 || !isNullable(t) || (t & 0xff) !== ANYREF) return false;
  const def = info.typeDefs[index];
  const element = def?.fields[0];
  return def !== undefined && def.kind === 'array' && def.final && def.supertype < 0 && def.groupSize === 1 &&
    element !== undefined && element.type === PackedType.i16 && element.mutable;
}
// #endregion check-builtin-imports
