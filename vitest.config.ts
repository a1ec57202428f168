import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most test time is waiting (key rotation allowances, slow endpoints, spawned processes):
    // a third worker on two cores overlaps those waits with work.
    maxWorkers: 3,
    // Our own tests use the vitest integration we ship: one mock-idp for the run.
    globalSetup: ['./mock-idp/vitest.ts'],
  },
});
