import { describe, expect, it } from 'vitest';
import { watToWasm } from '../../text/watToWasm.ts';
import { runOnV8 } from '../../testing/differentialRunner.ts';
import { parseFeatures, program } from './randomProgram.ts';
import { parseSExpr, printSExpr, reduceWat } from './reduceWat.ts';

describe('reduceWat', () => {
  it('printing a parsed program gives the same module', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const text = program(seed, parseFeatures('all'));
      const printed = printSExpr(parseSExpr(text));
      expect(parseSExpr(printed)).toEqual(parseSExpr(text));
      expect(await watToWasm(printed)).toEqual(await watToWasm(text));
    }
  });

  it('shrinks a program while the property holds', async () => {
    // Property: the module validates and its first call traps with "divide by zero" on V8.
    const features = parseFeatures('floats,memory');
    const traps = async (text: string) => {
      let bytes: Uint8Array;
      try {
        bytes = await watToWasm(text);
      } catch {
        return false;
      }
      return runOnV8(bytes, features)[0]!.result === 'trap: divide by zero';
    };
    let seed = 1;
    while (!(await traps(program(seed, features)))) seed++;
    const text = program(seed, features);
    const { text: small, accepted } = await reduceWat(text, traps, { maxAttempts: 4000 });
    expect(await traps(small)).toBe(true);
    expect(accepted).toBeGreaterThan(0);
    // What is left: the division and little else.
    expect(small.length).toBeLessThan(text.length / 4);
    expect(small).toMatch(/i(32|64)\.(div|rem)_[su]/);
  }, 60_000);
});
