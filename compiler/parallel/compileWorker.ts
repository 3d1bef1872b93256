// A worker thread that compiles parts of modules (compilePart) for parallelCompile.ts, from whole
// modules or as their bytes stream in. It loads the compiler once and stays, so its JIT warms up
// like the main thread's.

import { parentPort } from 'node:worker_threads';
import { type CompiledPart, compilePart, partOf, StreamingCompiler } from '../codegen/moduleCompiler.ts';
import { type PartJob, packPart, packError, type StreamMessage } from './partMessages.ts';

/** Parts being streamed, by job id; the first error stops a part's compiling, and is sent at the end. */
const streams = new Map<number, { compiler: StreamingCompiler; error?: unknown }>();

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
    streams.set(m.id, { compiler: new StreamingCompiler({ ...m.options, part: m.part }, m.expectedBytes) });
    return;
  }
  const stream = streams.get(m.id)!;
  if (m.kind === 'chunk') {
    if (stream.error === undefined) {
      try {
        stream.compiler.push(m.bytes);
      } catch (e) {
        stream.error = e;
      }
    }
    return;
  }
  streams.delete(m.id);
  reply(m.id, () => {
    if (stream.error !== undefined) throw stream.error;
    return partOf(stream.compiler.finish(), stream.compiler.gen);
  });
});
