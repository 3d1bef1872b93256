// Trap stubs share tails (traps.ts, emitTrapStubs): each stub sets only the wasm offset and jumps
// to a tail shared with up to 16 others. With 40 traps of one kind in a function (three tails),
// each must still report its own operator's byte offset.
import { describe, expect, it } from 'vitest';
import * as LB from '../api/index.ts';
import { RuntimeError } from '../errors.ts';
import { watToWasm } from '../text/watToWasm.ts';

const COUNT = 40;
const I32_DIV_U = 0x6e;

describe('shared trap tails', () => {
  it('every one of 40 divide-by-zero stubs reports its own offset', async () => {
    // sum of 1 / (n - k) for k = 0..39: with n = k the k-th division divides by zero.
    let body = '(i32.const 0)';
    for (let k = 0; k < COUNT; k++) body = `(i32.add ${body} (i32.div_u (i32.const 1) (i32.sub (local.get 0) (i32.const ${k}))))`;
    const bytes = await watToWasm(`(module (func (export "f") (param i32) (result i32) ${body}))`);
    // The div_u opcodes in body order (each follows `i32.sub`, 0x6b, in this code).
    const offsets: number[] = [];
    for (let i = 1; i < bytes.length; i++) if (bytes[i] === I32_DIV_U && bytes[i - 1] === 0x6b) offsets.push(i);
    expect(offsets.length).toBe(COUNT);
    const f = new LB.Instance(new LB.Module(bytes), {}).exports.f as (n: number) => number;
    expect(f(1000)).toBe(0);
    for (const k of [0, 1, 16, 17, 18, 33, 34, 39]) {
      let caught: unknown;
      try {
        f(k);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(RuntimeError);
      expect((caught as RuntimeError).reason).toBe('integer divide by zero');
      expect((caught as RuntimeError).offset).toBe(offsets[k]);
    }
  });
});
