import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/harness/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Tests share one private dockerd and real Chromium processes; two cores
    // do not take more than a couple of files at once.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
