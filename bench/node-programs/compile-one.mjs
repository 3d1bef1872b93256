// Compiles one module, as a program that ships one does at start-up, and prints the CPU ms
// (this thread) that `new WebAssembly.Module` took: run by bench/node-cold-start.ts under
// `--import lightbeam/register`, cold or from the compile cache.
//   node compile-one.mjs path/to/module.wasm
import { readFileSync } from 'node:fs';

const bytes = readFileSync(process.argv[2]);
const before = process.cpuUsage();
const module = new WebAssembly.Module(bytes);
const spent = process.cpuUsage(before);
console.log(`compile ${((spent.user + spent.system) / 1000).toFixed(1)} ms, ${WebAssembly.Module.exports(module).length} exports`);
