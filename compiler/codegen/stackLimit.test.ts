// Stack overflow is a trap, never a crash: with small frames (the prologue's two-instruction
// check) and with frames bigger than the unchecked margin (checked out of line).
import { describe, expect, it } from 'vitest';
import { watToWasm } from '../text/watToWasm.ts';
import { Instance } from '../runtime/instance.ts';
import { MAX_UNCHECKED_FRAME, MAX_UNCHECKED_LEAF_FRAME, TrapCode } from '../abi/index.ts';
import { disassemble, loadIced } from '../x64/disassemble.ts';
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

  it('the check is a 2-byte jb back to the stub just before the entry, however long the body', async () => {
    await loadIced();
    // A loop and a body of more than 127 bytes: the stub cannot be reached forward in 2 bytes.
    const m = compileModule(await watToWasm(`(module (func $f (export "f") (param i32) (result i32)
      (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1))) (br_if $l (i32.lt_u (local.get 0) (i32.const 10))))
      ${'(local.set 0 (i32.mul (local.get 0) (i32.const 3))) '.repeat(40)} (call $g) (local.get 0))
      (func $g))`));
    const f = m.functions[0]!;
    expect(f.size).toBeGreaterThan(127);
    const [stub, cmp, jb] = disassemble(m.code.subarray(f.offset - f.prefix, f.offset + f.size), { base: f.offset - f.prefix });
    expect(stub!.text).toMatch(/^call qword ptr \[r15/);
    expect(cmp!.text).toMatch(/^cmp rsp,/);
    expect(Number(cmp!.address)).toBe(f.offset);
    expect(jb!.text).toMatch(/^jb /);
    expect(parseInt(jb!.text.slice(3), 16)).toBe(f.offset - f.prefix);
    expect(jb!.length).toBe(2);
    const at = m.trapSites.findIndex((x, i) => i % 4 === 0 && x === f.offset);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(m.trapSites[at + 1]).toBe(TrapCode.callStackExhausted);
  });

  it('a leaf with a small frame has no check; a leaf with a big one, or a function that calls, has one', async () => {
    const entryOf = async (body: string) => {
      await loadIced();
      const m = compileModule(await watToWasm(`(module (func $f (param i32) (result i32) ${body}) (func $g))`));
      const f = m.functions[0]!;
      return { prefix: f.prefix, first: disassemble(m.code.subarray(f.offset, f.offset + f.size))[0]!.text };
    };
    expect(await entryOf('(i32.add (local.get 0) (i32.const 1))')).toEqual({ prefix: 0, first: expect.not.stringMatching(/^cmp/) });
    expect(await entryOf('(call $g) (local.get 0)')).toEqual({ prefix: 4, first: expect.stringMatching(/^cmp rsp,/) });
    // More than MAX_UNCHECKED_LEAF_FRAME of live values, no call.
    const values = 600;
    expect(values * 8).toBeGreaterThan(MAX_UNCHECKED_LEAF_FRAME);
    const big = '(i32.mul (local.get 0) (i32.const 3)) '.repeat(values) + '(i32.add) '.repeat(values - 1);
    expect(await entryOf(big)).toEqual({ prefix: 4, first: expect.stringMatching(/^cmp rsp,/) });
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
