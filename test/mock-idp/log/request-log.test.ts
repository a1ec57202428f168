import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../mock-idp/index.js';
import { clientPrivateKey } from '../../helpers/client-keys.js';
import { startTestIdp, useIssuer } from '../../helpers/idp.js';
import { codeFlow, discover, discoverGenericBasic } from '../../helpers/login.js';

const { idp, issuer } = useIssuer('generic');

describe('the request log records what a client did', () => {
  it('PKCE S256 at authorize, a form body at the token endpoint, userinfo after the token', async () => {
    const config = await discover(issuer(), 'generic-post', client.ClientSecretPost('generic-post-secret'));
    const since = idp().requests.lastId;
    const { tokens } = await codeFlow(config);
    await client.fetchUserInfo(config, tokens.access_token, 'alice');
    const log = idp().requests.list({ sinceId: since, clientId: 'generic-post' });
    const routes = log.map((r) => r.route);
    expect(routes).toEqual(expect.arrayContaining(['authorization', 'token']));

    const authorize = log.find((r) => r.route === 'authorization')!;
    expect(authorize.query.code_challenge_method).toBe('S256');
    expect(authorize.issuer).toBe('generic');

    const token = log.find((r) => r.route === 'token')!;
    expect(token).toMatchObject({
      method: 'POST',
      bodyType: 'form',
      status: 200,
      clientAuth: { method: 'client_secret_post' },
    });
    expect(token.body.grant_type).toBe('authorization_code');
    expect(token.time).toMatch(/^\d{4}-\d\d-\d\dT/);

    const all = idp().requests.list({ sinceId: since });
    const userinfo = all.find((r) => r.route === 'userinfo')!;
    expect(userinfo.id).toBeGreaterThan(token.id);
    expect(userinfo.headers.authorization).toMatch(/^Bearer .{4}…#[0-9a-f]{8}\(\d+\)$/);
  });

  it('masks secrets: client secret, code, verifier, Basic password', async () => {
    const basic = await discoverGenericBasic(issuer());
    const post = await discover(issuer(), 'generic-post', client.ClientSecretPost('generic-post-secret'));
    const since = idp().requests.lastId;
    await codeFlow(basic);
    await codeFlow(post);
    const tokens = idp().requests.list({ sinceId: since, route: 'token' });
    const text = JSON.stringify(tokens);
    expect(text).not.toContain('generic-basic-secret');
    expect(text).not.toContain('generic-post-secret');
    const basicRecord = tokens.find((r) => r.clientId === 'generic-basic')!;
    expect(basicRecord.headers.authorization).toBe('Basic generic-basic:***');
    const postRecord = tokens.find((r) => r.clientId === 'generic-post')!;
    expect(postRecord.body.client_secret).toMatch(/^gene…\(\d+\)$/);
    expect(postRecord.body.code).toMatch(/…/);
    expect(postRecord.body.code_verifier).toMatch(/…/);
  });

  it('decodes a client assertion so its aud and jti can be checked', async () => {
    const config = await discover(issuer(), 'generic-private-key-jwt', client.PrivateKeyJwt(await clientPrivateKey()));
    const since = idp().requests.lastId;
    await codeFlow(config);
    const [token] = idp().requests.list({ sinceId: since, route: 'token' }) as [RequestRecord];
    expect(token.clientAuth?.method).toBe('private_key_jwt');
    expect(token.clientAuth?.assertion?.payload).toMatchObject({
      iss: 'generic-private-key-jwt',
      sub: 'generic-private-key-jwt',
      jti: expect.any(String),
    });
    expect(token.body.client_assertion).toMatch(/…/);
  });

  it('records the error a request got and why', async () => {
    const since = idp().requests.lastId;
    await fetch(`${issuer()}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=generic-service&client_secret=nope',
    });
    const [record] = idp().requests.list({ sinceId: since });
    expect(record).toMatchObject({ route: 'token', status: 401, error: 'invalid_client', clientId: 'generic-service' });
    expect(record!.notes?.join(' ')).toMatch(/invalid_client/);
  });

  it('names the client of an access token refused for its scheme, and no client for a token never issued', async () => {
    const config = await discover(issuer(), 'generic-post', client.ClientSecretPost('generic-post-secret'));
    const { tokens } = await codeFlow(config);
    const since = idp().requests.lastId;
    for (const authorization of [`N_A ${tokens.access_token}`, 'N_A not-a-token-of-this-issuer']) {
      const response = await fetch(`${issuer()}/me`, { headers: { authorization } });
      expect(response.status).toBe(400);
    }
    const [known, unknown] = idp().requests.list({ sinceId: since });
    expect(known).toMatchObject({ route: 'userinfo', status: 400, error: 'invalid_request', clientId: 'generic-post' });
    expect(unknown).toMatchObject({ route: 'userinfo', status: 400 });
    expect(unknown!.clientId).toBeUndefined();
  });

  it('names the client of a client_credentials token presented at userinfo, which refuses it', async () => {
    const service = await discover(issuer(), 'generic-service', client.ClientSecretBasic('generic-service-secret'));
    const { access_token } = await client.clientCredentialsGrant(service);
    const since = idp().requests.lastId;
    const response = await fetch(`${issuer()}/me`, { headers: { authorization: `N_A ${access_token}` } });
    expect(response.status).toBe(400);
    const [record] = idp().requests.list({ sinceId: since });
    expect(record).toMatchObject({ route: 'userinfo', status: 400, clientId: 'generic-service' });
  });

  it('records an empty client_secret as no client authentication, as the issuer takes it', async () => {
    const since = idp().requests.lastId;
    await fetch(`${issuer()}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'x',
        client_id: 'generic-spa',
        client_secret: '',
      }),
    });
    const [record] = idp().requests.list({ sinceId: since });
    expect(record?.clientAuth?.method).toBe('none');
  });

  it('filters and clears by client', async () => {
    const config = await discover(issuer(), 'generic-service', client.ClientSecretBasic('generic-service-secret'));
    await client.clientCredentialsGrant(config);
    expect(idp().requests.list({ clientId: 'generic-service' }).length).toBeGreaterThan(0);
    expect(idp().requests.clear({ clientId: 'generic-service' })).toBeGreaterThan(0);
    expect(idp().requests.list({ clientId: 'generic-service' })).toHaveLength(0);
    expect(idp().requests.list({ clientId: 'generic-basic' }).length).toBeGreaterThan(0);
  });
});

describe('the admin HTTP path', () => {
  it('serves and clears the log to loopback callers', async () => {
    await fetch(`${issuer()}/.well-known/openid-configuration`);
    const response = await fetch(`${idp().url}/_admin/requests?issuer=generic&route=discovery`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { requests: RequestRecord[]; lastId: number };
    expect(body.requests.length).toBeGreaterThan(0);
    expect(body.requests.every((r) => r.route === 'discovery')).toBe(true);
    const cleared = await fetch(`${idp().url}/_admin/requests?issuer=generic`, { method: 'DELETE' });
    expect(((await cleared.json()) as { cleared: number }).cleared).toBeGreaterThan(0);
  });

  it('requires the admin token once one is configured', async () => {
    const guarded = await startTestIdp({ profiles: ['generic'], adminToken: 'a-long-enough-admin-token' });
    try {
      const none = await fetch(`${guarded.url}/_admin/requests`);
      expect(none.status).toBe(401);
      expect(await none.json()).toMatchObject({ error: 'invalid_token' });
      const wrong = await fetch(`${guarded.url}/_admin/requests`, {
        headers: { authorization: 'Bearer a-long-enough-admin-tokeX' },
      });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${guarded.url}/_admin/requests`, {
        headers: { authorization: 'Bearer a-long-enough-admin-token' },
      });
      expect(right.status).toBe(200);
      // The token itself never lands in the log.
      expect(JSON.stringify(guarded.requests.list())).not.toContain('a-long-enough-admin-token');
    } finally {
      await guarded.close();
    }
  });

  it('is closed when bound beyond loopback without a token', async () => {
    const open = await startTestIdp({ profiles: ['generic'], host: '0.0.0.0' });
    try {
      const response = await fetch(`http://127.0.0.1:${open.port}/_admin/requests`);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({
        error: 'access_denied',
        error_description: expect.stringContaining('MOCK_IDP_ADMIN_TOKEN'),
      });
    } finally {
      await open.close();
    }
  });
});
