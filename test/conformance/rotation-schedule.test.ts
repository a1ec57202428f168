import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  type ClientAdapter,
  type ConformanceReport,
  referenceClientAdapter,
  runConformance,
} from '../../conformance/index.js';
import { FAST_ROTATION } from '../../fixtures/clients/flawed/flawed-client.js';
import { flawedClients } from '../../fixtures/clients/flawed/index.js';
import { useIdp } from '../helpers/idp.js';
import { rawCodeLogin } from '../helpers/login.js';

const idp = useIdp({ profiles: ['generic'] });
const REDIRECT_URI = 'http://127.0.0.1:3000/callback';
const ROTATIONS = ['key-rotation-nth-login', 'key-rotation-before-signing'];

const verdicts = (report: ConformanceReport) => Object.fromEntries(report.results.map((r) => [r.id, r.verdict]));
const reasons = (report: ConformanceReport) => report.results.map((r) => `${r.id}: ${r.reason}`).join('\n');

/**
 * A client whose JWKS refetch limit counts from its last JWKS request of any kind (as jose's remote key
 * set does), not only from its last refetch for an unknown kid: a rotation right after its first fetch
 * is one it may not follow yet. It keeps its key cache per client_id, as a long-lived app does.
 */
function cooldownFromAnyFetch(
  intervalMs: number,
  capabilities: NonNullable<ClientAdapter['capabilities']>,
  /** How long the keys take to reach the client after mock-idp answered (a loaded machine, a slow network). */
  deliveryMs = 0,
) {
  const caches = new Map<string, { keys: JSONWebKeySet; fetchedAt: number }>();
  let refusedInCooldown = 0;
  const adapter: ClientAdapter = {
    name: 'refetch limit counted from any JWKS request',
    capabilities,
    async run({ issuer, clientId, clientSecret, redirectUri, userAgent }) {
      const { token, jwksUri } = await rawCodeLogin({ issuer, clientId, clientSecret, redirectUri, userAgent });
      if (token.status !== 200) return { ok: false, message: `token endpoint answered ${token.status}` };
      const idToken = ((await token.json()) as { id_token: string }).id_token;
      const load = async () => {
        const keys = (await (await fetch(jwksUri)).json()) as JSONWebKeySet;
        await new Promise((resolve) => setTimeout(resolve, deliveryMs));
        caches.set(clientId, { keys, fetchedAt: Date.now() });
        return keys;
      };
      let cached = caches.get(clientId);
      const kid = JSON.parse(Buffer.from(idToken.split('.')[0]!, 'base64url').toString()).kid as string;
      if (!cached) cached = { keys: await load(), fetchedAt: Date.now() };
      if (!cached.keys.keys.some((k) => k.kid === kid)) {
        if (Date.now() - cached.fetchedAt < intervalMs) {
          refusedInCooldown += 1;
          return { ok: false, code: 'unknown_kid', message: `no key ${kid}, and the JWKS was fetched moments ago` };
        }
        cached = { keys: await load(), fetchedAt: Date.now() };
      }
      try {
        const { payload } = await jwtVerify(idToken, createLocalJWKSet(cached.keys), { issuer, audience: clientId });
        return { ok: true, claims: payload };
      } catch (error) {
        return { ok: false, message: (error as Error).message };
      }
    },
  };
  return { adapter, refusedInCooldown: () => refusedInCooldown };
}

describe('key rotation against the refetch allowance the client declared', () => {
  it(
    'passes a client that may not refetch right after its first fetch: the rotation that came too soon ' +
      'is not judged, the one after the allowance is (a case of its own client each)',
    async () => {
      const client = cooldownFromAnyFetch(FAST_ROTATION.jwksRefetchIntervalMs, ['issuer-url', 'persistent']);
      const report = await runConformance({
        idp: idp(),
        only: [...ROTATIONS, 'key-rotation-old-key-retired'],
        adapter: client.adapter,
        ...FAST_ROTATION,
      });
      expect(verdicts(report), reasons(report)).toEqual({
        'key-rotation-nth-login': 'pass',
        'key-rotation-before-signing': 'pass',
        'key-rotation-old-key-retired': 'pass',
      });
      // Each case first met its rotation at once, which this client could not follow yet.
      expect(client.refusedInCooldown()).toBe(3);
      // The judged run is the one after the allowance: two logins, and a JWKS refetch after the rotation.
      for (const r of report.results) {
        expect(
          r.calls.filter((c) => c === 'authorization'),
          r.id,
        ).toHaveLength(2);
        expect(r.calls.slice(r.calls.lastIndexOf('authorization')), r.id).toContain('jwks');
      }
    },
  );

  // With a delivery of 300 ms the client starts its count that long after mock-idp answered its JWKS request, and its
  // logins are quick. The second rotation waits for the allowance after the refetch the first one caused: due at
  // mock-idp's answer plus the allowance, it would reach the client inside its own count.
  it.each([
    {
      deliveryMs: 0,
      title: 'passes the same client with its issuer fixed (a web app): both rotations reach it in the end',
    },
    {
      deliveryMs: 300,
      title: 'counts the allowance from when the keys reached the client, not from when mock-idp answered',
    },
  ])('$title', async ({ deliveryMs }) => {
    const client = cooldownFromAnyFetch(FAST_ROTATION.jwksRefetchIntervalMs, ['persistent'], deliveryMs);
    const clientId = `rotation-cooldown-any-fetch-${deliveryMs}`;
    const report = await runConformance({
      idp: idp(),
      only: ['happy-path', ...ROTATIONS],
      adapter: client.adapter,
      ...FAST_ROTATION,
      client: { clientId, clientSecret: `${clientId}-secret`, redirectUris: [REDIRECT_URI] },
    });
    expect(verdicts(report), reasons(report)).toEqual({
      'happy-path': 'pass',
      'key-rotation-nth-login': 'pass',
      'key-rotation-before-signing': 'pass',
    });
    // Only the first rotation of a fixed client comes at once; the second waits whatever the first did.
    expect(client.refusedInCooldown()).toBe(1);
  });

  it('still fails a client that never refetches: the rotation after the allowance judges it', async () => {
    const cachedForever = flawedClients.find((f) => f.flaw === 'jwks-cached-forever')!;
    const report = await runConformance({
      idp: idp(),
      only: ROTATIONS,
      adapter: cachedForever.adapter,
      ...FAST_ROTATION,
    });
    expect(verdicts(report), reasons(report)).toEqual({
      'key-rotation-nth-login': 'fail',
      'key-rotation-before-signing': 'fail',
    });
    for (const r of report.results) expect(r.reason, r.id).toMatch(/^failed a valid flow: \(id_token_unknown_kid\) /);
  });

  it(
    "runs a fixed client's other cases while its rotation waits, and judges each case on its own " + 'requests only',
    async () => {
      const clientId = 'rotation-overlap';
      const fixed: ClientAdapter = {
        ...referenceClientAdapter({ flowOptions: { jwksRefetchIntervalMs: FAST_ROTATION.jwksRefetchIntervalMs } }),
        capabilities: ['persistent'],
      };
      const others = ['id-token-aud-wrong', 'id-token-nonce-wrong', 'state-altered', 'token-error-invalid-grant'];
      const report = await runConformance({
        idp: idp(),
        only: ['happy-path', ...ROTATIONS, ...others],
        adapter: fixed,
        ...FAST_ROTATION,
        client: { clientId, clientSecret: `${clientId}-secret`, redirectUris: [REDIRECT_URI] },
      });
      expect(report.summary, reasons(report)).toMatchObject({ pass: 7, fail: 0, warn: 0, 'not-delivered': 0 });
      // The same client_id logged in for every case: a case's evidence holds its own logins and nothing else.
      for (const r of report.results) {
        const logins = r.calls.filter((c) => c === 'authorization').length;
        expect(logins, r.id).toBe(ROTATIONS.includes(r.id) ? 2 : 1);
      }
    },
  );
});
