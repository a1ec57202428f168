import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../../..', import.meta.url).pathname,
    include: ['test/conformance/describe-conformance/*.fixture.ts'],
    reporters: [new URL('./reporter.mjs', import.meta.url).pathname],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
