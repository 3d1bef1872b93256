// Detaching an ArrayBuffer, as the JS API does to a memory's old `buffer` when the memory grows.
// Node only. Node 20's V8 has ArrayBuffer.prototype.transfer behind a flag that applies to new
// contexts: the builtin is taken from a fresh vm context (builtins work on any realm's buffers).
// Transferring a view of native memory moves the (external, non-owning) backing store to a new
// ArrayBuffer that is dropped at once: nothing is copied or freed, and the old one reads as length 0.

import v8 from 'node:v8';
import vm from 'node:vm';

type Transfer = (this: ArrayBuffer) => ArrayBuffer;

function findTransfer(): Transfer | undefined {
  const own = (ArrayBuffer.prototype as { transfer?: Transfer }).transfer;
  if (own) return own;
  try {
    v8.setFlagsFromString('--harmony-rab-gsab-transfer');
    return vm.runInNewContext('ArrayBuffer.prototype.transfer') as Transfer | undefined;
  } catch {
    return undefined;
  }
}
const transfer = findTransfer();

/** Detach `buffer` (where this Node cannot, the old buffer stays a valid view of the first bytes). */
export function detach(buffer: ArrayBuffer): void {
  transfer?.call(buffer);
}
