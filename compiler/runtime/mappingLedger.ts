// Every mapping a worker thread's runtime has made, in a SharedArrayBuffer, so that they can be
// unmapped when the worker ends: by the worker itself on its 'exit' event (a natural end or
// process.exit()), or by the thread that terminate()s it once it has stopped (no JS runs in a
// terminated worker). Without it each worker that used Lightbeam left its runtime (wasm stack,
// state, code) and its instances' memories mapped for the life of the process.

import { isMainThread } from 'node:worker_threads';

/** Entries: [address, length] pairs, 0 = free. 65,536 entries: 1 MiB, committed as it is used. */
const CAPACITY = 65_536;

export class MappingLedger {
  readonly entries = new Float64Array(new SharedArrayBuffer(CAPACITY * 16));
  private readonly slotOf = new Map<number, number>();
  private readonly free: number[] = [];
  private next = 0;

  add(address: number, length: number): void {
    const slot = this.free.pop() ?? (this.next < CAPACITY ? this.next++ : -1);
    if (slot < 0) return; // not recorded: only unmapped by its owner
    this.entries[2 * slot + 1] = length;
    this.entries[2 * slot] = address;
    this.slotOf.set(address, slot);
  }

  remove(address: number): void {
    const slot = this.slotOf.get(address);
    if (slot === undefined) return;
    this.slotOf.delete(address);
    this.entries[2 * slot] = 0;
    this.free.push(slot);
  }
}

/** This thread's ledger: only worker threads keep one (a process's exit frees the main thread's). */
export const ledger: MappingLedger | undefined = isMainThread ? undefined : new MappingLedger();

/** Unmap every mapping a ledger records (of a thread whose wasm can no longer run) and clear it. */
export function unmapAll(entries: Float64Array, munmap: (address: number, length: number) => void): number {
  let n = 0;
  for (let slot = 0; slot < entries.length / 2; slot++) {
    const address = entries[2 * slot]!;
    if (address === 0) continue;
    entries[2 * slot] = 0;
    munmap(address, entries[2 * slot + 1]!);
    n++;
  }
  return n;
}
