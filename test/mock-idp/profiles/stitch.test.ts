import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createRemoteJWKSet, importPKCS8, jwtVerify, SignJWT } from 'jose';
import * as client from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserAgent } from '../../../mock-idp/index.js';
import { ASSERTION_TYPE } from '../../helpers/client-keys.js';
import { fixtureJson, fixtureText, strictAndLenient, useIdp } from '../../helpers/idp.js';
import { codeFlow, discover } from '../../helpers/login.js';

const PEM = fixtureText('keys/clients/stitch-client-certificate.pem');
const CLIENT_ID = fixtureJson<{ client_id: string }[]>('clients/stitch.json')[0]!.client_id;
const SECRET_CLIENT = fixtureJson<{ client_id: string; client_secret: string }[]>('clients/stitch.json')[1]!;
const REDIRECT_URI = 'http://localhost:3000/callback';
// As Stitch's samples do: the kid is the PEM's localKeyID, in uppercase hex.
const KID = /localKeyID:\s*([0-9A-F ]+)/.exec(PEM)![1]!.replace(/\s+/g, '');

let issuer: string;
let tokenUrl: string;
let privateKey: CryptoKey;

const idp = useIdp({ issuers: strictAndLenient('stitch') });
beforeAll(async () => {
  issuer = idp().issuers.stitch!;
  tokenUrl = `${issuer}/connect/token`;
  // The PEM holds Bag Attributes, a certificate and the private key; jose reads the key block.
  privateKey = await importPKCS8(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(PEM)![0], 'RS256');
});

const b64url = (buf: Buffer) => buf.toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

async function clientAssertion(overrides: Record<string, unknown> = {}, omit: string[] = []) {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: CLIENT_ID,
    sub: CLIENT_ID,
    aud: tokenUrl,
    jti: randomUUID(),
    iat: now,
    nbf: now,
    exp: now + 300,
    ...overrides,
  };
  for (const name of omit) delete claims[name];
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: KID }).sign(privateKey);
}

/** requests.post(token_url, data=...) as the Python sample sends it. */
async function formPost(url: string, data: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(data),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function authorizeUrl(params: Record<string, string | undefined>, base = issuer) {
  const url = new URL(`${base}/connect/authorize`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url;
}

async function login(
  scope = 'openid accounts balances offline_access',
  extra: Record<string, string | undefined> = {},
) {
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const state = b64url(randomBytes(16));
  const nonce = b64url(randomBytes(32));
  const url = authorizeUrl({
    client_id: CLIENT_ID,
    scope,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    nonce,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
  const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  return { callback, verifier, nonce, state };
}

async function exchange(code: string, verifier: string) {
  return formPost(tokenUrl, {
    grant_type: 'authorization_code',
    client_id: CLIENT_ID,
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: await clientAssertion(),
    audience: tokenUrl,
  });
}

async function graphqlQuery(token: string, query: string) {
  const response = await fetch(`${issuer}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      data?: { user: { bankAccounts: Record<string, unknown>[] } };
      errors?: { message: string }[];
      extensions?: unknown;
    },
  };
}

const BANK_QUERY =
  'query { user { bankAccounts { id name accountType accountNumber bankId branchCode ' +
  'currency availableBalance currentBalance accountHolder } } }';

describe('Stitch: the Python sample flow', () => {
  it('logs in with a PEM certificate assertion, refreshes single-use, and reads bank accounts', async () => {
    const { callback, verifier, nonce, state } = await login();
    expect(callback.searchParams.get('state')).toBe(state);
    const tokens = await exchange(callback.searchParams.get('code')!, verifier);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 900,
      scope: expect.stringContaining('accounts'),
    });
    const { payload } = await jwtVerify(
      String(tokens.body.id_token),
      createRemoteJWKSet(new URL(`${issuer}/.well-known/openid-configuration/jwks`)),
      { issuer, audience: CLIENT_ID },
    );
    expect(payload).toMatchObject({ sub: 'user_2f9c8a71e4d3', nonce });

    const refreshed = await formPost(tokenUrl, {
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: String(tokens.body.refresh_token),
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await clientAssertion(),
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toBeTruthy();
    expect(refreshed.body.refresh_token).not.toBe(tokens.body.refresh_token);
    const reuse = await formPost(tokenUrl, {
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: String(tokens.body.refresh_token),
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await clientAssertion(),
    });
    expect(reuse).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    // IdentityServer fails the reuse only: the newest refresh token still works.
    const next = await formPost(tokenUrl, {
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: String(refreshed.body.refresh_token),
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await clientAssertion(),
    });
    expect(next.status).toBe(200);

    const accounts = await graphqlQuery(String(next.body.access_token), BANK_QUERY);
    expect(accounts.status).toBe(200);
    expect(accounts.body.errors).toBeUndefined();
    expect(accounts.body.data!.user.bankAccounts).toHaveLength(2);
    expect(accounts.body.data!.user.bankAccounts[0]).toMatchObject({
      name: 'FNB Gold Cheque',
      availableBalance: { quantity: '1250.00', currency: 'ZAR' },
    });
  });

  it('is what openid-client completes too, with client_secret_post and the metadata from discovery', async () => {
    const config = await discover(
      issuer,
      SECRET_CLIENT.client_id,
      client.ClientSecretPost(SECRET_CLIENT.client_secret),
    );
    expect(config.serverMetadata()).toMatchObject({
      jwks_uri: `${issuer}/.well-known/openid-configuration/jwks`,
      token_endpoint: tokenUrl,
      authorization_endpoint: `${issuer}/connect/authorize`,
    });
    const { tokens } = await codeFlow(config, { scope: 'openid accounts', redirectUri: REDIRECT_URI });
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.expires_in).toBe(900);
  });

  it('issues client tokens for 1 h without a refresh token', async () => {
    const r = await formPost(tokenUrl, {
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      scope: 'client_paymentrequest',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await clientAssertion(),
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(r.body.refresh_token).toBeUndefined();
  });
});

describe('Stitch: strict rules', () => {
  const tokenRequest = async (assertion: string) =>
    formPost(tokenUrl, {
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      scope: 'client_paymentrequest',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion,
    });

  it('rejects an assertion whose aud is the issuer, not the token URL', async () => {
    expect(await tokenRequest(await clientAssertion({ aud: issuer }))).toEqual({
      status: 400,
      body: { error: 'invalid_client' },
    });
  });

  it.each([['jti'], ['exp']])('rejects an assertion without %s', async (claim) => {
    expect(await tokenRequest(await clientAssertion({}, [claim]))).toEqual({
      status: 400,
      body: { error: 'invalid_client' },
    });
  });

  it('rejects a replayed assertion', async () => {
    const assertion = await clientAssertion();
    expect((await tokenRequest(assertion)).status).toBe(200);
    expect(await tokenRequest(assertion)).toEqual({ status: 400, body: { error: 'invalid_client' } });
  });

  it('rejects iss or sub other than the client_id', async () => {
    expect(await tokenRequest(await clientAssertion({ sub: 'someone-else' }))).toEqual({
      status: 400,
      body: { error: 'invalid_client' },
    });
  });

  async function authorizeError(params: Record<string, string | undefined>, base = issuer) {
    const { url } = await new UserAgent().navigate(
      authorizeUrl(
        {
          client_id: CLIENT_ID,
          scope: 'openid accounts',
          response_type: 'code',
          redirect_uri: REDIRECT_URI,
          state: 'st',
          nonce: 'n'.repeat(32),
          code_challenge: 'c'.repeat(43),
          code_challenge_method: 'S256',
          ...params,
        },
        base,
      ),
      { until: (u) => u.href.startsWith(REDIRECT_URI) },
    );
    return {
      error: url.searchParams.get('error'),
      description: url.searchParams.get('error_description'),
      state: url.searchParams.get('state'),
      code: url.searchParams.get('code'),
    };
  }

  it('requires openid in scope', async () => {
    expect(await authorizeError({ scope: 'accounts balances' })).toMatchObject({ error: 'invalid_scope', state: 'st' });
  });

  it('requires exactly one space between scopes', async () => {
    expect(await authorizeError({ scope: 'openid  accounts' })).toMatchObject({ error: 'invalid_scope' });
    expect(await authorizeError({ scope: 'openid accounts ' })).toMatchObject({ error: 'invalid_scope' });
  });

  it.each([
    ['31 characters', 'n'.repeat(31)],
    ['301 characters', 'n'.repeat(301)],
    ['missing', undefined],
  ])('rejects a nonce %s', async (_label, nonce) => {
    expect(await authorizeError({ nonce })).toMatchObject({ error: 'invalid_request' });
  });

  it('treats a missing code_challenge_method as plain and rejects it', async () => {
    expect(await authorizeError({ code_challenge_method: undefined })).toMatchObject({
      error: 'invalid_request',
      description: 'Transform algorithm not supported',
    });
  });

  it('rejects a padded or short challenge, and a request without PKCE', async () => {
    expect((await authorizeError({ code_challenge: `${'c'.repeat(42)}=` })).error).toBe('invalid_request');
    expect((await authorizeError({ code_challenge: 'c'.repeat(42) })).error).toBe('invalid_request');
    expect((await authorizeError({ code_challenge: undefined, code_challenge_method: undefined })).error).toBe(
      'invalid_request',
    );
  });

  it('answers an unregistered redirect_uri with its own error body', async () => {
    const response = await fetch(
      authorizeUrl({
        client_id: CLIENT_ID,
        scope: 'openid',
        response_type: 'code',
        redirect_uri: 'https://evil.example/cb',
      }),
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      redirect_uri: ['Invalid redirect_uri. Please ensure the URI has been whitelisted.'],
    });
  });

  it('answers token errors with a bare body and status 400', async () => {
    expect(
      await formPost(tokenUrl, { grant_type: 'client_credentials', client_id: 'unknown', client_secret: 'x' }),
    ).toEqual({ status: 400, body: { error: 'invalid_client' } });
    expect(
      await formPost(tokenUrl, {
        grant_type: 'authorization_code',
        code: 'nope',
        client_id: SECRET_CLIENT.client_id,
        client_secret: SECRET_CLIENT.client_secret,
        redirect_uri: REDIRECT_URI,
        code_verifier: 'v'.repeat(43),
      }),
    ).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('lets a lenient issuer accept what the strict one rejects', async () => {
    const lenient = idp().issuers['stitch-lenient']!;
    const result = await authorizeError({ scope: 'accounts', nonce: undefined }, lenient);
    expect(result.error).toBeNull();
    expect(result.code).toBeTruthy();
  });
});

describe('Stitch: GraphQL API', () => {
  it('answers a malformed or expired token with the UNAUTHENTICATED shape', async () => {
    const r = await graphqlQuery('not-a-token', BANK_QUERY);
    expect(r.status).toBe(401);
    expect(r.body).toEqual({
      errors: [{ message: 'UNAUTHENTICATED: Token is expired or malformed' }],
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const missing = await fetch(`${issuer}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: BANK_QUERY }),
    });
    expect(missing.status).toBe(401);
  });

  it('needs the balances scope for balances and the accounts scope for accounts', async () => {
    const { callback, verifier } = await login('openid accounts');
    const tokens = await exchange(callback.searchParams.get('code')!, verifier);
    const r = await graphqlQuery(String(tokens.body.access_token), BANK_QUERY);
    expect(r.body.errors?.map((e) => e.message)).toContain('FORBIDDEN: the access token lacks the balances scope');
    const names = await graphqlQuery(String(tokens.body.access_token), 'query { user { bankAccounts { name } } }');
    expect(names.body.data!.user.bankAccounts.map((a) => a.name)).toEqual(['FNB Gold Cheque', 'FNB Savings']);
    const { callback: cb2, verifier: v2 } = await login('openid balances');
    const noAccounts = await exchange(cb2.searchParams.get('code')!, v2);
    const denied = await graphqlQuery(String(noAccounts.body.access_token), 'query { user { bankAccounts { name } } }');
    expect(denied.body.errors?.[0]?.message).toBe('FORBIDDEN: the access token lacks the accounts scope');
  });

  it('returns GraphQL errors for an invalid query', async () => {
    const { callback, verifier } = await login('openid accounts');
    const tokens = await exchange(callback.searchParams.get('code')!, verifier);
    const r = await graphqlQuery(String(tokens.body.access_token), 'query { nope }');
    expect(r.body.errors?.[0]?.message).toMatch(/Cannot query field "nope"/);
  });
});

describe('Stitch: oversized input', () => {
  it('answers an oversized token request with a 400, not a 500', async () => {
    const r = await formPost(tokenUrl, {
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: 'x'.repeat(80_000),
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'invalid_request' });
  });
});
