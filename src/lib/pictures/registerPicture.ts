// Register assignment over one function's compile: a row per operator, a column per register the
// function used; a cell is filled while that register holds a value of the stack (sN = stack
// position N) or a local (Lk). A row marked "spill" is one where a value left its register for
// its frame slot because no register of its class was free.
import type { Trace } from './trace.ts';
import { regName } from './trace.ts';
import { box, legend, line, LOC_COLOUR, svg, text } from './svg.ts';

const OP_W = 130;
const COL_W = 46;
const ROW_H = 20;

export function registerPicture(trace: Trace): string {
  const used = [...new Set(trace.steps.flatMap((s) => s.busy))].sort((a, b) => a - b);
  const width = Math.max(360, OP_W + used.length * COL_W + 60);
  const parts: string[] = [];
  const key = legend(8, ['reg', 'local'], width, { reg: 'a stack value (sN: position N)', local: "a local's home register (Lk)" });
  parts.push(key.svg);
  let y = key.height + 22;
  used.forEach((r, c) => parts.push(text(OP_W + c * COL_W + COL_W / 2, y, regName(r), { size: 12, anchor: 'middle', bold: true })));
  y += 6;
  let previous: Trace['steps'][number] | undefined;
  for (const s of trace.steps) {
    parts.push(line(0, y, width, y, { soft: true }));
    parts.push(text(8, y + 15, s.op, { size: 12 }));
    for (const [c, r] of used.entries()) {
      const x = OP_W + c * COL_W + 3;
      const pos = s.stack.findIndex((v) => v.kind === 'reg' && v.reg === r);
      const local = s.locals.findIndex((where, i) => where !== 'frame' && where === regName(r, s.localTypes[i]));
      if (pos >= 0) parts.push(box(x, y + 3, COL_W - 6, ROW_H - 5, LOC_COLOUR.reg), text(x + (COL_W - 6) / 2, y + 15, `s${pos}`, { size: 11, anchor: 'middle' }));
      else if (local >= 0) parts.push(box(x, y + 3, COL_W - 6, ROW_H - 5, LOC_COLOUR.local), text(x + (COL_W - 6) / 2, y + 15, `L${local}`, { size: 11, anchor: 'middle' }));
    }
    const spilled = previous && s.stack.some((v, i) => v.kind === 'slot' && previous!.stack[i]?.kind === 'reg');
    if (spilled) parts.push(text(OP_W + used.length * COL_W + 6, y + 15, 'spill', { size: 12, bold: true, ui: true }));
    previous = s;
    y += ROW_H;
  }
  return svg(width, y + 6, `Which register holds what in ${trace.name}, operator by operator`, parts.join(''));
}
