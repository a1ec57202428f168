import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { UserAgent } from '../../../mock-idp/index.js';
import { ASSERTION_TYPE } from '../../helpers/client-keys.js';
import { formPost } from '../../helpers/http.js';
import { fixtureJson, REDIRECT_URI, useStrictAndLenient } from '../../helpers/idp.js';
import { codeFlow, codeRequest, discover, discoveryDocument, endpointsUnder } from '../../helpers/login.js';

const APP = fixtureJson<{ client_id: string; client_secret: string }[]>('clients/gitlab.json')[0]!;
const PUBLIC_APP = 'gitlab-public';
// The test vector from GitLab's OAuth docs.
const DOC_VERIFIER = 'ks02i3jdikdo2k0dkfodf3m39rjfjsdk0wk349rj3jrhf';
const DOC_CHALLENGE = '2i0WFA-0AerkjQm4X4oDEhqA17QIAKNjXpagHBXmO_U';
const USERINFO_ONLY = ['name', 'nickname', 'preferred_username', 'website', 'profile', 'picture', 'groups'];

const { idp, issuer, lenientIssuer } = useStrictAndLenient('gitlab');

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/** A form POST to /oauth/<endpoint> as the confidential fixture app, its credentials in the body. */
const appPost = (endpoint: string, data: Record<string, string>) =>
  formPost(`${issuer()}/oauth/${endpoint}`, { client_id: APP.client_id, client_secret: APP.client_secret, ...data });

/** A refresh as the fixture app sends it, with the redirect_uri GitLab's docs add. */
const refreshAsApp = (refresh_token: string) =>
  appPost('token', { refresh_token, grant_type: 'refresh_token', redirect_uri: REDIRECT_URI });

/** The authorize request as GitLab's docs write it, run to the callback. */
async function authorize(params: Record<string, string | undefined>, base = issuer()) {
  const url = codeRequest(`${base}/oauth/authorize`, APP.client_id, {
    scope: 'openid profile email read_user',
    ...params,
  });
  const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  return callback;
}

/** Authorization code with PKCE S256 (the docs' verifier) plus the app's secret, redeemed by a plain form post. */
async function login(scope = 'openid profile email read_user', base = issuer()) {
  const callback = await authorize({ scope, code_challenge: DOC_CHALLENGE, code_challenge_method: 'S256' }, base);
  const code = callback.searchParams.get('code');
  expect(code, callback.href).toBeTruthy();
  const tokens = await formPost(`${base}/oauth/token`, {
    client_id: APP.client_id,
    client_secret: APP.client_secret,
    code: code!,
    grant_type: 'authorization_code',
    redirect_uri: REDIRECT_URI,
    code_verifier: DOC_VERIFIER,
  });
  expect(tokens.status).toBe(200);
  return tokens.body as {
    access_token: string;
    refresh_token: string;
    id_token?: string;
    token_type: string;
    expires_in: number;
    created_at: number;
    scope: string;
  };
}

async function apiUser(token: string | undefined, how: 'bearer' | 'query' = 'bearer', base = issuer()) {
  const url = new URL(`${base}/api/v4/user`);
  if (token && how === 'query') url.searchParams.set('access_token', token);
  const response = await fetch(url, { headers: token && how === 'bearer' ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('GitLab: discovery', () => {
  it('publishes /oauth/* endpoints, no end_session_endpoint, secret auth methods and PKCE plain/S256', async () => {
    const meta = await discoveryDocument(issuer());
    expect(meta).toMatchObject({
      issuer: issuer(),
      ...endpointsUnder(`${issuer()}/oauth`, {
        authorization_endpoint: '/authorize',
        token_endpoint: '/token',
        revocation_endpoint: '/revoke',
        introspection_endpoint: '/introspect',
        userinfo_endpoint: '/userinfo',
        jwks_uri: '/discovery/keys',
      }),
      response_types_supported: ['code'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['plain', 'S256'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(meta).not.toHaveProperty('end_session_endpoint');
    expect(meta.claims_supported).toEqual(
      expect.arrayContaining(['sub_legacy', 'groups_direct', 'https://gitlab.org/claims/groups/owner']),
    );
    expect(meta.claims_supported).not.toContain('created_at');
    const jwks = (await (await fetch(`${issuer()}/oauth/discovery/keys`)).json()) as { keys: { kty: string }[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    expect(jwks.keys.every((k) => k.kty === 'RSA')).toBe(true);
  });
});

describe('GitLab: the authorization code flow', () => {
  it('completes with openid-client, PKCE and a client secret (basic and post)', async () => {
    for (const auth of [client.ClientSecretBasic(APP.client_secret), client.ClientSecretPost(APP.client_secret)]) {
      const config = await discover(issuer(), APP.client_id, auth);
      const { tokens } = await codeFlow(config, { scope: 'openid profile email read_user' });
      expect(tokens.claims()).toMatchObject({ iss: issuer(), aud: APP.client_id, sub: '1234567' });
      expect(tokens.expires_in).toBe(7200);
      const info = await client.fetchUserInfo(config, tokens.access_token, '1234567');
      expect(info).toMatchObject({
        name: 'Alice Adams',
        preferred_username: 'alice',
        groups: ['acme', 'acme/backend', 'acme/frontend'],
      });
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.claims()?.sub).toBe('1234567');
    }
  });

  it('answers with token_type "bearer", expires_in 7200, created_at, refresh_token, id_token and scope', async () => {
    const before = Math.floor(Date.now() / 1000);
    const tokens = await login();
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 7200, scope: 'openid profile email read_user' });
    expect(tokens.created_at).toBeGreaterThanOrEqual(before);
    expect(tokens.created_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(typeof tokens.refresh_token).toBe('string');
    expect(typeof tokens.id_token).toBe('string');
  });

  it("issues a 120 s ID token with GitLab's claims and none of the userinfo-only ones", async () => {
    const tokens = await login();
    const { payload } = await jwtVerify(
      tokens.id_token!,
      createRemoteJWKSet(new URL(`${issuer()}/oauth/discovery/keys`)),
      { issuer: issuer(), audience: APP.client_id },
    );
    expect(payload.exp! - payload.iat!).toBe(120);
    expect(payload.sub).toMatch(/^\d+$/);
    expect(payload.sub_legacy).toMatch(/^[0-9a-f]{64}$/);
    expect(payload).toMatchObject({ email: 'alice@example.com', email_verified: true, groups_direct: ['acme'] });
    expect(typeof payload.auth_time).toBe('number');
    for (const claim of USERINFO_ONLY) expect(payload).not.toHaveProperty(claim);
    expect(payload).not.toHaveProperty('created_at');
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('RS256');
  });

  it(
    'serves name, nickname, preferred_username, website, profile, picture and groups from ' + '/oauth/userinfo only',
    async () => {
      const tokens = await login();
      const response = await fetch(`${issuer()}/oauth/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      const info = (await response.json()) as Record<string, unknown>;
      expect(info).toMatchObject({
        sub: '1234567',
        nickname: 'alice',
        preferred_username: 'alice',
        name: 'Alice Adams',
        website: 'https://alice.example.com',
        profile: 'https://gitlab.example.com/alice',
        email: 'alice@example.com',
        groups: ['acme', 'acme/backend', 'acme/frontend'],
        'https://gitlab.org/claims/groups/owner': ['acme'],
      });
      expect(typeof info.picture).toBe('string');
      expect(info.sub_legacy).toMatch(/^[0-9a-f]{64}$/);
      // ID token only, and fixture data that only the REST API shows.
      expect(info).not.toHaveProperty('groups_direct');
      expect(info).not.toHaveProperty('created_at');
    },
  );

  it('is plain OAuth without openid: no ID token', async () => {
    const tokens = await login('read_user');
    expect(tokens.id_token).toBeUndefined();
    expect(tokens.refresh_token).toBeTruthy();
    expect((await apiUser(tokens.access_token)).status).toBe(200);
  });

  it('accepts token parameters in the query string', async () => {
    const callback = await authorize({ code_challenge: DOC_CHALLENGE, code_challenge_method: 'S256' });
    const url = new URL(`${issuer()}/oauth/token`);
    for (const [k, v] of Object.entries({
      client_id: APP.client_id,
      client_secret: APP.client_secret,
      code: callback.searchParams.get('code')!,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT_URI,
      code_verifier: DOC_VERIFIER,
    }))
      url.searchParams.set(k, v);
    const response = await fetch(url, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: 'bearer', expires_in: 7200 });
  });

  it("serves /oauth/token/info for the token's holder", async () => {
    const tokens = await login();
    const response = await fetch(`${issuer()}/oauth/token/info?access_token=${tokens.access_token}`);
    expect(response.status).toBe(200);
    const info = (await response.json()) as Record<string, unknown>;
    expect(info).toMatchObject({
      resource_owner_id: 1234567,
      application: { uid: APP.client_id },
      created_at: tokens.created_at,
      scope: ['openid', 'profile', 'email', 'read_user'],
    });
    expect(info.expires_in).toBeGreaterThan(7100);
    expect(info.expires_in_seconds).toBe(info.expires_in);
    const bad = await fetch(`${issuer()}/oauth/token/info`, { headers: { authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: 'invalid_token' });
  });
});

describe('GitLab: refresh and revocation', () => {
  it(
    'rotates: the refresh (with redirect_uri) kills the old access and refresh tokens, the new ' + 'pair works',
    async () => {
      const first = await login();
      expect((await apiUser(first.access_token)).status).toBe(200);
      const refreshed = await refreshAsApp(first.refresh_token);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body).toMatchObject({ token_type: 'bearer', expires_in: 7200 });
      expect(refreshed.body.access_token).not.toBe(first.access_token);
      expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);

      expect(await apiUser(first.access_token)).toEqual({ status: 401, body: { message: '401 Unauthorized' } });
      const oldUserinfo = await fetch(`${issuer()}/oauth/userinfo`, {
        headers: { authorization: `Bearer ${first.access_token}` },
      });
      expect(oldUserinfo.status).toBe(401);
      const reuse = await refreshAsApp(first.refresh_token);
      expect(reuse.status).toBe(400);
      expect(reuse.body.error).toBe('invalid_grant');

      // Reusing the old refresh token does not take the new pair down.
      expect((await apiUser(String(refreshed.body.access_token))).status).toBe(200);
      const again = await refreshAsApp(String(refreshed.body.refresh_token));
      expect(again.status).toBe(200);
      const { payload } = await jwtVerify(
        String(again.body.id_token),
        createRemoteJWKSet(new URL(`${issuer()}/oauth/discovery/keys`)),
        { issuer: issuer(), audience: APP.client_id },
      );
      expect(payload.exp! - payload.iat!).toBe(120);
    },
  );

  it('revokes with 200 {}, and revoking the access token ends its refresh token too', async () => {
    const tokens = await login();
    const active = await appPost('introspect', { token: tokens.access_token });
    expect(active.body).toMatchObject({ active: true, client_id: APP.client_id, sub: '1234567' });
    const revoked = await appPost('revoke', { token: tokens.access_token });
    expect(revoked).toEqual({ status: 200, body: {} });
    expect((await apiUser(tokens.access_token)).status).toBe(401);
    const refresh = await appPost('token', { refresh_token: tokens.refresh_token, grant_type: 'refresh_token' });
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
  });
});

describe("GitLab: revocation is limited to the token's own client (RFC 7009 2.1)", () => {
  it('another (public) client revoking an access token leaves it and its paired refresh token alive', async () => {
    const tokens = await login();
    for (const token of [tokens.access_token, tokens.refresh_token]) {
      const attempt = await formPost(`${issuer()}/oauth/revoke`, { client_id: PUBLIC_APP, token });
      expect(attempt.status).toBeLessThan(500);
    }
    expect((await apiUser(tokens.access_token)).status).toBe(200);
    const refresh = await refreshAsApp(tokens.refresh_token);
    expect(refresh.status).toBe(200);
  });
});

describe('GitLab: /api/v4/user', () => {
  it('accepts the token as a bearer header or ?access_token= and answers a GitLab user', async () => {
    const tokens = await login();
    for (const how of ['bearer', 'query'] as const) {
      const r = await apiUser(tokens.access_token, how);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        id: 1234567,
        username: 'alice',
        name: 'Alice Adams',
        email: 'alice@example.com',
        state: 'active',
        avatar_url: expect.stringMatching(/^https:\/\//),
        web_url: 'https://gitlab.example.com/alice',
        created_at: '2019-04-02T09:13:45.012Z',
      });
    }
  });

  it('refuses a token under another scheme, and the request log still names the client it was issued to', async () => {
    const tokens = await login();
    const since = idp().requests.lastId;
    const response = await fetch(`${issuer()}/api/v4/user`, {
      headers: { authorization: `N_A ${tokens.access_token}` },
    });
    expect(response.status).toBe(401);
    const [record] = idp().requests.list({ sinceId: since });
    expect(record).toMatchObject({ route: 'gitlab_api_user', status: 401, clientId: APP.client_id });
  });

  it('answers 401 {"message":"401 Unauthorized"} without a token or with a bad one', async () => {
    expect(await apiUser(undefined)).toEqual({ status: 401, body: { message: '401 Unauthorized' } });
    expect(await apiUser('0'.repeat(64))).toEqual({ status: 401, body: { message: '401 Unauthorized' } });
    expect(await apiUser('0'.repeat(64), 'query')).toEqual({ status: 401, body: { message: '401 Unauthorized' } });
  });

  it('needs read_user, read_api or api (strict; a lenient issuer lets openid alone through)', async () => {
    const tokens = await login('openid email');
    const r = await apiUser(tokens.access_token);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ error: 'insufficient_scope' });
    const lenient = await login('openid email', lenientIssuer());
    expect((await apiUser(lenient.access_token, 'bearer', lenientIssuer())).status).toBe(200);
  });
});

describe('GitLab: public apps and PKCE', () => {
  async function publicLogin(challenge: string, method: string | undefined, verifier: string, base = issuer()) {
    const callback = await authorize(
      { client_id: PUBLIC_APP, scope: 'openid read_user', code_challenge: challenge, code_challenge_method: method },
      base,
    );
    const code = callback.searchParams.get('code');
    if (!code) return { callback, status: 0, body: {} as Record<string, unknown> };
    const r = await formPost(`${base}/oauth/token`, {
      client_id: PUBLIC_APP,
      code,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    return { callback, ...r };
  }

  it("works with the S256 test vector from GitLab's docs", async () => {
    expect(s256(DOC_VERIFIER)).toBe(DOC_CHALLENGE);
    const r = await publicLogin(DOC_CHALLENGE, 'S256', DOC_VERIFIER);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: 'bearer', expires_in: 7200 });
    expect(r.body.id_token).toBeTruthy();
  });

  it('works with plain PKCE, named or implied by a missing method', async () => {
    const verifier = randomBytes(32).toString('base64url');
    expect((await publicLogin(verifier, 'plain', verifier)).status).toBe(200);
    expect((await publicLogin(verifier, undefined, verifier)).status).toBe(200);
  });

  it('completes with openid-client as a public client', async () => {
    const config = await discover(issuer(), PUBLIC_APP, client.None());
    const { tokens } = await codeFlow(config, { scope: 'openid read_user' });
    expect(tokens.claims()?.sub).toBe('1234567');
  });

  it('rejects a wrong verifier, a missing challenge and an unknown or short challenge', async () => {
    const wrong = await publicLogin(DOC_CHALLENGE, 'S256', `${DOC_VERIFIER}x`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');
    const missing = await authorize({ client_id: PUBLIC_APP });
    expect(missing.searchParams.get('error')).toBe('invalid_request');
    const unknownMethod = await authorize({
      client_id: PUBLIC_APP,
      code_challenge: DOC_CHALLENGE,
      code_challenge_method: 'S512',
    });
    expect(unknownMethod.searchParams.get('error')).toBe('invalid_request');
    expect(unknownMethod.searchParams.get('error_description')).toMatch(/S512/);
    const short = await authorize({
      client_id: PUBLIC_APP,
      code_challenge: 'too-short',
      code_challenge_method: 'plain',
    });
    expect(short.searchParams.get('error')).toBe('invalid_request');
    expect(short.searchParams.get('error_description')).toMatch(/43 to 128/);
  });
});

describe('GitLab: device authorization', () => {
  it('runs at /oauth/authorize_device and /oauth/device with a public app', async () => {
    const config = await discover(issuer(), PUBLIC_APP, client.None());
    expect(config.serverMetadata().device_authorization_endpoint).toBe(`${issuer()}/oauth/authorize_device`);
    const device = await client.initiateDeviceAuthorization(config, { scope: 'openid read_user' });
    expect(device.verification_uri).toBe(`${issuer()}/oauth/device`);
    const { response } = await new UserAgent().navigate(device.verification_uri_complete!);
    expect(await response!.text()).toContain('Device connected');
    const tokens = await client.genericGrantRequest(config, 'urn:ietf:params:oauth:grant-type:device_code', {
      device_code: device.device_code,
    });
    expect(tokens.expires_in).toBe(7200);
    const claims = tokens.claims()!;
    expect(claims.sub).toBe('1234567');
    expect(claims.exp - claims.iat).toBe(120);
    expect(typeof claims.auth_time).toBe('number');
  });
});

describe('GitLab: client authentication', () => {
  it('rejects a wrong secret and methods GitLab does not offer', async () => {
    const callback = await authorize({ code_challenge: DOC_CHALLENGE, code_challenge_method: 'S256' });
    const code = callback.searchParams.get('code')!;
    const wrong = await formPost(`${issuer()}/oauth/token`, {
      client_id: APP.client_id,
      client_secret: 'wrong',
      code,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT_URI,
      code_verifier: DOC_VERIFIER,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    const jwt = await formPost(`${issuer()}/oauth/token`, {
      client_id: APP.client_id,
      code,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT_URI,
      code_verifier: DOC_VERIFIER,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJnaXRsYWItYXBwIn0.x',
    });
    expect(jwt.status).toBeGreaterThanOrEqual(400);
    expect(['invalid_client', 'invalid_request']).toContain(jwt.body.error);
  });
});
