// Chapter 16 states facts about the test machinery and the fuzzer's long run in its prose. Each
// check reads the fact out of the chapter's text and holds it to the code or to arithmetic, so a
// change under a sentence fails here until the paragraph is reread.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { INPUTS, TINY_PROGRAMS, TINY_SEED, tinyDifferential } from '../../book/examples/testing.ts';
import { ARG_TUPLES } from '../../compiler/testing/fuzz/transcript.ts';
import { MUTANTS_PER_JOB } from '../../compiler/testing/fuzz/checks.ts';
import { nativeUnavailable } from './examples.ts';
import { repoRoot } from './root.ts';

const root = repoRoot();
const chapter = readFileSync(join(root, 'book/16-testing-a-compiler.mdx'), 'utf8').replace(/\s+/g, ' ');
const source = (path: string) => readFileSync(join(root, path), 'utf8');
const num = (s: string) => Number(s.replace(/,/g, ''));
const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty', 'twenty-one', 'twenty-two', 'twenty-three', 'twenty-four', 'twenty-five', 'twenty-six'];

/** The capture groups of the one place the chapter says `pattern`. */
function says(pattern: RegExp): string[] {
  const m = chapter.match(pattern);
  if (!m) throw new Error(`book/16-testing-a-compiler.mdx no longer says ${pattern}`);
  return m.slice(1);
}

describe('book/16-testing-a-compiler.mdx says', () => {
  test('how many file tests there are, each with its expected disassembly', () => {
    const [n] = says(/`compiler\/codegen\/filetests` holds ([\w-]+) `\.wat` files/);
    const files = readdirSync(join(root, 'compiler/codegen/filetests'));
    const wats = files.filter((f) => f.endsWith('.wat'));
    expect(WORDS.indexOf(n!)).toBe(wats.length);
    for (const w of wats) expect(files).toContain(w.replace(/\.wat$/, '.disasm'));
  });

  test("the fuzz-exec runs' modules add up; log-v128's hook and the names it uses are there", () => {
    const [total, agreed, unjudged, failed, generator] = says(/checked ([\d,]+) modules: ([\d,]+) agreed with binaryen to the last line, (\d+) were left unjudged at instantiation in the same way, binaryen failed on (\d+) and its generator on (\d+)/);
    expect(num(agreed!) + num(unjudged!) + num(failed!) + num(generator!)).toBe(num(total!));
    const [all, toTheEnd] = says(/of (\d+) modules, (\d+) gave binaryen's lines to the end, one was left unjudged/);
    expect(num(toTheEnd!) + 2).toBe(num(all!));
    expect(source('compiler/runtime/calls.ts')).toContain('export const v128ArgumentHosts');
    expect(source('compiler/testing/fuzz/fuzzExecOracle.ts')).toContain('v128ArgumentHosts.add(');
  });

  test("the custom descriptors campaign's modules add up", () => {
    const [total, generator, runs, agreed, failed, unjudged] = says(/checked ([\d,]+) modules: the generator failed on (\d+), Lightbeam's three runs agreed on the other ([\d,]+), and of those ([\d,]+) agreed with binaryen to the last line, binaryen failed on (\d+) and (\d+) were left unjudged at instantiation/);
    expect(num(generator!) + num(runs!)).toBe(num(total!));
    expect(num(agreed!) + num(failed!) + num(unjudged!)).toBe(num(runs!));
    expect(source('compiler/testing/fuzz/binaryenSource.ts')).toContain('const MODULES_PER_COPY = 500;');
  });

  test("the long run's modules add up, and the mutants are whole jobs", () => {
    const [total, minutes, binaryen, own, mutate] = says(/It checked ([\d,]+) modules in (\d+) minutes: ([\d,]+) from binaryen, ([\d,]+) of its own and ([\d,]+) mutants/);
    expect(num(binaryen!) + num(own!) + num(mutate!)).toBe(num(total!));
    expect(num(mutate!) % MUTANTS_PER_JOB).toBe(0);
    expect(chapter).toContain(`--minutes ${minutes} --seed 100000 --jobs 2`);
    expect(chapter).toContain('0 crashes, 0 hangs and 0 mismatches in the compiler');
  });

  test('the fuzzer runs two child processes by default and calls each export with three tuples', () => {
    expect(chapter).toContain('(`--jobs`, two by default)');
    expect(source('scripts/fuzzer.ts')).toContain("number('jobs', 2)");
    expect(chapter).toContain('with three tuples of arguments');
    expect(ARG_TUPLES).toBe(3);
  });

  test("binaryen's modules are made with --denan", () => {
    expect(chapter).toContain('made with `--denan`');
    expect(source('compiler/testing/fuzz/binaryenSource.ts')).toContain("'--denan'");
  });

  test('the regression test holds -2^53 from binaryen seed 1273', () => {
    const t = source('compiler/codegen/fuzzFindings.test.ts');
    expect(chapter).toContain("binaryen's seed 1273");
    expect(t).toContain('binaryen seed 1273');
    expect(t).toContain("'-9007199254740992'");
    expect(t).toContain("'9007199254740992'");
  });

  test('the tiny tester runs 200 functions on five argument pairs', () => {
    expect(chapter).toContain(`on ${TINY_PROGRAMS} functions`);
    expect(chapter).toContain('with the same five pairs of arguments');
    expect(INPUTS).toHaveLength(5);
  });

  test.skipIf(nativeUnavailable() !== undefined)('every call of the tiny tester agrees, traps included', async () => {
    expect(chapter).toContain('Every call agrees, including the ones that trap');
    const r = await tinyDifferential(TINY_SEED, TINY_PROGRAMS);
    expect(r.disagreements).toEqual([]);
    expect(r.agreed).toBe(TINY_PROGRAMS * INPUTS.length);
    expect(r.traps).toBeGreaterThan(0);
  });
});
