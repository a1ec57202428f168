/**
 * The package's `mock-idp/vitest` entry: mock-idp's vitest integration (the
 * globalSetup, mockIdp(), freshClient, freshUser, withScenario) and the
 * conformance kit's describeConformance, from one import.
 *
 *   // vitest.config.ts
 *   export default defineConfig({ test: { globalSetup: ['mock-idp/vitest'] } });
 *
 * It sits above mock-idp/ and conformance/: nothing in them imports it.
 */

export { type DescribeConformanceOptions, describeConformance } from '../conformance/vitest.js';
export * from '../mock-idp/vitest.js';
