// The passive segments array.new_data and array.new_elem read inline (codegen/ops/gcSegments.ts),
// copied into native memory after the instance's function records, in its arena: a data
// segment's bytes, an element segment's reference words. Their SEGMENT_ENTRY in the VMContext
// says where, and how many bytes; a dropped segment's entry says 0. The instance's JS copies
// (Instance.dataSegments, elemSegments) stay what the builtins read and what the collector takes
// for roots: the native words are the same words, never scanned, and read only while the JS
// copy holds them (BYTES goes to 0 with it).

import { SEGMENT_ENTRY, type VMContextLayout } from '../abi/index.ts';
import type { ModuleInfo } from '../binary/types.ts';

const ALIGN = 8;

/** Whether the instance of a module with this layout keeps its segments natively (it declares GC types). */
const keepsSegments = (layout: VMContextLayout): boolean => layout.counts.gcHeap === true;

/** The arena bytes the module's passive segments take (0 for a module without GC types). */
export function nativeSegmentBytes(info: ModuleInfo, layout: VMContextLayout): number {
  if (!keepsSegments(layout)) return 0;
  let bytes = 0;
  info.data.forEach((seg, i) => {
    if (seg.mode === 'passive' && i < (layout.counts.dataSegments ?? 0)) bytes += roundUp8(seg.bytes.length);
  });
  for (const seg of info.elements) if (seg.mode === 'passive') bytes += seg.init.length * 8;
  return bytes;
}

const roundUp8 = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/**
 * Copy the segments still held (undefined: dropped, so never copied) into the arena from
 * `vm`'s offset `at` (a multiple of 8, with nativeSegmentBytes free) and point their entries
 * at them; `vmctx` is the arena's address (`vm` views it from its start).
 */
export function writeNativeSegments(
  vm: DataView, vmctx: number, layout: VMContextLayout, at: number,
  dataSegments: readonly (Uint8Array | undefined)[], elemSegments: readonly (readonly number[] | undefined)[],
): void {
  if (!keepsSegments(layout)) return;
  const bytes = new Uint8Array(vm.buffer, vm.byteOffset, vm.byteLength);
  const point = (entry: number, length: number) => {
    vm.setBigUint64(entry + SEGMENT_ENTRY.BASE, BigInt(vmctx + at), true);
    vm.setBigUint64(entry + SEGMENT_ENTRY.BYTES, BigInt(length), true);
  };
  dataSegments.forEach((data, i) => {
    if (data === undefined || i >= (layout.counts.dataSegments ?? 0)) return;
    bytes.set(data, at);
    point(layout.gcSegment('data', i), data.length);
    at += roundUp8(data.length);
  });
  elemSegments.forEach((items, i) => {
    if (items === undefined) return;
    for (let k = 0; k < items.length; k++) {
      const w = items[k]!;
      vm.setUint32(at + 8 * k, w >>> 0, true);
      vm.setUint32(at + 8 * k + 4, Math.floor(w / 2 ** 32), true);
    }
    point(layout.gcSegment('elem', i), items.length * 8);
    at += items.length * 8;
  });
}

/** data.drop or elem.drop: the segment's entry says it is empty (a no-op without GC types). */
export function dropNativeSegment(vm: DataView, layout: VMContextLayout, kind: 'data' | 'elem', i: number): void {
  if (!keepsSegments(layout) || (kind === 'data' && i >= (layout.counts.dataSegments ?? 0))) return;
  vm.setBigUint64(layout.gcSegment(kind, i) + SEGMENT_ENTRY.BYTES, 0n, true);
}
