import { describe, expect, it } from 'vitest';
import { watToWasm } from '../text/watToWasm.ts';
import { agrees, argumentsFor, runOnV8, showValue } from './differentialRunner.ts';
import { exportedParams, parseFeatures } from '../codegen/testing/randomProgram.ts';

const o = (result: string, state = '') => ({ result, state });

describe('differential runner', () => {
  it('accepts only the spec traps a V8 trap message stands for', () => {
    expect(agrees(o('trap: divide by zero'), o('trap: integer divide by zero'))).toBe(true);
    expect(agrees(o('trap: remainder by zero'), o('trap: integer divide by zero'))).toBe(true);
    expect(agrees(o('trap: divide by zero'), o('trap: integer overflow'))).toBe(false);
    expect(agrees(o('trap: null function or function signature mismatch'), o('trap: indirect call type mismatch'))).toBe(true);
    expect(agrees(o('trap: null function or function signature mismatch'), o('trap: undefined element'))).toBe(false);
    expect(agrees(o('trap: table index is out of bounds'), o('trap: undefined element'))).toBe(true);
    expect(agrees(o('trap: memory access out of bounds'), o('trap: out of bounds table access'))).toBe(false);
    expect(agrees(o('trap: something new'), o('trap: something new'))).toBe(true);
    expect(agrees(o('trap: unreachable'), o('= 1'))).toBe(false);
    expect(agrees(o('trap: unreachable'), o('trap: not implemented yet'))).toBe(false);
  });

  it('compares the state after a trap too, and never agrees on errors', () => {
    expect(agrees(o('trap: unreachable', 'memory 1 pages #a'), o('trap: unreachable', 'memory 1 pages #b'))).toBe(false);
    expect(agrees(o('= 1', 'gi32=7'), o('= 1', 'gi32=7'))).toBe(true);
    expect(agrees(o('error: TypeError: x'), o('error: TypeError: x'))).toBe(false);
  });

  it('shows values exactly except NaN payloads', () => {
    expect(showValue(-0)).not.toBe(showValue(0));
    expect(showValue(NaN)).toBe(showValue(new Float64Array(new BigUint64Array([0xfff0000000000001n]).buffer)[0]));
    expect(showValue(0.1 + 0.2)).not.toBe(showValue(0.3));
    expect(showValue([1, 2n])).toBe('[1, 2n]');
  });

  it('calls with as many arguments as the exported functions take', () => {
    for (const f of [{}, parseFeatures('floats'), parseFeatures('all')]) {
      for (const args of argumentsFor(f)) expect(args.length).toBe(exportedParams(f).length);
    }
  });

  it('sees stores, globals and table entries in the state', async () => {
    const bytes = await watToWasm(`(module (memory (export "mem") 1) (global (export "gi32") (mut i32) (i32.const 0))
      (table (export "tab") 2 funcref) (elem declare func $g) (func $g)
      (func (export "f") (param i32 i64 i32)
        (i32.store8 (i32.const 9) (local.get 0)) (global.set 0 (local.get 2)) (table.set (i32.const 1) (ref.func $g))))`);
    const states = runOnV8(bytes, {}).map((x) => x.state);
    expect(states[0]).toContain('gi32=0');
    expect(states[0]).toContain('table [null func 0]');
    expect(new Set(states).size).toBeGreaterThan(2);
  });
});
