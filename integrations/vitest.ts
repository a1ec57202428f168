/**
 * The package's `mock-idp/vitest` entry: mock-idp's vitest integration (the
 * globalSetup, mockIdp(), freshClient, freshUser, withScenario) and the
 * conformance kit's describeConformance, from one import.
 *
 *   // vitest.config.ts
 *   export default defineConfig({ test: { globalSetup: ['mock-idp/vitest/setup'] } });
 *
 * It sits above mock-idp/ and conformance/: nothing in them imports it.
 */

export { type DescribeConformanceOptions, describeConformance } from '../conformance/vitest.js';
export * from '../mock-idp/vitest.js';
// The package's globalSetup runs the built bin in a process of its own (mock-idp/vitest.ts's setup starts
// the server in the test run's process, as this repository's own suite wants its sources served).
export { setup } from './server-process.js';
