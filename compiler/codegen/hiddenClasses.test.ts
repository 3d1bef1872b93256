// The operands the code generator hands around on every instruction (memory operands, move
// operands, stack values) each have one hidden class in V8: the encoder and the parallel move
// read their fields at sites that then stay monomorphic. An object built another way (a spread
// `{ ...m, size }`, a literal with its fields in another order) makes a second class, and a few of
// those turn the reads megamorphic, several times slower (whole modules compiled 7-17% faster once
// they were gone, with two smaller changes: see chapter 4). V8's own %HaveSameMap checks it, in a
// child process (it needs --allow-natives-syntax).
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

const x64 = new URL('../x64/index.ts', import.meta.url).href;
const moves = new URL('./parallelMove.ts', import.meta.url).href;
const values = new URL('./valueStack.ts', import.meta.url).href;

const probe = `
const { mem, qword, dword, byte, ripLabel, ripExternal, external, withSize, Label, rsp, rax, r9, r13 } = await import(${JSON.stringify(x64)});
const { REG, regOperand, memOperand, immOperand, leaOperand, memPlusOperand, addressOperand } = await import(${JSON.stringify(moves)});
const { constant, constant64, localPlus, inReg, inSlot, ofLocal, inFlags } = await import(${JSON.stringify(values)});
const same = new Function('a', 'b', 'return %HaveSameMap(a, b)');
const groups = {
  mem: [qword(rsp, 8), dword(rax, 0x12345678), byte(r13), mem(r9, -4, rax, 8), mem(null, 16, rax, 4, 32), ripLabel(new Label(), 4, 64),
    ripExternal(external(1), 8), withSize(qword(rax, 1), 32), withSize(mem(r9, 0), 8)],
  move: [REG[3], regOperand(20), memOperand(qword(rsp, 8), 40), immOperand(-1, -1, true), leaOperand(3, 8, false),
    memPlusOperand(qword(rsp, 16), 43, 4, true), addressOperand(qword(rsp, 24))],
  value: [constant(0x7f, 5), constant64(0x7e, 1, -1), localPlus(0x7f, 2, -8), inReg(0x7f, 3), inSlot(0x7e, 5000), ofLocal(0x7c, 1), inFlags(0x7f, 4)],
};
const differing = {};
for (const [name, objects] of Object.entries(groups)) differing[name] = objects.map((o, i) => (same(o, objects[0]) ? -1 : i)).filter((i) => i >= 0);
console.log(JSON.stringify(differing));
`;

it('memory operands, move operands and stack values each share one hidden class', () => {
  const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', probe], { encoding: 'utf8', timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  // The index of each object whose class differs from the first of its group: none.
  expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual({ mem: [], move: [], value: [] });
}, 90_000);
