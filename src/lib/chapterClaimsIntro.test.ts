// Chapters 1 and 2 start from small teaching programs (book/examples/first-compiler.ts and
// naive-decoder.ts) and state facts about them and about the real compiler: byte counts, what
// each version does with bad input, how many lines the small versions take. These checks hold
// the sentences to the code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { listFunctions } from '../../compiler/codegen/listing.ts';
import { disassemble, loadIced } from '../../compiler/x64/index.ts';
import { compileNaively } from '../../book/examples/naive-stack.ts';
import * as tiny from '../../book/examples/first-compiler.ts';
import * as naive from '../../book/examples/naive-decoder.ts';
import { extractRegion } from './regions.ts';
import { repoRoot } from './root.ts';
import { nativeUnavailable } from './examples.ts';

// As the examples decide: they run native code unless the machine (or LIGHTBEAM_NO_NATIVE) says no.
const native = nativeUnavailable() === undefined;
const regionLines = (file: string, region: string): number =>
  extractRegion(readFileSync(join(repoRoot(), file), 'utf8'), region, file).code.split('\n').length;

describe('book/01-introduction.mdx says', () => {
  test('the interpreter and the tiny compiler take about fifty lines together', () => {
    const lines = regionLines('book/examples/first-compiler.ts', 'tiny-interpreter') + regionLines('book/examples/first-compiler.ts', 'tiny-compiler');
    expect(lines).toBeGreaterThanOrEqual(40);
    expect(lines).toBeLessThanOrEqual(60);
  });

  test('(a - b) * 10 is twenty bytes of machine code, and the hand-written bytes are the instructions the comments name', async () => {
    await loadIced();
    const p = tiny.tinyPrograms.find((x) => x.name === '(a - b) * 10')!;
    const code = tiny.compileTiny(p.program);
    expect(code.length).toBe(20);
    expect(disassemble(code).map((l) => l.text)).toEqual([
      'push rdi', 'push rsi', 'pop rcx', 'pop rax', 'sub eax, ecx', 'push rax',
      'push 0xa', 'pop rcx', 'pop rax', 'imul eax, ecx', 'push rax', 'pop rax', 'ret',
    ]);
  });

  test("the tiny compiler writes the same instructions as chapter 6's literal code generator, which uses the real assembler", async () => {
    await loadIced();
    for (const p of tiny.tinyPrograms) {
      const wasm = await watToWasm(tiny.watOf(p.params, p.program));
      const texts = (b: Uint8Array) => disassemble(b).map((l) => l.text);
      expect(texts(tiny.compileTiny(p.program)), p.name).toEqual(texts(compileNaively(wasm)));
    }
  });

  test('interpreter, tiny compiler and Lightbeam agree on every program, including the wrap-around to -2147483648', async () => {
    const { rows } = await tiny.threeWays();
    for (const [name, , interpreted, tinyResult, lightbeam] of rows) {
      if (native) {
        expect(tinyResult, String(name)).toBe(interpreted);
        expect(lightbeam, String(name)).toBe(interpreted);
      } else {
        expect(tinyResult).toBe('not run');
      }
    }
    expect(rows.at(-1)![2]).toBe(-2147483648);
  });

  test('i32.const 1; i32.add: the interpreter reports a stack underflow; the tiny compiler writes two pops after one push', async () => {
    expect(() => tiny.interpret([['i32.const', 1], ['i32.add']], [])).toThrow('stack underflow');
    await loadIced();
    const texts = disassemble(tiny.compileTiny([['i32.const', 1], ['i32.add']])).map((l) => l.text);
    expect(texts.slice(0, 3)).toEqual(['push 1', 'pop rcx', 'pop rax']);
  });

  test('a + 100: eight instructions from the tiny compiler, six of them pushes and pops; Lightbeam’s body is one lea and ret', async () => {
    await loadIced();
    const texts = disassemble(tiny.compileTiny(tiny.tinyPrograms[0]!.program)).map((l) => l.text);
    expect(texts).toHaveLength(8);
    expect(texts.filter((t) => /^(push|pop) /.test(t))).toHaveLength(6);
    const [f] = listFunctions(compileModule(await watToWasm(tiny.watOf(1, tiny.tinyPrograms[0]!.program))));
    const all = f!.instructions.map((i) => i.text).filter((t) => !t.startsWith('nop'));
    const body = all.slice(all.findIndex((t) => t.startsWith('jb ')) + 1, all.indexOf('ret') + 1);
    expect(body).toEqual([expect.stringMatching(/^lea eax, \[\w+\+(0x64|100)\]$/), 'ret']);
  });
});

describe('book/02-reading-the-binary-format.mdx says', () => {
  const fibWasm = async () => watToWasm(readFileSync(join(repoRoot(), 'book/examples/fib.wat'), 'utf8'));
  const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

  test('fib.wasm is 61 bytes, with the four sections the chapter spells out byte by byte', async () => {
    const b = await fibWasm();
    expect(b.length).toBe(61);
    const text = hex(b);
    expect(text.startsWith('00 61 73 6d 01 00 00 00 01 06 01 60 01 7f 01 7f 03 02 01 00 07 07 01 03 66 69 62 00 00 0a 1e 01 1c 00 20 00 41 02 49 04 7f')).toBe(true);
    expect(text.endsWith('0b 0b')).toBe(true);
    // "All the numbers in fib.wasm are small enough to take one byte": no byte has the continuation bit.
    expect(Math.max(...b)).toBeLessThan(0x80);
  });

  test('the naive decoder reads fib: one type [i32] -> [i32], one export, 17 operators', async () => {
    const m = naive.decodeModule(await fibWasm());
    expect(m.types).toEqual(['[i32] -> [i32]']);
    expect(m.functions).toEqual([0]);
    expect(m.exports).toEqual(['"fib": func 0']);
    expect(m.bodies).toHaveLength(1);
    expect(m.bodies[0]).toHaveLength(17);
    expect(m.bodies[0]!.slice(0, 4)).toEqual(['local.get 0', 'i32.const 2', 'i32.lt_u', 'if (result i32)']);
  });

  test('naive LEB128: six bytes read as 8 (the shift wraps at 32), 35 bits silently cut, a number cut short read as 0; the Reader rejects all three', () => {
    const rows = naive.numberRows();
    const byBytes = Object.fromEntries(rows.map((r) => [r[0], r]));
    expect(byBytes['80 80 80 80 80 01']![1]).toBe('8');
    expect(byBytes['80 80 80 80 80 01']![2]).toMatch(/integer representation too long/);
    expect(byBytes['ff ff ff ff 7f']![1]).toBe('4294967295');
    expect(byBytes['ff ff ff ff 7f']![2]).toMatch(/integer too large/);
    expect(byBytes['80 80']![1]).toBe('0');
    expect(byBytes['80 80']![2]).toMatch(/unexpected end/);
    expect(byBytes['02']!.slice(1, 3)).toEqual(['2', '2']);
  });

  test('a cut-short module and a body that claims 124 bytes: the naive decoder dies with a TypeError, the real one says CompileError with an offset', async () => {
    const [whole, cut, longer] = await naive.moduleRows();
    expect(whole!.slice(1)).toEqual(['17 operators', 'valid: 1 function']);
    for (const row of [cut!, longer!]) {
      expect(row[1]).toMatch(/^TypeError: .*immediate/);
      expect(row[2]).toMatch(/^CompileError: .*\(at byte 0x[0-9a-f]+\)/);
    }
    expect(longer![2]).toMatch(/unexpected end of section or function/);
  });

  test('the operator table: 582 rows, 485 of them regular (neither special nor unsupported)', async () => {
    const { allOperators } = await import('../../compiler/binary/operators.ts');
    const all = [...allOperators()];
    expect(all).toHaveLength(582);
    expect(all.filter((o) => o.family !== 'special' && o.family !== 'unsupported')).toHaveLength(485);
    expect(all.find((o) => o.opcode === 0x6a)).toMatchObject({ name: 'i32.add', immediate: '-', family: 'binary' });
  });

  test('the streaming decoder rejects a bad magic number after four bytes', async () => {
    const { StreamingValidator } = await import('../../compiler/validate/index.ts');
    expect(() => new StreamingValidator().push(new Uint8Array([0x00, 0x61, 0x73, 0x6e]))).toThrow('magic header not detected');
  });

  test('45 bytes of fib: the code section has begun and push returns waiting; the other 16 complete the body', async () => {
    const [out] = await naive.pushInTwoParts();
    const text = (out as { text: string }).text;
    expect(text).toContain('code section begins: every declaration is known, after 45 bytes');
    expect(text).toContain('push(the other 16)');
    expect(text.indexOf('function 0 validated')).toBeGreaterThan(text.indexOf('push(the other 16)'));
  });
});
