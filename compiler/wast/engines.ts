// The engines a spec run can use, by name. Browser-safe.

import type { Engine } from './engine.ts';
import { lightbeamEngine } from './lightbeamEngine.ts';
import { v8Engine } from './v8Engine.ts';

export const ENGINES: Record<string, () => Engine | Promise<Engine>> = {
  /** The compiler under test. */
  lightbeam: lightbeamEngine,
  /** The host's own WebAssembly: a check of the harness, not of the compiler. */
  v8: v8Engine,
};
