// Test-only (Node): what a Lightbeam GC object holds, written out for the GC oracle's transcripts
// (gcOracle.ts). From JS a struct or array is opaque, so two runs that built different objects
// would print the same "? object"; this reads the object through the heap instead: its kind and
// size, its plain bytes (numbers, v128s) in hex, and each reference in it, objects followed
// depth-first. Nothing that differs from one process to the next is printed: no addresses, no
// type ids (given in the order a process meets types), no host-value handles; an object met again
// is named by the order it was first met in (#1, #2, ...), so shared and cyclic objects show.

import { GC_HEADER } from '../../abi/gcObjects.ts';
import { getGcHeap } from '../../runtime/gcHeap.ts';
import { headerOf, isArrayHeader, objectAddress, typeIdOfHeader } from '../../runtime/gcWrappers.ts';
import { HOST_TAG, i31Value } from '../../runtime/values.ts';

/** At most this many objects and characters per value (a large array is cut short, visibly). */
const MAX_OBJECTS = 64;
const MAX_CHARS = 4000;
const REF_BYTES = 8;

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function u32At(address: number): number {
  const b = getGcHeap().bytes(address, 4);
  return b[0]! + b[1]! * 2 ** 8 + b[2]! * 2 ** 16 + b[3]! * 2 ** 24;
}

function wordAt(address: number): number {
  const b = getGcHeap().bytes(address, REF_BYTES);
  let w = 0;
  for (let i = REF_BYTES - 1; i >= 0; i--) w = w * 256 + b[i]!;
  return w;
}

// #region gc-dump
/** `value`'s object graph when it is a Lightbeam GC object's wrapper, else undefined. */
export function describeGcValue(value: unknown): string | undefined {
  const root = objectAddress(value);
  if (root === undefined) return undefined;
  const heap = getGcHeap();
  const seen = new Map<number, number>();
  let out = '';
  const word = (w: number): void => {
    if (w === 0) out += 'null';
    else if (w % 2 === 1) out += `i31:${i31Value(w)}`;
    else if (w % 4 === HOST_TAG) out += 'host';
    else if (heap.isObject(w)) object(w);
    else out += 'ref'; // a function or exception reference: opaque here
  };
  const object = (address: number): void => {
    const known = seen.get(address);
    if (known !== undefined) { out += `#${known}`; return; }
    seen.set(address, seen.size + 1);
    if (seen.size > MAX_OBJECTS || out.length > MAX_CHARS) { out += '...'; return; }
    const header = headerOf(address);
    const shape = heap.shapeOf(typeIdOfHeader(header));
    if (!shape) { out += '?'; return; }
    if (isArrayHeader(header) && shape.kind === 'array') {
      const length = u32At(address + GC_HEADER.LENGTH);
      out += `#${seen.size}[${length}:`;
      const at = address + GC_HEADER.SIZE;
      // (No read of 0 bytes: an empty array may end its chunk, and the address after it is no heap address.)
      const shown = Math.min(length * shape.elementSize, 256);
      if (!shape.elementIsRef) out += shown ? hex(heap.bytes(at, shown)) : '';
      else for (let i = 0; i < length && out.length <= MAX_CHARS; i++) { if (i) out += ','; word(wordAt(at + i * REF_BYTES)); }
      out += ']';
    } else if (shape.kind === 'struct') {
      out += `#${seen.size}{`;
      let at: number = GC_HEADER.SIZE;
      for (const offset of shape.refOffsets) {
        if (offset > at) out += `${hex(heap.bytes(address + at, offset - at))},`;
        word(wordAt(address + offset));
        out += ',';
        at = offset + REF_BYTES;
      }
      if (shape.size > at) out += hex(heap.bytes(address + at, shape.size - at));
      out += '}';
    } else out += '?';
  };
  object(root);
  return out;
}
// #endregion gc-dump
