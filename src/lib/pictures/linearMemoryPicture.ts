// A linear memory's address space as the runtime reserved it (compiler/runtime/linearMemory.ts):
// one reservation of the largest size plus a guard, the first pages readable and writable, the
// rest inaccessible until memory.grow; r14 at byte 0, and the size the bounds checks compare with
// in the VMContext. Drawn from snapshots of a real instance (linearMemoryData.ts), one bar each.
import { box, codeWidth, line, svg, text } from './svg.ts';

/** One moment in a memory's life, every number read from the runtime. */
export interface MemorySnapshot {
  /** What had happened, e.g. "after instantiation". */
  when: string;
  /** LinearMemory.base, and VMCTX.MEMORY_BASE read from the VMContext (they must agree). */
  base: number;
  /** LinearMemory.byteLength, and VMCTX.MEMORY_SIZE read from the VMContext (they must agree). */
  bytes: number;
  /** The reservation: maxPages * WASM_PAGE_SIZE, then GUARD_SIZE more. */
  maxBytes: number;
  guard: number;
  pageSize: number;
  /** Where the VMContext keeps the size and the 4-byte bound (VMCTX offsets), and the bound's value there. */
  sizeOffset: number;
  bound4Offset: number;
  bound4: number;
  /** Each part's protection as the kernel lists it in /proc/self/maps ("rw-", "---"), if it could be read. */
  protection?: { accessible?: string; reserved?: string; guard?: string };
}

const W = 600;
const LEFT = 16;
const BAR_W = W - 2 * LEFT;
const BAR_H = 40;
/** Narrowest a part of the bar may be drawn, so that its label fits (then the bar is not to scale). */
const MIN_PART = 110;

const hex = (n: number): string => `0x${n.toString(16)}`;
const sizeText = (n: number): string => (n >= 2 ** 30 ? `${n / 2 ** 30} GiB` : n >= 1024 ? `${n / 1024} KiB` : `${n} bytes`);
const pages = (bytes: number, pageSize: number): string => `${bytes / pageSize} page${bytes === pageSize ? '' : 's'}`;

/** Widths of the accessible, reserved and guard parts: to scale when each is wide enough to label. */
function partWidths(s: MemorySnapshot): { widths: number[]; toScale: boolean } {
  const sizes = [s.bytes, s.maxBytes - s.bytes, s.guard];
  const total = s.maxBytes + s.guard;
  const scaled = sizes.map((b) => (b / total) * BAR_W);
  if (scaled.every((w, i) => sizes[i] === 0 || w >= MIN_PART)) return { widths: scaled, toScale: true };
  const fixed = scaled.map((w, i) => (sizes[i] === 0 ? 0 : Math.max(w, MIN_PART)));
  const over = fixed.reduce((a, b) => a + b, 0) - BAR_W;
  const big = fixed.indexOf(Math.max(...fixed));
  fixed[big] = fixed[big]! - over;
  return { widths: fixed, toScale: false };
}

function snapshotBar(s: MemorySnapshot, y0: number): { parts: string[]; height: number } {
  const parts: string[] = [];
  const { widths, toScale } = partWidths(s);
  const [wAcc, wRes] = widths as [number, number, number];
  const prot = s.protection ?? {};
  let y = y0 + 16;
  parts.push(text(LEFT, y, `${s.when}: ${pages(s.bytes, s.pageSize)} of ${pages(s.maxBytes, s.pageSize)}${toScale ? '' : ' (not to scale)'}`, { size: 13, bold: true, ui: true }));
  // r14: byte 0 of the memory, the base address that never moves.
  y += 20;
  parts.push(text(LEFT, y, `r14 = ${hex(s.base)}: byte 0, never moves`, { size: 12 }));
  parts.push(line(LEFT + 1, y + 4, LEFT + 1, y + 14));
  const barY = y + 14;
  const accX = LEFT;
  const resX = accX + wAcc;
  const guardX = resX + wRes;
  const label = (x: number, w: number, top: string, bottom: string) => {
    parts.push(text(x + w / 2, barY + 17, top, { size: 12, anchor: 'middle' }));
    parts.push(text(x + w / 2, barY + 32, bottom, { size: 11, anchor: 'middle', ui: true }));
  };
  if (wAcc > 0) {
    parts.push(box(accX, barY, wAcc, BAR_H, 'var(--pic-local)', { opacity: 0.35 }));
    label(accX, wAcc, `${prot.accessible ?? 'rw-'} ${sizeText(s.bytes)}`, 'the memory');
  }
  if (wRes > 0) {
    parts.push(box(resX, barY, wRes, BAR_H, 'var(--pic-reg)', { opacity: 0.08, dashed: true }));
    label(resX, wRes, `${prot.reserved ?? '---'} ${sizeText(s.maxBytes - s.bytes)}`, 'reserved');
  }
  parts.push(box(guardX, barY, widths[2]!, BAR_H, 'var(--pic-slot)', { opacity: 0.12, dashed: true }));
  label(guardX, widths[2]!, `${prot.guard ?? '---'} ${sizeText(s.guard)}`, 'guard');
  // Page boundaries inside the reservation, when they are few enough to see.
  if (toScale && s.maxBytes / s.pageSize <= 16) {
    for (let p = s.pageSize; p < s.maxBytes; p += s.pageSize) {
      if (p === s.bytes) continue;
      const x = LEFT + (p / (s.maxBytes + s.guard)) * BAR_W;
      parts.push(line(x, barY + 2, x, barY + 8, { soft: true }), line(x, barY + BAR_H - 8, x, barY + BAR_H - 2, { soft: true }));
    }
  }
  // Byte offsets of the part boundaries, under the bar.
  const axisY = barY + BAR_H + 14;
  parts.push(text(accX, axisY, '0', { size: 11, soft: true }));
  // The size's own offset sits left of its mark, which runs down to the notes.
  if (wRes > 0 && wAcc > 0) parts.push(text(resX - 4, axisY, hex(s.bytes), { size: 11, soft: true, anchor: 'end' }));
  parts.push(text(guardX, axisY, hex(s.maxBytes), { size: 11, soft: true, anchor: wRes > 0 || wAcc > 0 ? 'middle' : 'start' }));
  parts.push(text(LEFT + BAR_W, axisY, hex(s.maxBytes + s.guard), { size: 11, soft: true, anchor: 'end' }));
  // The end of the accessible part is what a bounds check compares with.
  const sizeX = resX;
  const noteY = axisY + 22;
  parts.push(line(sizeX, barY - 4, sizeX, noteY - 12, { dashed: true }));
  const notes = [
    `[r15 + ${s.sizeOffset}] = ${s.bytes.toLocaleString('en-US')}: the size, what bounds checks compare with`,
    `[r15 + ${hex(s.bound4Offset)}] = ${s.bound4.toLocaleString('en-US')} = size - 4: a 4-byte access at a fits if a ≤ this`,
  ];
  notes.forEach((n, k) => {
    // Beside the size mark, moved left as far as it must be to stay inside the drawing.
    const x = Math.max(4, Math.min(sizeX + 4, W - 4 - codeWidth(n, 12)));
    parts.push(text(x, noteY + k * 16, n, { size: 12 }));
  });
  return { parts, height: noteY + 24 - y0 };
}

export function linearMemoryPicture(snapshots: MemorySnapshot[]): string {
  if (snapshots.length === 0) throw new Error('linearMemoryPicture: no snapshot to draw');
  const parts: string[] = [];
  let y = 0;
  snapshots.forEach((s, i) => {
    if (i > 0) parts.push(line(0, y + 6, W, y + 6, { soft: true }));
    const bar = snapshotBar(s, y + (i > 0 ? 10 : 0));
    parts.push(...bar.parts);
    y += bar.height + (i > 0 ? 10 : 0);
  });
  return svg(W, y + 4, 'A linear memory: one reservation, its first pages readable and writable, the rest and a guard inaccessible; r14 at byte 0; the size in the VMContext', parts.join(''));
}
