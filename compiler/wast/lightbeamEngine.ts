// The engine the spec suite measures: Lightbeam itself. This half decodes and validates
// (compiler/validate) and is browser-safe; in Node the worker adds execution with
// withExecution() from node/executionEngine.ts (see the notes at the top of engine.ts).

import { CompileError } from '../errors.ts';
import { validateModule } from '../validate/index.ts';
import { type Engine, NotImplemented } from './engine.ts';

export const VALIDATION_NOT_IMPLEMENTED = 'validation not implemented yet';

// #region lightbeam-engine
export function lightbeamEngine(): Engine {
  return {
    name: 'lightbeam',
    compile(bytes: Uint8Array) {
      try {
        return validateModule(bytes);
      } catch (err) {
        // A stage that does not exist yet is a skip, not a verdict on the module.
        if (err instanceof CompileError && /not implemented/.test(err.reason)) {
          throw new NotImplemented(err.reason === 'validator not implemented yet' ? VALIDATION_NOT_IMPLEMENTED : err.reason);
        }
        throw err;
      }
    },
  };
}
// #endregion lightbeam-engine
