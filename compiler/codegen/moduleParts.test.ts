import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileModule, compilePart } from './moduleCompiler.ts';
import { mergeParts } from './moduleParts.ts';
import { programModule } from './testing/randomProgram.ts';
import { watToWasm } from '../text/watToWasm.ts';

const dir = join(import.meta.dirname, '../testing/cprograms');
const modules: [string, () => Promise<Uint8Array>][] = [
  ...readdirSync(dir).filter((f) => f.endsWith('.wasm')).map((f): [string, () => Promise<Uint8Array>] => [f, async () => new Uint8Array(readFileSync(join(dir, f)))]),
  ['60 random functions', () => watToWasm(programModule(7, 60), { name: 'generated.wat' })],
  // Tail calls jump to functions other parts compile: their rel32s are patched like calls'.
  ['30 random functions with tail calls', () => watToWasm(programModule(7, 30, { tailCalls: true }), { name: 'tail.wat' })],
];

describe('compiling a module in parts', () => {
  for (const [name, load] of modules) {
    it(`gives exactly the single-threaded result: ${name}`, async () => {
      const bytes = await load();
      const whole = compileModule(bytes, { notes: true });
      for (const count of [2, 3]) {
        const parts = Array.from({ length: count }, (_, index) => compilePart(bytes, { index, count }, { notes: true }));
        // Each part generates code only for its own functions.
        for (const p of parts) expect(p.functions.length).toBeLessThan(whole.functions.length);
        // Merged in any order, the parts give the same bytes and the same metadata.
        const merged = mergeParts(parts.slice().reverse());
        expect(Buffer.from(merged.code).equals(Buffer.from(whole.code))).toBe(true);
        expect(merged.functions).toEqual(whole.functions);
        expect(merged.trapSites).toEqual(whole.trapSites);
        expect(merged.notes).toEqual(whole.notes);
        expect(merged.dataRanges).toEqual(whole.dataRanges);
        expect(merged.stubbed).toEqual(whole.stubbed);
        expect(merged.boundsChecks).toEqual(whole.boundsChecks);
      }
    });
  }

  it('shares the code out by size, not by index: every part gets about half of a module whose big functions have even indexes', async () => {
    const big = Array.from({ length: 200 }, (_, i) => `local.get 0 i32.const ${i + 1000} i32.add local.set 0`).join(' ');
    const funcs = Array.from({ length: 20 }, (_, i) => `(func (param i32) (result i32) ${i % 2 === 0 ? big : ''} local.get 0)`);
    const bytes = await watToWasm(`(module ${funcs.join('\n')})`);
    const codeBytes = (index: number): number => compilePart(bytes, { index, count: 2 }).functions.reduce((n, f) => n + f.size, 0);
    const [a, b] = [codeBytes(0), codeBytes(1)];
    // Every other function would give one part all ten big ones; by size, each part has five.
    expect(Math.min(a, b) / Math.max(a, b)).toBeGreaterThan(0.8);
  });
});
