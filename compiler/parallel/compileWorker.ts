// A worker thread that compiles parts of modules (compilePart) for parallelCompile.ts, from whole
// modules or as their bytes stream in. It loads the compiler once and stays, so its JIT warms up
// like the main thread's.

import { parentPort } from 'node:worker_threads';
import { type CompiledPart, compilePart, partOf, StreamingCompiler } from '../codegen/moduleCompiler.ts';
import { type PartJob, packPart, packError, type StreamMessage } from './partMessages.ts';

/** Parts being streamed, by job id. A compiler that failed keeps its error; finish() throws it again. */
const streams = new Map<number, StreamingCompiler>();

function reply(id: number, compile: () => CompiledPart): void {
  try {
    const packed = packPart(compile());
    parentPort!.postMessage({ id, part: packed }, [packed.code.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id, error: packError(e) });
  }
}

parentPort!.on('message', (m: PartJob | StreamMessage) => {
  if (!('kind' in m)) return reply(m.id, () => compilePart(m.bytes, m.part, m.options));
  if (m.kind === 'start') {
    streams.set(m.id, new StreamingCompiler({ ...m.options, part: m.part }, m.expectedBytes));
    return;
  }
  const compiler = streams.get(m.id)!;
  if (m.kind === 'chunk') {
    try {
      compiler.push(m.bytes);
    } catch {
      // Reported by finish(), at the end.
    }
    return;
  }
  streams.delete(m.id);
  reply(m.id, () => partOf(compiler.finish(), compiler.gen));
});
