import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateIcedSources } from './iced.ts';
import { Assembler, disassemble, formatListing, loadIced, loadIcedFromSources, eax, rax, rdi, qword, xmm0 } from './index.ts';

beforeAll(async () => {
  await loadIced();
});

describe('disassemble', () => {
  it('lists offset, bytes, Intel text and notes', () => {
    const a = new Assembler();
    a.mov(rax, qword(rdi, 8));
    a.add(eax, 1);
    a.ret();
    const { code } = a.finish();
    const lines = disassemble(code, { base: 0x1000n, notes: [[0, 'i64.load'], [5, 'i32.add'], [4, 'i32.const 1'], [99, 'end']] });
    expect(lines.map((l) => [l.offset, l.address, l.hex, l.text, l.notes])).toEqual([
      [0, 0x1000n, '48 8b 47 08', 'mov rax, [rdi+8]', ['i64.load']],
      [4, 0x1004n, '83 c0 01', 'add eax, 1', ['i32.const 1', 'i32.add']],
      [7, 0x1007n, 'c3', 'ret', ['end']],
    ]);
    const listing = formatListing(lines);
    expect(listing.split('\n')[0]).toMatch(/^0000 {2}48 8b 47 08 +mov rax, \[rdi\+8\] +; i64\.load$/);
  });

  it('shows data ranges as db lines and keeps decoding after them', () => {
    const a = new Assembler();
    const l = a.newLabel();
    a.jmp(l);
    a.jumpTable([l], 'rel32');
    a.bind(l);
    a.movsd(xmm0, a.constF64(0));
    a.ret();
    const out = a.finish();
    const lines = disassemble(out.code, { data: out.dataRanges });
    const data = lines.filter((line) => line.isData);
    expect(data.map((d) => d.offset)).toEqual([out.dataRanges[0]![0], out.constantPoolOffset]);
    expect(data[1]!.text).toBe('db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00');
    expect(lines.filter((line) => !line.isData).map((line) => line.text.split(' ')[0])).toContain('movsd');
    expect(lines.at(-1)!.offset + lines.at(-1)!.length).toBe(out.code.length);
  });

  it('marks undecodable bytes', () => {
    const lines = disassemble(new Uint8Array([0x06]));
    expect(lines[0]!.text).toBe('(bad)');
  });

  it('loads iced-x86 from its sources the way a browser would', () => {
    const pkg = dirname(createRequire(import.meta.url).resolve('iced-x86'));
    const iced = evaluateIcedSources(readFileSync(join(pkg, 'iced_x86.js'), 'utf8'), new Uint8Array(readFileSync(join(pkg, 'iced_x86_bg.wasm'))));
    const decoder = new iced.Decoder(64, new Uint8Array([0x48, 0x01, 0xc8]), iced.DecoderOptions.None);
    const instr = decoder.decode();
    const formatter = new iced.Formatter(iced.FormatterSyntax.Intel);
    expect(formatter.format(instr)).toBe('add rax,rcx');
    for (const o of [formatter, instr, decoder]) o.free();
    expect(loadIcedFromSources('throw new Error("not evaluated when already loaded")', new Uint8Array())).toBeDefined();
  });
});

describe('nop padding', () => {
  it('pads with recommended nops that decode as whole instructions', () => {
    for (let n = 1; n <= 20; n++) {
      const a = new Assembler();
      a.nop(n);
      const { code } = a.finish();
      expect(code.length).toBe(n);
      const lines = disassemble(code);
      // 66 90 is the two-byte nop; iced spells it 'xchg ax, ax'.
      expect(lines.every((l) => l.text.startsWith('nop') || l.text === 'xchg ax, ax')).toBe(true);
      expect(lines.length).toBe(Math.ceil(n / 9));
    }
  });

  it('aligns', () => {
    const a = new Assembler();
    a.ret();
    a.align(16);
    expect(a.offset).toBe(16);
    a.align(16);
    expect(a.offset).toBe(16);
  });
});
