// A worker for threadMessages.test.ts, with Lightbeam's thread messages installed here (not in the
// test's thread): it takes the shared memory and module its parent posted as workerData,
// instantiates the module on the memory, posts both back, and then waits in wasm and in JS for
// its parent to wake it; after the second wait its parent has grown the memory.
import { tsImport } from 'tsx/esm/api';
import * as threads from 'node:worker_threads';

const api = await tsImport('./threadApi.ts', import.meta.url);
api.installThreadMessages();
const { memory, module } = threads.workerData; // (revived by the installation)
const { parentPort } = threads;
const { exports } = new api.Instance(module, { env: { memory } });
const words = new Int32Array(memory.buffer); // before the grow: nothing after the waits may notice it in JS first
exports.add(16, 42);
parentPort.postMessage({ isMemory: memory instanceof api.Memory, isModule: module instanceof api.Module, memory, module });
parentPort.postMessage(`wasm wait: ${exports.wait(0, 0)}`);
const woken = Atomics.wait(words, 2, 0);
let read;
try {
  read = exports.load(65536 + 4);
} catch (e) {
  read = String(e);
}
parentPort.postMessage(`JS wait: ${woken}, read ${read}, memory.size ${exports.size()}, buffer ${memory.buffer.byteLength}`);
