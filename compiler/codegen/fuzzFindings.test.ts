// Regression tests for what `npm run fuzz` found (compiler/testing/fuzz): each module, reduced,
// runs on Lightbeam and on V8 and the transcripts (results, traps, imported calls, final state)
// must agree.
import { describe, expect, it } from 'vitest';
import { watToWasm } from '../text/watToWasm.ts';
import { exposeState } from '../testing/fuzz/moduleShape.ts';
import { firstDifference, lightbeamEngine, transcript, v8Engine } from '../testing/fuzz/transcript.ts';

async function agreesWithV8(wat: string): Promise<string[]> {
  const bytes = exposeState(await watToWasm(wat));
  const want = transcript(v8Engine, bytes);
  expect(firstDifference(want, transcript(lightbeamEngine, bytes))).toBeUndefined();
  return want;
}

describe('fuzz findings agree with V8', () => {
  // #region minus-two-to-the-53
  // binaryen seed 1273: an i64 constant of -2^53 (a double, but not a safe integer) reached the
  // assembler as a number: "internal error in the code generator: x64: no encoding of 'mov rbx, ...'".
  it('i64 constants at and around -2^53 and 2^53 into registers and memory', async () => {
    const consts = ['-9007199254740992', '-9007199254740991', '-9007199254740993', '9007199254740992', '9007199254740991', '-9007194959773696'];
    const t = await agreesWithV8(`(module
      (memory 1)
      (global $g (mut i64) (i64.const 0))
      ${consts.map((c, i) => `(func (export "tee${i}") (param i32) (result i64) (local i64)
        i64.const ${c}
        local.tee 1
        drop
        local.get 1)
      (func (export "store${i}") (result i64)
        i32.const 8
        i64.const ${c}
        i64.store
        i64.const ${c}
        global.set $g
        i32.const 8
        i64.load)`).join('\n')})`);
    expect(t).toContain('tee0(0) = -9007199254740992n');
  });
  // #endregion minus-two-to-the-53

  // binaryen-gc seed 6632 (a GC module, the table index a ref.eq): a comparison left in the flags
  // as return_call_indirect's table index was read from the value stack before the flags were
  // made a register value: "internal error in the code generator: codegen: flags value read as a
  // move source". The same with i32.eq, which V8 can judge.
  it('return_call_indirect whose table index is a comparison still in the flags', async () => {
    const t = await agreesWithV8(`(module
      (type $t (func (param f32) (result i32)))
      (table 2 funcref)
      (elem (i32.const 0) $zero $one)
      (func $zero (type $t) (i32.const 10))
      (func $one (type $t) (i32.const 11))
      (func (export "tail") (param i32) (result i32)
        (return_call_indirect (type $t) (f32.const 0) (i32.eq (local.get 0) (i32.const 1))))
      (func (export "tail_ne") (param i32 i32) (result i32)
        (return_call_indirect (type $t) (f32.const 0) (i32.ne (local.get 0) (local.get 1)))))`);
    expect(t).toContain('tail(1) = 11');
    expect(t).toContain('tail(0) = 10');
  });
});
