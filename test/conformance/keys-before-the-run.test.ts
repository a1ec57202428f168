import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type ClientAdapter,
  type ConformanceReport,
  referenceClientAdapter,
  runConformance,
} from '../../conformance/index.js';
import { FAST_ROTATION } from '../../fixtures/clients/flawed/flawed-client.js';
import type { MockIdp } from '../../mock-idp/index.js';
import { startTestIdp, useIdp } from '../helpers/idp.js';
import { rawCodeLogin } from '../helpers/login.js';

const REDIRECT_URI = 'http://127.0.0.1:3000/callback';
const ROTATIONS = ['key-rotation-nth-login', 'key-rotation-before-signing'];

const verdicts = (report: ConformanceReport) => Object.fromEntries(report.results.map((r) => [r.id, r.verdict]));
const reasons = (report: ConformanceReport) => report.results.map((r) => `${r.id}: ${r.reason}`).join('\n');
const resultOf = (report: ConformanceReport, id: string) => report.results.find((r) => r.id === id)!;

async function started(options: Parameters<typeof startTestIdp>[0]): Promise<MockIdp> {
  const idp = await startTestIdp(options);
  onTestFinished(() => idp.close());
  return idp;
}

/**
 * What a client holds between two runs is the kit's blind spot: each `mock-idp conform` starts a fresh IdP, whose
 * fixed keys an app still running from the last run already holds, and a client may pin its keys in its
 * configuration and never fetch any.
 */
describe('keys a fixed client held before the run', () => {
  it('judges a long-lived app on a second run against a fresh IdP: its rotations wait out the allowance the first ' +
    'run may have started, and a miss on the keys that run left it is skipped, not warned', async () => {
    // The app's refetch allowance is longer than a run, so the second run's first rotation comes inside the
    // allowance the first run's last JWKS fetch began.
    const allowance = { jwksRefetchIntervalMs: 4_000 };
    const reference = referenceClientAdapter({ flowOptions: allowance });
    // A long-lived app: its flows (and the keys they cached) outlive each run, as a web app process's do.
    const app: ClientAdapter = { name: 'a long-lived app', capabilities: ['persistent'], run: (c) => reference.run(c) };
    const clientId = 'long-lived-app';
    const judged = (idp: MockIdp) =>
      runConformance({
        idp,
        only: ['happy-path', 'jwks-kid-absent-single', ...ROTATIONS],
        adapter: app,
        ...allowance,
        client: { clientId, clientSecret: `${clientId}-secret`, redirectUris: [REDIRECT_URI] },
      });

    const first = await startTestIdp({ profiles: ['generic'] });
    const port = Number(new URL(first.issuers.generic!).port);
    const firstRun = await judged(first).finally(() => first.close());
    expect(verdicts(firstRun), reasons(firstRun)).toEqual({
      'happy-path': 'pass',
      'jwks-kid-absent-single': 'pass',
      'key-rotation-nth-login': 'pass',
      'key-rotation-before-signing': 'pass',
    });

    const second = await started({ profiles: ['generic'], port });
    const secondRun = await judged(second);
    expect(verdicts(secondRun), reasons(secondRun)).toEqual({
      'happy-path': 'pass',
      'jwks-kid-absent-single': 'skip',
      'key-rotation-nth-login': 'pass',
      'key-rotation-before-signing': 'pass',
    });
    // It logged in with the keys it held: the fresh IdP saw no JWKS request before the rotations.
    expect(resultOf(secondRun, 'happy-path').calls).not.toContain('jwks');
    // The first run's rotation left it two RS256 keys, so the kid-less token was ambiguous to it.
    expect(resultOf(secondRun, 'jwks-kid-absent-single').reason).toMatch(
      /^the client fetched no JWKS in this run, so it may hold keys from before it .*\(failed a valid flow: .*ambig/,
    );
    for (const id of ROTATIONS) {
      const calls = resultOf(secondRun, id).calls;
      expect(calls.slice(calls.lastIndexOf('authorization')), id).toContain('jwks');
    }
  }, 30_000);

  describe('a client whose keys are pinned in its configuration', () => {
    const idp = useIdp({ profiles: ['generic'] });

    /** Verifies every ID token with the issuer's keys as they were before the run, and never fetches any. */
    async function pinnedClient(): Promise<ClientAdapter> {
      const issuer = idp().issuers.generic!;
      const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
        jwks_uri: string;
      };
      const pinned = createLocalJWKSet((await (await fetch(discovery.jwks_uri)).json()) as JSONWebKeySet);
      return {
        name: 'keys pinned in its configuration',
        capabilities: ['persistent'],
        async run(context) {
          const { token } = await rawCodeLogin(context);
          if (token.status !== 200) return { ok: false, message: `token endpoint answered ${token.status}` };
          const { id_token: idToken } = (await token.json()) as { id_token: string };
          try {
            const { payload } = await jwtVerify(idToken, pinned, { issuer, audience: context.clientId });
            return { ok: true, claims: payload };
          } catch (error) {
            return { ok: false, code: (error as { code?: string }).code, message: (error as Error).message };
          }
        },
      };
    }

    const judged = async (only: string[]) =>
      runConformance({
        idp: idp(),
        only,
        adapter: await pinnedClient(),
        ...FAST_ROTATION,
        client: { clientId: 'pinned-keys', clientSecret: 'pinned-keys-secret', redirectUris: [REDIRECT_URI] },
      });

    it('fails its rotation once it rejected a forged signature: it verifies, with keys it never renews', async () => {
      const report = await judged(['happy-path', 'id-token-signature-corrupt', 'key-rotation-nth-login']);
      expect(verdicts(report), reasons(report)).toEqual({
        'happy-path': 'pass',
        'id-token-signature-corrupt': 'pass',
        'key-rotation-nth-login': 'fail',
      });
      expect(resultOf(report, 'key-rotation-nth-login').reason).toMatch(/ERR_JWKS_NO_MATCHING_KEY/);
      // Nothing in the run came from the JWKS: the premise rests on the forged signature it rejected.
      for (const r of report.results) expect(r.calls, r.id).not.toContain('jwks');
    });

    it('skips its rotation when nothing shows it checks signatures, naming the case that would', async () => {
      const report = await judged(['happy-path', 'key-rotation-nth-login']);
      expect(verdicts(report), reasons(report)).toEqual({ 'happy-path': 'pass', 'key-rotation-nth-login': 'skip' });
      expect(resultOf(report, 'key-rotation-nth-login').reason).toMatch(
        /^the client fetched no keys in the run and rejected no forged signature \(run id-token-signature-corrupt/,
      );
    });
  });
});
