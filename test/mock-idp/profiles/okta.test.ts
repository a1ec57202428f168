import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserAgent } from '../../../mock-idp/index.js';
import { ASSERTION_TYPE, clientAssertion, clientPrivateKey } from '../../helpers/client-keys.js';
import { basicAuth } from '../../helpers/http.js';
import { fixtureJson, REDIRECT_URI, strictAndLenient, useIdp } from '../../helpers/idp.js';
import { codeFlow, discover, discoveryDocument, endpointsUnder } from '../../helpers/login.js';

const WEB = { id: 'okta-web', secret: 'okta-web-secret' };
const SERVICE = { id: 'okta-service', secret: 'okta-service-secret' };
const ALICE = { sub: '00u1abcdefghijk12345', login: 'alice@example.com' };

let issuer: string;
let tokenUrl: string;

const idp = useIdp({
  issuers: [
    ...strictAndLenient('okta', { path: '/lenient/oauth2/default' }),
    { name: 'okta-acme', profile: 'okta', path: '/acme/oauth2/aus1acme', tenant: 'aus1acme' },
  ],
});
beforeAll(async () => {
  issuer = idp().issuers.okta!;
  tokenUrl = `${issuer}/v1/token`;
});

const tokenHash = (token: string) => createHash('sha256').update(token).digest().subarray(0, 16).toString('base64url');

/** A headless login at /v1/authorize; returns the code and the PKCE verifier and nonce it used. */
async function login(
  clientId: string,
  options: { scope?: string; base?: string; extra?: Record<string, string | undefined> } = {},
) {
  const verifier = randomBytes(32).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const url = new URL(`${options.base ?? issuer}/v1/authorize`);
  const params: Record<string, string | undefined> = {
    client_id: clientId,
    response_type: 'code',
    scope: options.scope ?? 'openid profile email offline_access',
    redirect_uri: REDIRECT_URI,
    state: 'st',
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...options.extra,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  return {
    code: callback.searchParams.get('code'),
    error: callback.searchParams.get('error'),
    description: callback.searchParams.get('error_description'),
    verifier,
    nonce,
  };
}

async function post(url: string, init: { body?: string | URLSearchParams; headers?: Record<string, string> } = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...init.headers },
    body: init.body ?? '',
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

const assertion = (claims: Record<string, unknown> = {}) => clientAssertion('okta-pkjwt', tokenUrl, claims, 300);

describe('Okta: what okta-sdk-python sends', () => {
  it('accepts a Basic-auth token request with every parameter in the query string and an empty body', async () => {
    const { code, verifier, nonce } = await login(WEB.id);
    const query = new URLSearchParams({
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    const response = await post(`${tokenUrl}?${query}`, { headers: { authorization: basicAuth(WEB.id, WEB.secret) } });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual([
      'token_type',
      'expires_in',
      'access_token',
      'scope',
      'refresh_token',
      'id_token',
    ]);
    expect(response.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid profile email offline_access',
    });

    const idToken = String(response.body.id_token);
    const header = decodeProtectedHeader(idToken);
    expect(Object.keys(header).sort()).toEqual(['alg', 'kid']);
    expect(header.alg).toBe('RS256');
    const { keys } = (await (await fetch(`${issuer}/v1/keys`)).json()) as { keys: { kid: string }[] };
    expect(keys.map((k) => k.kid)).toContain(header.kid);
    const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(`${issuer}/v1/keys`)), {
      issuer,
      audience: WEB.id,
      algorithms: ['RS256'],
    });
    expect(payload).toMatchObject({
      sub: ALICE.sub,
      nonce,
      ver: 1,
      amr: ['pwd'],
      name: 'Alice Adams',
      email: 'alice@example.com',
      preferred_username: ALICE.login,
      idp: expect.stringMatching(/^00o/),
      jti: expect.stringMatching(/^ID\.[\w-]{43}$/),
      auth_time: expect.any(Number),
      at_hash: tokenHash(String(response.body.access_token)),
    });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload.sid).toBeUndefined();
  });

  it('accepts the query-string request without any Content-Type as well', async () => {
    const { code, verifier } = await login(WEB.id, { scope: 'openid' });
    const query = new URLSearchParams({
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    const response = await fetch(`${tokenUrl}?${query}`, {
      method: 'POST',
      headers: { authorization: basicAuth(WEB.id, WEB.secret), accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: 'Bearer', scope: 'openid' });
  });

  it(
    "accepts the SDK's private_key_jwt client_credentials request with the assertion in the " + 'query string',
    async () => {
      const query = new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion(),
      });
      const response = await post(`${tokenUrl}?${query}`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
      const claims = decodeJwt(String(response.body.access_token));
      expect(claims).toMatchObject({ sub: 'okta-pkjwt', cid: 'okta-pkjwt', aud: 'api://default' });
    },
  );
});

describe('Okta: openid-client', () => {
  it(
    'completes a code flow, reads userinfo with the JWT access token, introspects, refreshes ' + 'and revokes',
    async () => {
      const config = await discover(issuer, WEB.id, client.ClientSecretBasic(WEB.secret));
      expect(config.serverMetadata()).toMatchObject({
        token_endpoint: tokenUrl,
        jwks_uri: `${issuer}/v1/keys`,
        userinfo_endpoint: `${issuer}/v1/userinfo`,
      });
      const { tokens } = await codeFlow(config, { scope: 'openid profile email offline_access' });
      expect(tokens.claims()).toMatchObject({ sub: ALICE.sub, ver: 1, aud: WEB.id });

      const { payload: at, protectedHeader } = await jwtVerify(
        tokens.access_token,
        createRemoteJWKSet(new URL(`${issuer}/v1/keys`)),
        { issuer, audience: 'api://default' },
      );
      expect(protectedHeader.typ).toBeUndefined();
      expect(at).toMatchObject({
        ver: 1,
        cid: WEB.id,
        uid: ALICE.sub,
        sub: ALICE.login,
        scp: ['openid', 'profile', 'email', 'offline_access'],
        auth_time: expect.any(Number),
      });
      expect(at.jti).toMatch(/^AT\./);
      expect(at.exp! - at.iat!).toBe(3600);

      expect(await client.fetchUserInfo(config, tokens.access_token, ALICE.sub)).toMatchObject({
        sub: ALICE.sub,
        email: 'alice@example.com',
      });
      const introspection = await client.tokenIntrospection(config, tokens.access_token);
      expect(introspection).toMatchObject({
        active: true,
        username: ALICE.login,
        sub: ALICE.login,
        uid: ALICE.sub,
        aud: 'api://default',
        jti: at.jti,
        client_id: WEB.id,
        token_type: 'Bearer',
      });

      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect(decodeJwt(refreshed.access_token)).toMatchObject({ uid: ALICE.sub, ver: 1 });
      expect(refreshed.claims()).toMatchObject({ sub: ALICE.sub, ver: 1, amr: ['pwd'] });

      await client.tokenRevocation(config, refreshed.access_token);
      await expect(client.fetchUserInfo(config, refreshed.access_token, ALICE.sub)).rejects.toThrow();
      expect(await client.tokenIntrospection(config, refreshed.access_token)).toEqual({ active: false });
    },
  );

  it('logs a public client in with PKCE', async () => {
    const { tokens } = await codeFlow(await discover(issuer, 'okta-spa'), { scope: 'openid email' });
    expect(tokens.claims()).toMatchObject({ sub: ALICE.sub, email: 'alice@example.com', aud: 'okta-spa' });
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('authenticates private_key_jwt when the assertion names the token URL', async () => {
    const key = await clientPrivateKey('RS256');
    const config = await discover(
      issuer,
      'okta-pkjwt',
      client.PrivateKeyJwt(key, {
        [client.modifyAssertion]: (_h, p) => {
          p.aud = tokenUrl;
        },
      }),
    );
    const { tokens } = await codeFlow(config, { loginHint: 'bob@example.com' });
    expect(tokens.claims()?.sub).toBe('00u2bcdefghijkl23456');
    expect(decodeJwt(tokens.access_token).sub).toBe('bob@example.com');
  });

  it('completes the device authorization grant at /v1/device/authorize', async () => {
    const config = await discover(issuer, WEB.id, client.ClientSecretBasic(WEB.secret));
    const device = await client.initiateDeviceAuthorization(config, { scope: 'openid profile' });
    const { response } = await new UserAgent().navigate(device.verification_uri_complete!);
    expect(await response!.text()).toContain('Device connected');
    const tokens = await client.genericGrantRequest(config, 'urn:ietf:params:oauth:grant-type:device_code', {
      device_code: device.device_code,
    });
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      uid: ALICE.sub,
      sub: ALICE.login,
      scp: ['openid', 'profile'],
    });
    expect(decodeJwt(tokens.id_token!)).toMatchObject({ sub: ALICE.sub, ver: 1, preferred_username: ALICE.login });
  });

  it('issues client_credentials access tokens with sub = cid and no uid', async () => {
    const config = await discover(issuer, SERVICE.id, client.ClientSecretBasic(SERVICE.secret));
    const tokens = await client.clientCredentialsGrant(config);
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({
      ver: 1,
      sub: SERVICE.id,
      cid: SERVICE.id,
      aud: 'api://default',
      iss: issuer,
      scp: [],
    });
    expect(claims.uid).toBeUndefined();
    expect(claims.auth_time).toBeUndefined();
    const introspection = await client.tokenIntrospection(config, tokens.access_token);
    expect(introspection).toMatchObject({ active: true, sub: SERVICE.id, client_id: SERVICE.id, aud: 'api://default' });
    expect(introspection).not.toHaveProperty('username');
    expect(introspection).not.toHaveProperty('uid');
  });
});

describe('Okta: metadata and keys', () => {
  it("publishes the default authorization server's discovery", async () => {
    const metadata = await discoveryDocument(issuer);
    const origin = new URL(issuer).origin;
    expect(metadata).toMatchObject({
      issuer,
      token_endpoint: tokenUrl,
      ...endpointsUnder(`${issuer}/v1`, {
        authorization_endpoint: '/authorize',
        userinfo_endpoint: '/userinfo',
        jwks_uri: '/keys',
        introspection_endpoint: '/introspect',
        revocation_endpoint: '/revoke',
        end_session_endpoint: '/logout',
        device_authorization_endpoint: '/device/authorize',
      }),
      registration_endpoint: `${origin}/okta/oauth2/v1/clients`,
      response_types_supported: [
        'code',
        'id_token',
        'code id_token',
        'code token',
        'id_token token',
        'code id_token token',
      ],
      response_modes_supported: ['query', 'fragment', 'form_post', 'okta_post_message'],
      grant_types_supported: [
        'authorization_code',
        'implicit',
        'refresh_token',
        'password',
        'urn:ietf:params:oauth:grant-type:device_code',
      ],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'device_sso'],
      token_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'client_secret_jwt',
        'private_key_jwt',
        'none',
      ],
      code_challenge_methods_supported: ['S256'],
    });
    expect(metadata.claims_supported).toEqual(
      expect.arrayContaining(['ver', 'amr', 'idp', 'auth_time', 'at_hash', 'c_hash', 'preferred_username']),
    );
    expect(Object.keys(metadata).slice(0, 6)).toEqual([
      'issuer',
      'authorization_endpoint',
      'token_endpoint',
      'userinfo_endpoint',
      'registration_endpoint',
      'jwks_uri',
    ]);
  });

  it('serves the RFC 8414 metadata with client_credentials and without the OpenID-only fields', async () => {
    const metadata = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata.issuer).toBe(issuer);
    expect(metadata.grant_types_supported).toContain('client_credentials');
    expect(metadata.userinfo_endpoint).toBeUndefined();
    expect(metadata.id_token_signing_alg_values_supported).toBeUndefined();
  });

  it('publishes the two RS256 fixture keys with a cache lifetime to honour', async () => {
    const response = await fetch(`${issuer}/v1/keys`);
    const { keys } = (await response.json()) as { keys: { kid: string; alg: string; kty: string; d?: string }[] };
    const fixture = fixtureJson<{ keys: { kid: string }[] }>('keys/okta.json').keys.map((k) => k.kid);
    expect(keys.map((k) => k.kid)).toEqual(fixture);
    expect(keys.map((k) => k.alg)).toEqual(['RS256', 'RS256']);
    expect(keys.some((k) => 'd' in k)).toBe(false);
    const cacheControl = response.headers.get('cache-control') ?? '';
    const maxAge = Number(/^max-age=(\d+), must-revalidate$/.exec(cacheControl)?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(300);
    expect(maxAge).toBeLessThanOrEqual(92 * 24 * 3600);
  });

  it('names the authorization server after the tenant when run again at another path', async () => {
    const acme = idp().issuers['okta-acme']!;
    const metadata = (await (await fetch(`${acme}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata.registration_endpoint).toBe(`${new URL(acme).origin}/acme/oauth2/v1/clients`);
    const config = await discover(acme, WEB.id, client.ClientSecretBasic(WEB.secret));
    const { tokens } = await codeFlow(config);
    expect(decodeJwt(tokens.access_token)).toMatchObject({ aud: 'api://aus1acme', iss: acme });
  });
});

describe('Okta: strict rules and error shapes', () => {
  it('answers a JSON token body with E0000021', async () => {
    const response = await post(tokenUrl, {
      headers: { 'content-type': 'application/json', authorization: basicAuth(WEB.id, WEB.secret) },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      errorCode: 'E0000021',
      errorSummary: 'Bad request. Accept and/or Content-Type headers likely do not match supported values.',
      errorLink: 'E0000021',
      errorId: expect.stringMatching(/^oae[A-Za-z0-9]{22}$/),
      errorCauses: [],
    });
  });

  const MULTIPLE = {
    error: 'invalid_client',
    error_description:
      'Cannot supply multiple client credentials. Use one of the following: credentials in the ' +
      'Authorization header, credentials in the post body, or a client_assertion in the post ' +
      'body.',
  };

  it('refuses credentials in the Authorization header and the body at once', async () => {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: SERVICE.id,
      client_secret: SERVICE.secret,
    });
    expect(
      await post(tokenUrl, { headers: { authorization: basicAuth(SERVICE.id, SERVICE.secret) }, body }),
    ).toMatchObject({ status: 401, body: MULTIPLE });
  });

  it('refuses a Basic header with a client_assertion, also when it comes in the query string', async () => {
    const query = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await assertion(),
    });
    expect(
      await post(`${tokenUrl}?${query}`, { headers: { authorization: basicAuth(SERVICE.id, SERVICE.secret) } }),
    ).toMatchObject({ status: 401, body: MULTIPLE });
  });

  it('answers an unknown client_id with the API error shape', async () => {
    const viaHeader = await post(tokenUrl, {
      headers: { authorization: basicAuth('0oa-nobody', 'x') },
      body: 'grant_type=client_credentials',
    });
    expect(viaHeader.status).toBe(401);
    expect(viaHeader.body).toEqual({
      errorCode: 'invalid_client',
      errorSummary: "Invalid value for 'client_id' parameter.",
      errorLink: 'invalid_client',
      errorId: expect.stringMatching(/^oae/),
      errorCauses: [],
    });
    const viaBody = await post(tokenUrl, {
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: '0oa-nobody', client_secret: 'x' }),
    });
    expect(viaBody.body.errorSummary).toBe("Invalid value for 'client_id' parameter.");
  });

  it("answers a wrong secret with Okta's description", async () => {
    const response = await post(tokenUrl, {
      headers: { authorization: basicAuth(SERVICE.id, 'wrong') },
      body: 'grant_type=client_credentials',
    });
    expect(response).toMatchObject({
      status: 401,
      body: {
        error: 'invalid_client',
        error_description: 'The client secret supplied for a confidential client is invalid.',
      },
    });
  });

  it('requires the token URL as the client assertion audience', async () => {
    const response = await post(tokenUrl, {
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion({ aud: issuer }),
      }),
    });
    expect(response).toEqual({
      status: 401,
      headers: expect.anything(),
      body: {
        error: 'invalid_client',
        error_description: 'The audience claim for client_assertion must be the endpoint invoked for the request.',
      },
    });
    // openid-client's default assertion names the issuer, so it fails the same way.
    const config = await discover(issuer, 'okta-pkjwt', client.PrivateKeyJwt(await clientPrivateKey('RS256')));
    await expect(client.clientCredentialsGrant(config)).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('accepts PKCE S256 only', async () => {
    const plain = await login(WEB.id, { extra: { code_challenge: 'p'.repeat(43), code_challenge_method: 'plain' } });
    expect(plain).toMatchObject({ code: null, error: 'invalid_request' });
    const missing = await login(WEB.id, {
      extra: { code_challenge: 'p'.repeat(43), code_challenge_method: undefined },
    });
    expect(missing.error).toBe('invalid_request');
  });

  it('requires PKCE from a public client', async () => {
    const result = await login('okta-spa', { extra: { code_challenge: undefined, code_challenge_method: undefined } });
    expect(result.error).toBe('invalid_request');
  });

  it.each([
    ['42', 42],
    ['129', 129],
  ])("answers a %s-character verifier with Okta's PKCE message", async (_label, length) => {
    const { code } = await login(WEB.id);
    const response = await post(tokenUrl, {
      headers: { authorization: basicAuth(WEB.id, WEB.secret) },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code!,
        redirect_uri: REDIRECT_URI,
        code_verifier: 'v'.repeat(length),
      }),
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: 'invalid_grant',
      error_description:
        'PKCE verification failed: The code_verifier must have a minimum length of 43 characters ' +
        'and a maximum length of 128 characters..',
    });
  });

  it('lets a lenient issuer skip the strict rules', async () => {
    const lenient = idp().issuers['okta-lenient']!;
    // The assertion audience rule is off: the issuer alone is accepted, as oidc-provider allows.
    const config = await discover(lenient, 'okta-pkjwt', client.PrivateKeyJwt(await clientPrivateKey('RS256')));
    expect((await client.clientCredentialsGrant(config)).access_token).toBeTruthy();
    // The PKCE rules are off: a short verifier reaches oidc-provider, which fails it in its own words.
    const { code } = await login(WEB.id, { base: lenient });
    const response = await post(`${lenient}/v1/token`, {
      headers: { authorization: basicAuth(WEB.id, WEB.secret) },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code!,
        redirect_uri: REDIRECT_URI,
        code_verifier: 'v'.repeat(42),
      }),
    });
    expect(response.status).toBe(400);
    expect(response.body.error_description).not.toContain('PKCE verification failed: The code_verifier');
  });
});
