// Test-only (Node): the text of a file test (compiler/codegen/filetests) as bytes. A file whose
// first line is `;; text: wasm-tools` is WebAssembly 3.0 text that wabt cannot read (typed
// references): wasm-tools' parser assembles it (with a name section, as wabt's `names`).
import { watToWasm } from '../../text/watToWasm.ts';
import { loadWasmToolsTextToBinary, WASM_TOOLS_PACKAGE } from '../../wast/node/wasmToolsText.ts';

export async function assembleFileTest(name: string, text: string): Promise<Uint8Array> {
  if (!text.startsWith(';; text: wasm-tools')) return watToWasm(text, { name, names: true });
  const parse = await loadWasmToolsTextToBinary();
  if (!parse) throw new Error(`${name}: needs ${WASM_TOOLS_PACKAGE} (npm ci)`);
  return parse(text);
}
