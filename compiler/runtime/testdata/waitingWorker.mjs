// A worker for atomicsWorker.test.ts: it adopts the shared memory its parent posted (V8's memory
// behind a shared LinearMemory), instantiates the same module on it, says 'waiting', and blocks in
// memory.atomic.wait32 until the parent's wasm notifies it; then it stores 42 and reports the
// wait's result.
import { tsImport } from 'tsx/esm/api';
import { parentPort, workerData } from 'node:worker_threads';

// One import of the runtime: each tsImport loads its own copy of the modules it reaches.
const { Instance, LinearMemory } = await tsImport('../index.ts', import.meta.url);
const { compileModule } = await tsImport('../../codegen/moduleCompiler.ts', import.meta.url);

const { backing, bytes } = workerData;
const memory = new LinearMemory(1, 1, false, 16, true, backing);
const { exports } = new Instance(compileModule(bytes), { env: { mem: memory } });
parentPort.postMessage('waiting');
const result = exports.wait(0, 0); // no timeout: only a notify ends it
exports.store(4, 42);
parentPort.postMessage(result);
