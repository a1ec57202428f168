import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { mockIdp } from '../../mock-idp/vitest.js';
import { ASSERTION_TYPE, clientAssertion } from '../helpers/client-keys.js';
import { basicAuth } from '../helpers/http.js';
import { REDIRECT_URI } from '../helpers/idp.js';
import { authorizationCode, codeFlow, discover, discoverGenericBasic } from '../helpers/login.js';

// Bad requests leave the issuer as it was: the run's shared mock-idp.
const issuer = mockIdp().issuers.generic!;
const tokenUrl = `${issuer}/token`;

async function postToken(body: URLSearchParams | string, headers: Record<string, string> = {}) {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, contentType: response.headers.get('content-type') ?? '' };
}

/** Runs a login up to the callback and returns the code plus the PKCE verifier, without redeeming it. */
async function genericCode(clientId = 'generic-basic') {
  return authorizationCode(await discover(issuer, clientId), 'openid offline_access');
}

const assertion = (claims: Record<string, unknown>) => clientAssertion('generic-private-key-jwt', tokenUrl, claims);

describe('the token endpoint answers bad input with OAuth errors', () => {
  it('an unknown client', async () => {
    const r = await postToken(new URLSearchParams({ grant_type: 'client_credentials' }), {
      authorization: basicAuth('no-such-client', 'x'),
    });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ error: 'invalid_client' });
  });

  it('a wrong secret', async () => {
    const r = await postToken(new URLSearchParams({ grant_type: 'client_credentials' }), {
      authorization: basicAuth('generic-service', 'wrong'),
    });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ error: 'invalid_client' });
  });

  it('a malformed client assertion', async () => {
    const r = await postToken(
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'generic-private-key-jwt',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: 'not.a.jwt',
      }),
    );
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('client_assertion'),
    });
  });

  it('an expired client assertion', async () => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = await assertion({ iat: now - 3600, exp: now - 1800 });
    const r = await postToken(
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: jwt,
      }),
    );
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ error: 'invalid_client' });
    expect(String(r.json?.error_description)).toMatch(/expired|exp/i);
  });

  it('a replayed client assertion', async () => {
    const jwt = await assertion({});
    const body = () =>
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: jwt,
      });
    expect((await postToken(body())).status).toBe(200);
    const replay = await postToken(body());
    expect(replay.status).toBe(401);
    expect(replay.json).toMatchObject({ error: 'invalid_client' });
    expect(String(replay.json?.error_description)).toMatch(/only be used once|replay|jti/i);
  });

  // A code redeemed with what does not match its authorization request: the verifier or the redirect_uri.
  const mismatches: [string, (verifier: string) => Record<string, string>][] = [
    [
      'a redirect_uri at the token endpoint that differs from the authorization request',
      (verifier) => ({ code_verifier: verifier, redirect_uri: 'http://localhost:3000/callback' }),
    ],
    ['a missing PKCE verifier', () => ({ redirect_uri: REDIRECT_URI })],
    ['a wrong PKCE verifier', () => ({ code_verifier: client.randomPKCECodeVerifier(), redirect_uri: REDIRECT_URI })],
  ];
  it.each(mismatches)('%s', async (_title, fields) => {
    const { code, verifier } = await genericCode();
    const r = await postToken(new URLSearchParams({ grant_type: 'authorization_code', code, ...fields(verifier) }), {
      authorization: basicAuth('generic-basic', 'generic-basic-secret'),
    });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: 'invalid_grant' });
  });

  it('a reused authorization code, which also revokes what the code issued', async () => {
    const { code, verifier } = await genericCode();
    const body = () =>
      new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
      });
    const auth = { authorization: basicAuth('generic-basic', 'generic-basic-secret') };
    const first = await postToken(body(), auth);
    expect(first.status).toBe(200);
    const second = await postToken(body(), auth);
    expect(second.status).toBe(400);
    expect(second.json).toMatchObject({ error: 'invalid_grant' });
    const introspect = await fetch(`${issuer}/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth },
      body: new URLSearchParams({ token: String(first.json!.access_token) }),
    });
    expect(await introspect.json()).toMatchObject({ active: false });
  });

  it('a reused refresh token after rotation, and a revoked one', async () => {
    const config = await discoverGenericBasic(issuer);
    const { tokens } = await codeFlow(config, { scope: 'openid offline_access' });
    await client.refreshTokenGrant(config, tokens.refresh_token!);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });

    const other = await codeFlow(config, { scope: 'openid offline_access' });
    await client.tokenRevocation(config, other.tokens.refresh_token!);
    await expect(client.refreshTokenGrant(config, other.tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('a JSON body', async () => {
    const r = await postToken(JSON.stringify({ grant_type: 'client_credentials' }), {
      'content-type': 'application/json',
      authorization: basicAuth('generic-service', 'generic-service-secret'),
    });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: 'invalid_request' });
  });

  it('a body that is not valid form encoding', async () => {
    const r = await postToken('%%%\u0000garbage=%E0%A4%A', {
      authorization: basicAuth('generic-service', 'generic-service-secret'),
    });
    expect(r.status).toBe(400);
    expect(r.json?.error).toMatch(/invalid_request|unsupported_grant_type/);
  });

  it('an unsupported grant type', async () => {
    const r = await postToken(new URLSearchParams({ grant_type: 'password', username: 'alice', password: 'x' }), {
      authorization: basicAuth('generic-service', 'generic-service-secret'),
    });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('an oversized body', async () => {
    const r = await postToken(new URLSearchParams({ grant_type: 'client_credentials', scope: 'x'.repeat(200_000) }), {
      authorization: basicAuth('generic-service', 'generic-service-secret'),
    });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.json).toMatchObject({ error: 'invalid_request' });
  });
});

describe('the authorization endpoint answers bad input without redirecting to an unverified URI', () => {
  /** A code request for scope openid to REDIRECT_URI unless `params` say otherwise. */
  async function authorize(params: Record<string, string>) {
    const query = new URLSearchParams({
      response_type: 'code',
      scope: 'openid',
      redirect_uri: REDIRECT_URI,
      ...params,
    });
    const response = await fetch(`${issuer}/auth?${query}`, { redirect: 'manual' });
    return { status: response.status, location: response.headers.get('location'), body: await response.text() };
  }

  it('an unknown client gets an error page, not a redirect', async () => {
    const r = await authorize({ client_id: 'no-such-client' });
    expect(r.status).toBe(400);
    expect(r.location).toBeNull();
    expect(r.body).toContain('invalid_client');
  });

  it('an unregistered redirect_uri gets an error page, not a redirect', async () => {
    const r = await authorize({
      client_id: 'generic-basic',
      redirect_uri: 'http://127.0.0.1:3000/callback/evil',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    });
    expect(r.status).toBe(400);
    expect(r.location).toBeNull();
    expect(r.body).toContain('redirect_uri');
  });

  it('a public client without PKCE is refused at the redirect_uri, keeping state', async () => {
    const r = await authorize({ client_id: 'generic-spa', state: 'a b%2Fc' });
    expect(r.status).toBe(303);
    const location = new URL(r.location!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('a b%2Fc');
    expect(location.searchParams.get('iss')).toBe(issuer);
  });

  it('an oversized query gets 431 or 414 from the server, never a 500', async () => {
    const r = await authorize({ client_id: 'generic-basic', state: 's'.repeat(40_000) }).catch(() => ({
      status: 431,
      location: null,
      body: '',
    }));
    expect([400, 414, 431]).toContain(r.status);
  });
});
