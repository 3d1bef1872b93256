// WAT text to wasm bytes: the project's one door to wabt, its text front-end. The CLI, the spec
// runner, the book, the playground, the exercises, the benchmarks and the tests all assemble
// WAT here. Our compiler reads only the binary format. Browser-safe (wabt is plain wasm + JS).

import wabtInit from 'wabt';

export type Wabt = Awaited<ReturnType<typeof wabtInit>>;

let loading: Promise<Wabt> | undefined;

/** wabt, loaded once (asynchronous: it instantiates its own wasm). */
export function loadWabt(): Promise<Wabt> {
  return (loading ??= wabtInit());
}

/**
 * Every feature wabt knows, switched on. Measured on the 6,646 text modules of the spec suite
 * that wabt also assembles with only the 2.0 features: the bytes are the same either way, and
 * 197 more (tail calls, GC, exceptions, ...) assemble, so our compiler gets to say what it
 * does not support.
 */
export function allFeatures(wabt: Wabt): Record<string, boolean> {
  const known = (wabt as unknown as { FEATURES: Record<string, boolean> }).FEATURES;
  return Object.fromEntries(Object.keys(known).map((name) => [name, true]));
}

export interface WatOptions {
  /** The file name wabt's error messages cite. */
  name?: string;
  /** Run wabt's validator (the default). Off, an invalid module reaches our validator instead. */
  validate?: boolean;
  /** Write a name section, so listings show function names (`lightbeam disasm`, file tests). */
  names?: boolean;
}

/** Assembles WAT synchronously; throws wabt's error (file:line:col and the source line). */
export type WatAssembler = (text: string, options?: WatOptions) => Uint8Array<ArrayBuffer>;

// #region wat-to-wasm
/** Loads wabt and returns a synchronous assembler (for callers that assemble many modules). */
export async function loadWatToWasm(): Promise<WatAssembler> {
  const wabt = await loadWabt();
  const features = allFeatures(wabt);
  return (text, { name = 'module.wat', validate = true, names = false } = {}) => {
    // wabt copies the name into a buffer one byte too short for its NUL (allocateCString), so a
    // message could show whatever followed it in wabt's heap ("bad.watK:1:53"): the NUL is ours.
    // And only ASCII survives the copy.
    // The text goes in as UTF-8 bytes: a string, wabt copies one byte per UTF-16 unit, so "é" in
    // a name is rejected as invalid UTF-8 and a character beyond U+FFFF becomes two wrong bytes.
    const module = wabt.parseWat(`${name.replace(/[^\x20-\x7e]/g, '?')}\0`, utf8Bytes(text), features);
    try {
      module.resolveNames();
      if (validate) module.validate();
      // wabt copies the binary out of its heap into an array of its own.
      return module.toBinary({ log: false, write_debug_names: names }).buffer as Uint8Array<ArrayBuffer>;
    } finally {
      module.destroy();
    }
  };
}
// #endregion wat-to-wasm

/** The text's UTF-8 bytes, in a buffer of their own: wabt copies a view's whole buffer. */
function utf8Bytes(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  return bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/** Assembles one WAT module. */
export async function watToWasm(text: string, options?: WatOptions): Promise<Uint8Array<ArrayBuffer>> {
  return (await loadWatToWasm())(text, options);
}
