// A bug in the code generator (an invariant check failing, say) must still reach the user as a
// CompileError with the position of the operator being compiled, as the JS API promises, never
// as a plain Error.
import { afterEach, describe, expect, it } from 'vitest';
import { dispatchIndex } from '../binary/operators.ts';
import { CompileError } from '../errors.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { LOWERINGS, type Lowering } from './lowerings.ts';
import { compileModule } from './moduleCompiler.ts';

const I32_ADD = 0x6a;
const table = LOWERINGS as (Lowering | undefined)[];
const original = table[dispatchIndex(I32_ADD)];
afterEach(() => {
  table[dispatchIndex(I32_ADD)] = original;
});

describe('internal errors', () => {
  it('become CompileErrors at the operator that hit them, with the cause kept', async () => {
    const bytes = await watToWasm('(module (func (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))');
    const boom = new Error('an invariant broke');
    table[dispatchIndex(I32_ADD)] = () => {
      throw boom;
    };
    let caught: unknown;
    try {
      compileModule(bytes);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CompileError);
    const error = caught as CompileError & { cause?: unknown };
    expect(error.reason).toBe('internal error in the code generator: an invariant broke');
    expect(error.funcIndex).toBe(0);
    // The position is the i32.add's own byte offset in the module.
    expect(bytes[error.offset!]).toBe(I32_ADD);
    expect(error.cause).toBe(boom);
  });
});
