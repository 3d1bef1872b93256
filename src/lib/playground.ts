// The playground, in the reader's browser: WAT -> wabt -> Lightbeam's validator and code
// generator -> iced-x86 disassembly. Nothing here runs on a server; nothing is executed
// natively (a browser cannot run our machine code), it is only compiled and shown.
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { listFunctions, formatFunction } from '../../compiler/codegen/listing.ts';
import { loadIcedFromSources, isIcedLoaded } from '../../compiler/x64/iced.ts';
import { watToWasm } from '../../compiler/text/watToWasm.ts';

export interface PlaygroundResult {
  ok: boolean;
  text: string;
  wasmBytes?: number;
  codeBytes?: number;
  compileMs?: number;
}

/** Loads iced-x86 from the two files the site serves under `icedBase`. */
export async function ensureIced(icedBase: string): Promise<void> {
  if (isIcedLoaded()) return;
  const [glue, wasm] = await Promise.all([
    fetch(icedBase + 'iced_x86.js').then((r) => r.text()),
    fetch(icedBase + 'iced_x86_bg.wasm').then((r) => r.arrayBuffer()),
  ]);
  loadIcedFromSources(glue, new Uint8Array(wasm));
}

export async function compileWat(text: string, icedBase: string): Promise<PlaygroundResult> {
  let bytes: Uint8Array;
  try {
    bytes = await watToWasm(text, { name: 'playground.wat' });
  } catch (e) {
    return { ok: false, text: `wabt could not assemble this:\n${e instanceof Error ? e.message : String(e)}` };
  }
  try {
    await ensureIced(icedBase);
    const started = performance.now();
    const compiled = compileModule(bytes, { notes: true });
    const compileMs = performance.now() - started;
    const text = listFunctions(compiled).map((f) => formatFunction(f)).join('\n\n');
    return { ok: true, text, wasmBytes: bytes.length, codeBytes: compiled.code.length, compileMs };
  } catch (e) {
    return { ok: false, text: e instanceof Error ? `${e.name}: ${e.message}` : String(e), wasmBytes: bytes.length };
  }
}
