import { describe, expect, it } from 'vitest';
import { cases, runConformance } from '../../conformance/index.js';
import { expected as googleAuthLibrary } from '../../fixtures/clients/panel/google-auth-library.expected.js';
import { startGoogleAuthLibrary } from '../../fixtures/clients/panel/google-auth-library.js';
import type { ExpectedVerdicts, ProviderSdkRun } from '../../fixtures/clients/panel/index.js';
import { expected as msalNode } from '../../fixtures/clients/panel/msal-node.expected.js';
import { startMsalNode } from '../../fixtures/clients/panel/msal-node.js';
import { useMswProviders } from '../helpers/msw.js';

// The SDKs talk to their providers' hosts only: msw serves them from the profiles, in this process.
const providers = useMswProviders(['entra', 'google']);

const sdks: readonly { name: string; issuer: string; start: () => ProviderSdkRun; expected: ExpectedVerdicts }[] = [
  { name: '@azure/msal-node against Entra', issuer: 'entra', start: startMsalNode, expected: msalNode },
  {
    name: 'google-auth-library against Google',
    issuer: 'google',
    start: startGoogleAuthLibrary,
    expected: googleAuthLibrary,
  },
];

/**
 * Providers' own SDKs, unmodified, at their real host names: the kit arms each case on the app's fixed client_id at
 * the profile's issuer behind msw, and judges on that issuer's request log, as it judges any client.
 */
describe.each(sdks)("a provider's own SDK through msw: $name", ({ issuer, start, expected }) => {
  it('has an expectation for every case of the catalog', () => {
    expect(Object.keys(expected).sort()).toEqual(cases.map((c) => c.id).sort());
  });

  it('gets exactly its expected verdicts', async () => {
    const sdk = start();
    const report = await runConformance({
      idp: providers().idp,
      issuer,
      adapter: sdk.adapter,
      client: sdk.client,
      ...(sdk.clockToleranceSeconds !== undefined ? { clockToleranceSeconds: sdk.clockToleranceSeconds } : {}),
      jwksRefetchIntervalMs: 0,
    });
    const mismatches = report.results
      .filter((r) => r.verdict !== expected[r.id]?.verdict)
      .map(
        (r) => `${r.id}: expected ${expected[r.id]?.verdict} (${expected[r.id]?.why}), got ${r.verdict}: ${r.reason}`,
      );
    expect(mismatches).toEqual([]);
    // Each misses a MUST as its provider's guide uses it (the tables say which), and every fault reached it.
    expect(report.passed).toBe(false);
    expect(report.summary['not-delivered']).toBe(0);
  }, 120_000);
});
