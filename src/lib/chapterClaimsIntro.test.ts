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

const native = process.arch === 'x64' && process.platform === 'linux';
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
