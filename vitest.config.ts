import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['compiler/**/*.test.ts', 'exercises/**/*.test.ts', 'src/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
