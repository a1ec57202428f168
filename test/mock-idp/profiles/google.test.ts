import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { UserAgent } from '../../../mock-idp/index.js';
import { formPost } from '../../helpers/http.js';
import { fixtureJson, REDIRECT_URI, useStrictAndLenient } from '../../helpers/idp.js';
import { codeRequest, discoveryDocument } from '../../helpers/login.js';

const WEB = fixtureJson<{ client_id: string; client_secret: string }[]>('clients/google.json')[0]!;
const CERTS = fixtureJson<Record<string, string>>('keys/x509/google.json');
const BOB = '103547991597142817347';

const { idp, issuer, lenientIssuer } = useStrictAndLenient('google');

async function code(base: string, params: Record<string, string> = {}) {
  const url = codeRequest(`${base}/o/oauth2/v2/auth`, WEB.client_id, {
    scope: 'openid email profile',
    login_hint: BOB,
    ...params,
  });
  const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  return callback.searchParams.get('code')!;
}

async function login(base: string, params: Record<string, string> = {}) {
  const tokens = await formPost(`${base}/token`, {
    grant_type: 'authorization_code',
    code: await code(base, params),
    redirect_uri: REDIRECT_URI,
    client_id: WEB.client_id,
    client_secret: WEB.client_secret,
  });
  expect(tokens.status).toBe(200);
  return tokens.body as { access_token: string; id_token: string; refresh_token?: string; scope: string };
}

describe('google profile', () => {
  it("publishes Google's discovery document, keys and certificates", async () => {
    const doc = await discoveryDocument(issuer());
    expect(doc).toMatchObject({
      issuer: issuer(),
      authorization_endpoint: `${issuer()}/o/oauth2/v2/auth`,
      token_endpoint: `${issuer()}/token`,
      userinfo_endpoint: `${issuer()}/v1/userinfo`,
      jwks_uri: `${issuer()}/oauth2/v3/certs`,
      revocation_endpoint: `${issuer()}/revoke`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      code_challenge_methods_supported: ['plain', 'S256'],
    });
    expect(doc).not.toHaveProperty('end_session_endpoint');
    expect(doc).not.toHaveProperty('introspection_endpoint');
    const since = idp().requests.lastId;
    const certs = await fetch(`${issuer()}/oauth2/v1/certs`);
    // Logged as the issuer's keys in another form than its JWKS (the conformance kit reads the route).
    expect(
      idp()
        .requests.list({ sinceId: since })
        .map((r) => r.route),
    ).toEqual(['certs']);
    expect(certs.headers.get('content-type')).toMatch(/^application\/json/);
    expect(certs.headers.get('cache-control')).toBe('public, max-age=21600, must-revalidate, no-transform');
    expect(await certs.json()).toEqual(CERTS);
  });

  it('ID token: Google claims only, azp, hd for a Workspace user, typ JWT', async () => {
    const { id_token, scope } = await login(issuer(), { nonce: 'n-1' });
    expect(decodeProtectedHeader(id_token)).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(Object.keys(CERTS)).toContain(decodeProtectedHeader(id_token).kid);
    const claims = decodeJwt(id_token);
    expect(Object.keys(claims)).toEqual([
      'iss',
      'azp',
      'aud',
      'sub',
      'hd',
      'email',
      'email_verified',
      'at_hash',
      'nonce',
      'name',
      'picture',
      'given_name',
      'family_name',
      'iat',
      'exp',
    ]);
    expect(claims).toMatchObject({ azp: WEB.client_id, hd: 'acme.example', email_verified: true });
    expect(scope.split(' ').sort()).toEqual([
      'https://www.googleapis.com/auth/userinfo.email',
      'https://www.googleapis.com/auth/userinfo.profile',
      'openid',
    ]);
  });

  it('a lenient issuer hands out a refresh token without access_type=offline', async () => {
    expect((await login(issuer())).refresh_token).toBeUndefined();
    expect((await login(lenientIssuer())).refresh_token).toBeTruthy();
  });

  it('tokeninfo answers strings for an ID token, and Google bodies for bad input', async () => {
    const { id_token } = await login(issuer());
    const info = await fetch(`${issuer()}/tokeninfo?id_token=${id_token}`);
    expect(info.status).toBe(200);
    const body = (await info.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ aud: WEB.client_id, sub: BOB, email_verified: 'true', alg: 'RS256', typ: 'JWT' });
    expect(typeof body.exp).toBe('string');
    const bad = await fetch(`${issuer()}/tokeninfo?id_token=${id_token.slice(0, -4)}AAAA`);
    expect([bad.status, await bad.json()]).toEqual([400, { error_description: 'Invalid Value' }]);
    const badAccess = await formPost(`${issuer()}/tokeninfo`, { access_token: 'ya29.nothing' });
    expect(badAccess).toEqual({ status: 400, body: { error: 'invalid_token', error_description: 'Invalid Value' } });
    const none = await fetch(`${issuer()}/tokeninfo`);
    expect(none.status).toBe(400);
    expect(((await none.json()) as { error: string }).error).toBe('invalid_request');
  });

  it("token, userinfo and revoke errors in Google's shape", async () => {
    const wrongSecret = await formPost(`${issuer()}/token`, {
      grant_type: 'authorization_code',
      code: 'x',
      redirect_uri: REDIRECT_URI,
      client_id: WEB.client_id,
      client_secret: 'wrong',
    });
    expect(wrongSecret).toEqual({
      status: 401,
      body: { error: 'invalid_client', error_description: 'Unauthorized' },
    });
    const unknown = await formPost(`${issuer()}/token`, {
      grant_type: 'authorization_code',
      code: 'x',
      redirect_uri: REDIRECT_URI,
      client_id: 'nobody.apps.googleusercontent.com',
      client_secret: 'x',
    });
    expect(unknown.body).toEqual({ error: 'invalid_client', error_description: 'The OAuth client was not found.' });
    const base = { client_id: WEB.client_id, client_secret: WEB.client_secret };
    const badCode = await formPost(`${issuer()}/token`, {
      ...base,
      grant_type: 'authorization_code',
      code: 'x',
      redirect_uri: REDIRECT_URI,
    });
    expect(badCode).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Bad Request' } });
    const badRefresh = await formPost(`${issuer()}/token`, {
      ...base,
      grant_type: 'refresh_token',
      refresh_token: 'x',
    });
    expect(badRefresh.body).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
    // A plain PKCE challenge (Google accepts plain) and the wrong verifier.
    const verifier = randomBytes(32).toString('base64url');
    const plainCode = await code(issuer(), { code_challenge: verifier, code_challenge_method: 'plain' });
    const wrong = await formPost(`${issuer()}/token`, {
      ...base,
      grant_type: 'authorization_code',
      code: plainCode,
      redirect_uri: REDIRECT_URI,
      code_verifier: createHash('sha256').update(verifier).digest('base64url'),
    });
    expect(wrong.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid code verifier.' });
    const right = await formPost(`${issuer()}/token`, {
      ...base,
      grant_type: 'authorization_code',
      code: plainCode,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(right.status).toBe(200);

    const userinfo = await fetch(`${issuer()}/v1/userinfo`, { headers: { authorization: 'Bearer nope' } });
    expect([userinfo.status, await userinfo.json()]).toEqual([
      401,
      { error: 'invalid_request', error_description: 'Invalid Credentials' },
    ]);
    const revoke = await formPost(`${issuer()}/revoke`, { token: 'nope' });
    expect(revoke).toEqual({
      status: 400,
      body: { error: 'invalid_token', error_description: 'Token expired or revoked' },
    });
    const granted = await login(issuer(), { access_type: 'offline', prompt: 'consent' });
    expect((await formPost(`${issuer()}/revoke`, { token: granted.refresh_token! })).status).toBe(200);
    const after = await fetch(`${issuer()}/v1/userinfo`, {
      headers: { authorization: `Bearer ${granted.access_token}` },
    });
    expect(after.status, 'revoking the refresh token ends the grant').toBe(401);
  });
});
