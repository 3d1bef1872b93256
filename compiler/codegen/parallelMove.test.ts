// The parallel move, checked by simulation: emit the moves into an assembler, decode them with
// iced-x86, execute the decoded movs/xchgs/leas on a model of registers and memory, and compare
// with the result of doing every move at once.
import { beforeAll, describe, expect, it } from 'vitest';
import { Assembler, qword, rcx, rsp } from '../x64/index.ts';
import { disassemble, loadIced } from '../x64/disassemble.ts';
import { imm64, type Move, type MoveDest, type MoveSource, parallelMove, slotKey } from './parallelMove.ts';

beforeAll(async () => {
  await loadIced();
});

const NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const reg = (r: number): MoveDest & MoveSource => ({ kind: 'reg', reg: r });
const slot = (k: number): MoveDest & MoveSource => ({ kind: 'mem', mem: qword(rsp, 8 * k), key: slotKey(k) });

/** Run the decoded instructions on a machine model (only what parallel moves emit). */
function simulate(code: Uint8Array, regs: Map<string, bigint>, mem: Map<number, bigint>): void {
  const read = (op: string): bigint => {
    const m = /\[rsp(?:\+(0x[0-9a-f]+|\d+))?\]/.exec(op);
    if (m) return mem.get(m[1] ? Number(m[1]) : 0) ?? 0n;
    if (/^-?(0x[0-9a-f]+|\d+)$/.test(op)) return BigInt(op);
    return regs.get(op)!;
  };
  const write = (op: string, v: bigint): void => {
    const m = /\[rsp(?:\+(0x[0-9a-f]+|\d+))?\]/.exec(op);
    if (m) mem.set(m[1] ? Number(m[1]) : 0, v);
    else regs.set(op, BigInt.asUintN(64, v));
  };
  for (const line of disassemble(code)) {
    const [mn, rest] = [line.text.split(' ')[0]!, line.text.slice(line.text.indexOf(' ') + 1)];
    const [a, b] = rest.replace(/qword ptr /g, '').split(', ') as [string, string];
    if (mn === 'mov') write(a, read(b));
    else if (mn === 'xchg') { const t = read(a); write(a, read(b)); write(b, t); }
    else throw new Error(`unexpected instruction ${line.text}`);
  }
}

function check(moves: Move[]): number {
  const regs = new Map<string, bigint>(NAMES.map((n, i) => [n, BigInt(1000 + i)]));
  const mem = new Map<number, bigint>();
  for (let k = 0; k < 8; k++) mem.set(8 * k, BigInt(5000 + k));
  const value = (s: MoveSource): bigint => (s.kind === 'reg' ? regs.get(NAMES[s.reg]!)! : mem.get((s as { mem: { disp: number } }).mem.disp)!);
  const expected = moves.map((m) => value(m.src));
  const asm = new Assembler();
  parallelMove(asm, moves);
  const { code } = asm.finish();
  simulate(code, regs, mem);
  moves.forEach((m, i) => {
    const got = m.dst.kind === 'reg' ? regs.get(NAMES[m.dst.reg]!)! : mem.get(m.dst.mem.disp)!;
    expect(got, `move ${i}`).toBe(expected[i]);
  });
  return disassemble(code).length;
}

describe('parallel moves', () => {
  it('does nothing when everything is in place', () => {
    expect(check([{ dst: reg(0), src: reg(0) }, { dst: slot(1), src: slot(1) }])).toBe(0);
  });
  it('orders a chain so nothing is overwritten before it is read', () => {
    // rax <- rcx <- rdx <- rsi: must go rax first
    expect(check([{ dst: reg(2), src: reg(6) }, { dst: reg(1), src: reg(2) }, { dst: reg(0), src: reg(1) }])).toBe(3);
  });
  it('breaks a register swap and a three-cycle with one scratch move', () => {
    expect(check([{ dst: reg(0), src: reg(1) }, { dst: reg(1), src: reg(0) }])).toBe(3);
    expect(check([{ dst: reg(0), src: reg(1) }, { dst: reg(1), src: reg(2) }, { dst: reg(2), src: reg(0) }])).toBe(4);
  });
  it('handles cycles through memory and fan-out from one source', () => {
    check([{ dst: slot(0), src: reg(3) }, { dst: reg(3), src: slot(0) }, { dst: reg(12), src: reg(3) }, { dst: slot(2), src: slot(1) }]);
    check([{ dst: reg(7), src: reg(6) }, { dst: reg(6), src: reg(7) }, { dst: reg(2), src: reg(7) }, { dst: reg(1), src: reg(6) }]);
  });
  it('moves straight into registers that no other move reads, and orders them when one does', () => {
    // Arguments from other registers, a slot, one source twice, and a move already in place.
    expect(check([{ dst: reg(7), src: reg(3) }, { dst: reg(6), src: slot(2) }, { dst: reg(2), src: reg(3) }, { dst: reg(1), src: reg(1) }])).toBe(3);
    // The last move reads the first one's destination: it must go before it.
    expect(check([{ dst: reg(7), src: reg(3) }, { dst: reg(6), src: slot(2) }, { dst: reg(2), src: reg(7) }])).toBe(3);
    expect(check([{ dst: reg(2), src: reg(7) }, { dst: reg(6), src: slot(2) }, { dst: reg(7), src: reg(3) }])).toBe(3);
  });
  it('survives every permutation of four registers', () => {
    const regsUsed = [0, 1, 2, 3];
    const perms = (xs: number[]): number[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p])));
    for (const p of perms(regsUsed)) check(regsUsed.map((r, i) => ({ dst: reg(r), src: reg(p[i]!) })));
  });
});

describe('imm64', () => {
  it('gives a number only for safe integers, which the assembler takes (-2^53 is exact but not safe)', () => {
    expect(imm64(0, -0x200000)).toBe(-(2n ** 53n));
    expect(imm64(1, -0x200000)).toBe(-(2n ** 53n) + 1n);
    expect(imm64(-1, 0x1fffff)).toBe(2 ** 53 - 1);
    expect(imm64(0, -0x1fffff)).toBe(-(2 ** 53) + 2 ** 32);
    const asm = new Assembler();
    asm.mov(rcx, imm64(0, -0x200000)); // webp_codec.wasm's i64.const -2^53 once had no encoding
    expect(asm.finish().code.length).toBe(10);
  });
});
