// The exhaustive encoder check (the same one `npm run check:encoder` runs), as part of `npm test`.
import { describe, expect, it } from 'vitest';
import { checkEncoder, summarize } from './checkEncoder.ts';

describe('encoder against iced-x86', () => {
  it('decodes every encoding to what was meant, never longer than iced-x86', async () => {
    const result = await checkEncoder();
    const lines = summarize(result, 10);
    console.log(lines.slice(-4).join('\n'));
    expect(result.checked).toBeGreaterThan(100_000);
    expect(result.mismatches.map((m) => `${m.meant}: ${m.problem}`).slice(0, 10)).toEqual([]);
    expect(result.shorterInIced.map((m) => `${m.meant}: ${m.problem}`).slice(0, 10)).toEqual([]);
    expect(result.formsNotExercised).toEqual([]);
    expect(lines.at(-1)).toBe(`${result.checked} encodings checked, 0 mismatches`);
  }, 180_000);
});
