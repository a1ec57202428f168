import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockIdp, UserAgent } from '../../../mock-idp/index.js';
import { adminFetch, basicAuth } from '../../helpers/http.js';
import { fixtureJson, REDIRECT_URI, startTestIdp } from '../../helpers/idp.js';
import { type RunningRedis, redisMissing, startRedis } from '../../helpers/redis.js';

const missing = redisMissing();
if (missing) console.warn(`skipping the Redis store tests: ${missing}`);

const basic = basicAuth('generic-basic', 'generic-basic-secret');
let redis: RunningRedis;
let a: MockIdp;
let b: MockIdp;
/** A replica's own address: the second one's public base URL is the first one's. */
const origin = (idp: MockIdp) => `http://127.0.0.1:${idp.port}`;
const at = (idp: MockIdp, path: string) => `${origin(idp)}/generic${path}`;
const admin = (idp: MockIdp, method: string, path: string, body?: unknown) =>
  adminFetch({ url: origin(idp) }, path, { method, body });

/** Both replicas serve one issuer identifier, as two replicas behind a proxy do. */
async function replica(publicBaseUrl?: string) {
  return startTestIdp({
    profiles: ['generic', 'okta', 'gitlab'],
    store: redis.url,
    ...(publicBaseUrl ? { publicBaseUrl } : {}),
  });
}

async function post(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = { authorization: basic },
) {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : {}) as Record<string, string> };
}

/** Redeems a code from codeAt at one replica's token endpoint. */
const redeemAt = (idp: MockIdp, code: string, verifier: string) =>
  post(at(idp, '/token'), {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
  });

async function codeAt(idp: MockIdp) {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(at(idp, '/auth'));
  url.search = new URLSearchParams({
    client_id: 'generic-basic',
    response_type: 'code',
    scope: 'openid offline_access',
    redirect_uri: REDIRECT_URI,
    prompt: 'consent',
    code_challenge_method: 'S256',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
  }).toString();
  const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  const code = callback.searchParams.get('code');
  expect(code, callback.href).toBeTruthy();
  return { code: code!, verifier };
}

/** Polls a replica's token endpoint until it serves again; while it waits, every answer must be a 503. */
async function untilServing(idp: MockIdp) {
  for (let i = 0; i < 100; i++) {
    const r = await post(at(idp, '/token'), { grant_type: 'client_credentials' });
    if (r.status === 200) return;
    expect(r.status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect((await post(at(idp, '/token'), { grant_type: 'client_credentials' })).status).toBe(200);
}

describe.skipIf(missing)('shared state on Redis: two replicas and restarts', () => {
  beforeAll(async () => {
    redis = await startRedis();
    a = await replica();
    b = await replica(a.url);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('authorize on A, token on B, refresh on A, revoke on B, userinfo on A', async () => {
    const { code, verifier } = await codeAt(a);
    const tokens = await redeemAt(b, code, verifier);
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(decodeJwt(tokens.body.id_token!).iss).toBe(`${a.url}/generic`);
    const refreshed = await post(at(a, '/token'), {
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token!,
    });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    const userinfo = () => fetch(at(a, '/me'), { headers: { authorization: `Bearer ${refreshed.body.access_token}` } });
    expect((await userinfo()).status).toBe(200);
    const revoked = await post(at(b, '/token/revocation'), { token: refreshed.body.refresh_token! });
    expect(revoked.status).toBe(200);
    // Revoking the refresh token ends its grant on every replica.
    expect(
      (await post(at(a, '/token'), { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token! })).body
        .error,
    ).toBe('invalid_grant');
    expect((await userinfo()).status).toBe(401);
  });

  it('a code is single-use across replicas', async () => {
    const { code, verifier } = await codeAt(b);
    const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier };
    expect((await post(at(a, '/token'), form)).status).toBe(200);
    expect((await post(at(b, '/token'), form)).body.error).toBe('invalid_grant');
  });

  it('the admin API of either replica gives the merged request log', async () => {
    const { code, verifier } = await codeAt(a);
    await redeemAt(b, code, verifier);
    const merged = (await admin(a, 'GET', '/requests?issuer=generic')).body as {
      lastId: number;
      requests: { id: number; route?: string; replica?: string }[];
    };
    const replicas = new Set(merged.requests.map((r) => r.replica));
    expect(replicas.size).toBe(2);
    expect(merged.requests.some((r) => r.route === 'token')).toBe(true);
    expect(merged.requests.some((r) => r.route === 'authorization')).toBe(true);
    const ids = merged.requests.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    const later = (await admin(b, 'GET', `/requests?since=${merged.lastId}`)).body as { requests: { path: string }[] };
    expect(later.requests.every((r) => r.path.startsWith('/_admin/requests'))).toBe(true);
    // Each replica's own log (idp.requests) still holds only what it served.
    expect(merged.requests.length).toBeGreaterThan(a.requests.list({ issuer: 'generic' }).length);
    expect(merged.requests.length).toBeGreaterThan(b.requests.list({ issuer: 'generic' }).length);
  });

  it('an Okta JWT access token minted on A is recognised by B', async () => {
    const okta = (idp: MockIdp) => `http://127.0.0.1:${idp.port}${new URL(a.issuers.okta!).pathname}`;
    const service = { authorization: basicAuth('okta-service', 'okta-service-secret') };
    const minted = await post(`${okta(a)}/v1/token`, { grant_type: 'client_credentials', scope: 'okta.read' }, service);
    expect(minted.status, JSON.stringify(minted.body)).toBe(200);
    expect(minted.body.access_token!.split('.')).toHaveLength(3);
    const introspected = await post(`${okta(b)}/v1/introspect`, { token: minted.body.access_token! }, service);
    expect(introspected.body.active).toBe(true);
  });

  it('B names the client of an Okta JWT access token minted on A, presented under a scheme B refuses', async () => {
    const okta = (idp: MockIdp) => `http://127.0.0.1:${idp.port}${new URL(a.issuers.okta!).pathname}`;
    const service = { authorization: basicAuth('okta-service', 'okta-service-secret') };
    const minted = await post(`${okta(a)}/v1/token`, { grant_type: 'client_credentials', scope: 'okta.read' }, service);
    expect(minted.status, JSON.stringify(minted.body)).toBe(200);
    const since = b.requests.lastId;
    const refused = await fetch(`${okta(b)}/v1/userinfo`, {
      headers: { authorization: `N_A ${minted.body.access_token}` },
    });
    expect(refused.status).toBe(400);
    const [record] = b.requests.list({ sinceId: since });
    expect(record).toMatchObject({ route: 'userinfo', status: 400, clientId: 'okta-service' });
  });

  it('a GitLab refresh on B ends the access token of its pair, issued on A', async () => {
    const gitlab = (idp: MockIdp) =>
      `http://127.0.0.1:${idp.port}${new URL(a.issuers.gitlab!).pathname.replace(/\/$/, '')}`;
    const app = fixtureJson<{ client_id: string; client_secret: string }[]>('clients/gitlab.json')[0]!;
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(`${gitlab(a)}/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: app.client_id,
      response_type: 'code',
      scope: 'openid read_user',
      redirect_uri: REDIRECT_URI,
      state: randomBytes(8).toString('hex'),
      code_challenge_method: 'S256',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    }).toString();
    const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
    const secret = { client_id: app.client_id, client_secret: app.client_secret };
    const tokens = await post(
      `${gitlab(a)}/oauth/token`,
      {
        ...secret,
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      },
      {},
    );
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    const user = () =>
      fetch(`${gitlab(a)}/api/v4/user`, { headers: { authorization: `Bearer ${tokens.body.access_token}` } });
    expect((await user()).status).toBe(200);
    const refreshed = await post(
      `${gitlab(b)}/oauth/token`,
      { ...secret, grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token!, redirect_uri: REDIRECT_URI },
      {},
    );
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect((await user()).status).toBe(401);
  });

  it('a key rotated on A is published by B at once, and B signs with it', async () => {
    const rotated = await admin(a, 'POST', '/issuers/generic/keys/rotate', { alg: 'RS256' });
    expect(rotated.status).toBe(200);
    const jwks = (await (await fetch(at(b, '/jwks'))).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toContain(rotated.body.kid);
    const { code, verifier } = await codeAt(b);
    const tokens = await redeemAt(b, code, verifier);
    const header = JSON.parse(Buffer.from(tokens.body.id_token!.split('.')[0]!, 'base64url').toString()) as {
      kid: string;
    };
    expect(header.kid).toBe(rotated.body.kid);
  });

  it('a client and a user added on A work on B', async () => {
    expect(
      (
        await admin(a, 'PUT', '/issuers/generic/clients/shared-app', {
          client_secret: 'shared-secret',
          grant_types: ['client_credentials'],
        })
      ).status,
    ).toBe(200);
    expect(
      (await admin(a, 'PUT', '/issuers/generic/users/shared-user', { claims: { email: 'shared@example.com' } })).status,
    ).toBe(200);
    const cc = await post(
      at(b, '/token'),
      { grant_type: 'client_credentials' },
      { authorization: basicAuth('shared-app', 'shared-secret') },
    );
    expect(cc.status, JSON.stringify(cc.body)).toBe(200);
    const users = (await admin(b, 'GET', '/issuers/generic')).body.users as { sub: string }[];
    expect(users.map((u) => u.sub)).toContain('shared-user');
  });

  it('a redirect URI added on A is registered on B', async () => {
    const added = await admin(a, 'POST', '/issuers/generic/clients/generic-basic/redirect_uris', {
      redirect_uri: 'http://127.0.0.1:4567/added-on-a',
    });
    expect(added.status).toBe(200);
    const clients = (await admin(b, 'GET', '/issuers/generic')).body.clients as {
      client_id: string;
      redirect_uris: string[];
    }[];
    expect(clients.find((c) => c.client_id === 'generic-basic')?.redirect_uris).toContain(
      'http://127.0.0.1:4567/added-on-a',
    );
  });

  it('a scenario armed on A fires on B', async () => {
    expect(
      (await admin(a, 'PUT', '/issuers/generic/clients/generic-basic/scenario', { name: 'id-token-aud-wrong' })).status,
    ).toBe(200);
    try {
      const { code, verifier } = await codeAt(b);
      const tokens = await redeemAt(b, code, verifier);
      expect(decodeJwt(tokens.body.id_token!).aud).toBe('some-other-client');
    } finally {
      expect((await admin(b, 'DELETE', '/issuers/generic/clients/generic-basic/scenario')).status).toBe(200);
    }
    const { code, verifier } = await codeAt(a);
    const tokens = await redeemAt(a, code, verifier);
    expect(decodeJwt(tokens.body.id_token!).aud).toBe('generic-basic');
  });

  it('in code, admin.settled() on A and admin.refresh() on B make a change visible across replicas', async () => {
    a.admin.shiftClock('generic', 3600);
    await a.admin.settled();
    expect(b.admin.clockOffset('generic')).toBe(0);
    await b.admin.refresh('generic');
    expect(b.admin.clockOffset('generic')).toBe(3600);
    a.admin.shiftClock('generic', 0);
    await a.admin.settled('generic');
    await b.admin.refresh();
    expect(b.admin.clockOffset('generic')).toBe(0);
  });

  it('a restart keeps tokens, runtime clients and rotated keys', async () => {
    const { code, verifier } = await codeAt(a);
    const tokens = await redeemAt(a, code, verifier);
    const kids = ((await (await fetch(at(a, '/jwks'))).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    const url = a.url;
    await a.close();
    a = await replica(url);
    expect(
      (await fetch(at(a, '/me'), { headers: { authorization: `Bearer ${tokens.body.access_token}` } })).status,
    ).toBe(200);
    expect(
      (await post(at(a, '/token'), { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token! })).status,
    ).toBe(200);
    expect(
      ((await (await fetch(at(a, '/jwks'))).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid),
    ).toEqual(kids);
    const cc = await post(
      at(a, '/token'),
      { grant_type: 'client_credentials' },
      { authorization: basicAuth('shared-app', 'shared-secret') },
    );
    expect(cc.status).toBe(200);
  });

  it('a reset on B returns both replicas to their configuration', async () => {
    const configured = ((await (await fetch(at(a, '/jwks'))).json()) as { keys: { kid: string }[] }).keys.length;
    expect((await admin(b, 'POST', '/issuers/generic/reset', {})).status).toBe(200);
    const after = ((await (await fetch(at(a, '/jwks'))).json()) as { keys: { kid: string }[] }).keys.length;
    expect(after).toBeLessThan(configured);
    const cc = await post(
      at(a, '/token'),
      { grant_type: 'client_credentials' },
      { authorization: basicAuth('shared-app', 'shared-secret') },
    );
    expect(cc.body.error).toBe('invalid_client');
  });

  it('Redis going away gives 503s, not hangs, and the replicas recover when it returns', async () => {
    await redis.stop();
    const down = await post(at(a, '/token'), { grant_type: 'client_credentials' });
    expect(down.status).toBe(503);
    expect(down.body.error).toBe('temporarily_unavailable');
    expect((await admin(b, 'GET', '/issuers/generic')).status).toBe(503);
    redis = await startRedis(redis.port);
    // Each replica reconnects on its own schedule, so each is waited for.
    await untilServing(a);
    await untilServing(b);
  });

  it('a Redis that stops answering (not gone) gives 503s after the command timeout, then recovers', async () => {
    process.kill(redis.child.pid!, 'SIGSTOP');
    try {
      const stuck = await post(at(a, '/token'), { grant_type: 'client_credentials' });
      expect(stuck.status).toBe(503);
    } finally {
      process.kill(redis.child.pid!, 'SIGCONT');
    }
    await untilServing(a);
  });
});

describe('store configuration', () => {
  it('memory stays the default: no Redis needed', async () => {
    const idp = await startTestIdp({ profiles: ['generic'] });
    expect(idp.config.store).toBe('memory');
    await idp.close();
  });

  it('an unreachable Redis fails start-up with one clear line, password hidden', async () => {
    await expect(startTestIdp({ profiles: ['generic'], store: 'redis://:hunter2@127.0.0.1:1/0' })).rejects.toThrow(
      /Cannot reach the shared store at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0/,
    );
  });
});
