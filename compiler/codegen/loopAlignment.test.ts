// Loop heads start on a 16-byte boundary (Frame.alignLoopHead) unless the loop is longer than
// 256 bytes as emitted (Frame.endLoop drops its padding), and branch relaxation shrinks jumps in
// functions with loops too, recomputing each loop head's padding as the code before it shrinks
// (branchRelaxation.ts). Checked on the benchmark kernels: every backward jump (in wasm, only a
// loop's back edge jumps backward) of a loop of at most 80 bytes lands on a multiple of 16 (80
// final bytes were at most 256 as emitted: relaxation takes at most 4 bytes from a 2-byte jump),
// and no loop longer than 256 bytes has a nop in front of its head, but for a dispatch loop (one
// holding a br_table's indirect jump), whose head is on a 64-byte boundary (Frame.dispatchLoop).
// Some long dispatch loop is there to check: interp's.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { disassemble, loadIced } from '../x64/disassemble.ts';
import { compileModule } from './moduleCompiler.ts';

const kernels = join(import.meta.dirname, '../../bench/kernels/wasm');
const files = readdirSync(kernels).filter((f) => f.endsWith('.wasm')).sort();

beforeAll(async () => {
  await loadIced();
});

describe('loop heads after branch relaxation', () => {
  it.each(files)('%s: every short loop\'s back edge lands on a 16-byte boundary, long loops are not padded but long dispatch loops, whose heads are on a 64-byte boundary, and jumps in loop functions are short where they can be', (file) => {
    const m = compileModule(new Uint8Array(readFileSync(join(kernels, file))), { notes: true });
    let backEdges = 0;
    let shortForward = 0;
    let dispatched = 0;
    for (const f of m.functions) {
      const lines = disassemble(m.code.subarray(f.offset, f.offset + f.size), { base: f.offset });
      // The body's first stretch (before the first operator's note) is the prologue, whose
      // zeroing of many frame locals is a small loop of its own that is not aligned.
      let bodyStart = 0;
      for (const [at, note] of m.notes) if (at > f.offset && at < f.offset + f.size && note !== 'prologue') {
        bodyStart = at;
        break;
      }
      let hasLoop = false;
      const before = new Map(lines.map((l, i) => [f.offset + l.offset, lines[i - 1]]));
      const indirect = lines.filter((l) => /^jmp r\w+$/.test(l.text)).map((l) => f.offset + l.offset);
      const loops = lines.map((l) => [parseInt(/^j\w+ 0x([0-9a-f]+)$/.exec(l.text)?.[1] ?? 'ffffffff', 16), f.offset + l.offset] as const)
        .filter(([target, at]) => target <= at && target >= bodyStart);
      // A br_table's indirect jump in this loop and in no loop inside it.
      const holdsDispatch = (target: number, at: number): boolean => indirect.some((j) => j > target && j < at &&
        !loops.some(([t, a]) => t > target && a <= at && j > t && j < a));
      for (const l of lines) {
        const jump = /^j\w+ 0x([0-9a-f]+)$/.exec(l.text);
        if (!jump) continue;
        const target = parseInt(jump[1]!, 16);
        const at = f.offset + l.offset;
        if (target <= at && target >= bodyStart) {
          const where = `${file} function ${f.funcIndex}: back edge at 0x${at.toString(16)} to 0x${target.toString(16)}`;
          const length = at + l.length - target;
          if (length <= 80) expect(target % 16, where).toBe(0);
          const dispatch = holdsDispatch(target, at);
          if (length > 256 && !dispatch) expect(before.get(target)?.text ?? '', where).not.toMatch(/^nop/);
          if (length > 256 && dispatch) (expect(target % 64, `${where}: dispatch loop head`).toBe(0), dispatched++);
          backEdges++;
          hasLoop = true;
        }
      }
      // Entries are aligned where no loop head's alignment decided where the function goes.
      if (!hasLoop) expect(f.offset % 16, `${file} function ${f.funcIndex}: entry`).toBe(0);
      if (hasLoop) shortForward += lines.filter((l, i) => l.length === 2 && /^j/.test(l.text) && parseInt(l.text.split(' 0x')[1] ?? '0', 16) > f.offset + l.offset && i > 0).length;
    }
    expect(backEdges).toBeGreaterThan(0);
    expect(shortForward).toBeGreaterThan(0);
    if (file === 'interp.wasm') expect(dispatched).toBeGreaterThan(0);
  });
});
