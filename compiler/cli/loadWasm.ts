// Read a module for the CLI: .wasm as is, .wat through wabt (our text front-end).
import { readFile } from 'node:fs/promises';
import wabtInit from 'wabt';

let wabt: ReturnType<typeof wabtInit> | undefined;

export async function watToWasm(text: string, name = 'input.wat'): Promise<Uint8Array> {
  const w = await (wabt ??= wabtInit());
  const features = { multi_value: true, bulk_memory: true, reference_types: true, sign_extension: true, sat_float_to_int: true, mutable_globals: true };
  const module = w.parseWat(name, text, features);
  try {
    module.resolveNames();
    module.validate();
    return module.toBinary({ log: false, write_debug_names: true }).buffer;
  } finally {
    module.destroy();
  }
}

export async function loadWasmFile(path: string): Promise<Uint8Array> {
  if (path.endsWith('.wat') || path.endsWith('.wast')) return watToWasm(await readFile(path, 'utf8'), path);
  return new Uint8Array(await readFile(path));
}
