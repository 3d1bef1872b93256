// A worker thread that compiles parts of modules (compilePart) for parallelCompile.ts. It loads
// the compiler once and stays, so its JIT warms up like the main thread's.

import { parentPort } from 'node:worker_threads';
import { compilePart } from '../codegen/moduleCompiler.ts';
import { type PartJob, packPart, packError } from './partMessages.ts';

parentPort!.on('message', (job: PartJob) => {
  try {
    const part = compilePart(job.bytes, job.part, job.options);
    const packed = packPart(part);
    parentPort!.postMessage({ id: job.id, part: packed }, [packed.code.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: job.id, error: packError(e) });
  }
});
