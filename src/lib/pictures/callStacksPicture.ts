// The two stacks at a call from JS into wasm and back out to JS, read off the real code: the
// runtime's switchboard (entry/suspend), its entry adapter and call-out stub, and the prologue of
// a compiled wasm function. Every box is a push, a `sub rsp`, or a return address a `call`
// leaves; the moment drawn is while the imported JS function runs.
import { Assembler, disassemble, loadIced, type DisassemblyLine } from '../../../compiler/x64/index.ts';
import { emitCalloutStub, emitEntryAdapter, emitSwitchboard } from '../../../compiler/runtime/stubs.ts';
import type { FuncType } from '../../../compiler/binary/types.ts';
import { box, line, svg, text } from './svg.ts';
import type { Trace } from './trace.ts';

interface Slot { label: string; bytes: number; owner: string }

/** What a straight run of code leaves on the stack: pushes, `sub rsp, N`, and the return address of its call. */
function stackEffect(lines: readonly { text: string }[], owner: string, until: (t: string) => boolean): Slot[] {
  const slots: Slot[] = [];
  for (const l of lines) {
    const t = l.text;
    if (until(t)) break;
    const push = /^push (.+)$/.exec(t);
    const sub = /^sub rsp, (0x[0-9a-f]+|\d+)$/.exec(t);
    if (push) slots.push({ label: `saved ${push[1]!.replace(/qword ptr /, '')}`, bytes: 8, owner });
    else if (sub) slots.push({ label: `${Number(sub[1])} bytes of frame`, bytes: Number(sub[1]), owner });
  }
  return slots;
}

function routine(build: (a: Assembler) => void): DisassemblyLine[] {
  const a = new Assembler();
  build(a);
  return disassemble(a.finish().code);
}

export async function callStacks(callee: Trace, type: FuncType): Promise<{ native: Slot[]; wasm: Slot[] }> {
  await loadIced();
  const STATE = 0x10000; // any address: only the shape of the code matters here
  const board = new Assembler();
  const labels = emitSwitchboard(board, STATE);
  const all = disassemble(board.finish().code);
  const from = (offset: number) => all.filter((l) => Number(l.address) >= offset);
  const entry = from(labels.entry.offset);
  const suspend = from(labels.suspend.offset);
  // While wasm runs, entry's saved registers sit on Node's stack; suspend pops them to return to JS.
  const ENTRY = 'entry (popped again when wasm suspends)';
  const native: Slot[] = [
    { label: 'JS: exports.f(...)', bytes: 0, owner: 'JS and koffi' },
    { label: 'return address into koffi', bytes: 8, owner: ENTRY },
    ...stackEffect(entry, ENTRY, (t) => t.startsWith('mov rsp')),
  ];
  const switched = entry.slice(entry.findIndex((l) => l.text.startsWith('mov rsp')) + 1);
  const adapter = routine((a) => emitEntryAdapter(a, type, STATE));
  const stub = routine((a) => emitCalloutStub(a, { params: [], results: [] }, 0, STATE, 0x2000, 0x3000));
  const prologue = callee.prologue.map((i) => ({ text: i.text }));
  const wasm: Slot[] = [
    ...stackEffect(switched, 'entry: activation record', (t) => t.startsWith('call')).map((s) => ({ ...s, label: s.label.replace(/saved \[rax(\+0x[0-9a-f]+)?\]/, 'saved ENTRY_RSP').replace('saved rcx', 'saved WASM_SP') })),
    { label: 'return address', bytes: 8, owner: 'entry adapter' },
    ...stackEffect(adapter, 'entry adapter', (t) => t.startsWith('call')),
    { label: 'return address', bytes: 8, owner: `wasm: ${callee.name}` },
    ...stackEffect(prologue, `wasm: ${callee.name}`, () => false),
    ...stackEffect(callee.steps.flatMap((s) => s.instructions), `wasm: ${callee.name}`, (t) => t.startsWith('call')),
    { label: 'return address', bytes: 8, owner: 'call-out stub' },
    ...stackEffect(stub, 'call-out stub', (t) => t.startsWith('call')),
    { label: 'return address', bytes: 8, owner: 'suspend' },
    ...stackEffect(suspend, 'suspend', (t) => t.startsWith('mov rsp')),
  ];
  native.push({ label: 'JS: the import runs here', bytes: 0, owner: 'JS (after entry returned)' });
  return { native, wasm };
}

const COL = 250;
const ROW = 22;

function column(x: number, title: string, slots: Slot[], y0: number, colourOf: (owner: string) => string): { svg: string; height: number } {
  const parts: string[] = [text(x, y0, title, { size: 13, bold: true, ui: true })];
  let y = y0 + 10;
  let lastOwner = '';
  for (const s of slots) {
    if (s.owner !== lastOwner) {
      y += 16;
      parts.push(text(x, y, s.owner, { size: 12, ui: true, soft: true }));
      y += 4;
      lastOwner = s.owner;
    }
    parts.push(box(x, y, COL - 20, ROW - 2, colourOf(s.owner), { dashed: s.bytes === 0 }), text(x + 8, y + 15, s.label + (s.bytes ? `  (${s.bytes})` : ''), { size: 12 }));
    y += ROW;
  }
  return { svg: parts.join(''), height: y - y0 };
}

export function callStacksPicture(stacks: { native: Slot[]; wasm: Slot[] }): string {
  const owners = [...new Set([...stacks.native, ...stacks.wasm].map((s) => s.owner))];
  const colourOf = (o: string) => `var(--pic-g${owners.indexOf(o) % 4})`;
  const left = column(8, "Node's stack (koffi's)", stacks.native, 20, colourOf);
  const right = column(COL + 24, 'the wasm stack (mapped by the runtime)', stacks.wasm, 20, colourOf);
  const h = Math.max(left.height, right.height) + 60;
  const parts = [left.svg, right.svg, line(COL + 8, 8, COL + 8, h - 24, { soft: true, dashed: true }),
    text(8, h - 8, '↓ each stack grows down: older frames above, the newest at the bottom', { size: 12, ui: true, soft: true })];
  const total = stacks.wasm.reduce((n, s) => n + s.bytes, 0);
  parts.push(text(COL + 24, h - 26, `${total} bytes of wasm stack in use while JS runs`, { size: 12, ui: true }));
  return svg(2 * COL + 32, h, 'The native stack and the wasm stack while a wasm function calls out to JS', parts.join(''));
}
