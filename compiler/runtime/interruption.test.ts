// Opt-in interruption (issue 11, "Runaway code"): code compiled interruptible checks its thread's
// flag at function entries and loop heads; a timeout, interrupt() or a worker's termination sets it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { watToWasm } from '../text/watToWasm.ts';
import { Instance, interrupt, Module, RuntimeError, withTimeout } from '../api/index.ts';

const SPIN = `(module
  (import "js" "poke" (func $poke))
  (func (export "spin") (loop br 0))
  (func (export "pokeThenSpin") call $poke (loop br 0))
  (func $down (export "down") (param i32) (result i32)
    local.get 0 i32.eqz if (result i32) i32.const 0 else local.get 0 i32.const 1 i32.sub call $down end)
  (func (export "answer") (result i32) i32.const 42))`;

async function spinInstance(interruptible: boolean, poke: () => void = () => {}): Promise<Record<string, (...a: number[]) => number>> {
  const module = new Module(await watToWasm(SPIN), { interruptible });
  return new Instance(module, { js: { poke } }).exports as Record<string, (...a: number[]) => number>;
}

describe('interruption', () => {
  it('stops (loop br 0) after a timeout with RuntimeError "interrupted"; the instance stays usable', async () => {
    const e = await spinInstance(true);
    const t0 = performance.now();
    let error: unknown;
    try {
      withTimeout(50, () => e.spin!());
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toMatch(/^interrupted/);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    expect(e.answer!()).toBe(42);
    expect(e.down!(1000)).toBe(0);
    // A timeout that does not fire leaves nothing behind for the next call.
    expect(withTimeout(10_000, () => e.down!(10))).toBe(0);
    expect(e.answer!()).toBe(42);
  });

  it('interrupt() from an import stops the loop that follows', async () => {
    const e = await spinInstance(true, () => interrupt());
    expect(() => e.pokeThenSpin!()).toThrow(/^interrupted/);
    expect(e.answer!()).toBe(42);
  });

  it('checks function entries too (a recursion without loops)', async () => {
    const e = await spinInstance(true, () => interrupt());
    interrupt();
    expect(() => e.down!(5)).toThrow(/^interrupted/);
    expect(e.down!(5)).toBe(0);
  });

  it('emits no check at all when off', async () => {
    const bytes = await watToWasm(SPIN);
    // mov r11, [r15 + 0x40] (VMCTX.INTERRUPT_FLAG)
    const check = [0x4d, 0x8b, 0x5f, 0x40];
    const count = (code: Uint8Array) => {
      let n = 0;
      for (let i = 0; i + 4 <= code.length; i++) if (check.every((b, k) => code[i + k] === b)) n++;
      return n;
    };
    expect(count(new Module(bytes, { interruptible: false }).compiled.code)).toBe(0);
    // Four functions with an entry check each, plus the two loops.
    expect(count(new Module(bytes, { interruptible: true }).compiled.code)).toBe(6);
  });

  // The worker compiles with the defaults (interruptible in a worker); this thread loaded the API,
  // which makes terminate() and process.exit() set the worker's flag.
  for (const how of ['terminate', 'exit']) {
    it(`${how === 'exit' ? 'process.exit()' : 'worker.terminate()'} stops a worker spinning in wasm, and the process exits`, () => {
      const script = fileURLToPath(new URL('./testdata/terminateSpinning.mts', import.meta.url));
      const run = spawnSync(process.execPath, ['--import', 'tsx', script, how], { encoding: 'utf8', timeout: 30_000 });
      expect(run.signal, `hung: ${run.stderr}`).toBeNull();
      expect(run.status, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout.trim().split('\n').pop()!);
      expect(out.how).toBe(how);
    }, 40_000);
  }
});
