// A worker that compiles `(loop br 0)` with the defaults (interruptible, in a worker) and runs it.
import { parentPort, workerData } from 'node:worker_threads';
import { Instance, Module } from '../../api/index.ts';

// (module (func (export "spin") (loop br 0)))
const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 8, 1, 4, 115, 112, 105, 110, 0, 0, 10, 9, 1, 7, 0, 3, 64, 12, 0, 11, 11]);
const instance = new Instance(new Module(bytes, workerData?.interruptible === false ? { interruptible: false } : {}));
parentPort!.postMessage('spinning');
(instance.exports.spin as () => void)();
