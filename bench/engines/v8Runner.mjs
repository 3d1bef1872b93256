// Runs one kernel under V8 (the tier is chosen by the node flags bench/run.ts passes):
// compile and instantiate, setup(), then run() timed with this thread's CPU clock.
// Prints "<checksum> <seconds>". Usage: node [v8 flags] bench/engines/v8Runner.mjs KERNEL.wasm
import { readFileSync } from 'node:fs';
import { threadCpuSeconds } from './threadCpuClock.mjs';

const { instance } = await WebAssembly.instantiate(readFileSync(process.argv[2]));
const { setup, run } = instance.exports;
setup();
const start = threadCpuSeconds();
const checksum = run() >>> 0;
const seconds = threadCpuSeconds() - start;
console.log(`${checksum} ${seconds.toFixed(6)}`);
