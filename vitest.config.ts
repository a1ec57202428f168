import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Our own tests use the vitest integration we ship: one mock-idp for the run.
    globalSetup: ['./mock-idp/vitest.ts'],
  },
});
