// Compiles modules over and over for a few seconds: a steady load to profile.
//   node_modules/.bin/esbuild bench/compile-profile.ts --bundle --platform=node --format=esm --outfile=/tmp/compile-profile.mjs
//   node --cpu-prof /tmp/compile-profile.mjs [file.wasm ...]      (SECONDS=6 per file)
// Bundled, the profile has line-level positions and no tsx loader in it (see decode-profile.ts).

import { readFileSync } from 'node:fs';
import { compileModule } from '../compiler/codegen/moduleCompiler.ts';

const files = process.argv.slice(2);
if (files.length === 0) files.push('node_modules/iced-x86/iced_x86_bg.wasm');
const seconds = Number(process.env.SECONDS ?? 6);
for (const file of files) {
  const bytes = new Uint8Array(readFileSync(file));
  const start = performance.now();
  let runs = 0;
  while (performance.now() - start < seconds * 1000) {
    compileModule(bytes);
    runs++;
  }
  const ms = (performance.now() - start) / runs;
  console.log(`${file}: ${runs} runs, ${ms.toFixed(2)} ms each, ${(bytes.length / 1e3 / ms).toFixed(2)} MB/s`);
}
