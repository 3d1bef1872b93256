// Read a module for the CLI: .wasm as is, .wat through wabt (compiler/text), with a name
// section so that `lightbeam disasm` shows function names.
import { readFile } from 'node:fs/promises';
import { watToWasm as assemble } from '../text/watToWasm.ts';

export async function loadWasmFile(path: string): Promise<Uint8Array> {
  if (path.endsWith('.wat') || path.endsWith('.wast')) return assemble(await readFile(path, 'utf8'), { name: path, names: true });
  return new Uint8Array(await readFile(path));
}
