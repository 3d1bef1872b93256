// Executable examples: everything here runs at build time, in Node, once per example.
// Each stage uses the part of the compiler that exists; a stage whose code is not written
// yet says so instead of pretending.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './root.ts';
import { watToWasm } from './wat.ts';

export interface ExampleInput {
  /** Path of a .wat file from the repository root... */
  file?: string;
  /** ...or the WAT text itself. */
  wat?: string;
}

export interface ExampleSource {
  name: string;
  wat: string;
  wasm: Uint8Array;
}

export async function loadExample(input: ExampleInput): Promise<ExampleSource> {
  if (!input.file && !input.wat) throw new Error('<Example> needs file="..." or wat="..."');
  const wat = input.wat ?? readFileSync(join(repoRoot(), input.file!), 'utf8');
  const name = input.file ?? 'inline.wat';
  return { name, wat: wat.trim(), wasm: await watToWasm(wat, name) };
}
