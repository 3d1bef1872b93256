// Regression tests for what the GC fuzzer (the binaryen-gc source) found that V8 cannot judge
// (Node 20's V8 has neither try_table nor return_call_ref under their final opcodes). A hang
// cannot be interrupted inside the test runner's process (the generated code runs natively), so
// each module runs in a child process (findings/callExports.ts) with a timeout.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWasmToolsTextToBinary } from '../../wast/node/wasmToolsText.ts';

const CALL_EXPORTS = new URL('./findings/callExports.ts', import.meta.url).pathname;
const finding = (name: string) => new URL(`./findings/${name}`, import.meta.url).pathname;

/** How each named export ends, called in order in a child process; `hang` if it did not end in 8 s. */
function callExports(file: string, names: readonly string[]): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CALL_EXPORTS, file, ...names], { timeout: 8000, encoding: 'utf8' });
  return r.signal ? `${r.stdout}hang` : r.stdout;
}

describe('GC fuzzer findings (Lightbeam alone)', () => {
  // binaryen-gc seed 2648: return_call_ref inside a try_table (or a legacy try) left the
  // try_table's handler record linked after the frame was gone; made again at the same place by
  // the next call, the record linked to itself, and a later trap, walking the chain, never ended.
  it('return_call_ref inside try_table and try unlinks the handler: a later trap still ends the call', async () => {
    const parse = await loadWasmToolsTextToBinary();
    if (!parse) throw new Error('@bytecodealliance/jco-transpile is not installed (npm ci)');
    const file = join(mkdtempSync(join(tmpdir(), 'lightbeam-gc-finding-')), 'tail-ref.wasm');
    writeFileSync(file, parse(`(module
      (type $v (func))
      (func $target)
      (elem declare func $target)
      (func (export "tail_ref_in_try_table")
        (block $b (try_table (catch_all $b) (return_call_ref $v (ref.func $target)))))
      (func (export "traps") unreachable))`));
    expect(callExports(file, ['tail_ref_in_try_table', 'tail_ref_in_try_table', 'traps'])).toBe(
      'tail_ref_in_try_table: returned undefined\ntail_ref_in_try_table: returned undefined\ntraps: threw RuntimeError\n');
    // binaryen's module, reduced (legacy try, try_table with catch_all_ref, exnref in a table).
    expect(callExports(finding('gc-seed2648-hang.wasm'), ['func_25_invoker', 'func_33_invoker'])).toBe(
      'func_25_invoker: returned undefined\nfunc_33_invoker: threw RuntimeError\n');
  }, 30_000);
});
