// Test support: the RuntimeError a call traps with (anything else it throws is rethrown, and a
// call that returns is a test failure).

import { RuntimeError } from '../../errors.ts';

export function trapOf(f: () => unknown): RuntimeError {
  try {
    f();
  } catch (e) {
    if (e instanceof RuntimeError) return e;
    throw e;
  }
  throw new Error('no trap');
}
