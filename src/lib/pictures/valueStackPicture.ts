// The abstract value stack, operator by operator, as a real compile went: each row is one
// operator, the boxes are the stack after it (bottom on the left) coloured by where each value
// lives, and under them the instructions that operator's lowering emitted.
import type { LocKind, Trace } from './trace.ts';
import { box, codeWidth, legend, line, LOC_COLOUR, svg, text } from './svg.ts';

const OP_W = 132;
const BOX_W = 78;
const ROW_H = 26;
const INS_H = 16;

export function valueStackPicture(trace: Trace, o: { from?: number; to?: number } = {}): string {
  const steps = trace.steps.slice(o.from ?? 0, o.to);
  const widest = Math.max(0, ...steps.map((s) => s.stack.length));
  const longest = Math.max(0, ...steps.flatMap((s) => s.instructions.map((i) => codeWidth(i.text, 12))));
  const width = Math.max(400, OP_W + widest * (BOX_W + 4) + 8, OP_W + longest + 24);
  const kinds = [...new Set(steps.flatMap((s) => s.stack.map((v) => v.kind)))] as LocKind[];
  const key = legend(8, kinds.length ? kinds : ['reg'], width);
  const parts: string[] = [key.svg];
  let y = key.height + 16;
  parts.push(text(8, y, 'operator', { size: 12, ui: true, soft: true }), text(OP_W, y, 'stack after it (bottom → top), code it emitted', { size: 12, ui: true, soft: true }));
  y += 8;
  for (const s of steps) {
    parts.push(line(0, y, width, y, { soft: true }));
    const top = y + 4;
    parts.push(text(8, top + 17, s.op, { size: 13, bold: true }));
    if (s.stack.length === 0) parts.push(text(OP_W, top + 17, '(empty)', { size: 12, ui: true, soft: true }));
    s.stack.forEach((v, i) => {
      const x = OP_W + i * (BOX_W + 4);
      parts.push(box(x, top, BOX_W, ROW_H - 4, LOC_COLOUR[v.kind]), text(x + BOX_W / 2, top + 16, v.text, { size: 12, anchor: 'middle' }));
    });
    let iy = top + ROW_H + 10;
    for (const ins of s.instructions) {
      parts.push(text(OP_W + 4, iy, `→ ${ins.text}`, { size: 12 }));
      iy += INS_H;
    }
    y = iy - 8;
  }
  const height = y + 6;
  return svg(width, height, `The value stack of ${trace.name}, operator by operator, with the instructions each emitted`, parts.join(''));
}
