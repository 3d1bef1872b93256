// Traps are trap calls named by their return address (traps.ts): the runtime finds the trap code,
// function and byte offset in the module's trapSites. Outside loops the call is inline, inside a
// loop it is a stub at the end of the function; every one must report its own operator's byte
// offset and its own function, compiled in one piece or in parts.
import { describe, expect, it } from 'vitest';
import * as LB from '../api/index.ts';
import { RuntimeError } from '../errors.ts';
import { trapOf } from './testing/trapOf.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { Assembler, CONDITIONS } from '../x64/index.ts';
import { emitTrapCall, emitTrapCallIf } from './traps.ts';

const COUNT = 40;
const I32_DIV_U = 0x6e;


describe('trap calls', () => {
  it('every one of 40 inline divide-by-zero trap calls reports its own offset', async () => {
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

  it('stubs at the end of a function (inside loops), the stack check and unreachable report their function and offset, in one piece or in parts', async () => {
    const wat = `(module (memory 1)
      (func $pad (export "pad") (result i32) (i32.const 0))
      (func $sum (export "sum") (param $p i32) (param $n i32) (result i32) (local $s i32)
        (loop $l
          (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (local.get $s))
      (func $deep (export "deep") (param i32) (result i32) (call $deep (i32.add (local.get 0) (i32.const 1))))
      (func $never (export "never") unreachable))`;
    const bytes = await watToWasm(wat);
    const I32_LOAD = 0x28, UNREACHABLE = 0x00;
    const load = bytes.findIndex((b, i) => b === I32_LOAD && bytes[i + 1] === 0x02 && bytes[i + 2] === 0x00);
    const { compileModule, compilePart } = await import('./moduleCompiler.ts');
    const { mergeParts } = await import('./moduleParts.ts');
    const whole = compileModule(bytes);
    const parts = mergeParts([0, 1, 2].map((index) => compilePart(bytes, { index, count: 3 })));
    for (const compiled of [whole, parts]) {
      const { Instance } = await import('../runtime/instance.ts');
      const exports = new Instance(compiled).exports as Record<string, (...a: number[]) => number>;
      // sum reads past the end of memory on its 2nd iteration: the stub is in the loop.
      const oob = trapOf(() => exports.sum!(65532, 3));
      expect(oob.reason).toBe('out of bounds memory access');
      expect([oob.funcIndex, oob.offset]).toEqual([1, load]);
      const deep = trapOf(() => exports.deep!(0));
      expect(deep.reason).toBe('call stack exhausted');
      expect(deep.funcIndex).toBe(2);
      const never = trapOf(() => exports.never!());
      expect(never.reason).toBe('unreachable');
      expect(never.funcIndex).toBe(3);
      expect(bytes[never.offset!]).toBe(UNREACHABLE);
    }
  });
});

describe('inline trap calls', () => {
  it('emitTrapCallIf writes what jcc over emitTrapCall assembles', () => {
    for (let cc = 0; cc < 16; cc++) {
      const want = new Assembler();
      const over = want.newLabel();
      want.jcc(CONDITIONS[cc ^ 1]!, over, true);
      emitTrapCall(want);
      want.bind(over);
      const got = new Assembler();
      emitTrapCallIf(got, cc);
      expect([...got.buf.toBytes()]).toEqual([...want.finish().code]);
    }
  });
});
