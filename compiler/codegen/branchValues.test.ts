// Branch values and the frozen line: regressions found by an adversarial review (issue 11's
// reproducers). Each module runs on Lightbeam and on V8 and must agree.
// 1. A br_if's first edge placed branch values in registers below the frozen line (raised by a
//    nested block that had ended), where neither spilling nor calls look: the callee clobbered them.
// 2. A br_if decided its values were in place, then took a register to test its condition,
//    spilling one of them: the jump carried the condition instead of the value.
// 3. The same for an if's parameters.
import { describe, expect, it } from 'vitest';
import * as LB from '../api/index.ts';
import { watToWasm } from '../text/watToWasm.ts';

const hex = (h: string): Uint8Array<ArrayBuffer> => new Uint8Array(h.match(/../g)!.map((x) => parseInt(x, 16)));

/** What `f(...args)` returns on each engine, or the message it traps with. */
function both(bytes: Uint8Array<ArrayBuffer>, args: number[]): [unknown, unknown] {
  const run = (f: () => unknown): unknown => {
    try {
      return f();
    } catch (e) {
      return `trap: ${(e as Error).message.split(' (')[0]}`;
    }
  };
  const lb = run(() => (new LB.Instance(new LB.Module(bytes), {}).exports as Record<string, (...a: number[]) => unknown>).f!(...args));
  const v8 = run(() => (new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as Record<string, (...a: number[]) => unknown>).f!(...args));
  return [lb, v8];
}

describe('branch values survive what comes after the branch', () => {
  // #region frozen-line-bug
  it('br_if values below the line a finished nested block froze are spilled around a call', async () => {
    const bytes = await watToWasm(`(module (global $g (mut i64) (i64.const 0))
      (func $k (param i64 i64) local.get 0 local.get 1 i64.mul global.set $g)
      (func (export "f") (param i32) (result i64)
        block (result i64 i64)
          i64.const 111 i64.const 222
          block (param i64) (result i64) end
          local.get 0 br_if 0
          i64.const 5 i64.const 7 call $k
        end
        i64.sub))`);
    for (const x of [0, 1]) {
      const [lb, v8] = both(bytes, [x]);
      expect(lb).toBe(v8);
    }
  });
  // #endregion frozen-line-bug

  it('the same with more values at the br_if (the compiler threw "register owned twice")', () => {
    const bytes = hex('0061736d0100000001180460047e7e7e7e017e60017f017e6000027e7e60017e017e0303020001070501016600010a2e020d00200020017e200220037e7c0b1e00020242ef0042de0102030b20000d00420342044205420610001a0b7d0b');
    for (const x of [0, 1]) {
      const [lb, v8] = both(bytes, [x]);
      expect(lb).toBe(v8);
    }
  });

  it('a br_if tests its condition before deciding its values are in place', () => {
    const bytes = hex('0061736d0100000001120260017f057f7f7f7f7f6000057f7f7f7f7f03020100070501016600000a1b011901037f0201410a4114411e41284132200041016a0d00000b0b');
    for (const x of [0, 1, -1]) {
      const [lb, v8] = both(bytes, [x]);
      expect(lb).toEqual(v8);
    }
  });

  it("an if tests its condition before placing its parameters", async () => {
    // Five parameters in registers, and a condition (local + 1) that needs a register of its own.
    const bytes = await watToWasm(`(module
      (func (export "f") (param i32) (result i32 i32 i32 i32 i32)
        (local i32 i32 i32)
        i32.const 10 i32.const 20 i32.const 30 i32.const 40 i32.const 50
        local.get 0 i32.const 1 i32.add
        if (param i32 i32 i32 i32 i32) (result i32 i32 i32 i32 i32)
          i32.const 1 i32.add
        else
          i32.const 2 i32.add
        end))`);
    for (const x of [0, -1, 5]) {
      const [lb, v8] = both(bytes, [x]);
      expect(lb).toEqual(v8);
    }
  });
});
