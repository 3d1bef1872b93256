// `import ... from 'lightbeam'` (package.json "exports" ".": bin/api.mjs): the library from the
// esbuild bundle, or through tsx when there is none; the same names as compiler/api/index.ts either way.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as api from './index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** A module that adds, in a fresh process that imports the package by its name. */
const program = `
import * as lightbeam from 'lightbeam';
const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,7,1,96,2,127,127,1,127,3,2,1,0,7,7,1,3,97,100,100,0,0,10,9,1,7,0,32,0,32,1,106,11]);
const { instance } = await lightbeam.instantiate(bytes);
let error;
try { new lightbeam.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1])); } catch (e) { error = e; }
console.log(JSON.stringify({
  names: Object.keys(lightbeam).filter((k) => k !== 'loadedFrom').sort(),
  loadedFrom: lightbeam.loadedFrom,
  sum: instance.exports.add(40, 2),
  error: error instanceof lightbeam.CompileError && error.message,
}));`;

describe("the package's library entry", () => {
  for (const [env, loadedFrom] of [[{}, 'bundle'], [{ LIGHTBEAM_NO_BUNDLE: '1' }, 'sources']] as const) {
    it(`gives the API's exports, loaded from the ${loadedFrom}`, () => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', program], {
        cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env },
      });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({
        names: Object.keys(api).sort(),
        loadedFrom,
        sum: 42,
        error: 'unexpected end (at byte 0x9)',
      });
    }, 130_000);
  }

  it('keeps no compile cache unless the program asks for one (useCompileCache)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lightbeam-library-cache-'));
    const bigModule = new URL('./testdata/bigModule.mjs', import.meta.url).href;
    /** Compiles a module large enough to be kept; with `use`, after asking for the cache. */
    const compile = (use: string) => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
        import * as lightbeam from 'lightbeam';
        import { bigModule } from '${bigModule}';
        const on = ${use};
        const m = new lightbeam.Module(bigModule(0));
        console.log(on, new lightbeam.Instance(m).exports.f7());`], {
        cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, LIGHTBEAM_CACHE_DIR: join(dir, 'cache') },
      });
      expect(r.stderr).toBe('');
      return r.stdout;
    };
    const entries = () => (existsSync(join(dir, 'cache')) ? readdirSync(join(dir, 'cache')) : []);
    try {
      expect(compile('undefined')).toBe('undefined 7\n');
      expect(entries()).toEqual([]);
      expect(compile('lightbeam.useCompileCache()')).toBe('true 7\n');
      expect(entries()).toHaveLength(1);
      expect(compile(`lightbeam.useCompileCache({ dir: ${JSON.stringify(join(dir, 'other'))} })`)).toBe('true 7\n');
      expect(readdirSync(join(dir, 'other'))).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 130_000);
});
