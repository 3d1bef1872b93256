// One compile in a fresh process, as `lightbeam run` pays it: prints JSON with the CPU time the
// process had spent when this script started (Node's own start, and tsx's when run through it),
// loading the compiler, the first compile and a second one (already warmer).
//   node --import tsx bench/cold-compile.ts FILE.wasm       (from the TypeScript sources)
//   node bench/out/cold-compile.mjs FILE.wasm               (bundled by bench/compile.ts)

import { readFileSync } from 'node:fs';

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const atStart = cpu();
const bytes = new Uint8Array(readFileSync(process.argv[2]!));
let t = cpu();
const { compileModule } = await import('../compiler/codegen/moduleCompiler.ts');
const loadMs = cpu() - t;
t = cpu();
const wall = performance.now();
compileModule(bytes);
const firstMs = cpu() - t;
const firstWallMs = performance.now() - wall;
t = cpu();
compileModule(bytes);
const secondMs = cpu() - t;
console.log(JSON.stringify({ startMs: atStart, loadMs, firstMs, firstWallMs, secondMs }));
