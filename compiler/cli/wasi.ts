// Running a WASI preview1 command (a module exporting `_start`) for `lightbeam run`.
// The system calls come from @tybys/wasm-util's WASI (node:wasi's API, real files through a
// Node-fs-like object). Three things adapt it to Lightbeam and to a command line:
//  - memory: the shim insists on a WebAssembly.Memory and reads `buffer` on every call; our
//    memory is native, so it gets an object that passes `instanceof` and answers from the
//    LinearMemory's current ArrayBuffer (a new one after each grow: never a stale view);
//  - files: the shim resolves guest paths against the preopened directory with no check, so
//    the fs it gets refuses every path that lands (after symlinks) outside the --dir roots;
//  - stdio: the shim sends stdout/stderr line by line to console.log and has no stdin on Node,
//    so fd 0/1/2 are read and written here, byte for byte, on the process's own descriptors.
import fs from 'node:fs';
import path from 'node:path';
import { WASI } from '@tybys/wasm-util';
import { Instance } from '../runtime/instance.ts';
type CompiledModule = ConstructorParameters<typeof Instance>[0];
import { LinearMemory } from '../runtime/linearMemory.ts';

export interface Preopen {
  /** The directory on this machine. */
  host: string;
  /** The name the program sees it under. */
  guest: string;
}

export interface CommandOptions {
  /** argv, argv[0] included. */
  args: string[];
  env: Record<string, string>;
  preopens: Preopen[];
}

/** Instantiate `compiled` against WASI preview1 and run its `_start`: the exit code. */
export function runCommand(compiled: CompiledModule, options: CommandOptions): number {
  const roots = options.preopens.map((p) => {
    let real: string;
    try {
      real = fs.realpathSync(p.host);
    } catch {
      throw new CommandError(`--dir ${p.host}: no such directory`, 2);
    }
    if (!fs.statSync(real).isDirectory()) throw new CommandError(`--dir ${p.host}: not a directory`, 2);
    return real;
  });
  // The shim warns on the console for every errno it returns unless told it is in production
  // (wasi-libc's start-up probes fd 3, 4... until EBADF, so every run would warn).
  process.env.NODE_ENV ??= 'production';
  const wasi = new WASI({
    version: 'preview1',
    args: options.args,
    env: options.env,
    preopens: Object.fromEntries(options.preopens.map((p, i) => [p.guest, roots[i]!])),
    returnOnExit: true,
    fs: confinedFs(roots) as never, // Node's fs is what the shim's IFs describes, up to typing details
  });
  let memory: LinearMemory | undefined;
  const imports = wasi.getImportObject() as Record<string, Record<string, (...a: never[]) => unknown>>;
  const preview1 = imports['wasi_snapshot_preview1']!;
  const io = realStdio(() => memory!, preview1);
  preview1['fd_write'] = io.fd_write;
  preview1['fd_read'] = io.fd_read;

  // Name the import that cannot be given (the runtime's LinkError names only a missing module).
  for (const imp of compiled.info.imports) {
    if (imp.module !== 'wasi_snapshot_preview1' || !(imp.name in preview1)) {
      throw new CommandError(`unknown import: "${imp.module}" "${imp.name}" (a WASI command gets only wasi_snapshot_preview1 functions)`);
    }
  }
  const instance = new Instance(compiled, imports as never);
  const exported = instance.exports['memory'];
  if (!(exported instanceof LinearMemory)) throw new CommandError('a WASI command must export its memory as "memory"');
  memory = exported;
  const start = instance.exports['_start'];
  if (typeof start !== 'function') throw new CommandError('the module exports no _start function');
  // The shim finds `_start` and `memory` on `exports`; the rest of our exports are not its business.
  const code = wasi.start({ exports: { _start: start, memory: asWebAssemblyMemory(memory) } } as never);
  return typeof code === 'number' ? code : 0;
}

/** The command cannot run: shown as a message, and the process exits with `exitCode`. */
export class CommandError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** An object the shim accepts as a WebAssembly.Memory, reading through to the native memory. */
function asWebAssemblyMemory(memory: LinearMemory): WebAssembly.Memory {
  // Not WebAssembly.Memory.prototype itself: the shim would then re-parent it onto a class whose
  // getters call V8's `buffer` getter, which refuses an object V8 did not make.
  const proto = Object.create(WebAssembly.Memory.prototype, {
    buffer: { get: () => memory.arrayBuffer },
    grow: { value: (delta: number) => memory.grow(delta) },
    HEAPU8: { get: () => new Uint8Array(memory.arrayBuffer) },
    view: { get: () => new DataView(memory.arrayBuffer) },
  });
  return Object.create(proto) as WebAssembly.Memory;
}

const ERRNO_SUCCESS = 0;
const ERRNO_BADF = 8;
const ERRNO_FAULT = 21;
const ERRNO_IO = 29;

/** fd_write/fd_read that do fds 0-2 on the process's descriptors and hand the rest to the shim. */
function realStdio(memory: () => LinearMemory, shim: Record<string, (...a: never[]) => unknown>) {
  const shimWrite = shim['fd_write']! as (...a: number[]) => number;
  const shimRead = shim['fd_read']! as (...a: number[]) => number;
  // Each iovec is {buf: u32, len: u32}; the result count goes to `counted`.
  const transfer = (fd: number, iovs: number, count: number, counted: number, reading: boolean): number => {
    const buffer = memory().arrayBuffer;
    const view = new DataView(buffer);
    if (iovs + count * 8 > buffer.byteLength || counted + 4 > buffer.byteLength) return ERRNO_FAULT;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const base = view.getUint32(iovs + i * 8, true);
      const len = view.getUint32(iovs + i * 8 + 4, true);
      if (base + len > buffer.byteLength) return ERRNO_FAULT;
      const bytes = new Uint8Array(buffer, base, len);
      try {
        if (reading) {
          const got = readBlocking(fd, bytes);
          total += got;
          if (got < len) break; // a short read: give the program what there is
        } else {
          for (let done = 0; done < len; ) done += writeBlocking(fd, bytes.subarray(done));
          total += len;
        }
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'EBADF' ? ERRNO_BADF : ERRNO_IO;
      }
    }
    view.setUint32(counted, total, true);
    return ERRNO_SUCCESS;
  };
  return {
    fd_write: (fd: number, iovs: number, count: number, counted: number) =>
      fd === 1 || fd === 2 ? transfer(fd, iovs, count, counted, false) : shimWrite(fd, iovs, count, counted),
    fd_read: (fd: number, iovs: number, count: number, counted: number) =>
      fd === 0 ? transfer(fd, iovs, count, counted, true) : shimRead(fd, iovs, count, counted),
  };
}

// A descriptor Node made non-blocking (a pipe or terminal it also reads) answers EAGAIN:
// wait a moment and try again, as a blocking read or write would.
const pause = new Int32Array(new SharedArrayBuffer(4));
function retrying<T>(op: () => T): T {
  for (;;) {
    try {
      return op();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}
const readBlocking = (fd: number, bytes: Uint8Array): number => retrying(() => fs.readSync(fd, bytes, 0, bytes.length, null));
const writeBlocking = (fd: number, bytes: Uint8Array): number => retrying(() => fs.writeSync(fd, bytes));

// #region confined-fs
/** Which arguments of each fs call the shim makes are paths (the rest are descriptors or data). */
const PATH_ARGUMENTS: Record<string, { paths: number[]; follows: boolean }> = {
  openSync: { paths: [0], follows: true },
  statSync: { paths: [0], follows: true },
  readdirSync: { paths: [0], follows: true },
  realpathSync: { paths: [0], follows: true },
  utimesSync: { paths: [0], follows: true },
  mkdirSync: { paths: [0], follows: false },
  lstatSync: { paths: [0], follows: false },
  readlinkSync: { paths: [0], follows: false },
  rmdirSync: { paths: [0], follows: false },
  unlinkSync: { paths: [0], follows: false },
  linkSync: { paths: [0, 1], follows: false },
  renameSync: { paths: [0, 1], follows: false },
  // The target of a symlink is only text; where it leads is checked when it is followed.
  symlinkSync: { paths: [1], follows: false },
};

/**
 * Node's fs, refusing (EACCES) any path outside `roots`: `..` and absolute paths are resolved
 * first, and symlinks are followed in the directories on the way (and in the last name too when
 * the call follows it), so a link cannot lead out either.
 */
export function confinedFs(roots: readonly string[]): typeof fs {
  const inside = (p: string): boolean =>
    roots.some((root) => {
      const rel = path.relative(root, p);
      return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
    });
  const allowed = (p: string, follows: boolean): boolean => {
    const abs = path.resolve(p);
    if (!inside(abs)) return false;
    // The real place: the deepest part that exists, with symlinks resolved, then the rest.
    let head = follows ? abs : path.dirname(abs);
    let rest = follows ? '' : path.basename(abs);
    for (;;) {
      try {
        return inside(path.join(fs.realpathSync(head), rest));
      } catch {
        if (head === path.dirname(head)) return false;
        rest = path.join(path.basename(head), rest);
        head = path.dirname(head);
      }
    }
  };
  return new Proxy(fs, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      const spec = typeof name === 'string' ? PATH_ARGUMENTS[name] : undefined;
      if (!spec || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        for (const i of spec.paths) {
          const p = args[i];
          if (typeof p === 'string' && !allowed(p, spec.follows)) {
            // A directory listing stats every entry: a link leading out shows as the link itself.
            if (name === 'statSync' && allowed(p, false)) return target.lstatSync(p, args[1] as never);
            throw Object.assign(new Error(`${p}: outside the preopened directories`), { code: 'EACCES' });
          }
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
// #endregion confined-fs
