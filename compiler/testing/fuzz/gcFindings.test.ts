// What the GC fuzzer (the binaryen-gc source) found and is not fixed yet, as tests that state the
// right behaviour and are marked `it.fails` while the bug is there: when one is fixed its test
// fails, and should become a plain `it` (or move to compiler/codegen/fuzzFindings.test.ts).
// The modules are binaryen's, from `npm run fuzz -- --source binaryen-gc`; no text form, since
// wabt cannot read them (GC).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const finding = (name: string) => new URL(`./findings/${name}`, import.meta.url).pathname;
const CALL_EXPORTS = new URL('./findings/callExports.ts', import.meta.url).pathname;

describe('GC fuzzer findings not fixed yet', () => {
  // Seed 2648 (--seed 1000 campaign), reduced: after func_25_invoker (legacy try/catch, try_table
  // with catch_all_ref, throw, exnref in a table, return_call_ref) has returned normally, calling
  // func_33_invoker, whose body is only `unreachable`, never returns: the trap does not reach JS.
  it.fails('seed 2648: a trap after an export that caught exceptions ends the call (today: it hangs)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', CALL_EXPORTS, finding('gc-seed2648-hang.wasm'), 'func_25_invoker', 'func_33_invoker'],
      { timeout: 8000, encoding: 'utf8' });
    expect(r.signal).toBeNull();
    expect(r.stdout).toBe('func_25_invoker: returned undefined\nfunc_33_invoker: threw RuntimeError\n');
  }, 20_000);
});
