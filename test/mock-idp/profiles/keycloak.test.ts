import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { basicAuth } from '../../helpers/http.js';
import { fixtureJson, REDIRECT_URI, useIdp } from '../../helpers/idp.js';
import { codeFlow, discover } from '../../helpers/login.js';

const WEB = { id: 'keycloak-web', secret: 'kc-web-8Xq2vLm4Rt7Wz9Bn3Ps6' };
const SERVICE = { id: 'keycloak-service', secret: 'kc-service-4Hd8Jk2Nq6Tv1Yx5' };
const ALICE = 'f3b2c1a0-7d4e-4c5b-9a8f-1e2d3c4b5a60';
const OIDC = '/protocol/openid-connect';

const idp = useIdp({
  issuers: [
    { name: 'keycloak', profile: 'keycloak' },
    { name: 'keycloak-acme', profile: 'keycloak', path: '/keycloak/realms/acme' },
    { name: 'keycloak-legacy', profile: 'keycloak', path: '/legacy/auth/realms/demo' },
    { name: 'keycloak-lenient', profile: 'keycloak', path: '/lenient/realms/demo', lenient: true },
  ],
});

let issuer: string;
let web: client.Configuration;
beforeAll(async () => {
  issuer = idp().issuers.keycloak!;
  web = await discover(issuer, WEB.id, client.ClientSecretBasic(WEB.secret));
});

describe('Keycloak: realm endpoints and discovery', () => {
  it('serves /realms/{realm}/protocol/openid-connect/* and advertises iss in the authorization response', async () => {
    expect(issuer).toMatch(/\/keycloak\/realms\/demo$/);
    const meta = web.serverMetadata();
    expect(meta).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}${OIDC}/auth`,
      token_endpoint: `${issuer}${OIDC}/token`,
      userinfo_endpoint: `${issuer}${OIDC}/userinfo`,
      jwks_uri: `${issuer}${OIDC}/certs`,
      end_session_endpoint: `${issuer}${OIDC}/logout`,
      introspection_endpoint: `${issuer}${OIDC}/token/introspect`,
      revocation_endpoint: `${issuer}${OIDC}/revoke`,
      authorization_response_iss_parameter_supported: true,
    });
    expect(meta.code_challenge_methods_supported).toEqual(expect.arrayContaining(['S256', 'plain']));
    const certs = (await (await fetch(meta.jwks_uri!)).json()) as { keys: { kty: string; alg?: string }[] };
    expect(certs.keys.every((k) => k.kty === 'RSA')).toBe(true);
  });

  it('runs several realms at once, one issuer each, and the legacy /auth context path', async () => {
    const acme = idp().issuers['keycloak-acme']!;
    const legacy = idp().issuers['keycloak-legacy']!;
    expect(acme).toMatch(/\/keycloak\/realms\/acme$/);
    expect(legacy).toMatch(/\/auth\/realms\/demo$/);
    const config = await discover(acme, WEB.id, client.ClientSecretBasic(WEB.secret));
    const { tokens, callback } = await codeFlow(config);
    expect(callback.searchParams.get('iss')).toBe(acme);
    const access = decodeJwt(tokens.access_token);
    expect(access.iss).toBe(acme);
    expect((access.realm_access as { roles: string[] }).roles).toContain('default-roles-acme');
    const legacyMeta = (await (await fetch(`${legacy}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    expect(legacyMeta.token_endpoint).toBe(`${legacy}${OIDC}/token`);
  });
});

describe('Keycloak: tokens', () => {
  it('issues a JWT access token with typ Bearer, azp, sid and the realm and client roles', async () => {
    const { tokens, callback } = await codeFlow(web, { scope: 'openid' });
    expect(callback.searchParams.get('iss')).toBe(issuer);
    expect(tokens).toMatchObject({ token_type: 'bearer', 'not-before-policy': 0 });
    // Computed from the stored expiry at answer time: a second boundary may fall in between.
    expect(tokens.expires_in).toBeGreaterThanOrEqual(299);
    expect(tokens.refresh_expires_in).toBeGreaterThanOrEqual(1799);
    expect(tokens.scope).toBe('openid profile email');
    const header = decodeProtectedHeader(tokens.access_token);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${issuer}${OIDC}/certs`)), {
      issuer,
    });
    expect(payload).toMatchObject({
      sub: ALICE,
      typ: 'Bearer',
      azp: WEB.id,
      acr: '1',
      aud: ['reports-api', 'account'],
      preferred_username: 'alice',
      email: 'alice@example.com',
      'allowed-origins': ['http://127.0.0.1:3000', 'http://localhost:3000'],
      realm_access: { roles: ['default-roles-demo', 'offline_access', 'uma_authorization', 'app-admin'] },
      resource_access: {
        'keycloak-web': { roles: ['editor', 'viewer'] },
        'reports-api': { roles: ['reports:read'] },
        account: { roles: ['manage-account', 'manage-account-links', 'view-profile'] },
      },
    });
    expect(payload.jti).toMatch(/^onrtac:/);
    expect(payload.sid).toBe(tokens.session_state);
    // Roles are in the access token only.
    const id = tokens.claims()!;
    expect(id).toMatchObject({ typ: 'ID', azp: WEB.id, sid: payload.sid, preferred_username: 'alice' });
    expect(id).not.toHaveProperty('realm_access');
    expect(id).not.toHaveProperty('resource_access');
  });

  it('signs refresh tokens HS512 with the realm secret, whose kid is in no JWKS; refresh works', async () => {
    const { tokens } = await codeFlow(web, { scope: 'openid' });
    const refresh = tokens.refresh_token!;
    const header = decodeProtectedHeader(refresh);
    expect(header).toMatchObject({ alg: 'HS512', typ: 'JWT' });
    const certs = (await (await fetch(`${issuer}${OIDC}/certs`)).json()) as { keys: { kid: string }[] };
    expect(certs.keys.map((k) => k.kid)).not.toContain(header.kid);
    const claims = decodeJwt(refresh);
    expect(claims).toMatchObject({ typ: 'Refresh', iss: issuer, aud: issuer, sub: ALICE, azp: WEB.id });
    expect(claims.exp! - claims.iat!).toBeGreaterThan(1700);
    // The realm key really is HMAC-SHA512 of the fixture secret and the realm name.
    const secret = JSON.parse(
      readFileSync(new URL('../../../fixtures/keys/keycloak-hmac.json', import.meta.url), 'utf8'),
    );
    const key = createHmac('sha512', Buffer.from(secret.k, 'base64url')).update('demo').digest();
    await expect(jwtVerify(refresh, new Uint8Array(key), { algorithms: ['HS512'] })).resolves.toBeTruthy();

    const refreshed = await client.refreshTokenGrant(web, refresh);
    expect(decodeJwt(refreshed.access_token).jti).toMatch(/^trrtcc:/);
    expect(decodeJwt(refreshed.access_token).sid).toBe(claims.sid);
    expect(refreshed.refresh_token).not.toBe(refresh);
    // Revoke Refresh Token is off by default: the first one still works.
    await expect(client.refreshTokenGrant(web, refresh)).resolves.toHaveProperty('access_token');
  });

  it('marks offline tokens typ Offline with refresh_expires_in 0 and no exp', async () => {
    const { tokens } = await codeFlow(web, { scope: 'openid offline_access', extra: { prompt: 'consent' } });
    expect(tokens.refresh_expires_in).toBe(0);
    const claims = decodeJwt(tokens.refresh_token!);
    expect(claims.typ).toBe('Offline');
    expect(claims).not.toHaveProperty('exp');
  });

  it('words token errors as Keycloak does', async () => {
    const token = (body: Record<string, string>, secret = WEB.secret) =>
      fetch(`${issuer}${OIDC}/token`, {
        method: 'POST',
        headers: { authorization: basicAuth(WEB.id, secret) },
        body: new URLSearchParams(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(await token({ grant_type: 'authorization_code', code: 'nope', redirect_uri: REDIRECT_URI })).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Code not valid' },
    });
    expect(await token({ grant_type: 'refresh_token', refresh_token: 'nope' })).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Token is not active' },
    });
    expect(await token({ grant_type: 'client_credentials' }, 'wrong')).toMatchObject({
      status: 401,
      body: { error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' },
    });
  });

  it('does not accept one realm’s refresh token in another', async () => {
    const { tokens } = await codeFlow(web, { scope: 'openid' });
    const acme = await discover(idp().issuers['keycloak-acme']!, WEB.id, client.ClientSecretBasic(WEB.secret));
    await expect(client.refreshTokenGrant(acme, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('gives a service account a token with its own sub and no refresh token', async () => {
    const r = await fetch(`${issuer}${OIDC}/token`, {
      method: 'POST',
      headers: { authorization: basicAuth(SERVICE.id, SERVICE.secret) },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(r.status).toBe(200);
    const body = (await r.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('refresh_token');
    expect(body.refresh_expires_in).toBe(0);
    expect(decodeJwt(body.access_token as string)).toMatchObject({
      typ: 'Bearer',
      azp: SERVICE.id,
      preferred_username: `service-account-${SERVICE.id}`,
      client_id: SERVICE.id,
    });
  });

  it('introspects and revokes the JWTs it issued; userinfo takes the access token', async () => {
    const { tokens } = await codeFlow(web, { scope: 'openid' });
    const info = await client.fetchUserInfo(web, tokens.access_token, ALICE);
    expect(info).toMatchObject({ sub: ALICE, preferred_username: 'alice' });
    expect(await client.tokenIntrospection(web, tokens.access_token)).toMatchObject({ active: true });
    expect(await client.tokenIntrospection(web, tokens.refresh_token!)).toMatchObject({ active: true });
    await client.tokenRevocation(web, tokens.refresh_token!);
    expect(await client.tokenIntrospection(web, tokens.refresh_token!)).toMatchObject({ active: false });
  });
});

describe('Keycloak: logout', () => {
  const logout = (base: string, params: Record<string, string>) =>
    fetch(`${base}${OIDC}/logout?${new URLSearchParams(params)}`, { redirect: 'manual' });

  it('refuses post_logout_redirect_uri without id_token_hint or client_id, with Keycloak’s message', async () => {
    const r = await logout(issuer, { post_logout_redirect_uri: 'http://127.0.0.1:3000/' });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain(
      'Either the parameter &#39;client_id&#39; or the parameter &#39;id_token_hint&#39; is required',
    );
    const legacy = await logout(issuer, { redirect_uri: 'http://127.0.0.1:3000/' });
    expect(legacy.status).toBe(400);
  });

  it('takes client_id with post_logout_redirect_uri, or an id_token_hint', async () => {
    const withClient = await logout(issuer, { client_id: WEB.id, post_logout_redirect_uri: 'http://127.0.0.1:3000/' });
    expect(withClient.status).toBe(200);
    const { tokens } = await codeFlow(web, { scope: 'openid' });
    const url = client.buildEndSessionUrl(web, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'http://127.0.0.1:3000/',
      state: 'bye',
    });
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(200);
  });

  it('lets a lenient realm pass the old redirect_uri on to the standard logout', async () => {
    const lenient = idp().issuers['keycloak-lenient']!;
    const r = await logout(lenient, { post_logout_redirect_uri: 'http://127.0.0.1:3000/' });
    expect(r.status).not.toBe(500);
    expect(await r.text()).not.toContain('Either the parameter');
  });
});

describe('Keycloak: fixtures', () => {
  it('ships clients for the standard flow, a public PKCE client and a service account', () => {
    const clients = fixtureJson<{ client_id: string; redirect_uris: string[] }[]>('clients/keycloak.json');
    expect(clients.map((c) => c.client_id)).toEqual(['keycloak-web', 'keycloak-spa', 'keycloak-service']);
    expect(clients[0]!.redirect_uris).toContain(REDIRECT_URI);
  });
});
