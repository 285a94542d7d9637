import { defineConfig } from 'vitest/config';

// End-to-end tests: the real service (TESTBAY_BIN) and Debian's Chromium, one file at a time.
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
