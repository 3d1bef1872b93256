// The host side of WASI preview1 for Lightbeam's memories (Node only), shared by `lightbeam run`
// (compiler/cli/wasi.ts) and the node:wasi replacement (./nodeWasi.ts). The system calls come
// from @tybys/wasm-util's WASI (node:wasi's API, real files through a Node-fs-like object); what
// is here adapts it:
//  - memory: the shim insists on a WebAssembly.Memory and reads `buffer` on every call; ours is
//    native, so it gets an object that passes `instanceof` and answers from the memory's current
//    ArrayBuffer (a new one after each grow: never a stale view);
//  - files: the shim resolves guest paths against the preopened directory with no check, so the
//    fs it gets refuses every path that lands (after symlinks) outside the preopened roots;
//  - stdio: the shim sends stdout/stderr line by line to console.log and has no stdin on Node,
//    so fd 0/1/2 are read and written here, byte for byte, on the process's own descriptors.
import fs from 'node:fs';
import path from 'node:path';

/** V8's WebAssembly.Memory.prototype, taken when this module loads (before `lightbeam node` replaces the global). */
const V8_MEMORY_PROTOTYPE: object = WebAssembly.Memory.prototype;

/** What the WASI shim needs of a memory: its current buffer (a new one after each grow) and grow. */
export interface HostMemory {
  readonly buffer: ArrayBuffer;
  grow(delta: number): number;
}

/** An object the shim accepts as a WebAssembly.Memory, reading through to the native memory. */
export function asWebAssemblyMemory(memory: HostMemory): WebAssembly.Memory {
  // Not WebAssembly.Memory.prototype itself: the shim would then re-parent it onto a class whose
  // getters call V8's `buffer` getter, which refuses an object V8 did not make. (V8's prototype,
  // whichever WebAssembly is the global now: under `lightbeam node` the shim checks against V8's.)
  const proto = Object.create(V8_MEMORY_PROTOTYPE, {
    buffer: { get: () => memory.buffer },
    grow: { value: (delta: number) => memory.grow(delta) },
    HEAPU8: { get: () => new Uint8Array(memory.buffer) },
    view: { get: () => new DataView(memory.buffer) },
  });
  return Object.create(proto) as WebAssembly.Memory;
}

const ERRNO_SUCCESS = 0;
const ERRNO_BADF = 8;
const ERRNO_FAULT = 21;
const ERRNO_IO = 29;

/**
 * fd_write/fd_read that do the program's fds 0-2 on the process's descriptors `stdio` (0, 1, 2
 * unless node:wasi's options say otherwise), byte for byte, and hand the rest to the shim.
 */
export function realStdio(memory: () => HostMemory, shim: Record<string, (...a: never[]) => unknown>, stdio: readonly [number, number, number] = [0, 1, 2]) {
  const shimWrite = shim['fd_write']! as (...a: number[]) => number;
  const shimRead = shim['fd_read']! as (...a: number[]) => number;
  // Each iovec is {buf: u32, len: u32}; the result count goes to `counted`.
  const transfer = (fd: number, iovs: number, count: number, counted: number, reading: boolean): number => {
    const buffer = memory().buffer;
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
          const got = readBlocking(stdio[fd]!, bytes);
          total += got;
          if (got < len) break; // a short read: give the program what there is
        } else {
          for (let done = 0; done < len; ) done += writeBlocking(stdio[fd]!, bytes.subarray(done));
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
