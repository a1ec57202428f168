import { setTimeout as sleep } from 'node:timers/promises';
import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { clientSecretBasic, FlowManager, presets } from '../../client/index.js';
import {
  type ClientAdapter,
  type ConformanceReport,
  cases,
  referenceClientAdapter,
  runConformance,
} from '../../conformance/index.js';
import { appleTemplates } from '../../fixtures/clients/flawed/apple-team.js';
import { FAST_ROTATION, fastReferenceClient } from '../../fixtures/clients/flawed/flawed-client.js';
import { flawedClients } from '../../fixtures/clients/flawed/index.js';
import { UserAgent } from '../../mock-idp/index.js';
import { useIdp } from '../helpers/idp.js';
import { rawCodeLogin } from '../helpers/login.js';

/** generic, plus each provider a flawed client falls into a trap of (GitHub's 200-status error needs GitHub). */
const idp = useIdp({ profiles: ['generic', ...new Set(flawedClients.flatMap((f) => (f.profile ? [f.profile] : [])))] });

/** How the reference client authenticates as each provider's fixture client the trap cases copy. */
const providerTemplates: Record<string, ReturnType<typeof appleTemplates>> = { apple: appleTemplates() };

const verdicts = (report: ConformanceReport) => Object.fromEntries(report.results.map((r) => [r.id, r.verdict]));

/** Cases no in-process client can take part in: skipped for the reference client and every flawed one alike. */
const notApplicable = new Set(
  cases.filter((c) => c.requires?.includes('web') || c.requires?.includes('native') || c.profiles).map((c) => c.id),
);

describe('the flawed clients prove the kit: each fails exactly the cases aimed at its flaw', () => {
  it('has at least 12 flawed clients, each with a distinct flaw and known target cases', () => {
    expect(flawedClients.length).toBeGreaterThanOrEqual(12);
    expect(new Set(flawedClients.map((f) => f.flaw)).size).toBe(flawedClients.length);
    const ids = new Set(cases.map((c) => c.id));
    for (const flawed of flawedClients)
      for (const id of flawed.caughtBy) expect(ids.has(id), `${flawed.flaw} names ${id}`).toBe(true);
  });

  it.each(flawedClients.filter((f) => !f.profile).map((f) => [f.flaw, f] as const))(
    '%s',
    async (_flaw, flawed) => {
      const report = await runConformance({
        idp: idp(),
        issuer: flawed.profile ?? 'generic',
        adapter: flawed.adapter,
        ...FAST_ROTATION,
      });
      // Caught at the case's level: a failed MUST, a warned SHOULD, or a noted MAY (the iat range, azp).
      const caught = report.results.filter((r) => r.verdict === 'fail' || r.verdict === 'warn' || r.verdict === 'info');
      expect(caught.map((r) => r.id).sort(), caught.map((r) => `${r.id}: ${r.reason}`).join('\n')).toEqual(
        [...flawed.caughtBy].sort(),
      );
      expect(report.summary['not-delivered'], 'every fault reached it').toBe(0);
      const ownCase = (id: string) => cases.find((c) => c.id === id)?.profiles?.includes(flawed.profile ?? 'generic');
      for (const result of report.results) {
        if (notApplicable.has(result.id) && !ownCase(result.id)) expect(result.verdict, result.id).toBe('skip');
      }
    },
    180_000,
  );
});

const ROTATION = ['key-rotation-nth-login', 'key-rotation-before-signing', 'key-rotation-old-key-retired'];

describe('key rotation for a client whose issuer is fixed (a web app): armed on its client_id', () => {
  // The in-process client with its issuer fixed, as a web app's is: it cannot be sent to a scenario issuer URL.
  const fixed = (adapter: ClientAdapter): ClientAdapter => ({
    ...adapter,
    capabilities: (adapter.capabilities ?? []).filter((c) => c !== 'issuer-url'),
  });
  const run = (adapter: ClientAdapter, clientId: string) =>
    runConformance({
      idp: idp(),
      only: ROTATION,
      adapter: fixed(adapter),
      // The allowance the clients keep: a fixed client keeps its keys from case to case, as an app does.
      ...FAST_ROTATION,
      client: { clientId, clientSecret: `${clientId}-secret`, redirectUris: ['http://127.0.0.1:3000/callback'] },
    });

  it(
    'passes the reference client, which refetched the JWKS after each rotation, and catches ' +
      'the JWKS cached forever',
    async () => {
      const good = await run(fastReferenceClient(), 'fixed-rotation-reference');
      expect(verdicts(good), good.results.map((r) => `${r.id}: ${r.reason}`).join('\n')).toEqual({
        'key-rotation-nth-login': 'pass',
        'key-rotation-before-signing': 'pass',
        'key-rotation-old-key-retired': 'skip',
      });
      // Retiring the issuer's own key cannot be armed for one client: JWKS requests name none.
      expect(good.results.find((r) => r.id === 'key-rotation-old-key-retired')!.reason).toBe(
        'the client lacks: issuer-url',
      );
      for (const r of good.results.filter((x) => x.verdict === 'pass'))
        expect(r.calls.slice(r.calls.lastIndexOf('authorization')), r.id).toContain('jwks');

      const cachedForever = flawedClients.find((f) => f.flaw === 'jwks-cached-forever')!;
      const bad = await run(cachedForever.adapter, 'fixed-rotation-cached-forever');
      expect(verdicts(bad)).toEqual({
        'key-rotation-nth-login': 'fail',
        'key-rotation-before-signing': 'fail',
        'key-rotation-old-key-retired': 'skip',
      });
      for (const r of bad.results.filter((x) => x.verdict === 'fail'))
        expect(r.reason, r.id).toMatch(/^failed a valid flow: \(id_token_unknown_kid\) /);
    },
  );

  it(
    'arms the rotation for the login that must see it: a health check logging in on the same ' +
      'client during the wait (before the second rotation) does not use it up',
    async () => {
      const clientId = 'fixed-rotation-health-checked';
      const redirectUri = 'http://127.0.0.1:3000/callback';
      const inner = referenceClientAdapter({ flowOptions: { jwksRefetchIntervalMs: 1500 } });
      let healthCheck: Promise<string> | undefined;
      // A health check of the app logs in with the same client while the kit waits before the rotation.
      const checkHealth = async (issuer: string) => {
        await sleep(300);
        const flows = new FlowManager(
          presets.generic(issuer, { clientId, clientAuth: clientSecretBasic(`${clientId}-secret`), redirectUri }),
        );
        const { url } = await new UserAgent().navigate(await flows.start('health'), {
          until: (u) => u.href.startsWith(redirectUri),
        });
        const { tokens } = await flows.finish('health', url);
        return String(decodeProtectedHeader(tokens.idToken!).kid);
      };
      const healthChecked: ClientAdapter = {
        ...fixed(inner),
        async run(context) {
          const outcome = await inner.run(context);
          // The first rotation of a fixed client comes at once; the second waits out the allowance.
          if (context.step === 0 && context.caseId === 'key-rotation-before-signing')
            healthCheck = checkHealth(context.issuer);
          return outcome;
        },
      };
      const report = await runConformance({
        idp: idp(),
        only: ['key-rotation-nth-login', 'key-rotation-before-signing'],
        adapter: healthChecked,
        jwksRefetchIntervalMs: 1500,
        client: { clientId, clientSecret: `${clientId}-secret`, redirectUris: [redirectUri] },
      });
      // The health check met the old key: nothing was armed yet.
      expect(await healthCheck).not.toMatch(/^rotated-/);
      expect(verdicts(report), report.results.map((r) => `${r.id}: ${r.reason}`).join('\n')).toEqual({
        'key-rotation-nth-login': 'pass',
        'key-rotation-before-signing': 'pass',
      });
      const result = report.results.find((r) => r.id === 'key-rotation-before-signing');
      // The case's own second login met the new key.
      expect(
        result!.served?.some((s) => s.target === 'id_token' && String(s.token?.header.kid).startsWith('rotated-')),
      ).toBe(true);
    },
  );

  it("fails a client that accepts the new key's token without fetching the JWKS again", async () => {
    // Redeems each code, fetches the JWKS on its first login only, and waves every later ID token through.
    const fetchedOnce: ClientAdapter = {
      name: 'checks the first login only',
      capabilities: ['issuer-url', 'persistent'],
      async run({ issuer, clientId, clientSecret, redirectUri, userAgent, step }) {
        const { token, jwksUri } = await rawCodeLogin({ issuer, clientId, clientSecret, redirectUri, userAgent });
        if (token.status !== 200) return { ok: false, message: `token endpoint answered ${token.status}` };
        if (step === 0) await (await fetch(jwksUri)).arrayBuffer();
        return { ok: true };
      },
    };
    const report = await runConformance({ idp: idp(), only: ROTATION, adapter: fetchedOnce });
    for (const r of report.results) {
      expect(r.verdict, r.id).toBe('fail');
      expect(r.reason).toBe(
        "completed, but it accepted the new key's ID token without fetching the JWKS again after the rotation",
      );
    }
  });
});

describe("a provider's flawed clients fail exactly that provider's trap cases, on its issuer", () => {
  const bound = flawedClients.filter((f) => f.profile);
  const profiles = [...new Set(bound.map((f) => f.profile!))];
  const providerIdp = useIdp({ profiles });
  const casesOf = (profile: string) => cases.filter((c) => c.profiles?.includes(profile)).map((c) => c.id);

  it.each(profiles)('%s: the reference client passes them all', async (profile) => {
    const report = await runConformance({
      idp: providerIdp(),
      issuer: profile,
      adapter: referenceClientAdapter({ templates: providerTemplates[profile] ?? {} }),
      only: casesOf(profile),
    });
    const expected = Object.fromEntries(casesOf(profile).map((id) => [id, 'pass']));
    expect(verdicts(report), report.results.map((r) => `${r.id}: ${r.reason}`).join('\n')).toEqual(expected);
  });

  it.each(bound.map((f) => [f.flaw, f] as const))(
    '%s',
    async (_flaw, flawed) => {
      const only = casesOf(flawed.profile!);
      const report = await runConformance({
        idp: providerIdp(),
        issuer: flawed.profile!,
        adapter: flawed.adapter,
        only,
      });
      const caught = report.results.filter((r) => r.verdict === 'fail' || r.verdict === 'warn' || r.verdict === 'info');
      expect(caught.map((r) => r.id).sort(), caught.map((r) => `${r.id}: ${r.reason}`).join('\n')).toEqual(
        [...flawed.caughtBy].sort(),
      );
      expect(report.summary['not-delivered'], 'every fault reached it').toBe(0);
    },
    120_000,
  );
});
