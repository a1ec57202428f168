import { describe, expect, it } from 'vitest';
import { type ConformanceReport, cases, runConformance } from '../../conformance/index.js';
import { FAST_ROTATION, fastReferenceClient } from '../../fixtures/clients/flawed/flawed-client.js';
import { providerFlawedClients } from '../../fixtures/clients/flawed/index.js';
import { useIdp } from '../helpers/idp.js';

const idp = useIdp({ profiles: ['entra', 'generic'] });

const ENTRA_CASES = cases.filter((c) => c.profiles?.includes('entra')).map((c) => c.id);
const verdicts = (report: ConformanceReport) => Object.fromEntries(report.results.map((r) => [r.id, r.verdict]));
const run = (adapter: Parameters<typeof runConformance>[0]['adapter'], issuer = 'entra') =>
  runConformance({
    idp: idp(),
    issuer,
    adapter,
    only: [...ENTRA_CASES, 'happy-path', 'id-token-iss-wrong'],
    ...FAST_ROTATION,
  });

describe("Entra's {tenantid} issuer on common: the trap cases", () => {
  it("passes the reference client, which puts each token's tid in the template", async () => {
    const report = await run(fastReferenceClient());
    expect(verdicts(report), report.results.map((r) => `${r.id}: ${r.reason}`).join('\n')).toEqual({
      'entra-tenantid-issuer': 'pass',
      'entra-tenantid-other-tenant': 'pass',
      'happy-path': 'pass',
      'id-token-iss-wrong': 'pass',
    });
  }, 60_000);

  it.each(providerFlawedClients.entra!.map((f) => [f.flaw, f] as const))(
    'catches %s with its own case, and only there',
    async (_flaw, flawed) => {
      const report = await run(flawed.adapter);
      const caught = report.results.filter((r) => r.verdict === 'fail' || r.verdict === 'warn');
      expect(caught.map((r) => r.id).sort(), report.results.map((r) => `${r.id}: ${r.reason}`).join('\n')).toEqual(
        [...flawed.caughtBy].sort(),
      );
      expect(report.summary['not-delivered']).toBe(0);
    },
    60_000,
  );

  it('the entra cases do not apply to other issuers, where the flawed clients pass', async () => {
    const [literal] = providerFlawedClients.entra!;
    const report = await run(literal!.adapter, 'generic');
    expect(verdicts(report)).toMatchObject({
      'entra-tenantid-issuer': 'skip',
      'entra-tenantid-other-tenant': 'skip',
      'happy-path': 'pass',
    });
  }, 60_000);
});
