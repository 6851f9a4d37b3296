import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest keeps a core free by default, which on a 2-core machine halves the suite's pace;
    // the tests wait on events and child processes rather than racing a clock, so both are used.
    maxWorkers: 2,
  },
});
