import { beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceReport, cases, runConformance } from '../../conformance/index.js';
import { panel } from '../../fixtures/clients/panel/index.js';
import { openidClientStrictAdapter } from '../../fixtures/clients/panel/openid-client-strict.js';
import { useIdp } from '../helpers/idp.js';

// Room in the request log for the panel's runs while the patient rotation waits: its verdicts read its records.
const idp = useIdp({ profiles: ['generic', 'auth0', 'okta'], requestLogSize: 20_000 });
// openid-client keeping its configuration needs a 61 s allowance before a rotation: started first, so that
// minute of waiting overlaps the panel's runs instead of adding to them.
let patientRotation: Promise<ConformanceReport>;
beforeAll(async () => {
  patientRotation = runConformance({
    idp: idp(),
    adapter: openidClientStrictAdapter({ keepConfiguration: true }),
    only: ['key-rotation-nth-login', 'key-rotation-before-signing'],
    jwksRefetchIntervalMs: 61_000,
  });
  patientRotation.catch(() => undefined); // judged by its own test below
});

/**
 * Clients this project did not write, used as their own docs show, and two
 * controls that do nothing: each case's verdict must be exactly the one read
 * off the library's code (next to the fixture), so the kit has no false pass
 * and no false failure on them.
 */
describe('the panel of third-party clients gets exactly its expected verdicts', () => {
  // Key rotation against a client that rate-limits JWKS refetches (openid-client: one per 60 s).
  const ROTATION = ['key-rotation-nth-login', 'key-rotation-before-signing'];
  const keeping = () => openidClientStrictAdapter({ keepConfiguration: true });

  it('has an expectation for every case of the catalog, for every panel client', () => {
    for (const client of panel)
      expect(Object.keys(client.expected).sort(), client.name).toEqual(cases.map((c) => c.id).sort());
  });

  it.each(panel.map((client) => [client.name, client] as const))(
    '%s',
    async (_name, client) => {
      const profile = client.profile ?? 'generic';
      const run = await client.start({ issuer: idp().issuers[profile]! });
      try {
        const report = await runConformance({
          idp: idp(),
          issuer: profile,
          adapter: run.adapter,
          ...(run.client ? { client: run.client } : {}),
          ...(run.clockToleranceSeconds !== undefined ? { clockToleranceSeconds: run.clockToleranceSeconds } : {}),
          jwksRefetchIntervalMs: 0,
        });
        const mismatches = report.results
          .filter((r) => r.verdict !== client.expected[r.id]?.verdict)
          .map(
            (r) =>
              `${r.id}: expected ${client.expected[r.id]?.verdict} (${client.expected[r.id]?.why}), got ` +
              `${r.verdict}: ${r.reason}`,
          );
        expect(mismatches).toEqual([]);
        if (client.name.startsWith('control-') && client.name !== 'control-accept-everything')
          expect(report.summary.pass, 'a client that does nothing passes nothing').toBe(0);
      } finally {
        await run.stop?.();
      }
    },
    180_000,
  );

  it(
    'fails the accept-everything control on every case where rejection is a MUST and its fault ' + 'was delivered',
    async () => {
      const control = panel.find((c) => c.name === 'control-accept-everything')!;
      const run = await control.start({ issuer: idp().issuers.generic! });
      const report = await runConformance({ idp: idp(), adapter: run.adapter, jwksRefetchIntervalMs: 0 });
      const rejects = new Set(cases.filter((c) => c.expect === 'reject').map((c) => c.id));
      // At the level the spec asks of this client: it sends state, PKCE and a nonce, and fetches keys.
      const judged = report.results.filter((r) => rejects.has(r.id) && r.level === 'MUST' && r.verdict !== 'skip');
      expect(judged.length).toBeGreaterThan(30);
      for (const r of judged) expect(`${r.id} ${r.verdict}`, r.reason).toBe(`${r.id} fail`);
    },
  );

  it('fails the rotation when the kit rotates at once: the client may not refetch yet', async () => {
    const report = await runConformance({ idp: idp(), adapter: keeping(), only: ROTATION, jwksRefetchIntervalMs: 0 });
    expect(report.results.map((r) => r.verdict)).toEqual(['fail', 'fail']);
    for (const r of report.results) expect(r.reason).toMatch(/failed a valid flow/);
  });

  it('passes it with --jwks-refetch-interval 61, whatever its first key fetch was: the rotation ' +
    'waits for the client', async () => {
    const report = await patientRotation;
    expect(report.results.map((r) => `${r.id}: ${r.verdict} ${r.reason}`)).toEqual(
      ROTATION.map((id) => `${id}: pass completed the flow`),
    );
    // It refetched the keys after the rotation, in the login that met it.
    for (const r of report.results) expect(r.calls.slice(r.calls.lastIndexOf('authorization'))).toContain('jwks');
  }, 120_000);
});
