import { describe, expect, it } from 'vitest';
import { fuzz } from '../helpers/fuzzer.js';
import { useIdp } from '../helpers/idp.js';

// The quick, seeded pass that runs with every `npm test`; `npm run fuzz` sends 20,000+ with the same engine.
const SEED = Number(process.env.MOCK_IDP_FUZZ_SEED ?? 17);
const REQUESTS = Number(process.env.MOCK_IDP_FUZZ_REQUESTS ?? 1500);

const idp = useIdp();

describe(`fuzz (seed ${SEED}, ${REQUESTS} requests)`, () => {
  it("no 5xx, no stalled connection, every error in the issuer's shape, and the server still answers", async () => {
    const report = await fuzz({
      baseUrl: idp().url,
      seed: SEED,
      requests: REQUESTS,
      concurrency: 8,
      timeoutMs: 10_000,
    });
    expect(report.failures, JSON.stringify(report.failures.slice(0, 10), null, 2)).toEqual([]);
    expect(report.requests).toBe(REQUESTS);
    expect(report.fiveHundreds).toBe(0);
    expect(report.stalled).toBe(0);
    expect(Object.keys(report.byIssuer).length).toBeGreaterThanOrEqual(8);
    expect((await fetch(`${idp().url}/health`)).status).toBe(200);
  }, 120_000);
});
