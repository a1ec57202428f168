import { decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { AdminInputError } from '../../mock-idp/index.js';
import { findProfile } from '../../mock-idp/profiles/index.js';
import { adminFetch, basicAuth } from '../helpers/http.js';
import { fixtureJson, REDIRECT_URI, startTestIdp, useIssuer } from '../helpers/idp.js';
import { codeFlow, discover, discoverGenericBasic } from '../helpers/login.js';

const { idp, issuer } = useIssuer('generic');

const admin = (method: string, path: string, body?: unknown) => adminFetch(idp(), path, { method, body });

describe('admin API over HTTP', () => {
  it('adds a user whose claims reach the tokens, then changes and removes them', async () => {
    expect(
      (
        await admin('PUT', '/issuers/generic/users/carol', {
          username: 'carol',
          claims: { email: 'carol@example.com', team: 'qa' },
        })
      ).status,
    ).toBe(200);
    const config = await discoverGenericBasic(issuer());
    const first = await codeFlow(config, { loginHint: 'carol', scope: 'openid email' });
    expect(first.tokens.claims()).toMatchObject({ sub: 'carol', email: 'carol@example.com', team: 'qa' });
    expect(
      (await admin('PUT', '/issuers/generic/users/carol/claims', { email: 'carol@new.example', team: 'ops' })).status,
    ).toBe(200);
    expect(await client.fetchUserInfo(config, first.tokens.access_token, 'carol')).toMatchObject({
      email: 'carol@new.example',
      team: 'ops',
    });
    expect((await admin('DELETE', '/issuers/generic/users/carol')).status).toBe(200);
    await expect(codeFlow(config, { loginHint: 'carol' })).rejects.toMatchObject({ error: 'access_denied' });
  });

  it('adds a client that works at once, rejects an invalid one with the field, and removes it', async () => {
    const added = await admin('PUT', '/issuers/generic/clients/runtime-app', {
      client_secret: 'runtime-secret',
      redirect_uris: [REDIRECT_URI],
    });
    expect(added.status).toBe(200);
    expect(added.body.client_secret).toBeUndefined();
    const config = await discover(issuer(), 'runtime-app', client.ClientSecretBasic('runtime-secret'));
    expect((await codeFlow(config)).tokens.claims()!.aud).toBe('runtime-app');
    const invalid = await admin('PUT', '/issuers/generic/clients/bad-app', {
      client_secret: 's',
      redirect_uris: ['not a url'],
    });
    expect(invalid).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', error_description: expect.stringContaining('redirect_uris[0]') },
    });
    expect((await admin('DELETE', '/issuers/generic/clients/runtime-app')).status).toBe(200);
    const gone = await fetch(`${issuer()}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth('runtime-app', 'runtime-secret'),
      },
      body: 'grant_type=client_credentials',
    });
    expect(gone.status).toBe(401);
    expect(await gone.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('rotates the signing key: the new kid signs at once, the old stays published until retired', async () => {
    const before = (await admin('GET', '/issuers/generic/keys')).body.keys as { kid: string }[];
    const rotated = await admin('POST', '/issuers/generic/keys/rotate', { alg: 'RS256' });
    const kid = rotated.body.kid as string;
    const jwks = (await (await fetch(`${issuer()}/jwks`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([kid, ...before.map((k) => k.kid)]);
    const { tokens } = await codeFlow(await discoverGenericBasic(issuer()));
    expect(decodeProtectedHeader(tokens.id_token!).kid).toBe(kid);
    const old = before.find((k) => k.kid !== kid)!.kid;
    expect((await admin('DELETE', `/issuers/generic/keys/${old}`)).status).toBe(200);
    const after = (await (await fetch(`${issuer()}/jwks`)).json()) as { keys: { kid: string }[] };
    expect(after.keys.map((k) => k.kid)).not.toContain(old);
  });

  it('resets an issuer to its configuration', async () => {
    await admin('PUT', '/issuers/generic/users/temp', { claims: {} });
    await admin('POST', '/issuers/generic/keys/rotate', {});
    expect((await admin('POST', '/issuers/generic/reset')).status).toBe(200);
    const summary = (await admin('GET', '/issuers/generic')).body as { users: { sub: string }[] };
    expect(summary.users.map((u) => u.sub)).toEqual(['alice', 'bob']);
    const jwks = (await (await fetch(`${issuer()}/jwks`)).json()) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(2);
  });

  it('answers bad requests with OAuth-style errors', async () => {
    expect(await admin('PUT', '/issuers/nope/users/x', {})).toMatchObject({
      status: 404,
      body: { error: 'not_found' },
    });
    expect(await admin('PUT', '/issuers/generic/users/x', '{not json')).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
    expect(await admin('PUT', '/issuers/generic/users/x', { claims: { updated_at: 'soon' } })).toMatchObject({
      status: 400,
      body: { error_description: expect.stringContaining('claims.updated_at') },
    });
    expect((await admin('PATCH', '/issuers/generic/users/x', {})).status).toBe(405);
    expect(await admin('POST', '/issuers/generic/keys/rotate', { alg: 'XX999' })).toMatchObject({ status: 400 });
  });
});

describe('claims: replace or merge', () => {
  it('PUT …/claims replaces every claim; PATCH …/claims merges (null removes one); both in code too', async () => {
    await admin('PUT', '/issuers/generic/users/erin', { claims: { email: 'erin@example.com', team: 'qa', floor: 3 } });
    const merged = await admin('PATCH', '/issuers/generic/users/erin/claims', { team: 'ops', floor: null, desk: 'B2' });
    expect(merged).toMatchObject({
      status: 200,
      body: { sub: 'erin', claims: { email: 'erin@example.com', team: 'ops', desk: 'B2' } },
    });
    expect((merged.body.claims as Record<string, unknown>).floor).toBeUndefined();
    const { tokens } = await codeFlow(await discoverGenericBasic(issuer()), {
      loginHint: 'erin',
      scope: 'openid email',
    });
    expect(tokens.claims()).toMatchObject({ email: 'erin@example.com', team: 'ops', desk: 'B2' });
    const replaced = await admin('PUT', '/issuers/generic/users/erin/claims', { team: 'sales' });
    expect(replaced.body.claims).toEqual({ team: 'sales' });
    expect(idp().admin.mergeClaims('generic', 'erin', { desk: 'C1' })!.claims).toEqual({ team: 'sales', desk: 'C1' });
    expect(idp().admin.setClaims('generic', 'erin', { desk: 'D4' })!.claims).toEqual({ desk: 'D4' });
    expect((await admin('PATCH', '/issuers/generic/users/nobody/claims', { a: 1 })).status).toBe(404);
    expect((await admin('PATCH', '/issuers/generic/users/erin/claims', '[1]')).status).toBe(400);
    await admin('DELETE', '/issuers/generic/users/erin');
  });
});

describe('preferred_username from username', () => {
  it("is released where the profile's provider releases it, unless the claims set it", async () => {
    await admin('PUT', '/issuers/generic/users/frank', { username: 'frank.login', claims: { name: 'Frank' } });
    await admin('PUT', '/issuers/generic/users/gina', {
      username: 'gina.login',
      claims: { preferred_username: 'Gina G' },
    });
    const config = await discoverGenericBasic(issuer());
    const frank = await codeFlow(config, { loginHint: 'frank', scope: 'openid profile' });
    expect(frank.tokens.claims()!.preferred_username).toBe('frank.login');
    expect(await client.fetchUserInfo(config, frank.tokens.access_token, 'frank')).toMatchObject({
      preferred_username: 'frank.login',
    });
    const gina = await codeFlow(config, { loginHint: 'gina', scope: 'openid profile' });
    expect(gina.tokens.claims()!.preferred_username).toBe('Gina G');
    const withoutProfile = await codeFlow(config, { loginHint: 'frank', scope: 'openid' });
    expect(withoutProfile.tokens.claims()!.preferred_username).toBeUndefined();
    await admin('DELETE', '/issuers/generic/users/frank');
    await admin('DELETE', '/issuers/generic/users/gina');
  });

  it('GitLab releases it in userinfo only, as GitLab does; Stitch and Stack Exchange never do', async () => {
    const own = await startTestIdp({ profiles: ['gitlab'] });
    try {
      const app = fixtureJson<{ client_id: string; client_secret: string }[]>('clients/gitlab.json')[0]!;
      own.admin.upsertUser('gitlab', { sub: '7654321', username: 'hank', claims: { email: 'hank@example.com' } });
      const config = await discover(own.issuers.gitlab!, app.client_id, client.ClientSecretBasic(app.client_secret));
      const { tokens } = await codeFlow(config, { loginHint: 'hank', scope: 'openid profile email' });
      expect(tokens.claims()!.preferred_username).toBeUndefined();
      expect(await client.fetchUserInfo(config, tokens.access_token, '7654321')).toMatchObject({
        preferred_username: 'hank',
      });
    } finally {
      await own.close();
    }
    expect(['generic', 'okta', 'auth0', 'gitlab'].map((name) => findProfile(name)!.usernameClaim)).toEqual(
      Array(4).fill('preferred_username'),
    );
    expect(findProfile('stitch')!.usernameClaim).toBeUndefined();
    expect(findProfile('stackexchange')!.usernameClaim).toBeUndefined();
  });
});

describe('the clock offset', () => {
  it('is read with GET …/clock, and in code', async () => {
    expect(await admin('GET', '/issuers/generic/clock')).toEqual({
      status: 200,
      body: { issuer: 'generic', offsetSeconds: 0 },
    });
    await admin('PUT', '/issuers/generic/clock', { offsetSeconds: -90 });
    expect(await admin('GET', '/issuers/generic/clock')).toEqual({
      status: 200,
      body: { issuer: 'generic', offsetSeconds: -90 },
    });
    expect(idp().admin.clockOffset('generic')).toBe(-90);
    await admin('PUT', '/issuers/generic/clock', { offsetSeconds: 0 });
    expect((await admin('GET', '/issuers/nope/clock')).status).toBe(404);
  });
});

describe('admin API in code', () => {
  it('mirrors the HTTP API and throws AdminInputError on bad input', async () => {
    idp().admin.upsertUser('generic', { sub: 'dave', claims: { email: 'dave@example.com' } });
    const { tokens } = await codeFlow(await discoverGenericBasic(issuer()), {
      loginHint: 'dave',
      scope: 'openid email',
    });
    expect(tokens.claims()!.email).toBe('dave@example.com');
    expect(() => idp().admin.upsertUser('generic', { sub: '' } as never)).toThrow(AdminInputError);
    idp().admin.reset('generic');
    expect(idp().issuer('generic').users.get('dave')).toBeUndefined();
  });
});

describe('clock shift', () => {
  it("moves one issuer's clock only, and reset puts it back", async () => {
    const two = await startTestIdp({ issuers: [{ name: 'ahead' }, { name: 'normal', path: '/normal' }] });
    try {
      const shift = await fetch(`${two.url}/_admin/issuers/ahead/clock`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ offsetSeconds: 7200 }),
      });
      expect(await shift.json()).toEqual({ issuer: 'ahead', offsetSeconds: 7200 });
      const now = Math.floor(Date.now() / 1000);
      const config = await discoverGenericBasic(two.issuers.normal!);
      const normal = await codeFlow(config);
      expect(Math.abs((normal.tokens.claims()!.iat as number) - now)).toBeLessThan(60);
      expect(Math.abs(Math.floor(Date.now() / 1000) - now)).toBeLessThan(60);
      const tokens = await rawTokens(two.issuers.ahead!);
      expect((tokens.iat as number) - now).toBeGreaterThan(7100);
      expect(
        (
          await fetch(`${two.url}/_admin/issuers/ahead/clock`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: '{"offsetSeconds":"x"}',
          })
        ).status,
      ).toBe(400);
      two.admin.reset('ahead');
      const back = await rawTokens(two.issuers.ahead!);
      expect(Math.abs((back.iat as number) - now)).toBeLessThan(60);
    } finally {
      await two.close();
    }
  });
});

/** The ID token claims of a headless login, decoded without validation (a shifted clock fails validation by design). */
async function rawTokens(issuerUrl: string): Promise<Record<string, unknown>> {
  const { UserAgent } = await import('../../mock-idp/index.js');
  const { decodeJwt } = await import('jose');
  const verifier = client.randomPKCECodeVerifier();
  const url = new URL(`${issuerUrl}/auth`);
  url.search = new URLSearchParams({
    client_id: 'generic-basic',
    response_type: 'code',
    scope: 'openid',
    redirect_uri: REDIRECT_URI,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  const response = await fetch(`${issuerUrl}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth('generic-basic', 'generic-basic-secret'),
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code')!,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }),
  });
  return decodeJwt(((await response.json()) as { id_token: string }).id_token);
}
