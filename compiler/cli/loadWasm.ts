// Read a module for the CLI: .wasm as is, .wat through wabt (compiler/text), with a name
// section so that `lightbeam disasm` shows function names. wabt is loaded only for text: it is
// 690 KB of CommonJS, and importing it cost every `lightbeam run` of a .wasm file about 60 ms.
import { readFile } from 'node:fs/promises';

export async function loadWasmFile(path: string): Promise<Uint8Array> {
  if (path.endsWith('.wat') || path.endsWith('.wast')) {
    const { watToWasm } = await import('../text/watToWasm.ts');
    return watToWasm(await readFile(path, 'utf8'), { name: path, names: true });
  }
  return new Uint8Array(await readFile(path));
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
