// The assembler's direct layer (compiler/x64/directEncoder.ts) must not change what the code
// generator makes: every file test, compiled with baseline and with all CPU features, gives the
// same code, relocations, trap sites and function table with the layer on and off.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASELINE_FEATURES } from '../abi/index.ts';
import { assembleFileTest } from './testing/fileTestText.ts';
import { DirectEncoder } from '../x64/directEncoder.ts';
import { compileModule } from './moduleCompiler.ts';

describe('whole modules compile to the same code with and without the direct layer', () => {
  const dir = join(import.meta.dirname, 'filetests');
  const all = { ...BASELINE_FEATURES, ...Object.fromEntries(Object.keys(BASELINE_FEATURES).map((k) => [k, true])) };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.wat'))) {
    it(file, async () => {
      const bytes = await assembleFileTest(file, readFileSync(join(dir, file), 'utf8'));
      const compile = (direct: boolean): unknown => {
        DirectEncoder.directByDefault = direct;
        try {
          return [BASELINE_FEATURES, all].map((features) => {
            const m = compileModule(bytes, { features });
            return { code: [...m.code], relocations: m.relocations, trapSites: m.trapSites, functions: m.functions };
          });
        } finally {
          DirectEncoder.directByDefault = true;
        }
      };
      expect(compile(true)).toEqual(compile(false));
    });
  }
});
