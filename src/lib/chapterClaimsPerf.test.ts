// Chapter 15 states numbers from bench/results/latest.json and the README's compile-speed figures
// in its prose. The plot redraws itself from the file; these sentences do not. Each check reads the
// number out of the chapter's text and holds it to the data, so a new benchmark run that changes
// the story fails here until the paragraph is reread.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readBenchResults, ratioToBaseline } from '../../book/examples/performance.ts';
import { repoRoot } from './root.ts';

const chapter = readFileSync(join(repoRoot(), 'book/15-performance.mdx'), 'utf8').replace(/\s+/g, ' ');
const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8').replace(/\s+/g, ' ');
const data = readBenchResults();
const kernel = (name: string) => data.kernels.find((k) => k.kernel === name)!;
const ratio = (name: string, engine: string) => ratioToBaseline(data, kernel(name), engine).toFixed(2);
const lbOverLiftoff = (name: string) => kernel(name).engines.lightbeam!.median / kernel(name).engines.liftoff!.median;

/** The capture groups of the one place the chapter says `pattern`. */
function says(pattern: RegExp): string[] {
  const m = chapter.match(pattern);
  if (!m) throw new Error(`book/15-performance.mdx no longer says ${pattern}`);
  return m.slice(1);
}

describe('book/15-performance.mdx says, of bench/results/latest.json,', () => {
  test('the committed run had no failures and covers thirteen kernels on every engine', () => {
    expect(data.failures).toEqual([]);
    expect(chapter).toContain('The run-time suite is thirteen small programs');
    expect(data.kernels).toHaveLength(13);
    for (const k of data.kernels) expect(Object.keys(k.engines).sort()).toEqual(['liftoff', 'lightbeam', 'native', 'native-vec', 'turbofan']);
  });

  test("Lightbeam's geometric mean against Liftoff, native and TurboFan", () => {
    const [lbLiftoff, lbNative, tfNative, lbTf] = says(/geometric mean is (\d\.\d\d)x Liftoff's time.*?Against native code the geometric mean is (\d\.\d\d)x; TurboFan's is (\d\.\d\d)x, so Lightbeam's code takes (\d\.\d\d)x TurboFan's time/);
    expect(lbLiftoff).toBe(data.geomeans['lightbeam/liftoff']!.toFixed(2));
    expect(lbNative).toBe(data.geomeans.lightbeam!.toFixed(2));
    expect(tfNative).toBe(data.geomeans.turbofan!.toFixed(2));
    expect(lbTf).toBe((data.geomeans.lightbeam! / data.geomeans.turbofan!).toFixed(2));
    // "about a quarter less time"
    expect(data.geomeans['lightbeam/liftoff']!).toBeGreaterThan(0.7);
    expect(data.geomeans['lightbeam/liftoff']!).toBeLessThan(0.8);
  });

  test('all kernels are faster than Liftoff, from the fastest to the slowest named', () => {
    const [low, lowName, high, highName] = says(/all thirteen kernels are faster than\s+Liftoff, from (\d\.\d\d)x \((\w+)\) to (\d\.\d\d)x \((\w+)\)\./);
    const ratios = data.kernels.map((k) => ({ name: k.kernel, r: lbOverLiftoff(k.kernel) })).sort((a, b) => a.r - b.r);
    expect(ratios.filter((x) => x.r >= 1)).toEqual([]);
    expect([ratios[0]!.r.toFixed(2), ratios[0]!.name]).toEqual([low, lowName]);
    expect([ratios.at(-1)!.r.toFixed(2), ratios.at(-1)!.name]).toEqual([high, highName]);
  });

  test('on fib Lightbeam is ahead of both V8 tiers', () => {
    const [lb, tf] = says(/it is ahead of both V8 tiers: (\d\.\d\d)x native against TurboFan's (\d\.\d\d)x/);
    expect([lb, tf]).toEqual([ratio('fib', 'lightbeam'), ratio('fib', 'turbofan')]);
    expect(lbOverLiftoff('fib')).toBeLessThan(1);
  });

  test("on seidel2d Lightbeam and TurboFan are at native's speed and Liftoff is not", () => {
    const [lb, tf, lo] = says(/Lightbeam \((\d\.\d\d)x\) and TurboFan \((\d\.\d\d)x\) are at native's speed; Liftoff takes (\d\.\d\d)x/);
    expect([lb, tf, lo]).toEqual([ratio('seidel2d', 'lightbeam'), ratio('seidel2d', 'turbofan'), ratio('seidel2d', 'liftoff')]);
    expect(Math.abs(Number(lb) - 1)).toBeLessThan(0.05);
    expect(Math.abs(Number(tf) - 1)).toBeLessThan(0.05);
  });

  test('on matmul and jacobi2d vectorised native code takes two thirds of the time of scalar native or less', () => {
    expect(chapter).toContain("native-vec takes two thirds of native's time or less");
    for (const k of ['matmul', 'jacobi2d']) expect(Number(ratio(k, 'native-vec'))).toBeLessThan(0.68);
  });

  test('the kernels closest to Liftoff are named with their ratios', () => {
    const [aName, a, bName, b] = says(/closest to Liftoff — (\w+) \((\d\.\d\d)x\) and (\w+) \((\d\.\d\d)x\)/);
    expect([a, b]).toEqual([lbOverLiftoff(aName!).toFixed(2), lbOverLiftoff(bName!).toFixed(2)]);
    const closest = data.kernels.map((k) => k.kernel).sort((x, y) => lbOverLiftoff(y) - lbOverLiftoff(x)).slice(0, 2);
    expect(closest.sort()).toEqual([aName, bName].sort());
  });
});

/** Warm one-thread compile speed, ours / Liftoff's MB/s, on large.wasm, iced-x86 and onig, as the README's table and the chapter's state it. */
const WARM_ONE_THREAD = ['12.5 / 29.2 (0.43x)', '23.2 / 45.8 (0.51x)', '32.6 / 55.1 (0.59x)',
  // 2026-12-05, this machine's AMD EPYC, ours in a child of its own (bench/warmChild.ts)
  '9.14 / 23.39 (0.39x)', '14.58 / 34.12 (0.43x)', '19.92 / 43.84 (0.45x)'];

describe('book/15-performance.mdx says, of the README and the file tests,', () => {
  test('compile speed and code-size figures are the README\'s', () => {
    for (const figure of [...WARM_ONE_THREAD,
      '110, 82, 73, 71 and 65 ns per byte at 1.1, 4.3, 14.9, 60.6 and 93.5 MB', '440,088', '2.60 vs 2.61, 1,101,149 bytes against 1,104,572', '2.82 vs 2.85', '2.56 vs 2.59', '0.45-1.09x']) {
      expect(readme).toContain(figure);
    }
    for (const figure of [...WARM_ONE_THREAD,
      '110, 82, 73, 71 and 65 ns per byte at 1.1, 4.3, 14.9, 60.6 and 93.5 MB', '440,088', '2.60 against 2.61', '2.82 against 2.85', '2.56 against 2.59', '0.45x to 1.09x', '0.43x to 0.59x']) {
      expect(chapter).toContain(figure);
    }
    expect(readme).toContain('23.8 (1.90x ours) | 42.9 (1.85x ours) | 59.4 (1.82x ours)');
    expect(chapter).toContain('1.82x to 1.90x one thread\'s speed (23.8, 42.9 and 59.4 MB/s');
    expect(readme).toContain('| 1.55x | 1.49x | 1.52x |');
    expect(chapter).toContain('say 1.49x to 1.55x on the idle machine');
  });

  test("cold-start figures (the first compile in a fresh process, whole `lightbeam run`s before and after) are the README's", () => {
    const cold = { large: ['757', '215', '39'], iced: ['767', '168', '20'], onig: ['372', '116', '10'] };
    const [all, main, liftoff] = [0, 1, 2].map((i) => Object.values(cold).map((c) => c[i]!)) as [string[], string[], string[]];
    expect(readme).toContain(`| CPU, every thread: what \`lightbeam run\` costs | ${all[0]} (1.50) | ${all[1]} (1.02) | ${all[2]} (1.25) |`);
    expect(readme).toContain(`| CPU of the main thread alone | ${main[0]} (5.27) | ${main[1]} (4.67) | ${main[2]} (4.03) |`);
    expect(readme).toContain(`| V8 Liftoff's first compile (CPU) | ${liftoff[0]} (29.2) | ${liftoff[1]} (38.4) | ${liftoff[2]} (45.0) |`);
    expect(chapter).toContain(`| every thread: what \`lightbeam run\` costs | ${all[0]} (1.50 MB/s) | ${all[1]} (1.02 MB/s) | ${all[2]} (1.25 MB/s) |`);
    expect(chapter).toContain(`| the main thread alone | ${main!.join(' | ')} |`);
    expect(chapter).toContain(`| Liftoff's first compile | ${liftoff!.join(' | ')} |`);
    // The share off the main thread and the cold/warm ratio, from those rows and the warm table.
    const offMain = Object.values(cold).map(([all, main]) => 1 - Number(main!.replace(',', '')) / Number(all!.replace(',', '')));
    expect(`${Math.round(Math.min(...offMain) * 100)}-${Math.round(Math.max(...offMain) * 100)}%`).toBe('69-78%');
    expect(readme).toContain('69-78% of it is not on the main thread');
    expect(chapter).toContain('69-78% of the CPU is on V8\'s background threads');
    const warmMs = [1131155, 784176, 466610].map((bytes, i) => bytes / Number(WARM_ONE_THREAD[i]!.split(' / ')[0]) / 1e3);
    const ratios = Object.values(cold).map(([all], i) => Number(all!.replace(',', '')) / warmMs[i]!);
    expect([Math.round(Math.min(...ratios)), Math.round(Math.max(...ratios))]).toEqual([8, 26]);
    expect(readme).toContain('costs 8-26 times the warm compile\'s CPU');
    expect(chapter).toContain('costs 8 to 26 times the warm one');
    // Whole runs, before and after.
    expect(readme).toContain('| fib.wasm `--invoke setup` (266 bytes) | 490 [470-530] | 280 [270-300] |');
    expect(readme).toContain('| large.wasm (1.1 MB; the same) | 4,550 [4,170-4,700] | 2,440 [2,350-2,560] |');
    expect(chapter).toContain('costs 280 ms of CPU instead of 490');
    expect(chapter).toContain('of large.wasm 2,440 instead of 4,550');
    expect(readme).toContain('On 2 threads the CPU was 1.5-1.8 times one thread\'s');
    expect(chapter).toContain('two threads cost 1.5-1.8 times one thread\'s CPU');
  });

  test('in local-registers.wat the loop keeps $sum in r9, $i in r8, and reads $d from its slot', () => {
    const disasm = readFileSync(join(repoRoot(), 'compiler/codegen/filetests/local-registers.disasm'), 'utf8');
    expect(disasm).toContain('add r9d, eax');
    expect(disasm).toContain('lea r8d, [r8+1]');
    expect(disasm).toContain('add r9d, [rsp+0x58]');
    expect(disasm).toContain('xor eax, ebx');
    expect(disasm).toContain('and eax, r12d');
    expect(disasm).toContain('or eax, r13d');
  });

  test('in in-place.wat x &= x - 1 is lea eax, [rdi-1]; and edi, eax, and n += 1 is one lea', () => {
    const disasm = readFileSync(join(repoRoot(), 'compiler/codegen/filetests/in-place.disasm'), 'utf8');
    expect(disasm).toMatch(/lea eax, \[rdi-1\][^\n]*\n[^\n]*and edi, eax/);
    expect(disasm).toContain('lea ebx, [rbx+1]');
    expect(disasm).toMatch(/mov ebx, edi[^\n]*\n[^\n]*xor ebx, esi/);
  });
});
