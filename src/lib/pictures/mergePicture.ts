// Control-flow merges and the first-edge rule, from a real compile: for each block whose results
// were carried by an edge, the first edge that reached it (its values stay where they are and
// that becomes the block's merge layout) and every later edge (it moves its values into that
// layout), with the instructions each edge emitted.
import type { Trace, TracedFrame, TracedStep, TracedValue } from './trace.ts';
import { box, codeWidth, line, LOC_COLOUR, svg, text } from './svg.ts';

interface Edge { step: TracedStep; values: TracedValue[]; first: boolean }

const BOX_W = 74;

/** The frame an operator branches to (or ends), judged from the control stack before it. */
function targetOf(op: string, before: TracedFrame[]): TracedFrame | undefined {
  const m = /^(br|br_if) (\d+)$/.exec(op);
  if (m) return before[before.length - 1 - Number(m[2])];
  if (op === 'end') return before[before.length - 1];
  return undefined;
}

export function mergeEdges(trace: Trace): Map<number, { frame: TracedFrame; edges: Edge[] }> {
  const merges = new Map<number, { frame: TracedFrame; edges: Edge[] }>();
  trace.steps.forEach((s, i) => {
    const before = trace.steps[i - 1];
    if (!before) return;
    const target = targetOf(s.op, before.frames);
    if (!target || target.kind === 'function') return;
    const after = s.frames.find((f) => f.id === target.id) ?? target;
    if (s.op === 'end' && /^(br |br_table|return|unreachable)/.test(before.op)) return; // nothing falls through
    // A fall-through that is the first edge fixes the layout as the block ends: read it off the stack.
    const layout = after.layout ?? target.layout ?? (s.op === 'end' ? s.stack.slice(s.stack.length - target.arity).map((v) => (v.kind === 'reg' ? v.text : 'slot')) : null);
    if (!layout || layout.length === 0) return;
    const entry = merges.get(target.id) ?? { frame: { ...target, layout }, edges: [] };
    merges.set(target.id, entry);
    // br_if's condition is on top of the values it carries.
    const top = s.op.startsWith('br_if') ? before.stack.length - 1 : before.stack.length;
    const values = before.stack.slice(top - layout.length, top);
    const first = before.frames.find((f) => f.id === target.id)?.layout == null;
    entry.edges.push({ step: s, values, first });
  });
  return merges;
}

export function mergePicture(trace: Trace): string {
  const merges = [...mergeEdges(trace).values()];
  if (merges.length === 0) throw new Error(`mergePicture: no edge of ${trace.name} carries a value into a block`);
  const arity = Math.max(...merges.map((m) => m.frame.layout!.length));
  const longest = Math.max(0, ...merges.flatMap((m) => m.edges.flatMap((e) => e.step.instructions.map((ins) => codeWidth(ins.text, 12)))));
  const width = Math.max(420, 150 + 2 * arity * (BOX_W + 4) + 40, 130 + longest);
  const parts: string[] = [];
  let y = 4;
  for (const m of merges) {
    y += 18;
    parts.push(text(8, y, `the ${m.frame.kind} at nesting level ${m.frame.level}: merge layout [${m.frame.layout!.join(', ')}]`, { size: 13, bold: true }));
    y += 10;
    for (const e of m.edges) {
      parts.push(line(0, y, width, y, { soft: true }));
      parts.push(text(8, y + 18, e.step.op, { size: 13, bold: true }));
      parts.push(text(8, y + 34, e.first ? 'first edge: fixes it' : 'later edge: moves in', { size: 11, ui: true, soft: !e.first, bold: e.first }));
      const x0 = 150;
      e.values.forEach((v, k) => {
        const x = x0 + k * (BOX_W + 4);
        parts.push(box(x, y + 5, BOX_W, 22, LOC_COLOUR[v.kind]), text(x + BOX_W / 2, y + 20, v.text, { size: 12, anchor: 'middle' }));
      });
      const ax = x0 + e.values.length * (BOX_W + 4) + 4;
      parts.push(text(ax + 12, y + 21, '→', { size: 16, anchor: 'middle' }));
      m.frame.layout!.forEach((p, k) => {
        const x = ax + 26 + k * (BOX_W + 4);
        parts.push(box(x, y + 5, BOX_W, 22, p === 'slot' ? LOC_COLOUR.slot : LOC_COLOUR.reg, { dashed: true }), text(x + BOX_W / 2, y + 20, p, { size: 12, anchor: 'middle' }));
      });
      let iy = y + 52;
      const code = e.step.instructions.length ? e.step.instructions.map((i) => `→ ${i.text}`) : ['(no instruction: already in place)'];
      for (const c of code) {
        parts.push(text(130, iy, c, { size: 12, soft: c.startsWith('(') }));
        iy += 16;
      }
      y = iy - 6;
    }
  }
  return svg(width, y + 8, `The merge layouts of ${trace.name}'s blocks and the edges into them`, parts.join(''));
}
