import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, importPKCS8, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserAgent } from '../../../mock-idp/index.js';
import { ASSERTION_TYPE, clientAssertion } from '../../helpers/client-keys.js';
import { fixtureText, REDIRECT_URI, useIdp } from '../../helpers/idp.js';

const HOME = '4f1c9a3e-8b2d-4e7a-9c61-2d5b7e0f3a84';
const FABRIKAM = 'a9e4b2c7-3d1f-4e85-b6a0-5c8f1e7d2b49';
const WEB = { id: '3f7d2a1c-5b8e-4c6f-9a0d-1e2b3c4d5e6f', secret: 'Qx58Q~entra.web.secret-mock.idp.0123456789' };
const DAEMON = 'd4b2e7c9-6a1f-4e3d-8b5c-2a9f7e1d4c60';
const MEGAN = { username: 'megan.bowen@fabrikam.onmicrosoft.com', oid: 'b3d7c1e9-5a2f-4c68-8e14-7f0a9d2b6c35' };

const idp = useIdp({
  issuers: [
    { name: 'entra', profile: 'entra' },
    { name: 'entra-contoso', profile: 'entra', path: `/entra/${HOME}` },
    { name: 'entra-lenient', profile: 'entra', path: '/lenient/organizations', lenient: true },
  ],
});

let common: string; // http://127.0.0.1:<port>/entra/common
let tenant: string;
beforeAll(() => {
  common = idp().issuers.entra!.replace(/\/v2\.0$/, '');
  tenant = idp().issuers['entra-contoso']!.replace(/\/v2\.0$/, '');
});

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

function authorizeUrl(base: string, verifier: string, options: { scope?: string; user?: string } = {}) {
  const url = new URL(`${base}/oauth2/v2.0/authorize`);
  url.search = new URLSearchParams({
    client_id: WEB.id,
    response_type: 'code',
    scope: options.scope ?? 'openid profile email offline_access User.Read',
    redirect_uri: REDIRECT_URI,
    state: 'st',
    nonce: 'n-0S6_WzA2Mj',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(options.user ? { login_hint: options.user } : {}),
  }).toString();
  return url;
}

async function login(base: string, options: { scope?: string; user?: string } = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const url = authorizeUrl(base, verifier, options);
  const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  return { code: callback.searchParams.get('code') ?? '', verifier, callback };
}

function redeem(base: string, code: string, verifier: string, extra: Record<string, string> = {}) {
  return fetch(`${base}/oauth2/v2.0/token?client-request-id=${randomUUID()}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: WEB.id,
      client_secret: WEB.secret,
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile offline_access User.Read',
      ...extra,
    }),
  });
}

async function keys(base: string) {
  return createLocalJWKSet((await json(await fetch(`${base}/discovery/v2.0/keys`))) as never);
}

describe('entra: discovery and keys', () => {
  it('common advertises the {tenantid} issuer and keeps "common" in its endpoints', async () => {
    const doc = await json(await fetch(`${common}/v2.0/.well-known/openid-configuration`));
    expect(doc.issuer).toBe(`${common.replace(/common$/, '{tenantid}')}/v2.0`);
    expect(doc.authorization_endpoint).toBe(`${common}/oauth2/v2.0/authorize`);
    expect(doc.token_endpoint).toBe(`${common}/oauth2/v2.0/token`);
    expect(doc.end_session_endpoint).toBe(`${common}/oauth2/v2.0/logout`);
    expect(doc.jwks_uri).toBe(`${common}/discovery/v2.0/keys`);
    expect(doc.token_endpoint_auth_methods_supported).toEqual([
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ]);
    expect(doc.subject_types_supported).toEqual(['pairwise']);
    expect(doc.msgraph_host).toBe('graph.microsoft.com');
    expect((await fetch(`${common}/.well-known/openid-configuration`)).status).toBe(404);
  });

  it('a tenant publishes its own issuer', async () => {
    const doc = await json(await fetch(`${tenant}/v2.0/.well-known/openid-configuration`));
    expect(doc.issuer).toBe(`${tenant}/v2.0`);
  });

  it('keys carry x5t (= kid), x5c and the issuer template, and no alg', async () => {
    const body = (await json(await fetch(`${common}/discovery/v2.0/keys`))) as { keys: Record<string, unknown>[] };
    const key = body.keys[0]!;
    expect(key.alg).toBeUndefined();
    expect(key.x5t).toBe(key.kid);
    expect(Array.isArray(key.x5c)).toBe(true);
    expect(key.issuer).toBe(`${common.replace(/common$/, '{tenantid}')}/v2.0`);
  });
});

describe('entra: the authorization response', () => {
  // Entra's discovery does not offer RFC 9207 iss, and on common the issuer it would name is a template.
  it('carries no iss (query, form_post, fragment or error redirect), and discovery does not advertise it', async () => {
    const doc = await json(await fetch(`${common}/v2.0/.well-known/openid-configuration`));
    expect(doc).not.toHaveProperty('authorization_response_iss_parameter_supported');
    const { callback } = await login(tenant);
    expect([...callback.searchParams.keys()].sort()).toEqual(['code', 'state']);
    const formPost = authorizeUrl(tenant, randomBytes(32).toString('base64url'));
    formPost.searchParams.set('response_mode', 'form_post');
    const { form } = await new UserAgent().navigate(formPost, { until: (u) => u.href.startsWith(REDIRECT_URI) });
    expect([...form!.body.keys()].sort()).toEqual(['code', 'state']);
    const fragment = authorizeUrl(tenant, randomBytes(32).toString('base64url'));
    fragment.searchParams.set('response_mode', 'fragment');
    const { url } = await new UserAgent().navigate(fragment, { until: (u) => u.href.startsWith(REDIRECT_URI) });
    expect([...new URLSearchParams(url.hash.slice(1)).keys()].sort()).toEqual(['code', 'state']);
    const refused = authorizeUrl(tenant, randomBytes(32).toString('base64url'));
    refused.searchParams.set('code_challenge_method', 'S512');
    const error = new URL((await fetch(refused, { redirect: 'manual' })).headers.get('location')!);
    expect(error.searchParams.get('error')).toBe('invalid_request');
    expect(error.searchParams.has('iss')).toBe(false);
  });
});

describe('entra: tokens', () => {
  it("on common, the ID token's iss names the user's tenant, with tid, oid, preferred_username and ver", async () => {
    const { code, verifier } = await login(common, { user: MEGAN.username });
    const response = await redeem(common, code, verifier, { client_info: '1' });
    const body = await json(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    const { payload, protectedHeader } = await jwtVerify(String(body.id_token), await keys(common), {
      audience: WEB.id,
    });
    expect(protectedHeader.typ).toBe('JWT');
    expect(payload.iss).toBe(`${common.replace(/common$/, FABRIKAM)}/v2.0`);
    expect(payload).toMatchObject({ tid: FABRIKAM, oid: MEGAN.oid, preferred_username: MEGAN.username, ver: '2.0' });
    expect(body.ext_expires_in).toBe(body.expires_in);
    expect(String(body.scope).split(' ')).toEqual(expect.arrayContaining(['User.Read', 'openid', 'profile']));
    expect(JSON.parse(Buffer.from(String(body.client_info), 'base64url').toString())).toEqual({
      uid: MEGAN.oid,
      utid: FABRIKAM,
    });
    expect(body.refresh_token).toEqual(expect.any(String));
    // Graph's access tokens are v1.0: sts.windows.net with its trailing slash.
    const access = decodeJwt(String(body.access_token));
    expect(access).toMatchObject({
      iss: `https://sts.windows.net/${FABRIKAM}/`,
      aud: '00000003-0000-0000-c000-000000000000',
      ver: '1.0',
      appid: WEB.id,
      appidacr: '1',
      scp: expect.stringContaining('User.Read'),
      unique_name: MEGAN.username,
      tid: FABRIKAM,
      oid: MEGAN.oid,
    });
  });

  it('an API scope gets a v2.0 access token for that API', async () => {
    const api = 'api://5d8e2f1a-7c3b-4e9d-a6f0-1b2c3d4e5f60';
    const { code, verifier } = await login(tenant, { scope: `openid profile ${api}/access_as_user` });
    const body = await json(await redeem(tenant, code, verifier, { scope: `openid profile ${api}/access_as_user` }));
    const access = decodeJwt(String(body.access_token));
    expect(access).toMatchObject({
      iss: `${tenant}/v2.0`,
      aud: '5d8e2f1a-7c3b-4e9d-a6f0-1b2c3d4e5f60',
      ver: '2.0',
      azp: WEB.id,
      scp: 'access_as_user openid profile',
      tid: HOME,
    });
    expect(body.scope).toBe(`${api}/access_as_user openid profile`);
    expect(body.refresh_token).toBeUndefined();
  });

  it(
    'client credentials with a certificate: PS256, x5t#S256, no iat (as msal signs it), ' + 'scope <resource>/.default',
    async () => {
      const pem = fixtureText('keys/clients/entra-client-certificate.pem');
      const key = await importPKCS8(pem.slice(0, pem.indexOf('-----BEGIN CERTIFICATE-----')), 'PS256');
      const der = Buffer.from(
        pem.split('-----BEGIN CERTIFICATE-----')[1]!.split('-----END')[0]!.replace(/\s/g, ''),
        'base64',
      );
      const tokenUrl = `${tenant}/oauth2/v2.0/token`;
      // As msal signs it: nbf instead of iat.
      const assertion = await clientAssertion(
        DAEMON,
        tokenUrl,
        { iat: undefined, nbf: Math.floor(Date.now() / 1000) },
        600,
        { key, header: { alg: 'PS256', typ: 'JWT', 'x5t#S256': createHash('sha256').update(der).digest('base64url') } },
      );
      const request = (scope: string) =>
        fetch(tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            client_id: DAEMON,
            grant_type: 'client_credentials',
            scope,
            client_assertion_type: ASSERTION_TYPE,
            client_assertion: assertion,
          }),
        });
      const ok = await request('https://graph.microsoft.com/.default');
      const body = await json(ok);
      expect(ok.status, JSON.stringify(body)).toBe(200);
      expect(body.scope).toBeUndefined();
      expect(decodeJwt(String(body.access_token))).toMatchObject({
        idtyp: 'app',
        appid: DAEMON,
        appidacr: '2',
        tid: HOME,
      });
      expect(decodeProtectedHeader(String(body.access_token)).kid).toEqual(expect.any(String));

      const bad = await request('User.Read');
      const error = await json(bad);
      expect(bad.status).toBe(400);
      expect(error).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
    },
  );
});

describe('entra: logout', () => {
  it('takes its own ID token, whose iss names the tenant, as id_token_hint; a forged one is refused', async () => {
    const { code, verifier } = await login(common, { user: MEGAN.username });
    const idToken = String((await json(await redeem(common, code, verifier))).id_token);
    const logout = (hint: string) =>
      fetch(`${common}/oauth2/v2.0/logout?${new URLSearchParams({ id_token_hint: hint })}`, { redirect: 'manual' });
    expect((await logout(idToken)).status).toBe(200);
    // The same claims under another signature: not a token this issuer gave.
    const [header, payload] = idToken.split('.');
    const forged = await logout(`${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`);
    expect(forged.status).toBe(400);
    // The request log keeps the hint the client sent, not the token oidc-provider was handed.
    const record = idp()
      .requests.list({ issuer: 'entra', route: 'end_session' })
      .find((r) => r.status === 200)!;
    expect(record.tokens?.[0]?.claims.iss).toBe(`${common.replace(/common$/, FABRIKAM)}/v2.0`);
  });
});

describe('entra: errors in the AADSTS shape', () => {
  it('a wrong client secret: 401 invalid_client AADSTS7000215 with trace and correlation ids', async () => {
    const correlation = randomUUID();
    const response = await fetch(`${tenant}/oauth2/v2.0/token?client-request-id=${correlation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: WEB.id,
        client_secret: 'wrong',
        grant_type: 'authorization_code',
        code: 'x',
        redirect_uri: REDIRECT_URI,
      }),
    });
    const body = await json(response);
    expect(response.status).toBe(401);
    expect(body).toMatchObject({
      error: 'invalid_client',
      error_codes: [7000215],
      correlation_id: correlation,
      trace_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
      error_uri: 'https://login.microsoftonline.com/error?code=7000215',
    });
    expect(String(body.error_description)).toMatch(
      /^AADSTS7000215: Invalid client secret provided\..*\r\nTrace ID: .*\r\nCorrelation ID: .*\r\nTimestamp: /s,
    );
  });

  it('a used or unknown code: 400 invalid_grant AADSTS70008', async () => {
    const response = await redeem(tenant, 'not-a-code', 'v'.repeat(43));
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ error: 'invalid_grant', error_codes: [70008] });
  });

  it('an unknown application: 400 unauthorized_client AADSTS700016', async () => {
    const response = await fetch(`${tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: randomUUID(),
        client_secret: 'x',
        grant_type: 'client_credentials',
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
  });

  it('the lenient issuer still shapes errors the same way (organizations is multi-tenant too)', async () => {
    const base = idp().issuers['entra-lenient']!.replace(/\/v2\.0$/, '');
    const doc = await json(await fetch(`${base}/v2.0/.well-known/openid-configuration`));
    expect(doc.issuer).toBe(`${base.replace(/organizations$/, '{tenantid}')}/v2.0`);
  });
});
