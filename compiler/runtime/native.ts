// The few operating-system calls the runtime needs (mmap, mprotect, munmap), reached
// through koffi, and the raw-memory helpers built on them. Node and x86-64 Linux only:
// everything else in the compiler runs anywhere, so koffi is loaded lazily, on first use.

import { createRequire } from 'node:module';
import type * as KoffiModule from 'koffi';
import { beforeMapping, mapped } from './reclaim.ts';
import { ledger } from './mappingLedger.ts';

export type Koffi = typeof KoffiModule;
/** An opaque koffi pointer (a JS External). */
export type Pointer = unknown;

export const PROT_NONE = 0;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
const MAP_PRIVATE = 0x02;
const MAP_ANONYMOUS = 0x20;
const MAP_NORESERVE = 0x4000;
const MAP_FIXED = 0x10;
const MAP_FAILED = -1;

// #region stack-budget
/**
 * Wasm runs on a stack the runtime maps itself (not koffi's, which koffi reuses for every FFI
 * call, nor the thread's, which V8 budgets for JS), with an inaccessible guard page below it.
 */
export const WASM_STACK_SIZE = 8 * 1024 * 1024;
/**
 * Room kept free below the stack limit: a function frame up to MAX_UNCHECKED_FRAME that passed
 * its check, below it a leaf's frame up to MAX_UNCHECKED_LEAF_FRAME (leaves are not checked),
 * the trap path and the runtime's stubs.
 */
export const STACK_RED_ZONE = 64 * 1024;
// #endregion stack-budget

export interface Native {
  readonly koffi: Koffi;
  readonly pageSize: number;
  /** Map fresh zeroed anonymous memory; `reserveOnly` maps it PROT_NONE without committing swap. */
  mmap(length: number, prot: number, reserveOnly?: boolean): number;
  mprotect(address: number, length: number, prot: number): void;
  /** Replace [address, address + length) of a mapping of ours with fresh inaccessible, uncommitted memory (to reuse a reservation). */
  resetReservation(address: number, length: number): void;
  munmap(address: number, length: number): void;
  /** An ArrayBuffer over raw memory (no copy). It must not be used after the memory is unmapped. */
  view(address: number, length: number): ArrayBuffer;
  /** Copy bytes to raw memory (cheaper than making a view for one write). */
  copyIn(address: number, bytes: Uint8Array): void;
  /** memset: `length` bytes at `address` set to `byte` (raw memory beyond any view's reach). */
  fill(address: number, byte: number, length: number): void;
  /** memmove: `length` bytes from `src` to `dst`, which may overlap. */
  move(dst: number, src: number, length: number): void;
  /** The address of a typed array's memory (stable for a SharedArrayBuffer's). */
  addressOf(array: ArrayBufferView): number;
  /** The koffi pointer for an address (for koffi.decode / koffi.view). */
  pointer(address: number): Pointer;
  /** munmap without the bookkeeping (for another thread's mappings). */
  rawMunmap(address: number, length: number): void;
  /** Read errno's text after a failed call. */
  lastError(): string;
}

export class UnsupportedPlatformError extends Error {
  override name = 'UnsupportedPlatformError';
}

/** Throws unless generated code can run here. */
export function assertNativeSupported(): void {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new UnsupportedPlatformError(
      `running generated code needs x86-64 Linux; this is ${process.platform}/${process.arch}`,
    );
  }
}

let native: Native | undefined;

/** The native layer, loaded on first use. */
export function getNative(): Native {
  if (native) return native;
  assertNativeSupported();
  let koffi: Koffi;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
  } catch (e) {
    throw new UnsupportedPlatformError(`running generated code needs the koffi package: ${(e as Error).message}`);
  }
  const libc = koffi.load('libc.so.6');
  const mmap = libc.func('uintptr_t mmap(uintptr_t addr, size_t length, int prot, int flags, int fd, int64_t offset)');
  const mprotect = libc.func('int mprotect(uintptr_t addr, size_t len, int prot)');
  const munmap = libc.func('int munmap(uintptr_t addr, size_t len)');
  const sysconf = libc.func('long sysconf(int name)');
  const strerror = libc.func('const char *strerror(int errnum)');
  // memset(p, 0, 0) returns p untouched: the cheapest way to turn an address into a koffi pointer.
  const asPointer = libc.func('void *memset(uintptr_t s, int c, size_t n)');
  const memcpy = libc.func('void *memcpy(uintptr_t dst, void *src, size_t n)');
  const memmove = libc.func('void *memmove(uintptr_t dst, uintptr_t src, size_t n)');
  const addressOf = libc.func('uintptr_t memset(void *s, int c, size_t n)');
  const pageSize = Number(sysconf(30 /* _SC_PAGESIZE */));
  const lastError = () => String(strerror(koffi.errno()));
  native = {
    koffi,
    pageSize,
    mmap(length, prot, reserveOnly = false) {
      beforeMapping(length);
      const flags = MAP_PRIVATE | MAP_ANONYMOUS | (reserveOnly ? MAP_NORESERVE : 0);
      const address = Number(mmap(0, length, prot, flags, -1, 0));
      if (address === MAP_FAILED || address === 2 ** 64 - 1 || address === 0) {
        throw new RangeError(`mmap of ${length} bytes failed: ${lastError()}`);
      }
      mapped.mappings++;
      mapped.bytes += length;
      ledger?.add(address, length);
      return address;
    },
    resetReservation(address, length) {
      const flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED;
      if (Number(mmap(address, length, PROT_NONE, flags, -1, 0)) !== address) throw new Error(`mmap (reset) failed: ${lastError()}`);
    },
    mprotect(address, length, prot) {
      if (mprotect(address, length, prot) !== 0) throw new Error(`mprotect failed: ${lastError()}`);
    },
    munmap(address, length) {
      if (munmap(address, length) !== 0) throw new Error(`munmap failed: ${lastError()}`);
      mapped.mappings--;
      mapped.bytes -= length;
      ledger?.remove(address);
    },
    copyIn(address, bytes) {
      if (bytes.length) memcpy(address, bytes, bytes.length);
    },
    fill(address, byte, length) {
      if (length > 0) asPointer(address, byte, length);
    },
    move(dst, src, length) {
      if (length > 0) memmove(dst, src, length);
    },
    view(address, length) {
      return koffi.view(asPointer(address, 0, 0), length);
    },
    addressOf(array) {
      return Number(addressOf(array, 0, 0));
    },
    pointer(address) {
      return asPointer(address, 0, 0);
    },
    rawMunmap(address, length) {
      munmap(address, length);
    },
    lastError,
  };
  return native;
}

export function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
