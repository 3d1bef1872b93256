import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['compiler/**/*.test.ts', 'exercises/**/*.test.ts', 'src/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 30_000,
    // `lightbeam run` and `lightbeam node` in a child process keep what they compile (compiler/cache/compileCache.ts): not in the user's own cache.
    env: { LIGHTBEAM_CACHE_DIR: join(tmpdir(), `lightbeam-test-cache-${process.pid}`) },
  },
});
