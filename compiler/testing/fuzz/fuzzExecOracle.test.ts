// The fuzz-exec oracle (fuzzExecOracle.ts): binaryen's interpreter against Lightbeam run its way.
import { describe, expect, it } from 'vitest';
import * as api from '../../api/index.ts';
import { v128ArgumentHosts } from '../../runtime/calls.ts';
import { loadWasmToolsTextToBinary } from '../../wast/node/wasmToolsText.ts';
import { gcSourceModule } from './gcOracle.ts';
import { binaryenFuzzExec, compareFuzzExec, fuzzExecCheck, fuzzExecLines, hostPayload, sameFuzzExecLine } from './fuzzExecOracle.ts';

const wasmTools = async (wat: string): Promise<Uint8Array> => {
  const parse = await loadWasmToolsTextToBinary();
  if (!parse) throw new Error('@bytecodealliance/jco-transpile is not installed (npm ci)');
  return parse(wat);
};

// binaryen's conventions, one export each: results of several values and of every kind, log-*
// (an i64 as two i32s), throw (a JS error or the imported wasm tag), the module's own tags
// (named by their index among the module's tags, when the name section names none), log-v128, call-export-catch (export 0 has an i64
// parameter: a JS error; 99 is no export), a synthesised externref global, recursion without end.
const CONVENTIONS = `(module
  (type $s (struct (field i32)))
  (import "fuzzing-support" "wasmtag" (tag $w (param i32)))
  (import "fuzzing-support" "log-i64" (func $log_i64 (param i64)))
  (import "fuzzing-support" "log-f32" (func $log_f32 (param f32)))
  (import "fuzzing-support" "log-anyref" (func $log_any (param anyref)))
  (import "fuzzing-support" "log-v128" (func $log_v128 (param v128)))
  (import "fuzzing-support" "throw" (func $throw (param i32)))
  (import "fuzzing-support" "call-export-catch" (func $call_export_catch (param i32) (result i32)))
  (import "__fuzz_import" "extern$" (global $e externref))
  (tag (param i64))
  (tag (param f32 i32))
  (global $big (export "big") f64 (f64.const 0x1p64))
  (global $i64 (export "i64") i64 (i64.const -9223372036854775807))
  (func (export "values") (param i32 i64 f32) (result i32 f64 f32 funcref)
    (call $log_i64 (i64.const -5))
    (call $log_f32 (f32.const 1.1))
    (call $log_any (ref.i31 (i32.const 7)))
    (call $log_v128 (v128.const i32x4 1 2 3 -1))
    (local.get 0) (f64.const 0.1) (f32.const -0) (ref.func $rec))
  (func (export "own_tag") (throw 2 (f32.const 2.5) (i32.const 3)))
  (func (export "wasm_tag") (call $throw (i32.const 7)))
  (func (export "js_error") (call $throw (i32.const 0)))
  (func (export "host") (result externref) (global.get $e))
  (func (export "floats") (result f64 f32) (f64.const 1e300) (f32.const 0x1p57))
  (func (export "catch_i64_param") (result i32) (call $call_export_catch (i32.const 0)))
  (func (export "catch_no_export") (result i32) (call $call_export_catch (i32.const 99)))
  (func (export "objects") (result i31ref anyref) (ref.i31 (i32.const -1)) (struct.new_default $s))
  (func (export "non_null") (param (ref $s)))
  (func (export "traps") unreachable)
  (func $rec (export "recurse") (param i32) (result i32) (call $rec (i32.const 0))))`;

describe('the fuzz-exec oracle', () => {
  it('runs a module as binaryen does: the same lines, but where the engines may differ', async () => {
    const bytes = await wasmTools(CONVENTIONS);
    const theirs = await binaryenFuzzExec(bytes);
    if (!('lines' in theirs)) throw new Error(theirs.failed);
    const ours = fuzzExecLines(bytes);
    expect(ours.slice(0, 6)).toEqual([
      '[fuzz-exec] export big', '[LoggingExternalInterface logging 1.8446744073709552e+19]',
      '[fuzz-exec] export i64', '[LoggingExternalInterface logging -9223372036854775807]',
      '[fuzz-exec] export values', '[LoggingExternalInterface logging -5 -1]',
    ]);
    // binaryen writes 2**64 as "18446744073709551615", which reads back as 2**64.
    expect(theirs.lines[1]).toBe('[LoggingExternalInterface logging 18446744073709551615]');
    expect(theirs.lines).toContain(`[fuzz-exec] note result: host => externref(${hostPayload('__fuzz_import', 'extern$')})`);
    expect(theirs.lines).toContain('[exception thrown: tag$1 2.5 3]');
    expect(theirs.lines).toContain('[LoggingExternalInterface logging i32x4 0x00000001 0x00000002 0x00000003 0xffffffff]');
    expect(ours).toContain('[LoggingExternalInterface logging i32x4 0x00000001 0x00000002 0x00000003 0xffffffff]');
    expect(ours).toContain('[exception thrown: tag$1 2.5 3]');
    expect(ours).toContain('[trap fuzzer can only send defaultable parameters to exports]');
    // The interpreter's recursion ends in a host limit, Lightbeam's in its stack's: no verdict from there.
    expect(theirs.lines.at(-1)).toBe('[host limit stack limit]');
    expect(compareFuzzExec(theirs.lines, ours)).toEqual({ unjudged: "binaryen's host limit stack limit", line: theirs.lines.length });
  }, 60_000);

  it("prints a struct as object(P), P its JS prototype: its descriptor's first field when that is an extern reference", async () => {
    const bytes = await wasmTools(`(module
      (rec
        (type $t (descriptor $d) (struct (field i32)))
        (type $d (describes $t) (struct (field externref) (field i32)))
        (type $u (descriptor $e) (struct))
        (type $e (describes $u) (struct (field anyref))))
      (import "__fuzz_import" "extern$" (global $host externref))
      (global (export "in_global") (ref $t) (struct.new_desc $t (i32.const 1) (struct.new $d (global.get $host) (i32.const 2))))
      (func (export "host") (result anyref) (struct.new_desc $t (i32.const 1) (struct.new $d (global.get $host) (i32.const 2))))
      (func (export "null_field") (result anyref) (struct.new_desc $t (i32.const 1) (struct.new $d (ref.null noextern) (i32.const 2))))
      (func (export "anyref_field") (result anyref) (struct.new_desc $u (struct.new $e (any.convert_extern (global.get $host)))))
      (func (export "descriptor_itself") (result anyref) (struct.new $d (global.get $host) (i32.const 2))))`);
    const theirs = await binaryenFuzzExec(bytes);
    if (!('lines' in theirs)) throw new Error(theirs.failed);
    const host = `externref(${hostPayload('__fuzz_import', 'extern$')})`;
    expect(theirs.lines).toEqual([
      '[fuzz-exec] export in_global', `[LoggingExternalInterface logging object(${host})]`,
      '[fuzz-exec] export host', `[fuzz-exec] note result: host => object(${host})`,
      '[fuzz-exec] export null_field', '[fuzz-exec] note result: null_field => object(null)',
      '[fuzz-exec] export anyref_field', '[fuzz-exec] note result: anyref_field => object(null)',
      '[fuzz-exec] export descriptor_itself', '[fuzz-exec] note result: descriptor_itself => object(null)',
    ]);
    expect(compareFuzzExec(theirs.lines, fuzzExecLines(bytes))).toEqual({ agree: true, lines: theirs.lines.length });
  }, 60_000);

  it('binaryen-gc modules of fixed seeds agree with binaryen', async () => {
    const outcomes: string[] = [];
    for (const seed of [2, 5, 6, 8, 3]) outcomes.push((await fuzzExecCheck(await gcSourceModule(seed))).count);
    // Seed 3 logs a v128 (log-v128), which Lightbeam's JS API alone could not: v128ArgumentHosts.
    expect(outcomes).toEqual(Array(5).fill('fuzz-exec: agree'));
  }, 120_000);

  it('a changed value is a finding that names the first differing line', async () => {
    const bytes = await gcSourceModule(8);
    const theirs = await binaryenFuzzExec(bytes);
    if (!('lines' in theirs)) throw new Error(theirs.failed);
    const ours = fuzzExecLines(bytes);
    expect(compareFuzzExec(theirs.lines, ours)).toEqual({ agree: true, lines: theirs.lines.length });
    const i = ours.findIndex((l) => /logging -?\d+\]$/.test(l));
    expect(i).toBeGreaterThan(0);
    const changed = [...ours];
    changed[i] = ours[i]!.replace(/(-?\d+)\]$/, (_, n: string) => `${BigInt(n) + 1n}]`);
    const v = compareFuzzExec(theirs.lines, changed);
    expect(v).toEqual({ summary: `binaryen / Lightbeam: ${theirs.lines[i]} / ${changed[i]}`, detail: expect.stringContaining(`line ${i + 1}`) });
    // A line missing at the end is one too.
    expect('summary' in compareFuzzExec(theirs.lines, ours.slice(0, -1))).toBe(true);
  }, 60_000);

  it('numbers compare by value (floats) or exactly (integers); every NaN is alike; a trap is a trap', () => {
    expect(sameFuzzExecLine('[LoggingExternalInterface logging 18446744073709551615]', '[LoggingExternalInterface logging 1.8446744073709552e+19]')).toBe(true);
    expect(sameFuzzExecLine('[LoggingExternalInterface logging 1.e+300]', '[LoggingExternalInterface logging 1e+300]')).toBe(true);
    expect(sameFuzzExecLine('[LoggingExternalInterface logging -3402823466385288598117041e14]', '[LoggingExternalInterface logging -3.4028234663852886e+38]')).toBe(true);
    expect(sameFuzzExecLine('[fuzz-exec] note result: f => -nan:0x400000', '[fuzz-exec] note result: f => nan')).toBe(true);
    // i64s are integers on both sides: exact, past 2**53 too.
    expect(sameFuzzExecLine('[LoggingExternalInterface logging 9223372036854775807]', '[LoggingExternalInterface logging 9223372036854775806]')).toBe(false);
    expect(sameFuzzExecLine('[fuzz-exec] note result: f => -0', '[fuzz-exec] note result: f => 0e+0')).toBe(false);
    expect(sameFuzzExecLine('[fuzz-exec] note result: f => 1', '[fuzz-exec] note result: f => 2')).toBe(false);
    expect(sameFuzzExecLine('[trap null ref]', '[trap null reference]')).toBe(true);
    expect(sameFuzzExecLine('[trap null ref]', '[exception thrown: imported-js-tag jserror]')).toBe(false);
  });
});

describe("the runtime's v128ArgumentHosts (for log-v128)", () => {
  it('gives a listed JS function its v128 argument as an unsigned BigInt; any other still throws a TypeError', async () => {
    const bytes = await wasmTools(`(module
      (import "m" "log" (func $log (param i32 v128 f64)))
      (func (export "run") (call $log (i32.const -3) (v128.const i32x4 1 2 3 -1) (f64.const 0.5))))`);
    const seen: unknown[][] = [];
    const log = (...a: unknown[]) => { seen.push(a); };
    v128ArgumentHosts.add(log);
    const run = new api.Instance(new api.Module(bytes), { m: { log } }).exports.run as () => void;
    run();
    expect(seen).toEqual([[-3, 0xffffffff_00000003_00000002_00000001n, 0.5]]);
    const plain = new api.Instance(new api.Module(bytes), { m: { log: () => {} } }).exports.run as () => void;
    expect(plain).toThrow(TypeError);
  });
});
