// Stack overflow is a trap, never a crash: with small frames (the prologue's two-instruction
// check) and with frames bigger than the unchecked margin (checked out of line).
import { describe, expect, it } from 'vitest';
import { watToWasm } from '../text/watToWasm.ts';
import { Instance } from '../runtime/instance.ts';
import { MAX_UNCHECKED_FRAME } from '../abi/index.ts';
import { compileModule } from './moduleCompiler.ts';

async function run(wat: string, ...args: unknown[]): Promise<unknown> {
  const f = new Instance(compileModule(await watToWasm(wat, { names: true }))).exports.f as (...a: unknown[]) => unknown;
  return f(...args);
}

describe('stack limit', () => {
  it('unbounded recursion traps with "call stack exhausted"', async () => {
    await expect(run(`(module (func $f (export "f") (param i32) (result i32)
      (i32.add (call $f (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))`, 0)).rejects.toThrow(/call stack exhausted/);
  });

  it('a frame bigger than the unchecked margin is checked before it is allocated', async () => {
    // 3000 products live across the recursive call: each has a slot, 24 KB of frame.
    const values = 3000;
    expect(values * 8).toBeGreaterThan(MAX_UNCHECKED_FRAME);
    const body = '(i32.mul (local.get 0) (i32.const 3)) '.repeat(values) + '(call $f (local.get 0)) ' + '(i32.add) '.repeat(values);
    await expect(run(`(module (func $f (export "f") (param i32) (result i32) ${body}))`, 1)).rejects.toThrow(/call stack exhausted/);
    // And the same frame works when it fits: no recursion.
    const ok = '(i32.mul (local.get 0) (i32.const 3)) '.repeat(values) + '(i32.add) '.repeat(values - 1);
    expect(await run(`(module (func $f (export "f") (param i32) (result i32) ${ok}))`, 1)).toBe(3 * values);
  });
});
