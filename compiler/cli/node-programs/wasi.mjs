// Run by compiler/cli/node.test.ts, under V8 and under `lightbeam node`: a WASI command run
// through node:wasi (argv, environment, stdout, a memory that grows, the exit code). Under
// Lightbeam node:wasi's WASI is Lightbeam's (compiler/api/nodeWasi.ts): V8's would refuse a
// memory that is not V8's.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import wasiCjs from 'node:wasi';

const wasi = new WASI({ version: 'preview1', args: ['args', 'one', 'two words'], env: { LB_GREETING: 'hello' } });
const bytes = readFileSync(new URL('../wasi-programs/args.wasm', import.meta.url));
const { instance } = await WebAssembly.instantiate(bytes, wasi.getImportObject());
const code = wasi.start(instance);
console.log(`exit code ${code}`, wasiCjs.WASI === WASI);
try {
  wasi.start(instance);
} catch (e) {
  console.log('a second start:', e.constructor.name);
}
