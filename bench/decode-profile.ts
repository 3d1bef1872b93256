// Validates one module over and over for a few seconds: a steady load to profile.
//   node --import tsx --cpu-prof bench/decode-profile.ts [file.wasm] [seconds]
// Run it from inside the repository (tsx then loads the compiler as ES modules; loaded as
// CommonJS, every imported binding becomes a getter and the profile measures those instead).
// For line-level positions, bundle it first (tsx reports every function at line 1):
//   node_modules/.bin/esbuild bench/decode-profile.ts --bundle --platform=node --format=esm --outfile=/tmp/decode-profile.mjs
//   node --cpu-prof /tmp/decode-profile.mjs [file.wasm]

import { readFileSync } from 'node:fs';
import { validateModule } from '../compiler/validate/index.ts';

const file = process.argv[2] ?? 'node_modules/@astrojs/compiler/dist/astro.wasm';
const seconds = Number(process.argv[3] ?? 6);
const bytes = new Uint8Array(readFileSync(file));
const start = performance.now();
let runs = 0;
while (performance.now() - start < seconds * 1000) {
  validateModule(bytes);
  runs++;
}
const ms = (performance.now() - start) / runs;
console.log(`${file}: ${runs} runs, ${ms.toFixed(2)} ms each, ${(bytes.length / 1e3 / ms).toFixed(1)} MB/s`);
