// Executable memory for generated code. It is mapped writable, filled, then switched to
// read+execute: never writable and executable at once (W^X), so no bug can patch live code.

import { getNative, PROT_EXEC, PROT_READ, PROT_WRITE, roundUp } from './native.ts';
import { nativeRegistry } from './reclaim.ts';

// #region code-memory
export class CodeMemory {
  /** Address of the first byte of code. */
  readonly address: number;
  /** Bytes mapped (a whole number of pages). */
  readonly mappedSize: number;
  private disposed = false;

  /**
   * Map `code`, let `patch` fix absolute addresses in it (it receives the load address and the
   * bytes about to be copied in, while the mapping is still writable), then seal it read+execute.
   */
  constructor(code: Uint8Array, patch?: (address: number, bytes: Uint8Array) => void) {
    const native = getNative();
    this.mappedSize = roundUp(Math.max(code.length, 1), native.pageSize);
    this.address = native.mmap(this.mappedSize, PROT_READ | PROT_WRITE);
    try {
      // Prepared in JS (patched there), then copied into the still-writable mapping.
      const bytes = new Uint8Array(this.mappedSize);
      bytes.set(code);
      // Fill the rest of the page with int3 so a stray jump there stops at once.
      bytes.fill(0xcc, code.length);
      patch?.(this.address, bytes);
      native.copyIn(this.address, bytes);
      native.mprotect(this.address, this.mappedSize, PROT_READ | PROT_EXEC);
    } catch (e) {
      native.munmap(this.address, this.mappedSize);
      throw e;
    }
    registry.register(this, { address: this.address, size: this.mappedSize }, this);
  }

  /** Unmap now. Only when no code of it can run any more (no instance, funcref or stub uses it). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    registry.unregister(this);
    getNative().munmap(this.address, this.mappedSize);
  }
}
// #endregion code-memory

const registry = nativeRegistry<{ address: number; size: number }>(({ address, size }) => {
  getNative().munmap(address, size);
});
