// Register allocation and calls, seen in the generated code: the deepest value spills first,
// a call saves only what is live, and values are materialized only where needed.
import { beforeAll, describe, expect, it } from 'vitest';
import { watToWasm } from '../text/watToWasm.ts';
import { loadIced } from '../x64/disassemble.ts';
import { compileModule } from './moduleCompiler.ts';
import { listFunctions } from './listing.ts';
import { exposeState } from '../testing/fuzz/moduleShape.ts';
import { firstDifference, lightbeamEngine, transcript, v8Engine } from '../testing/fuzz/transcript.ts';

beforeAll(async () => {
  await loadIced();
});

async function code(wat: string, func = 0): Promise<string[]> {
  const fns = listFunctions(compileModule(await watToWasm(wat, { names: true }), { notes: true }));
  const f = fns.find((x) => x.index === func)!;
  const end = f.instructions.findIndex((i) => i.wasm.includes('trap stubs'));
  return f.instructions.slice(0, end).map((i) => i.text);
}

describe('register allocation', () => {
  it('spills the deepest value when registers run out', async () => {
    // Twelve products stay live until the adds at the end: more than the ten allocatable registers.
    const mul = (k: number) => `(i32.mul (local.get 0) (i32.const ${k + 3}))`;
    const body = Array.from({ length: 12 }, (_, k) => mul(k)).join(' ') + ' (i32.add)'.repeat(11);
    const text = await code(`(module (func (param i32) (result i32) ${body}))`);
    const firstSpill = text.find((t) => /^mov \[rsp/.test(t));
    expect(firstSpill, text.join('\n')).toBeDefined();
    // The first value computed went to rax (first in preference order) and is the deepest (an
    // i32: stored as its 32 bits).
    expect(firstSpill).toMatch(/^mov \[rsp(\+\w+)?\], eax$/);
  });

  it('keeps a spill made while computing x = x op y (a temporary that took the last free register)', async () => {
    // Six products fill the five registers values may have, so the sum's temporary spilled one;
    // local.set then rewound the sum to redo it in x's home, and the spill's store went with it
    // (the function returned 83 for 98). The integer operators now compute into the home at once.
    const product = '(i32.mul (local.get 0) (local.get 1))';
    const bytes = exposeState(await watToWasm(`(module (func (export "f") (param i32 i32) (result i32) (local i32 i32 i32)
      (local.set 2 (local.get 0)) (local.set 3 (local.get 1)) (local.set 4 (local.get 0))
      ${product.repeat(6)}
      (local.set 2 (i32.add (local.get 2) (local.get 3)))
      (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add (local.get 2))))`));
    const want = transcript(v8Engine, bytes);
    expect(firstDifference(want, transcript(lightbeamEngine, bytes))).toBeUndefined();
  });

  it('saves only live values around a call: no store for a local still at its initial zero', async () => {
    const text = await code(`(module
      (func $g (result i32) (i32.const 1))
      (func (param i32) (result i32) (local i32 i32)
        (local.set 1 (i32.const 5))
        (i32.add (i32.add (call $g) (local.get 1)) (local.get 2))))`, 1);
    const stores = text.filter((t) => /^mov (qword ptr )?\[rsp/.test(t));
    // param 0 (rdi) and local 1 (just written) are saved; local 2 (never written) is not.
    expect(stores, text.join('\n')).toHaveLength(2);
  });

  it('keeps constants, locals and comparisons unmaterialized until used', async () => {
    const text = await code(`(module (func (param i32 i32) (result i32)
      (if (result i32) (i32.lt_s (local.get 0) (i32.const 10)) (then (local.get 1)) (else (i32.const 7)))))`);
    // cmp with an immediate, a jump on the inverted condition, no setcc.
    expect(text.some((t) => t === 'cmp edi, 0xa')).toBe(true);
    expect(text.some((t) => t.startsWith('jge '))).toBe(true);
    expect(text.some((t) => t.startsWith('set'))).toBe(false);
  });

  it('moves arguments into place in one parallel move (a swap costs three moves, no spills)', async () => {
    const text = await code(`(module
      (func $f (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
      (func (param i32 i32) (result i32) (call $f (local.get 1) (local.get 0))))`, 1);
    // The call to $f (not the stack-overflow stub's trap call before the entry).
    const call = text.findIndex((t) => t.startsWith('call') && !t.startsWith('call qword'));
    const before = text.slice(0, call).filter((t) => /^(mov|xchg) [re]/.test(t));
    expect(before, text.join('\n')).toHaveLength(3);
  });
});
