// The engines a spec run can use, by name. Browser-safe.

import type { Engine } from './engine.ts';
import { lightbeamEngine } from './lightbeamEngine.ts';

export const ENGINES: Record<string, () => Engine | Promise<Engine>> = {
  lightbeam: lightbeamEngine,
};
