// WAT text to wasm bytes with wabt, at build time (and in exercise tests).
// wabt is the reference assembler here; our compiler only ever sees the bytes.
import wabtInit from 'wabt';

let wabt: ReturnType<typeof wabtInit> | undefined;

/**
 * Assembles WAT. With `validate: false` wabt only parses, so a deliberately invalid module
 * (chapter 3's examples) reaches our validator instead of being stopped by wabt's.
 */
export async function watToWasm(text: string, name = 'example.wat', opts: { validate?: boolean } = {}): Promise<Uint8Array> {
  const w = await (wabt ??= wabtInit());
  const module = w.parseWat(name, text, { multi_value: true, bulk_memory: true, reference_types: true, sign_extension: true, sat_float_to_int: true, mutable_globals: true });
  try {
    module.resolveNames();
    if (opts.validate !== false) module.validate();
    return module.toBinary({ log: false, write_debug_names: false }).buffer;
  } finally {
    module.destroy();
  }
}
