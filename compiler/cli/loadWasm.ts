// Read a module for the CLI: .wasm as is, .wat (or a one-module .wast) through a text parser,
// with a name section so that `lightbeam disasm` shows function names.
//
// Two parsers, wabt's first (compiler/text): it is the project's text front-end and its errors
// quote the source line. wabt lacks much of WebAssembly 3.0 (GC, typed references, ...), so text
// it refuses goes to wasm-tools' parser (compiler/wast/node/wasmToolsText.ts, a development
// dependency that the spec runner uses the same way). wasm-tools' parser does not validate: what
// it reads, our own validator judges when the module compiles. Each parser is loaded only for
// text, and wasm-tools' only when wabt refuses: wabt is 690 KB of CommonJS (importing it cost
// every `lightbeam run` of a .wasm file about 60 ms), wasm-tools' component takes ~350 ms.
import { readFile } from 'node:fs/promises';
import { TextFormatError } from '../wast/textFormatError.ts';

export async function loadWasmFile(path: string): Promise<Uint8Array> {
  if (path.endsWith('.wat') || path.endsWith('.wast')) return textToWasm(await readFile(path, 'utf8'), path);
  return new Uint8Array(await readFile(path));
}

/**
 * The module `text` (read from `path`, which messages cite) assembled by wabt or, if wabt refuses
 * it, by wasm-tools. Throws TextFormatError when neither reads it, with each parser's reason.
 */
export async function textToWasm(text: string, path: string): Promise<Uint8Array> {
  const { watToWasm } = await import('../text/watToWasm.ts');
  let wabtRefusal: string;
  try {
    return await watToWasm(text, { name: path, names: true });
  } catch (e) {
    // wabt's message: "parseWat failed:" (or "validate failed:"), then file:line:col: error: ... and the source line.
    wabtRefusal = (e as Error).message.replace(/^\w+ failed:\n/, '').trimEnd();
  }
  const { loadWasmToolsTextToBinary, WASM_TOOLS_PACKAGE } = await import('../wast/node/wasmToolsText.ts');
  // bin/lightbeam.js's own import() when it runs us from a vm.Script, which cannot import.
  const importModule = (globalThis as Record<symbol, unknown>)[Symbol.for('lightbeam.importModule')] as
    ((url: string) => Promise<unknown>) | undefined;
  const parse = await loadWasmToolsTextToBinary(importModule);
  if (!parse) {
    throw new TextFormatError(
      `wabt refused it (wasm-tools' parser, which reads WebAssembly 3.0 text, is not installed: ${WASM_TOOLS_PACKAGE})\nwabt: ${wabtRefusal}`,
    );
  }
  try {
    return parse(text);
  } catch (e) {
    if (!(e instanceof TextFormatError)) throw e;
    throw new TextFormatError(`neither wabt nor wasm-tools reads it\nwabt: ${wabtRefusal}\nwasm-tools: ${wasmToolsRefusal(e.message, path)}`);
  }
}

/** wasm-tools' "message (line:column)" in wabt's form, "file:line:column: error: message". */
function wasmToolsRefusal(message: string, path: string): string {
  const at = /^(.*) \((\d+):(\d+)\)$/s.exec(message);
  return at ? `${path}:${at[2]}:${at[3]}: error: ${at[1]}` : `${path}: error: ${message}`;
}

/** Reads a module for the command `command`; if it cannot, says why on stderr and returns undefined. */
export async function readModuleFile(command: string, path: string): Promise<Uint8Array | undefined> {
  try {
    return await loadWasmFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    console.error(`${command}: cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    return undefined;
  }
}
