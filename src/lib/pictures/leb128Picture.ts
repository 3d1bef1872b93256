// LEB128, bit by bit: the bytes wabt wrote for a constant, each split into its continuation bit
// and seven payload bits, and the value the compiler's own reader makes of them (groups taken
// low first, so the last byte's bits are the top of the number).
import { Reader } from '../../../compiler/binary/reader.ts';
import { box, svg, text } from './svg.ts';

const CELL = 22;

export function leb128Picture(bytes: Uint8Array, signed: boolean): { svg: string; value: number } {
  const reader = new Reader(bytes, 0, bytes.length, 0);
  const value = signed ? reader.s32() : reader.u32();
  if (reader.pos !== bytes.length) throw new Error(`leb128Picture: ${bytes.length} bytes, but the reader used ${reader.pos}`);
  const n = bytes.length;
  const width = Math.max(380, 8 * CELL + 150);
  const parts: string[] = [];
  let y = 8;
  parts.push(text(8, y + 12, 'byte', { size: 12, ui: true, soft: true }), text(70, y + 12, 'more? then 7 bits of the value', { size: 12, ui: true, soft: true }));
  y += 20;
  const groups: string[] = [];
  bytes.forEach((b, i) => {
    const bits = b.toString(2).padStart(8, '0');
    groups.push(bits.slice(1));
    parts.push(text(8, y + 16, `0x${b.toString(16).padStart(2, '0')}`, { size: 13, bold: true }));
    for (let k = 0; k < 8; k++) {
      const x = 70 + k * CELL + (k > 0 ? 6 : 0);
      parts.push(box(x, y, CELL - 2, CELL, k === 0 ? 'var(--pic-flags)' : `var(--pic-g${i % 4})`), text(x + (CELL - 2) / 2, y + 16, bits[k]!, { size: 13, anchor: 'middle' }));
    }
    parts.push(text(70 + 8 * CELL + 14, y + 16, bits[0] === '1' ? 'more follows' : 'last byte', { size: 12, ui: true }));
    y += CELL + 6;
  });
  y += 10;
  parts.push(text(8, y + 12, 'the groups, last byte first:', { size: 12, ui: true, soft: true }));
  y += 20;
  let x = 8;
  for (let i = n - 1; i >= 0; i--) {
    const w = 7 * 9 + 8;
    parts.push(box(x, y, w, 22, `var(--pic-g${i % 4})`), text(x + w / 2, y + 16, groups[i]!, { size: 12, anchor: 'middle' }));
    x += w + 4;
  }
  y += 40;
  parts.push(text(8, y, `= ${value}${signed ? ' (signed: the top bit is the sign)' : ''}`, { size: 14, bold: true }));
  return { svg: svg(Math.max(width, x + 8), y + 10, `The LEB128 bytes of ${value}, bit by bit`, parts.join('')), value };
}
