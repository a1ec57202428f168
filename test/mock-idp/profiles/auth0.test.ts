import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserAgent } from '../../../mock-idp/index.js';
import { ASSERTION_TYPE, clientAssertion, clientPrivateKey } from '../../helpers/client-keys.js';
import { fixtureJson, REDIRECT_URI, strictAndLenient, useIdp } from '../../helpers/idp.js';
import { authorizationCode, codeFlow, discover } from '../../helpers/login.js';

const WEB = { id: 'auth0-web', secret: 'auth0-web-secret' };
const M2M = { id: 'auth0-m2m', secret: 'auth0-m2m-secret' };
const ALICE = 'auth0|6543210fedcba98765432100';
const API = 'https://api.example.com/';
const ROLES = 'https://example.com/roles';
const DEAD_REFRESH = { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' };

let issuer: string;
let tokenUrl: string;

const idp = useIdp({
  issuers: strictAndLenient('auth0', { path: '/auth0-lenient/', ttl: { clientCredentials: 60 } }),
});
beforeAll(async () => {
  issuer = idp().issuers.auth0!;
  tokenUrl = `${issuer}oauth/token`;
});

const jwks = () => createRemoteJWKSet(new URL(`${issuer}.well-known/jwks.json`));

async function post(url: string, params: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

const webConfig = () => discover(issuer, WEB.id, client.ClientSecretPost(WEB.secret));

const assertion = (aud: string) => clientAssertion('auth0-pkjwt', aud, {}, 120);

describe('Auth0: metadata and keys', () => {
  it('keeps the trailing slash in the issuer and publishes a tenant-shaped discovery', async () => {
    expect(issuer).toMatch(/\/auth0\/$/);
    const metadata = (await (await fetch(`${issuer}.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}authorize`,
      token_endpoint: tokenUrl,
      userinfo_endpoint: `${issuer}userinfo`,
      jwks_uri: `${issuer}.well-known/jwks.json`,
      revocation_endpoint: `${issuer}oauth/revoke`,
      device_authorization_endpoint: `${issuer}oauth/device/code`,
      code_challenge_methods_supported: ['S256', 'plain'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      request_parameter_supported: false,
    });
    expect(metadata).not.toHaveProperty('end_session_endpoint');
    expect(metadata).not.toHaveProperty('grant_types_supported');
    expect(metadata).not.toHaveProperty('introspection_endpoint');
  });

  it('publishes the fixture keys at /.well-known/jwks.json', async () => {
    const { keys } = (await (await fetch(`${issuer}.well-known/jwks.json`)).json()) as {
      keys: { kid: string; d?: string }[];
    };
    expect(keys.map((k) => k.kid)).toEqual(
      fixtureJson<{ keys: { kid: string }[] }>('keys/auth0.json').keys.map((k) => k.kid),
    );
    expect(keys.some((k) => 'd' in k)).toBe(false);
  });
});

describe('Auth0: openid-client', () => {
  it(
    'logs in with client_secret_post; the ID token verifies against the JWKS and carries ' + 'namespaced claims',
    async () => {
      const config = await webConfig();
      const { tokens } = await codeFlow(config, { scope: 'openid profile email' });
      const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, jwks(), { issuer, audience: WEB.id });
      expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
      expect(payload.exp! - payload.iat!).toBe(36000);
      expect(tokens.expires_in).toBe(86400);
      expect(payload).toMatchObject({
        iss: issuer,
        sub: ALICE,
        nickname: 'alice',
        email: 'alice@example.com',
        [ROLES]: ['admin', 'editor'],
      });
      // Without an audience the access token is opaque and good at /userinfo only.
      expect(() => decodeJwt(tokens.access_token)).toThrow();
      expect(await client.fetchUserInfo(config, tokens.access_token, ALICE)).toMatchObject({
        sub: ALICE,
        [ROLES]: ['admin', 'editor'],
      });
    },
  );

  it('logs a public client in with PKCE', async () => {
    const { tokens } = await codeFlow(await discover(issuer, 'auth0-spa'), { loginHint: 'bob' });
    expect(tokens.claims()).toMatchObject({ sub: 'auth0|6543210fedcba98765432101', [ROLES]: ['viewer'] });
  });
});

describe('Auth0: audience', () => {
  it('turns the access token into a JWT for the API named at /authorize, which also works at /userinfo', async () => {
    const config = await webConfig();
    const { tokens } = await codeFlow(config, { scope: 'openid profile offline_access', extra: { audience: API } });
    const { payload } = await jwtVerify(tokens.access_token, jwks(), { issuer, audience: API });
    expect(payload).toMatchObject({
      iss: issuer,
      sub: ALICE,
      aud: [API, `${issuer}userinfo`],
      azp: WEB.id,
      scope: 'openid profile offline_access',
      [ROLES]: ['admin', 'editor'],
    });
    expect(payload.exp! - payload.iat!).toBe(tokens.expires_in);
    expect(payload.gty).toBeUndefined();
    expect(await client.fetchUserInfo(config, tokens.access_token, ALICE)).toMatchObject({
      sub: ALICE,
      name: 'Alice Adams',
    });

    // A refresh keeps the audience of the original request.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ aud: [API, `${issuer}userinfo`], sub: ALICE });
  });

  it('accepts the audience on the token request too', async () => {
    const config = await webConfig();
    const { callback, verifier } = await authorizationCode(config);
    const tokens = await client.authorizationCodeGrant(
      config,
      callback,
      { pkceCodeVerifier: verifier },
      { audience: API },
    );
    expect(decodeJwt(tokens.access_token).aud).toEqual([API, `${issuer}userinfo`]);
  });

  it('leaves userinfo out of aud without openid', async () => {
    const url = new URL(`${issuer}authorize`);
    const verifier = randomBytes(32).toString('base64url');
    const params = {
      client_id: WEB.id,
      response_type: 'code',
      scope: 'email',
      redirect_uri: REDIRECT_URI,
      audience: API,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
    const tokens = await post(tokenUrl, {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code')!,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      client_id: WEB.id,
      client_secret: WEB.secret,
    });
    expect(tokens.status).toBe(200);
    expect(tokens.body.id_token).toBeUndefined();
    expect(decodeJwt(String(tokens.body.access_token))).toMatchObject({ aud: API, sub: ALICE, scope: 'email' });
  });

  it('carries the audience of a device authorization request to the device_code grant', async () => {
    const config = await webConfig();
    const device = await client.initiateDeviceAuthorization(config, { scope: 'openid profile', audience: API });
    expect(device.verification_uri).toBe(`${issuer}activate`);
    const { response } = await new UserAgent().navigate(device.verification_uri_complete!);
    expect(await response!.text()).toContain('Device connected');
    const tokens = await client.genericGrantRequest(config, 'urn:ietf:params:oauth:grant-type:device_code', {
      device_code: device.device_code,
    });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ aud: [API, `${issuer}userinfo`], sub: ALICE, azp: WEB.id });
  });

  it('issues machine tokens with gty client-credentials and sub <client_id>@clients', async () => {
    const config = await discover(issuer, M2M.id, client.ClientSecretPost(M2M.secret));
    const tokens = await client.clientCredentialsGrant(config, { audience: API });
    const { payload } = await jwtVerify(tokens.access_token, jwks(), { issuer, audience: API });
    expect(payload).toMatchObject({
      iss: issuer,
      sub: `${M2M.id}@clients`,
      aud: API,
      azp: M2M.id,
      gty: 'client-credentials',
    });
  });

  it('refuses client_credentials without an audience (strict), unless lenient', async () => {
    expect(
      await post(tokenUrl, { grant_type: 'client_credentials', client_id: M2M.id, client_secret: M2M.secret }),
    ).toEqual({
      status: 403,
      body: {
        error: 'access_denied',
        error_description: 'No audience parameter was provided, and no default audience has been configured',
      },
    });
    const lenient = await post(`${idp().issuers['auth0-lenient']}oauth/token`, {
      grant_type: 'client_credentials',
      client_id: M2M.id,
      client_secret: M2M.secret,
    });
    expect(lenient.status).toBe(200);
    // The issuer's own ttl config wins over Auth0's 24 h default.
    expect(lenient.body.expires_in).toBe(60);
  });
});

describe('Auth0: refresh tokens', () => {
  it('answers an unknown refresh token with 403 "Unknown or invalid refresh token."', async () => {
    expect(
      await post(tokenUrl, {
        grant_type: 'refresh_token',
        refresh_token: 'nope',
        client_id: WEB.id,
        client_secret: WEB.secret,
      }),
    ).toEqual({ status: 403, body: DEAD_REFRESH });
  });

  it('revokes the whole family when a rotated refresh token is reused', async () => {
    const config = await webConfig();
    const { tokens } = await codeFlow(config, { scope: 'openid offline_access' });
    const first = tokens.refresh_token!;
    const refreshed = await client.refreshTokenGrant(config, first);
    const newest = refreshed.refresh_token!;
    expect(newest).not.toBe(first);
    const refresh = (token: string) =>
      post(tokenUrl, {
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: WEB.id,
        client_secret: WEB.secret,
      });
    expect(await refresh(first)).toEqual({ status: 403, body: DEAD_REFRESH });
    expect(await refresh(newest)).toEqual({ status: 403, body: DEAD_REFRESH });
  });

  it('answers a refresh token revoked at /oauth/revoke with the same 403', async () => {
    const config = await webConfig();
    const { tokens } = await codeFlow(config, { scope: 'openid offline_access' });
    const revoked = await post(`${issuer}oauth/revoke`, {
      token: tokens.refresh_token!,
      client_id: WEB.id,
      client_secret: WEB.secret,
    });
    expect(revoked.status).toBe(200);
    expect(
      await post(tokenUrl, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_id: WEB.id,
        client_secret: WEB.secret,
      }),
    ).toEqual({ status: 403, body: DEAD_REFRESH });
  });
});

describe('Auth0: client assertions and PKCE', () => {
  it('accepts the issuer (with its slash) as the assertion audience, as openid-client sends it', async () => {
    const config = await discover(issuer, 'auth0-pkjwt', client.PrivateKeyJwt(await clientPrivateKey('RS256')));
    const { tokens } = await codeFlow(config);
    expect(tokens.claims()?.sub).toBe(ALICE);
  });

  it(
    'rejects the token URL or the issuer without its slash as the assertion audience (strict), ' + 'unless lenient',
    async () => {
      const request = async (aud: string, url = tokenUrl) =>
        post(url, {
          grant_type: 'client_credentials',
          audience: API,
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await assertion(aud),
        });
      const byTokenUrl = await request(tokenUrl);
      expect(byTokenUrl.status).toBe(401);
      expect(byTokenUrl.body).toMatchObject({
        error: 'invalid_client',
        error_description: expect.stringContaining(`must be ${issuer}`),
      });
      expect((await request(issuer.replace(/\/$/, ''))).status).toBe(401);
      expect((await request(issuer)).status).toBe(200);
      const lenient = idp().issuers['auth0-lenient']!;
      expect((await request(`${lenient}oauth/token`, `${lenient}oauth/token`)).status).toBe(200);
    },
  );

  it('accepts a plain PKCE challenge, and a challenge without a method as plain', async () => {
    for (const method of ['plain', undefined]) {
      const verifier = randomBytes(32).toString('base64url');
      const url = new URL(`${issuer}authorize`);
      const params: Record<string, string | undefined> = {
        client_id: 'auth0-spa',
        response_type: 'code',
        scope: 'openid',
        redirect_uri: REDIRECT_URI,
        code_challenge: verifier,
        code_challenge_method: method,
      };
      for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
      const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
      const code = callback.searchParams.get('code');
      expect(code).toBeTruthy();
      const tokens = await post(tokenUrl, {
        grant_type: 'authorization_code',
        client_id: 'auth0-spa',
        code: code!,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      });
      expect(tokens.status).toBe(200);
    }
  });
});

describe('Auth0: /v2/logout', () => {
  async function signedIn() {
    const config = await webConfig();
    const agent = new UserAgent();
    await codeFlow(config, { agent });
    return agent;
  }

  /** Whether the agent still has a session: prompt=none succeeds only then. */
  async function hasSession(agent: UserAgent) {
    const url = new URL(`${issuer}authorize`);
    for (const [k, v] of Object.entries({
      client_id: WEB.id,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: REDIRECT_URI,
      prompt: 'none',
    }))
      url.searchParams.set(k, v);
    const { url: callback } = await agent.navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
    return callback.searchParams.has('code');
  }

  it('ends the session and redirects to an allowed returnTo', async () => {
    const agent = await signedIn();
    expect(await hasSession(agent)).toBe(true);
    const returnTo = 'http://127.0.0.1:3000/';
    const response = await agent.request(
      `${issuer}v2/logout?client_id=${WEB.id}&returnTo=${encodeURIComponent(returnTo)}`,
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(returnTo);
    expect(response.headers.getSetCookie().join('\n')).toMatch(/expires=Thu, 01 Jan 1970/i);
    expect(await hasSession(agent)).toBe(false);
  });

  it("goes to the client's first allowed logout URL without returnTo", async () => {
    const agent = await signedIn();
    const response = await agent.request(`${issuer}v2/logout?client_id=${WEB.id}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:3000/');
    expect(await hasSession(agent)).toBe(false);
  });

  it('refuses a returnTo that is not an allowed logout URL, and keeps the session', async () => {
    const agent = await signedIn();
    const response = await agent.request(
      `${issuer}v2/logout?client_id=${WEB.id}&returnTo=${encodeURIComponent('https://evil.example/')}`,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('is not defined as a valid URL in &quot;Allowed Logout URLs&quot;');
    expect(await hasSession(agent)).toBe(true);
    const withoutClient = await agent.request(
      `${issuer}v2/logout?returnTo=${encodeURIComponent('http://127.0.0.1:3000/')}`,
    );
    expect(withoutClient.status).toBe(400);
    const unknownClient = await agent.request(`${issuer}v2/logout?client_id=nobody`);
    expect(unknownClient.status).toBe(400);
  });

  it('signs out without any parameter and shows a page', async () => {
    const agent = await signedIn();
    const response = await agent.request(`${issuer}v2/logout`);
    expect(response.status).toBe(200);
    expect(await hasSession(agent)).toBe(false);
  });
});
