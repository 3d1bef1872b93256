// Test-only (Node): modules written in WebAssembly 3.0 text (GC, typed references), read by
// wasm-tools' parser and instantiated through the JS API, their exports as plain functions.
import { Instance, Module } from '../api/index.ts';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';

export type Exports = Record<string, (...args: unknown[]) => unknown>;

/** A function from a module's text to its exports (no imports); the parser is loaded once. */
export async function textInstantiator(): Promise<(text: string) => Exports> {
  const parse = await requireWasmToolsTextToBinary();
  return (text) => new Instance(new Module(parse(text)), {}).exports as Exports;
}
