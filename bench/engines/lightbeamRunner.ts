// Runs one kernel under Lightbeam: compile and instantiate, setup(), then run() timed with this
// thread's CPU clock (generated code runs on the calling thread). Prints "<checksum> <seconds>".
// Usage: npx tsx bench/engines/lightbeamRunner.ts KERNEL.wasm
import { readFileSync } from 'node:fs';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { Instance } from '../../compiler/runtime/instance.ts';
import { threadCpuSeconds } from './threadCpuClock.mjs';

// #region timed-run
const instance = new Instance(compileModule(readFileSync(process.argv[2]!)));
const setup = instance.exports.setup as () => void;
const run = instance.exports.run as () => number;
setup();
const start = threadCpuSeconds();
const checksum = run() >>> 0;
const seconds = threadCpuSeconds() - start;
console.log(`${checksum} ${seconds.toFixed(6)}`);
// #endregion timed-run
