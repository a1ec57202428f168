import { createRemoteJWKSet, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { UserAgent } from '../../../mock-idp/index.js';
import { fixtureJson, REDIRECT_URI, useStrictAndLenient } from '../../helpers/idp.js';
import { codeRequest, discoveryDocument, endpointsUnder } from '../../helpers/login.js';

const APP = fixtureJson<{ client_id: string; client_secret: string; team_id: string }[]>('clients/apple.json')[0]!;
const TEAM_KEY = fixtureJson<{ keys: (JWK & { kid: string })[] }>('keys/clients/apple-team.json').keys[0]!;
const ALICE = '001234.5c2f7d1e8a9b4c3d2e1f0a9b8c7d6e5f.1042';
const BOB = '001234.9a8b7c6d5e4f30211f2e3d4c5b6a7980.1107';
const CAROL = '001234.0f1e2d3c4b5a69788796a5b4c3d2e1f0.0958';

const { issuer, lenientIssuer } = useStrictAndLenient('apple');

/** The client secret as Apple's docs describe it, signed with the team's fixture key. */
async function clientSecret(
  overrides: { iss?: string; sub?: string; aud?: string; lifetime?: number; kid?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: overrides.kid ?? TEAM_KEY.kid })
    .setIssuer(overrides.iss ?? APP.team_id)
    .setSubject(overrides.sub ?? APP.client_id)
    .setAudience(overrides.aud ?? 'https://appleid.apple.com')
    .setIssuedAt(now)
    .setExpirationTime(now + (overrides.lifetime ?? 300))
    .sign(await importJWK(TEAM_KEY, 'ES256'));
}

async function formPost(url: string, data: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(data),
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: (text.startsWith('{') ? JSON.parse(text) : undefined) as Record<string, unknown>,
  };
}

/** Runs the authorize request to the redirect URI; returns the parameters as posted (or put in the query). */
async function authorize(params: Record<string, string | undefined>, base = issuer()) {
  const url = codeRequest(`${base}/auth/authorize`, APP.client_id, {
    scope: 'openid name email',
    response_mode: 'form_post',
    ...params,
  });
  const result = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  const posted = result.form ? result.form.body : result.url.searchParams;
  return { ...result, params: posted };
}

/** A refresh as an app sends it to Apple, with a client secret of its own. */
async function refresh(refreshToken: string) {
  return formPost(`${issuer()}/auth/token`, {
    client_id: APP.client_id,
    client_secret: await clientSecret(),
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });
}

async function redeem(code: string, secret?: string, base = issuer()) {
  return formPost(`${base}/auth/token`, {
    client_id: APP.client_id,
    client_secret: secret ?? (await clientSecret()),
    code,
    grant_type: 'authorization_code',
    redirect_uri: REDIRECT_URI,
  });
}

describe('Sign in with Apple: discovery and keys', () => {
  it("publishes Apple's document: /auth/* endpoints, no userinfo, client_secret_post only", async () => {
    expect(await discoveryDocument(issuer())).toEqual({
      issuer: issuer(),
      ...endpointsUnder(issuer(), {
        authorization_endpoint: '/auth/authorize',
        token_endpoint: '/auth/token',
        revocation_endpoint: '/auth/revoke',
        jwks_uri: '/auth/keys',
      }),
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'name'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      claims_supported: expect.arrayContaining(['is_private_email', 'real_user_status', 'nonce_supported']),
    });
    const jwks = (await (await fetch(`${issuer()}/auth/keys`)).json()) as { keys: { kty: string; kid: string }[] };
    expect(jwks.keys.map((k) => [k.kty, k.kid.length])).toEqual([['RSA', 10]]);
  });
});

describe('Sign in with Apple: the login', () => {
  it('posts code, state and the user JSON to the redirect URI the first time, and never again', async () => {
    const first = await authorize({ login_hint: BOB });
    expect(first.params.get('state')).toBe('st');
    expect(first.params.has('iss')).toBe(false);
    expect(JSON.parse(first.params.get('user')!)).toEqual({
      name: { firstName: 'Bob', lastName: 'Brown' },
      email: 'x7k2m9qpdw@privaterelay.appleid.com',
    });
    const tokens = await redeem(first.params.get('code')!);
    expect(tokens.status, tokens.text).toBe(200);
    expect(Object.keys(tokens.body).sort()).toEqual([
      'access_token',
      'expires_in',
      'id_token',
      'refresh_token',
      'token_type',
    ]);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const { payload } = await jwtVerify(
      tokens.body.id_token as string,
      createRemoteJWKSet(new URL(`${issuer()}/auth/keys`)),
      {
        issuer: issuer(),
        audience: APP.client_id,
      },
    );
    expect(payload).toMatchObject({
      sub: BOB,
      email: 'x7k2m9qpdw@privaterelay.appleid.com',
      email_verified: 'true',
      is_private_email: 'true',
      real_user_status: 1,
      nonce_supported: true,
    });
    expect(payload).not.toHaveProperty('name');
    expect(payload).not.toHaveProperty('given_name');

    const second = await authorize({ login_hint: BOB });
    expect(second.params.get('code')).toBeTruthy();
    expect(second.params.has('user')).toBe(false);
  });

  it('releases email_verified and is_private_email as strings or booleans, as the user has them', async () => {
    for (const [sub, verified, hidden] of [
      [ALICE, 'true', 'false'],
      [CAROL, true, false],
    ] as const) {
      const { params } = await authorize({ login_hint: sub, scope: 'openid email' });
      expect(JSON.parse(params.get('user')!)).toEqual({ email: expect.any(String) });
      const tokens = await redeem(params.get('code')!);
      const { payload } = await jwtVerify(
        tokens.body.id_token as string,
        createRemoteJWKSet(new URL(`${issuer()}/auth/keys`)),
      );
      expect([payload.email_verified, payload.is_private_email]).toEqual([verified, hidden]);
    }
  });

  it(
    'refuses name or email scopes without response_mode=form_post, ' + "with Apple's message (not when lenient)",
    async () => {
      const url = codeRequest(`${issuer()}/auth/authorize`, APP.client_id, { scope: 'openid email' });
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('response_mode must be form_post when name or email scope is requested.');

      const lenient = await authorize({ login_hint: ALICE, response_mode: undefined }, lenientIssuer());
      expect(lenient.url.searchParams.get('code')).toBeTruthy();
    },
  );

  it('takes a query response for the openid scope alone, without iss', async () => {
    const { url } = await authorize({ login_hint: ALICE, scope: 'openid', response_mode: undefined });
    expect(url.searchParams.get('code')).toBeTruthy();
    expect(url.searchParams.has('iss')).toBe(false);
  });
});

describe('Sign in with Apple: the client secret', () => {
  it('refuses bad client secrets with 400 {"error":"invalid_client"} and nothing more', async () => {
    const bad = [
      'not-a-jwt',
      APP.client_secret,
      await clientSecret({ iss: 'OTHERTEAM1' }),
      await clientSecret({ sub: 'com.example.other' }),
      await clientSecret({ aud: 'https://appleid.apple.com/' }),
      await clientSecret({ kid: 'UNKNOWNKID' }),
      await clientSecret({ lifetime: 15777000 + 60 }),
      await clientSecret({ lifetime: -60 }),
    ];
    for (const secret of bad) {
      const { params } = await authorize({ login_hint: ALICE, scope: 'openid', response_mode: 'form_post' });
      const answer = await redeem(params.get('code')!, secret);
      expect([answer.status, answer.body], secret).toEqual([400, { error: 'invalid_client' }]);
    }
  });

  it('takes a secret living the full 6 months; refuses Basic authentication', async () => {
    const { params } = await authorize({ login_hint: ALICE, scope: 'openid' });
    const basic = await formPost(
      `${issuer()}/auth/token`,
      { code: params.get('code')!, grant_type: 'authorization_code', redirect_uri: REDIRECT_URI },
      { authorization: `Basic ${Buffer.from(`${APP.client_id}:${await clientSecret()}`).toString('base64')}` },
    );
    expect([basic.status, basic.body]).toEqual([400, { error: 'invalid_client' }]);
    const ok = await redeem(params.get('code')!, await clientSecret({ lifetime: 15777000 - 5 }));
    expect(ok.status, ok.text).toBe(200);
  });

  it('lenient: takes the registered secret itself and a secret past 6 months', async () => {
    for (const secret of [APP.client_secret, await clientSecret({ lifetime: 15777000 * 2 })]) {
      const { params } = await authorize({ login_hint: ALICE, scope: 'openid' }, lenientIssuer());
      const code = params.get('code') ?? '';
      const answer = await redeem(code, secret, lenientIssuer());
      expect(answer.status, answer.text).toBe(200);
    }
  });
});

describe('Sign in with Apple: refresh, revoke and errors', () => {
  it('refreshes without a new refresh token, revokes, and answers a dead code the way Apple does', async () => {
    const { params } = await authorize({ login_hint: ALICE, scope: 'openid' });
    const code = params.get('code')!;
    const tokens = await redeem(code);
    expect(tokens.status).toBe(200);
    const refreshed = await refresh(tokens.body.refresh_token as string);
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(refreshed.body).toHaveProperty('id_token');
    expect(refreshed.body).not.toHaveProperty('refresh_token');
    const revoked = await formPost(`${issuer()}/auth/revoke`, {
      client_id: APP.client_id,
      client_secret: await clientSecret(),
      token: tokens.body.refresh_token as string,
      token_type_hint: 'refresh_token',
    });
    expect(revoked.status).toBe(200);
    const afterRevoke = await refresh(tokens.body.refresh_token as string);
    expect(afterRevoke.status).toBe(400);
    expect(afterRevoke.body.error).toBe('invalid_grant');
    const again = await redeem(code);
    expect([again.status, again.body]).toEqual([
      400,
      { error: 'invalid_grant', error_description: 'The code has expired or has been revoked.' },
    ]);
  });

  it('has no userinfo endpoint', async () => {
    for (const path of ['/auth/userinfo', '/me']) {
      const response = await fetch(`${issuer()}${path}`);
      expect(response.status).toBe(404);
    }
  });
});
