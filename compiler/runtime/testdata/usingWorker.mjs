// A worker that uses Lightbeam: a module with a memory and a table, called once; then it ends, or
// (workerData.spin) spins in wasm until terminated. It tells its parent 'done' or 'spinning' first.
import { tsImport } from 'tsx/esm/api';
import { parentPort, workerData } from 'node:worker_threads';

const { Instance, Module } = await tsImport('../../api/index.ts', import.meta.url);
// (module (memory 1) (table 1 funcref) (func (export "f") (result i32) i32.const 7) (func (export "spin") (loop br 0)))
const bytes = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 2, 96, 0, 1, 127, 96, 0, 0, 3, 3, 2, 0, 1, 4, 4, 1, 112, 0, 1, 5, 3, 1, 0, 1,
  7, 12, 2, 1, 102, 0, 0, 4, 115, 112, 105, 110, 0, 1, 10, 14, 2, 4, 0, 65, 7, 11, 7, 0, 3, 64, 12, 0, 11, 11,
]);
const instance = new Instance(new Module(bytes));
if (instance.exports.f() !== 7) throw new Error('wrong result');
if (workerData?.spin) {
  parentPort.postMessage('spinning');
  instance.exports.spin();
} else {
  // End once the parent has looked at what this thread has mapped.
  parentPort.postMessage('done');
  await new Promise((resolve) => parentPort.once('message', resolve));
}
