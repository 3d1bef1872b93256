// Labels, branches, jump tables, the constant pool, fix-ups and immediate-size selection.
// Branch targets and RIP-relative addresses are read back through iced-x86's decoder.
import { beforeAll, describe, expect, it } from 'vitest';
import { Assembler, CODE_START, CodeBuffer, Label, Shape, external, loadIced, mem, byte, word, dword, qword, ripExternal, ripLabel, rax, rcx, rsp, r9, eax, ecx, xmm0, xmm1, type Iced, GPR8, GPR16, type Form, type Operand } from './index.ts';
import { dispatchOf } from './forms.ts';
import { CONDITIONS, condCode, invertCond } from './operands.ts';

let x: Iced;
beforeAll(async () => {
  x = await loadIced();
});

interface Decoded {
  offset: number;
  length: number;
  mnemonic: string;
  branch?: number;
  ripTarget?: number;
}
function decode(code: Uint8Array, end = code.length, data: readonly (readonly [number, number])[] = [], start = 0): Decoded[] {
  if (data.length > 0) {
    // Decode the stretches between data ranges separately.
    const out: Decoded[] = [];
    let from = 0;
    for (const [s, e] of [...data.filter(([s]) => s < end), [end, end] as const]) {
      if (s > from) out.push(...decode(code, s, [], from));
      from = Math.max(from, e);
    }
    return out;
  }
  const d = new x.Decoder(64, code.subarray(start, end), x.DecoderOptions.None);
  d.ip = BigInt(start);
  const out: Decoded[] = [];
  try {
    while (d.canDecode) {
      const i = d.decode();
      const entry: Decoded = { offset: Number(i.ip), length: i.length, mnemonic: x.Mnemonic[i.mnemonic]!.toLowerCase() };
      if (i.opCount > 0 && i.opKind(0) === x.OpKind.NearBranch64) entry.branch = Number(i.nearBranch64);
      if (i.memoryBase === x.Register.RIP) entry.ripTarget = Number(i.memoryDisplacement);
      out.push(entry);
      i.free();
    }
  } finally {
    d.free();
  }
  return out;
}

describe('condition codes', () => {
  it('are the hardware encodings, aliases included, and unknown names are errors', () => {
    CONDITIONS.forEach((c, i) => expect(condCode(c)).toBe(i));
    const aliases = { c: 2, nae: 2, nb: 3, nc: 3, z: 4, nz: 5, na: 6, nbe: 7, pe: 10, po: 11, nge: 12, nl: 13, ng: 14, nle: 15 } as const;
    for (const [name, code] of Object.entries(aliases)) expect(condCode(name as keyof typeof aliases)).toBe(code);
    expect(invertCond('e')).toBe('ne');
    expect(invertCond('nz')).toBe('e');
    expect(() => condCode('x' as 'e')).toThrow(/unknown condition/);
  });
});

describe('branches', () => {
  it('uses rel8 for a near backward jump and rel32 beyond 127 bytes', () => {
    const a = new Assembler();
    const top = a.here();
    a.jmp(top); // 2 bytes: EB FE
    a.jcc('ne', top); // 2 bytes
    a.nop(200);
    a.jmp(top);
    a.jcc('e', top);
    const { code } = a.finish();
    const ins = decode(code).filter((i) => i.branch !== undefined);
    expect(ins.map((i) => i.length)).toEqual([2, 2, 5, 6]);
    expect(ins.every((i) => i.branch === 0)).toBe(true);
  });

  it('picks rel8 exactly up to -128 bytes back', () => {
    for (const pad of [126, 127]) {
      const a = new Assembler();
      const top = a.here();
      a.nop(pad);
      a.jmp(top);
      const { code } = a.finish();
      const jmp = decode(code).at(-1)!;
      // disp = -(pad + 2): fits rel8 while pad + 2 <= 128.
      expect(jmp.length).toBe(pad + 2 <= 128 ? 2 : 5);
      expect(jmp.branch).toBe(0);
    }
  });

  it('patches forward near jumps at finish', () => {
    const a = new Assembler();
    const done = a.newLabel('done');
    a.jmp(done);
    a.jcc('l', done);
    a.call(done);
    a.nop(1000);
    a.bind(done);
    a.ret();
    const { code, labels } = a.finish();
    expect(labels.get('done')).toBe(done.offset);
    const branches = decode(code).filter((i) => i.branch !== undefined);
    expect(branches.map((i) => [i.length, i.branch])).toEqual([
      [5, done.offset],
      [6, done.offset],
      [5, done.offset],
    ]);
  });

  it('emits forced-short forward jumps and rejects them when the target is too far', () => {
    const a = new Assembler();
    const near = a.newLabel();
    a.jmp(near, true);
    a.jcc('b', near, true);
    a.nop(100);
    a.bind(near);
    const { code } = a.finish();
    expect(decode(code).filter((i) => i.branch !== undefined).map((i) => [i.length, i.branch])).toEqual([
      [2, near.offset],
      [2, near.offset],
    ]);

    const b = new Assembler();
    const far = b.newLabel('far');
    b.jmp(far, true);
    b.nop(200);
    b.bind(far);
    expect(() => b.finish()).toThrow(/out of range/);
  });

  it('refuses unbound labels and labels bound twice', () => {
    const a = new Assembler();
    a.jmp(a.newLabel('nowhere'));
    expect(() => a.finish()).toThrow(/never bound/);
    const b = new Assembler();
    const l = b.here();
    expect(() => b.bind(l)).toThrow(/bound twice/);
  });

  it('jumps and calls through registers and memory', () => {
    const a = new Assembler();
    a.jmp(rax);
    a.call(r9);
    a.call(qword(rcx, 16));
    a.jmp(mem(rax, 0, rcx, 8));
    const { code } = a.finish();
    expect(decode(code).map((i) => i.mnemonic)).toEqual(['jmp', 'call', 'call', 'jmp']);
  });
});

describe('jump tables', () => {
  it('lays out rel32, offset32 and abs64 tables', () => {
    const a = new Assembler();
    const cases = [a.newLabel(), a.newLabel(), a.newLabel()];
    a.mov(eax, 1);
    const rel = a.jumpTable(cases, 'rel32');
    const off = a.jumpTable(cases, 'offset32');
    const abs = a.jumpTable(cases, 'abs64');
    cases.forEach((c, i) => {
      a.bind(c);
      a.mov(eax, i);
      a.ret();
    });
    const { code, fixups, dataRanges } = a.finish();
    const view = new DataView(code.buffer, code.byteOffset);
    expect(rel.offset % 4).toBe(0);
    expect(abs.offset % 8).toBe(0);
    cases.forEach((c, i) => {
      expect(view.getInt32(rel.offset + 4 * i, true)).toBe(c.offset - rel.offset);
      expect(view.getUint32(off.offset + 4 * i, true)).toBe(c.offset);
    });
    expect(fixups).toEqual(cases.map((c, i) => ({ kind: 'abs64', offset: abs.offset + 8 * i, target: CODE_START, addend: c.offset })));
    expect(dataRanges).toEqual([
      [rel.offset, rel.offset + 12],
      [off.offset, off.offset + 12],
      [abs.offset, abs.offset + 24],
    ]);
  });
});

describe('constant pool', () => {
  it('deduplicates constants, aligns them after the code, and points RIP-relative operands at them', () => {
    const a = new Assembler();
    a.movsd(xmm0, a.constF64(1.5));
    a.addsd(xmm0, a.constF64(1.5));
    a.movss(xmm1, a.constF32(-2));
    a.andpd(xmm0, a.const128(0x7fffffffffffffffn, 0x7fffffffffffffffn));
    a.ret();
    const { code, constantPoolOffset, dataRanges } = a.finish();
    const ins = decode(code, constantPoolOffset);
    const targets = ins.filter((i) => i.ripTarget !== undefined).map((i) => i.ripTarget!);
    expect(targets[0]).toBe(targets[1]);
    const view = new DataView(code.buffer, code.byteOffset);
    expect(view.getFloat64(targets[0]!, true)).toBe(1.5);
    expect(view.getFloat32(targets[2]!, true)).toBe(-2);
    expect(targets[3]! % 16).toBe(0);
    expect(view.getBigUint64(targets[3]!, true)).toBe(0x7fffffffffffffffn);
    expect(new Set(targets).size).toBe(3);
    expect(Math.min(...targets)).toBeGreaterThanOrEqual(constantPoolOffset);
    expect(constantPoolOffset % 16).toBe(0);
    expect(dataRanges).toEqual([[constantPoolOffset, code.length]]);
  });

  it('deduplicates past the few constants it compares one by one (then by an index of their bytes)', () => {
    const a = new Assembler();
    const first = Array.from({ length: 100 }, (_, i) => a.constF64(i).label);
    expect(new Set(first).size).toBe(100);
    for (let i = 99; i >= 0; i--) expect(a.constF64(i).label).toBe(first[i]);
    // The same bytes at another alignment, and as an f32, are other constants.
    expect(a.constant(new Uint8Array(new Float64Array([3]).buffer), 16).label).not.toBe(first[3]);
    expect(a.constF32(0).label).not.toBe(first[0]);
    const out = a.finish();
    // 100 f64s, the 16-aligned copy of 3 (800 is a multiple of 16), the f32.
    expect(out.code.length - out.constantPoolOffset).toBe(100 * 8 + 8 + 4);
  });

  it('places constants at labels made before them (constantAt), the same bytes twice, and still finds the rest by their bytes', () => {
    // The labels' entries repeat bytes (two legacy trys with the same clauses): the index of the
    // pool's bytes must not count on one entry per key (it looped for ever when it did).
    const a = new Assembler();
    const early = [a.newLabel(), a.newLabel()];
    for (const l of early) a.lea(rax, ripLabel(l));
    const bytes = new Uint8Array([1, 0, 0, 0]);
    for (const l of early) a.constantAt(l, bytes, 4);
    const floats = Array.from({ length: 40 }, (_, i) => a.constF64(i).label);
    expect(a.constF64(39).label).toBe(floats[39]);
    expect([early[0], early[1]]).toContain(a.constant(bytes, 4).label);
    a.ret();
    const { code, constantPoolOffset } = a.finish();
    const targets = decode(code, constantPoolOffset).filter((i) => i.ripTarget !== undefined).map((i) => i.ripTarget!);
    const view = new DataView(code.buffer, code.byteOffset);
    expect(targets.map((t) => view.getUint32(t, true))).toEqual([1, 1]);
  });

  it('has no pool when no constant is used', () => {
    const a = new Assembler();
    a.ret();
    const r = a.finish();
    expect(r.constantPoolOffset).toBe(1);
    expect(r.code.length).toBe(1);
  });
});

describe('fix-ups', () => {
  it('records rel32 for external calls and abs64 for absolute addresses', () => {
    const a = new Assembler();
    a.nop(3);
    a.call(external({ func: 7 }));
    a.movAbs(r9, external('memoryBase'), 16);
    const { code, fixups } = a.finish();
    expect(fixups).toEqual([
      { kind: 'rel32', offset: 4, target: { func: 7 }, addend: -4 },
      { kind: 'abs64', offset: 10, target: 'memoryBase', addend: 16 },
    ]);
    expect(Array.from(code.subarray(3, 8))).toEqual([0xe8, 0, 0, 0, 0]);
    expect(Array.from(code.subarray(8, 10))).toEqual([0x49, 0xb9]);
  });

  it('records calls and jumps to functions of the module as rel32s to resolve, and moves them with relaxation', () => {
    const a = new Assembler();
    const skip = a.newLabel();
    a.jmp(skip); // rel32 until relaxed to rel8: the rel32s after it move 3 bytes
    a.nop();
    a.bind(skip);
    a.callFunction(7);
    a.jmpFunction(9);
    a.relaxBranches();
    const calls: [number, number, number][] = [];
    a.addFunctionCalls({ add: (at, callee, addend) => calls.push([at, callee, addend]) }, 100);
    const { code } = a.finish();
    expect(Array.from(code)).toEqual([0xeb, 0x01, 0x90, 0xe8, 0, 0, 0, 0, 0xe9, 0, 0, 0, 0]);
    expect(calls).toEqual([[104, 7, -4], [109, 9, -4]]);
  });

  it('accounts for a trailing immediate in RIP-relative external data', () => {
    const a = new Assembler();
    a.cmp(ripExternal(external('flag'), 8, 32), 5); // 83 3D disp32 ib
    a.cmp(ripExternal(external('flag'), 0, 32), 500); // 81 3D disp32 id
    const { fixups, code } = a.finish();
    expect(code.length).toBe(7 + 10);
    // address(target) + addend - (base + field) = target + disp - end of instruction
    expect(fixups).toEqual([
      { kind: 'rel32', offset: 2, target: 'flag', addend: 8 - 5 },
      { kind: 'rel32', offset: 9, target: 'flag', addend: 0 - 8 },
    ]);
  });
});

describe('immediate selection', () => {
  const length = (emit: (a: Assembler) => void): number => {
    const a = new Assembler();
    emit(a);
    return a.finish().code.length;
  };

  it('loads 64-bit registers with the shortest mov', () => {
    expect(length((a) => a.mov(rax, 0))).toBe(5); // mov eax, 0
    expect(length((a) => a.mov(rax, 0xffffffff))).toBe(5); // zero-extends
    expect(length((a) => a.mov(r9, 1))).toBe(6); // REX.B + B8+r
    expect(length((a) => a.mov(rax, -1))).toBe(7); // mov r/m64, simm32
    expect(length((a) => a.mov(rax, 0xffffffffffffffffn))).toBe(7); // the same value as a bigint
    expect(length((a) => a.mov(rax, 2 ** 32))).toBe(10); // mov r64, imm64
    expect(length((a) => a.mov(rax, -0x80000001))).toBe(10);
  });

  it('uses imm8 whenever the value sign-extends', () => {
    expect(length((a) => a.add(eax, 127))).toBe(3);
    expect(length((a) => a.add(eax, 128))).toBe(5); // add eax, imm32 (accumulator form)
    expect(length((a) => a.add(rcx, -128))).toBe(4);
    expect(length((a) => a.add(ecx, 0xffffffff))).toBe(3); // -1 as a 32-bit value
    expect(() => length((a) => a.add(rcx, 0x80000000))).toThrow(/no encoding/);
    expect(length((a) => a.imul(rax, rcx, 3))).toBe(4);
    expect(length((a) => a.shl(eax, 1))).toBe(2);
    expect(length((a) => a.shl(eax, 5))).toBe(3);
  });

  it('writes the mov r64, imm64 value little-endian', () => {
    const a = new Assembler();
    a.mov(rax, 0x123456789abcdef0n);
    expect(Array.from(a.finish().code)).toEqual([0x48, 0xb8, 0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12]);
  });
});

describe('operand errors', () => {
  it('rejects what has no encoding', () => {
    const a = new Assembler();
    expect(() => a.emit('add', xmm0, 1)).toThrow(/no encoding of 'add xmm0, 1'/);
    expect(() => a.add(mem(rax), 1)).toThrow(/no encoding/); // width unknown
    expect(() => a.emit('frobnicate')).toThrow(/unknown mnemonic/);
    expect(() => mem(rax, 0, rcx, 3 as never)).toThrow(/scale/);
    expect(() => mem(rax, 0, rsp)).toThrow(/rsp cannot be an index/);
    expect(() => a.movzx(eax, mem(rax))).toThrow(/no encoding/); // movzx from unsized memory is ambiguous
    expect(() => a.add(dword(rax), 1)).not.toThrow();
    expect(() => a.imul(rax, undefined, 5)).toThrow(/no encoding/); // operands are positional
    expect(() => a.cvtsi2sd(xmm0, mem(rax))).toThrow(/no encoding/); // int width unknown
    expect(() => a.cvtsi2sd(xmm0, qword(rax))).not.toThrow();
  });
});

describe('branch relaxation', () => {
  it('shrinks near forward jumps whose targets are close, and keeps the far ones', () => {
    const a = new Assembler();
    const near = a.newLabel('near');
    const far = a.newLabel('far');
    a.jmp(near); // 5 -> 2
    a.jcc('ne', far); // stays 6: the target is > 127 bytes away
    a.jcc('e', near); // 6 -> 2
    const before = a.offset;
    a.nop(20);
    a.bind(near);
    a.nop(200);
    a.bind(far);
    a.ret();
    const out = a.finish({ relaxBranches: true });
    expect(out.relaxedBytes).toBe(3 + 4);
    expect(out.mapOffset(before)).toBe(before - 7);
    const branches = decode(out.code).filter((i) => i.branch !== undefined);
    expect(branches.map((i) => [i.length, i.branch])).toEqual([
      [2, near.offset],
      [6, far.offset],
      [2, near.offset],
    ]);
    expect(out.labels.get('near')).toBe(near.offset);
  });

  it('drops omitted bytes with the jumps, moving the labels after them', () => {
    const a = new Assembler();
    const end = a.newLabel('end');
    a.jcc('e', end); // 6 -> 2, and its target moves closer by the omitted bytes too
    a.mov(eax, 1);
    a.nop(7);
    a.omit(a.offset - 7, 7);
    a.bind(end);
    a.ret();
    const out = a.finish({ relaxBranches: true });
    expect(out.relaxedBytes).toBe(4 + 7);
    expect(out.labels.get('end')).toBe(2 + 5);
    expect(decode(out.code).map((i) => i.length)).toEqual([2, 5, 1]);
  });

  it('lengthens a jump pushed out of range by its neighbours staying long', () => {
    // The first jump's distance is 125 bytes if the second one shrinks, and more if it cannot.
    const a = new Assembler();
    const t1 = a.newLabel();
    const t2 = a.newLabel();
    a.jmp(t1);
    a.jmp(t2);
    a.nop(120);
    a.bind(t1);
    a.nop(130);
    a.bind(t2);
    const out = a.finish({ relaxBranches: true });
    const branches = decode(out.code).filter((i) => i.branch !== undefined);
    expect(branches.map((i) => i.branch)).toEqual([t1.offset, t2.offset]);
    expect(branches.every((b) => (b.length === 2) === Math.abs(b.branch! - (b.offset + 2)) <= 127)).toBe(true);
  });

  it('leaves jumps to hand-placed labels alone, and moves those placed inside the code', () => {
    const a = new Assembler();
    const outside = a.newLabel();
    const inside = a.newLabel();
    const near = a.newLabel();
    a.jcc('b', outside); // target set by hand beyond this code (another assembler's coordinates)
    a.jmp(near); // shrinks by 3
    a.nop(4);
    a.bind(near);
    a.jmp(inside); // a backward jump to a hand-placed position inside the code
    outside.offset = a.offset + 100;
    inside.offset = 11; // the nop(4) above, in the code as emitted
    expect(outside.offset).toBe(120);
    const out = a.finish({ relaxBranches: true });
    expect(out.relaxedBytes).toBe(3);
    expect(outside.offset).toBe(120);
    const ins = decode(out.code).filter((i) => i.branch !== undefined);
    expect(ins.map((i) => [i.length, i.branch])).toEqual([
      [6, 120], // unchanged: the jcc did not move and its target, outside the code, was not remapped
      [2, near.offset],
      [5, 11 - 3],
    ]);
  });

  it('keeps every reference right in random code (branches, RIP-relative constants, tables, fix-ups)', () => {
    let seed = 12345;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    let dropsSeen = 0;
    for (let round = 0; round < 20; round++) {
      const build = (): { a: Assembler; labels: Label[] } => {
        seed = 1000 + round;
        const a = new Assembler();
        const labels = Array.from({ length: 40 }, () => a.newLabel());
        let next = 0;
        for (let step = 0; step < 400; step++) {
          const r = random(10);
          if (r < 3 && next < labels.length) {
            const target = labels[Math.min(labels.length - 1, next + random(3))]!;
            if (!target.bound) (r === 0 ? a.jmp(target) : a.jcc(r === 1 ? 'l' : 'ae', target));
          } else if (r === 3 && next < labels.length) a.bind(labels[next++]!);
          else if (r === 4) a.addsd(xmm0, a.constF64(random(4)));
          else if (r === 5) a.call(external({ func: step }));
          else if (r === 7 && next > 0) {
            // Backward branches across relaxed jumps, short and near.
            const target = labels[random(next)]!;
            if (step % 3 === 0) a.call(target);
            else if (step % 3 === 1) a.jmp(target);
            else a.jcc('g', target);
          }
          else if (r === 6 && next + 2 < labels.length) a.jumpTable([labels[next]!, labels[next + 1]!], 'rel32');
          else a.nop(1 + random(9));
        }
        while (next < labels.length) a.bind(labels[next++]!);
        a.ret();
        return { a, labels };
      };
      const plain = build();
      const plainOut = plain.a.finish();
      const relaxed = build();
      const out = relaxed.a.finish({ relaxBranches: true });
      // The same instructions in the same order, every branch landing on the relaxed offset of its old target.
      // (The padding before the constant pool differs, so compare up to the final ret.)
      const upToRet = (list: Decoded[]): Decoded[] => list.slice(0, list.findLastIndex((i) => i.mnemonic === 'ret') + 1);
      const plainIns = upToRet(decode(plainOut.code, plainOut.constantPoolOffset, plainOut.dataRanges));
      const relaxedIns = upToRet(decode(out.code, out.constantPoolOffset, out.dataRanges));
      // A jump that takes no room after relaxation was dropped: it went to the next instruction.
      const dropped = (i: Decoded): boolean => out.mapOffset(i.offset) === out.mapOffset(i.offset + i.length);
      for (const i of plainIns.filter(dropped)) {
        expect(['jmp', 'jae', 'jl']).toContain(i.mnemonic);
        expect(out.mapOffset(i.branch!)).toBe(out.mapOffset(i.offset + i.length));
      }
      const kept = plainIns.filter((i) => !dropped(i));
      expect(relaxedIns.map((i) => i.mnemonic)).toEqual(kept.map((i) => i.mnemonic));
      expect(relaxedIns.map((i) => i.branch)).toEqual(kept.map((i) => (i.branch === undefined ? undefined : out.mapOffset(i.branch))));
      expect(relaxedIns.map((i) => i.offset)).toEqual(kept.map((i) => out.mapOffset(i.offset)));
      // None left that goes to the next instruction.
      expect(relaxedIns.filter((i) => i.mnemonic !== 'call' && i.branch === i.offset + i.length)).toEqual([]);
      dropsSeen += plainIns.length - kept.length;
      // RIP-relative constants still point at the same constant bytes.
      relaxedIns.forEach((ins, k) => {
        if (ins.ripTarget === undefined) return;
        const p = kept[k]!.ripTarget!;
        expect(Array.from(out.code.subarray(ins.ripTarget, ins.ripTarget + 8))).toEqual(Array.from(plainOut.code.subarray(p, p + 8)));
      });
      const tables = (o: typeof out) => o.dataRanges.filter(([s]) => s < o.constantPoolOffset);
      relaxed.labels.forEach((l, i) => expect(l.offset).toBe(out.mapOffset(plain.labels[i]!.offset)));
      expect(out.fixups.map((f) => f.offset)).toEqual(plainOut.fixups.map((f) => out.mapOffset(f.offset)));
      const view = new DataView(out.code.buffer);
      for (const [s, e] of tables(out)) {
        const [ps] = tables(plainOut)[tables(out).findIndex(([x]) => x === s)]!;
        for (let at = s; at < e; at += 4) {
          const plainTarget = ps + new DataView(plainOut.code.buffer).getInt32(ps + (at - s), true);
          expect(s + view.getInt32(at, true)).toBe(out.mapOffset(plainTarget));
        }
      }
      expect(out.relaxedBytes).toBeGreaterThan(0);
    }
    expect(dropsSeen).toBeGreaterThan(0);
  });

  it('drops a jump to the next instruction, also across dropped bytes, but not across a loop head\'s pad', () => {
    const a = new Assembler();
    const next = a.newLabel('next');
    const pastOmitted = a.newLabel('pastOmitted');
    const pastBoth = a.newLabel('pastBoth');
    const head = a.newLabel('head');
    a.mov(eax, 1);
    a.jmp(next); // dropped: its target is where it ends
    a.bind(next);
    a.jmp(pastBoth); // dropped: only dropped bytes lie between it and its target
    a.jcc('e', pastOmitted); // dropped too
    a.nop(7);
    a.omit(a.offset - 7, 7);
    a.bind(pastOmitted);
    a.bind(pastBoth);
    a.jmp(head); // kept (short): the pad before the loop head grows, from 0 to 10 bytes
    expect(a.offset).toBe(33);
    a.alignedLabel(0, head);
    a.ret();
    const out = a.finish({ relaxBranches: true });
    expect(out.relaxedBytes).toBe(5 + 5 + 6 + 7 + 3 - 10);
    expect(decode(out.code).map((i) => [i.mnemonic, i.length])).toEqual([['mov', 5], ['jmp', 2], ['nop', 10], ['ret', 1]]);
    expect(out.labels.get('next')).toBe(5);
    expect(out.labels.get('pastOmitted')).toBe(5);
    expect(out.labels.get('pastBoth')).toBe(5);
    expect(out.labels.get('head')).toBe(17); // 33 mod 16, as emitted
  });
});

describe('reset', () => {
  it('reuses one assembler for several pieces of code', () => {
    const a = new Assembler(16);
    const first = (() => {
      const l = a.newLabel('x');
      a.jmp(l);
      a.movsd(xmm0, a.constF64(1));
      a.call(external('f'));
      a.bind(l);
      a.ret();
      return a.finish();
    })();
    const firstCode = Array.from(first.code);
    a.reset();
    a.mov(eax, 7);
    a.ret();
    const second = a.finish();
    expect(Array.from(second.code)).toEqual([0xb8, 7, 0, 0, 0, 0xc3]);
    expect(second.fixups).toEqual([]);
    expect(second.labels.size).toBe(0);
    expect(second.dataRanges).toEqual([]);
    expect(Array.from(first.code)).toEqual(firstCode);
    expect(first.fixups.length).toBe(1);
    expect(first.dataRanges.length).toBe(1);
  });
});

describe('form selection cache', () => {
  // The cache answers by operand class; the table search is the truth. Every operand below is
  // emitted after another of the same class has filled the cache, and the form used must be the
  // one the search picks for it.
  const immediates = [0, 1, 2, 127, -1, -128, 128, 255, 256, -129, 32767, -32768, 32768, 65407, 65408, 65535, 65536,
    -32769, 0xff7f, 0xff80, 0x7fffffff, -0x80000000, 0x80000000, 0xffffff7f, 0xffffff80, 0xffffffff, -(2 ** 53 - 1), 0.5, 0x100000000, -0x80000001, 2 ** 53 - 1, 1n << 63n, -1n];
  const registers = [rax, rcx, eax, ecx, r9, GPR8[0]!, GPR8[1]!, GPR8[5]!, GPR16[0]!, GPR16[3]!];
  const memories = [mem(rax, 8), dword(rcx), qword(rsp, 1000), byte(r9, -4), word(rax)];
  const mnemonics = ['mov', 'add', 'cmp', 'test', 'imul', 'shl', 'rol', 'push', 'xchg', 'and', 'movzx', 'lea'];
  it('picks the form the table search picks', () => {
    const operands: Operand[] = [...immediates, ...registers, ...memories];
    const a = new Assembler();
    let checked = 0;
    for (const m of mnemonics) {
      const dispatch = dispatchOf(m);
      for (const x1 of [...registers, ...memories]) {
        for (const x2 of [undefined, ...operands]) {
          for (const x3 of m === 'imul' ? [undefined, ...immediates] : [undefined]) {
            const forms = dispatch.bucket(x1, x2);
            const expected = forms.find((f) => a.accepts(f, x1, x2, x3));
            a.reset();
            let got: Form | undefined;
            try {
              got = a.emitWith(dispatch, x1, x2, x3);
            } catch {
              got = undefined;
            }
            expect(got?.row, `${m} ${String(x1 && (x1 as { name?: string }).name)} ${String(x2)} ${String(x3)}`).toEqual(expected?.row);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('sizes jumps to bound labels as the search does, at every distance around rel8 reach', () => {
    const a = new Assembler();
    let short = 0;
    for (const m of ['jmp', 'jcc', 'call']) {
      const dispatch = dispatchOf(m);
      for (let distance = -140; distance <= 140; distance++) {
        for (const here of [0, 7]) {
          a.reset();
          a.nop(here);
          const target = new Label();
          target.offset = here + distance;
          if (target.offset < 0) continue;
          const expected = dispatch.bucket(target, undefined).find((f) => a.accepts(f, target, undefined, undefined));
          const got = a.emitWith(dispatch, target, undefined, undefined, undefined, 4);
          expect(got.row, `${m} to ${distance} from ${here}`).toEqual(expected?.row);
          if (got.shapes[0] === Shape.REL8) short++;
        }
      }
    }
    expect(short).toBeGreaterThan(100);
  });

  it('finishInto writes the code finish() returns at the end of another buffer', () => {
    const emit = (a: Assembler): void => {
      const skip = a.newLabel();
      a.jcc('e', skip);
      a.movsd(xmm0, a.constF64(1.5));
      a.bind(skip);
      a.add(eax, 1000);
      a.call(external('f'));
      a.ret();
    };
    const a = new Assembler();
    emit(a);
    a.relaxBranches();
    const out = new CodeBuffer(16);
    out.append([0xcc, 0xcc, 0xcc]);
    const length = a.finishInto(out);
    const b = new Assembler();
    emit(b);
    const expected = b.finish({ relaxBranches: true });
    expect(length).toBe(expected.code.length);
    expect(Array.from(out.bytes.subarray(3, out.length))).toEqual(Array.from(expected.code));
    expect(a.finishedFixups).toEqual(expected.fixups);
    const ranges: [number, number][] = [];
    a.addDataRanges(ranges, 3);
    expect(ranges).toEqual(expected.dataRanges.map(([s, e]) => [s + 3, e + 3]));
    expect(a.mapOffset(5)).toBe(expected.mapOffset(5));
    expect(new Assembler().finish().code.length).toBe(0);
  });

  it('finishInto slides relaxed code with pads, dropped jumps and long pieces into another buffer as finish() does', () => {
    const emit = (a: Assembler): void => {
      const top = a.here();
      const next = a.newLabel();
      a.jmp(next); // to the next instruction: dropped
      a.bind(next);
      const over = a.newLabel();
      a.jcc('ne', over); // shortened
      a.nop(40); // a piece longer than a byte loop copies
      a.bind(over);
      const head = a.newLabel();
      a.alignedLabel((16 - ((a.offset + 1) % 16)) % 16, head);
      a.add(eax, 1000);
      const far = a.newLabel();
      a.jmp(far); // stays near
      a.nop(200);
      a.bind(far);
      a.jcc('l', head); // backward
      a.jmp(top);
      a.movsd(xmm0, a.constF64(2.5));
      a.ret();
    };
    const a = new Assembler();
    emit(a);
    expect(a.relaxBranches()).toBeGreaterThan(0);
    const out = new CodeBuffer(16);
    out.append([0xcc, 0xcc, 0xcc, 0xcc, 0xcc]);
    const length = a.finishInto(out);
    const b = new Assembler();
    emit(b);
    const expected = b.finish({ relaxBranches: true });
    expect(length).toBe(expected.code.length);
    expect(Array.from(out.bytes.subarray(5, out.length))).toEqual(Array.from(expected.code));
  });
});

describe('rewind', () => {
  it('drops code and the label references made since, and refuses to cross a bound label', () => {
    const asm = new Assembler();
    asm.mov(eax, 1);
    const at = asm.offset;
    asm.movsd(xmm0, asm.constF64(2.5)); // a RIP-relative reference to the pool
    asm.rewind(at);
    expect(asm.offset).toBe(at);
    asm.ret();
    const out = asm.finish();
    // The pool is still emitted (constants are shared), but no reference points into dropped bytes.
    expect(Array.from(out.code.subarray(0, 6))).toEqual([0xb8, 1, 0, 0, 0, 0xc3]);

    const b = new Assembler();
    b.nop(1);
    b.here();
    b.nop(1);
    expect(() => b.rewind(0)).toThrow(/bound label/);
  });
});
