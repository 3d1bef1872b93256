// Compiling a module on several threads: the main thread and worker threads each compile a part
// of the functions (ModulePart: shares of about equal size), and mergeParts puts them together into
// exactly the bytes a single thread would have produced. Node only (worker_threads).
//
// Every part validates the module's declarations and its own function bodies, so no thread
// waits for another. The workers stay (unreferenced, so they never keep the process alive),
// which lets their JIT warm up over successive compiles as the main thread's does.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type CompiledModuleWithNotes, type CompiledPart, type CompileOptions, compileModule, compilePart, partOf, StreamingCompiler } from '../codegen/moduleCompiler.ts';
import { firstError, mergeParts } from '../codegen/moduleParts.ts';
import { type PackedError, type PackedPart, type PartJob, type StreamMessage, unpackError, unpackPart } from './partMessages.ts';

export interface ParallelCompileOptions extends Omit<CompileOptions, 'part'> {
  /** Threads in all, the main thread included (default: the machine's cores, at most 4). 1 compiles on this thread alone. */
  readonly threads?: number;
}

/** The default number of threads: one per core, at most 4. */
export const defaultThreads = (): number => Math.max(1, Math.min(4, availableParallelism()));

// #region worker-start
/**
 * A compile worker. From the TypeScript sources (tsx, vitest) it registers tsx first; from a
 * bundle (`npm run build:cli`) the worker is a bundle of its own beside this one.
 */
function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    const bundled = new URL('./compileWorker.mjs', here);
    if (existsSync(bundled)) return new Worker(bundled, { execArgv: [] });
  }
  // tsx's ES module entry (its CommonJS one cannot register hooks from a worker).
  const tsx = typeof import.meta.resolve === 'function'
    ? import.meta.resolve('tsx/esm/api')
    : new URL('dist/esm/api/index.mjs', pathToFileURL(createRequire(here).resolve('tsx/package.json'))).href;
  const entry = new URL('./compileWorker.ts', here).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, execArgv: [] });
}
// #endregion worker-start

interface Waiting {
  resolve(p: PackedPart): void;
  reject(e: Error): void;
}

/** Workers that compile parts, started on first use and kept. */
class CompilePool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, Waiting>();
  /** Jobs in flight per worker: a busy worker keeps the process alive, an idle one does not. */
  private readonly busy: number[] = [];
  private nextId = 0;

  run(w: number, bytes: Uint8Array, part: PartJob['part'], options: PartJob['options']): Promise<PackedPart> {
    const worker = this.worker(w);
    const id = this.nextId++;
    if (this.busy[w]!++ === 0) worker.ref();
    return new Promise<PackedPart>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, bytes, part, options } satisfies PartJob);
    }).finally(() => {
      if (--this.busy[w]! === 0) worker.unref();
    });
  }

  /** A part compiled by worker `w` as the bytes are pushed to it; `end` gives the part. */
  stream(w: number, part: PartJob['part'], options: PartJob['options'], expectedBytes: number): { push(bytes: Uint8Array): void; end(): Promise<PackedPart> } {
    const worker = this.worker(w);
    const id = this.nextId++;
    if (this.busy[w]!++ === 0) worker.ref();
    worker.postMessage({ id, kind: 'start', part, options, expectedBytes } satisfies StreamMessage);
    return {
      push: (bytes) => worker.postMessage({ id, kind: 'chunk', bytes } satisfies StreamMessage),
      end: () => new Promise<PackedPart>((resolve, reject) => {
        this.waiting.set(id, { resolve, reject });
        worker.postMessage({ id, kind: 'end' } satisfies StreamMessage);
      }).finally(() => {
        if (--this.busy[w]! === 0) worker.unref();
      }),
    };
  }

  private worker(w: number): Worker {
    while (this.workers.length <= w) {
      const worker = startWorker();
      const index = this.workers.length;
      worker.on('message', (m: { id: number; part?: PackedPart; error?: PackedError }) => {
        const waiting = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.error) waiting?.reject(unpackError(m.error));
        else waiting?.resolve(m.part!);
      });
      worker.on('error', (e) => this.failAll(e));
      worker.on('exit', () => {
        if (this.workers[index] === worker) this.workers.length = 0;
        this.failAll(new Error('compile worker exited'));
      });
      worker.unref();
      this.workers.push(worker);
      this.busy.push(0);
    }
    return this.workers[w]!;
  }

  private failAll(e: Error): void {
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    this.busy.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

let pool: CompilePool | null = null;

/** Stop the compile workers (they are started again when needed). */
export async function closeCompileWorkers(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.close();
}

// #region compile-parallel
/** Validate and compile a module on `threads` threads; the result is the same as compileModule's. Throws CompileError. */
export async function compileModuleParallel(bytes: Uint8Array, options: ParallelCompileOptions = {}): Promise<CompiledModuleWithNotes> {
  const { threads = defaultThreads(), ...compileOptions } = options;
  if (threads <= 1) return compileModule(bytes, compileOptions);
  pool ??= new CompilePool();
  const others = Array.from({ length: threads - 1 }, (_, w) => pool!.run(w, bytes, { index: w + 1, count: threads }, compileOptions));
  return mergeOrFirstError(() => compilePart(bytes, { index: 0, count: threads }, compileOptions), others);
}

/** This thread's part (made by `own`) and the workers' merged, or the first error any part found. */
async function mergeOrFirstError(own: () => CompiledPart, others: Promise<PackedPart>[]): Promise<CompiledModuleWithNotes> {
  let part: CompiledPart | undefined;
  const errors: Error[] = [];
  try {
    part = own();
  } catch (e) {
    errors.push(e as Error);
  }
  const parts: CompiledPart[] = [];
  for (const r of await Promise.allSettled(others)) {
    if (r.status === 'rejected') errors.push(r.reason as Error);
    else if (part) parts.push(unpackPart(r.value, part.info));
  }
  // A part finds the errors in the declarations and in its own bodies: the first in the module is
  // the one a single thread would have stopped at.
  if (errors.length > 0) throw firstError(errors);
  return mergeParts([part!, ...parts]);
}
// #endregion compile-parallel

// #region compile-parallel-streaming
/**
 * Compiles a module on several threads as its bytes arrive: every thread gets every chunk and
 * compiles its part (the shares depend only on the bodies seen so far, so each thread knows its
 * own without asking), and finish() merges the parts. The result is compileModule's, byte for
 * byte; an error is the first in the module, as one thread would report it. Once `failed` is
 * true the rest of the module need not be pushed. Call finish() or abort() in the end: until then
 * the workers keep the part in memory, and keep the process alive.
 */
export class ParallelStreamingCompiler {
  private readonly own: StreamingCompiler;
  private readonly others: { push(bytes: Uint8Array): void; end(): Promise<PackedPart> }[];
  private ownFailed = false;

  constructor(options: ParallelCompileOptions = {}, expectedBytes = 0) {
    const { threads = defaultThreads(), ...compileOptions } = options;
    const count = Math.max(1, threads);
    if (count > 1) pool ??= new CompilePool();
    this.others = Array.from({ length: count - 1 }, (_, w) => pool!.stream(w, { index: w + 1, count }, compileOptions, expectedBytes));
    this.own = new StreamingCompiler(count > 1 ? { ...compileOptions, part: { index: 0, count } } : compileOptions, expectedBytes);
  }

  get failed(): boolean {
    return this.ownFailed;
  }

  push(chunk: Uint8Array): void {
    for (const other of this.others) other.push(chunk);
    if (this.ownFailed) return;
    try {
      this.own.push(chunk);
    } catch {
      this.ownFailed = true; // the compiler keeps its error: finish() throws it again
    }
  }

  /** Give up (the bytes stopped coming): the workers drop their parts. */
  abort(): void {
    for (const other of this.others) other.end().catch(() => {});
  }

  /** The merged module, or the first error in it. (A compiler that failed throws its error again.) */
  async finish(): Promise<CompiledModuleWithNotes> {
    if (this.others.length === 0) return this.own.finish();
    const others = this.others.map((o) => o.end());
    return mergeOrFirstError(() => partOf(this.own.finish(), this.own.gen), others);
  }
}
// #endregion compile-parallel-streaming
