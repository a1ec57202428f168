import { describe, expect, it } from 'vitest';
import { cases, runConformance } from '../../conformance/index.js';
import { expected } from '../../fixtures/clients/panel/msal-node.expected.js';
import { startMsalNode } from '../../fixtures/clients/panel/msal-node.js';
import { useMswProviders } from '../helpers/msw.js';

// MSAL Node talks to login.microsoftonline.com only: msw serves it from the entra profile, in this process.
const providers = useMswProviders(['entra']);

/**
 * A provider's own SDK, unmodified, at its real host name: the kit arms each case on the app's fixed client_id at the
 * entra issuer behind msw, and judges on that issuer's request log, as it judges any client.
 */
describe("a provider's own SDK through msw: @azure/msal-node against Entra", () => {
  it('has an expectation for every case of the catalog', () => {
    expect(Object.keys(expected).sort()).toEqual(cases.map((c) => c.id).sort());
  });

  it('gets exactly its expected verdicts', async () => {
    const msal = startMsalNode();
    const report = await runConformance({
      idp: providers().idp,
      issuer: 'entra',
      adapter: msal.adapter,
      client: msal.client,
      jwksRefetchIntervalMs: 0,
    });
    const mismatches = report.results
      .filter((r) => r.verdict !== expected[r.id]?.verdict)
      .map(
        (r) => `${r.id}: expected ${expected[r.id]?.verdict} (${expected[r.id]?.why}), got ${r.verdict}: ${r.reason}`,
      );
    expect(mismatches).toEqual([]);
    // It signs users in through MSAL, and MSAL checks no ID token claim but the nonce: the run fails, on MUST cases.
    expect(report.passed).toBe(false);
    expect(report.summary['not-delivered']).toBe(0);
  }, 120_000);
});
