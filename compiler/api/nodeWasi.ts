// node:wasi's WASI class for Lightbeam's instances (Node only). Node's own reads the instance's
// memory through V8's `WebAssembly.Memory`, which a Lightbeam memory is not, so a program that
// runs a WASI module through node:wasi under `lightbeam node` gets this class in its place
// (install.ts puts it into node:wasi's exports). It takes node:wasi's options and has its methods
// (getImportObject, start, initialize, wasiImport); the system calls are @tybys/wasm-util's, as
// for `lightbeam run`, with the memory, the preopened directories and stdio adapted by ./wasiHost.ts.

import { WASI as ShimWASI } from '@tybys/wasm-util';
import { asWebAssemblyMemory, confinedFs, type HostMemory, realStdio } from './wasiHost.ts';

/** node:wasi's constructor options (Node 20). */
export interface NodeWasiOptions {
  version: 'unstable' | 'preview1';
  args?: string[];
  env?: Record<string, string>;
  preopens?: Record<string, string>;
  returnOnExit?: boolean;
  stdin?: number;
  stdout?: number;
  stderr?: number;
}

/** A Node-style argument error (node:wasi's ERR_INVALID_ARG_TYPE and ERR_INVALID_ARG_VALUE). */
function argError(code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE', message: string): TypeError {
  return Object.assign(new TypeError(message), { code });
}

function descriptor(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 0x7fffffff) {
    throw argError('ERR_INVALID_ARG_TYPE', `The "${name}" option must be a non-negative 32-bit integer`);
  }
  return value as number;
}

/** Is `m` a memory this class can read: a Lightbeam `Memory` (or anything with its `buffer` and `grow`)? */
function hostMemory(m: unknown): HostMemory {
  if (typeof m !== 'object' || m === null || Object.prototype.toString.call(m) !== '[object WebAssembly.Memory]') {
    throw argError('ERR_INVALID_ARG_TYPE', 'The "instance.exports.memory" property must be a WebAssembly.Memory');
  }
  const memory = m as { buffer: ArrayBuffer; grow(delta: number): number };
  return { get buffer() { return memory.buffer; }, grow: (d) => memory.grow(d) };
}

// #region node-wasi
export class WASI {
  readonly wasiImport: Record<string, (...args: never[]) => unknown>;
  readonly #shim: ShimWASI;
  readonly #binding: string;
  #memory: HostMemory | undefined;

  constructor(options: NodeWasiOptions) {
    if (typeof options !== 'object' || options === null) throw argError('ERR_INVALID_ARG_TYPE', 'The "options" argument must be of type object');
    const { version } = options;
    if (typeof version !== 'string') throw argError('ERR_INVALID_ARG_TYPE', 'The "options.version" property must be of type string');
    if (version !== 'unstable' && version !== 'preview1') {
      throw argError('ERR_INVALID_ARG_VALUE', `The property 'options.version' must be one of: 'unstable', 'preview1'. Received '${version}'`);
    }
    this.#binding = version === 'unstable' ? 'wasi_unstable' : 'wasi_snapshot_preview1';
    const stdio = [descriptor(options.stdin, 'stdin', 0), descriptor(options.stdout, 'stdout', 1), descriptor(options.stderr, 'stderr', 2)] as const;
    const preopens = options.preopens ?? {};
    // The shim warns on the console for every errno it returns unless told it is in production.
    process.env.NODE_ENV ??= 'production';
    this.#shim = new ShimWASI({
      version, args: options.args, env: options.env, preopens,
      returnOnExit: options.returnOnExit ?? true, // node:wasi's default since Node 20
      fs: confinedFs(Object.values(preopens)) as never,
    });
    const wrap = this.#shim.wasiImport as Record<string, (...args: never[]) => unknown>;
    const io = realStdio(() => this.#memory!, wrap, stdio);
    wrap['fd_write'] = io.fd_write;
    wrap['fd_read'] = io.fd_read;
    this.wasiImport = wrap;
  }

  getImportObject(): Record<string, Record<string, (...args: never[]) => unknown>> {
    return { [this.#binding]: this.wasiImport };
  }

  /** Run a command's `_start`: its exit code (with returnOnExit, the default), else 0. */
  start(instance: { exports: Record<string, unknown> }): number {
    const code = this.#shim.start(this.#bind(instance) as never);
    return typeof code === 'number' ? code : 0;
  }

  /** Run a reactor's `_initialize`, if it has one. */
  initialize(instance: { exports: Record<string, unknown> }): void {
    this.#shim.initialize(this.#bind(instance) as never);
  }

  /** What the shim sees of the instance: its entry points, and a memory it accepts. */
  #bind(instance: { exports: Record<string, unknown> }): { exports: Record<string, unknown> } {
    if (typeof instance !== 'object' || instance === null || typeof instance.exports !== 'object' || instance.exports === null) {
      throw argError('ERR_INVALID_ARG_TYPE', 'The "instance" argument must be a WebAssembly.Instance');
    }
    const { _start, _initialize, memory } = instance.exports;
    this.#memory = hostMemory(memory);
    return { exports: { _start, _initialize, memory: asWebAssemblyMemory(this.#memory) } };
  }
}
// #endregion node-wasi
