// The spec runner's second text front-end: wasm-tools' parser (the `wast` crate, built to a
// WebAssembly component by the npm package @bytecodealliance/jco-transpile). It follows the
// spec's text grammar closely and reads the WebAssembly 3.0 syntax that wabt cannot, so the
// runner asks it for the text wabt rejects and for the malformed text wabt accepts
// (runner.ts). Node only: the component runs on Node's WASI shims. A development dependency:
// without it, `lightbeam wast` still runs, and skips what wabt cannot read, as it used to.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { asciiStringsAndComments } from '../asciiText.ts';
import { TextFormatError, type TextToBinary } from '../textFormatError.ts';

export const WASM_TOOLS_PACKAGE = '@bytecodealliance/jco-transpile';

/** The component's own interface (its vendor/wasm-tools.d.ts), as far as we use it. */
interface WasmToolsComponent {
  $init: Promise<void>;
  tools: { parse(text: string): Uint8Array };
}

/** Where the package's component lives, or undefined when the package is not installed. */
function componentPath(): string | undefined {
  let wrapper: string;
  try {
    wrapper = createRequire(import.meta.url).resolve(`${WASM_TOOLS_PACKAGE}/wasm-tools`);
  } catch {
    return undefined;
  }
  // The package exports only an asynchronous parse (it awaits the component's instantiation on
  // every call); the runner is synchronous, so we load the component that wrapper calls.
  return join(dirname(wrapper), '../vendor/wasm-tools.js');
}

export function wasmToolsInstalled(): boolean {
  return componentPath() !== undefined;
}

// #region wasm-tools-text
/**
 * Loads wasm-tools' parser; undefined when its package is not installed. `importModule` loads
 * the component's ES module (the CLI's code-cached bundle, which cannot import(), passes its own).
 */
export async function loadWasmToolsTextToBinary(
  importModule: (url: string) => Promise<unknown> = (url) => import(url),
): Promise<TextToBinary | undefined> {
  const path = componentPath();
  if (path === undefined) return undefined;
  const component = (await importModule(pathToFileURL(path).href)) as WasmToolsComponent;
  await component.$init;
  return (text: string): Uint8Array => {
    try {
      return component.tools.parse(asciiStringsAndComments(text));
    } catch (err) {
      // A parse error comes as the component's error value; anything else (a trap) is a crash.
      if (err instanceof Error && 'payload' in err) throw new TextFormatError(wasmToolsMessage(err.message));
      throw err;
    }
  };
}

/** The parser, for tests that need it: a clear error when the package is missing. */
export async function requireWasmToolsTextToBinary(): Promise<TextToBinary> {
  const parse = await loadWasmToolsTextToBinary();
  if (!parse) throw new Error(`${WASM_TOOLS_PACKAGE} is not installed (npm ci)`);
  return parse;
}
// #endregion wasm-tools-text

/**
 * wasm-tools' error, which reaches JS as the Rust value's debug form
 * (`Error { kind: Wast(Error { inner: ErrorInner { text: Some(Text { line: 0, col: 14, ...`
 * `kind: Custom("unknown operator or unexpected token") } }) }`), as `message (line:column)`.
 */
export function wasmToolsMessage(debug: string): string {
  const at = /\bText \{ line: (\d+), col: (\d+)/.exec(debug);
  // The innermost kind is the error's own: Custom("message"), or a lexer error such as Lex(EmptyAnnotation).
  const kindAt = debug.lastIndexOf('kind: ');
  const kind = kindAt < 0 ? debug : debug.slice(kindAt + 'kind: '.length).replace(/ \} \}\) \}$/, '');
  const custom = /^Custom\("((?:[^"\\]|\\.)*)"\)$/.exec(kind);
  const message = custom ? custom[1]!.replace(/\\(.)/g, '$1') : kind;
  // The component counts lines and columns from 0.
  return at ? `${message} (${Number(at[1]) + 1}:${Number(at[2]) + 1})` : message;
}
