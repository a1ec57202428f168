import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { parse as parseHtml } from 'node-html-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserAgent } from '../../../mock-idp/index.js';
import { fixtureJson, REDIRECT_URI, useIdp } from '../../helpers/idp.js';

const APP = fixtureJson<{ client_id: string; client_secret: string; key: string }[]>('clients/stackexchange.json')[0]!;
const TOKEN_STYLE = /^[A-Za-z0-9*()]+$/;

let issuer: string;
let pageIssuer: string;

const idp = useIdp({
  issuers: [
    { name: 'stackexchange', profile: 'stackexchange' },
    { name: 'stackexchange-page', profile: 'stackexchange', path: '/stackexchange-page', login: 'page' },
  ],
});
beforeAll(async () => {
  issuer = idp().issuers.stackexchange!;
  pageIssuer = idp().issuers['stackexchange-page']!;
});

/** The authorize URL as the seed app builds it: no response_type, comma-separated scopes. */
function authorizeUrl(params: Record<string, string | undefined> = {}, base = issuer) {
  const url = new URL(`${base}/oauth`);
  const all: Record<string, string | undefined> = {
    client_id: APP.client_id,
    scope: 'read_inbox,no_expiry',
    redirect_uri: REDIRECT_URI,
    state: 'xyz',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) url.searchParams.set(k, v);
  return url;
}

async function authorize(params: Record<string, string | undefined> = {}) {
  const { url } = await new UserAgent().navigate(authorizeUrl(params), {
    until: (u) => u.href.startsWith(REDIRECT_URI),
  });
  return url;
}

/** requests.post(token_url, data={...}): a form post without grant_type. */
async function exchange(code: string, path = '/oauth/access_token', overrides: Record<string, string> = {}) {
  const body = new URLSearchParams({
    client_id: APP.client_id,
    client_secret: APP.client_secret,
    code,
    redirect_uri: REDIRECT_URI,
    ...overrides,
  });
  const response = await fetch(`${issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

async function accessToken(scope = 'read_inbox') {
  const callback = await authorize({ scope });
  const r = await exchange(callback.searchParams.get('code')!);
  expect(r.status).toBe(200);
  return new URLSearchParams(r.text).get('access_token')!;
}

/** A GET with node:http: no Accept-Encoding, no transparent decompression. */
function rawGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; raw: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, raw: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function api(path: string, query: Record<string, string | undefined> = {}, headers: Record<string, string> = {}) {
  const url = new URL(`${issuer}/2.3/${path}`);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
  const r = await rawGet(url.href, headers);
  expect(r.headers['content-encoding']).toBe('gzip');
  return { status: r.status, body: JSON.parse(gunzipSync(r.raw).toString('utf8')) as Record<string, unknown> };
}

describe("Stack Exchange: the seed client's login", () => {
  it('authorizes with comma scopes and no response_type; the callback has code and state but no iss', async () => {
    const callback = await authorize();
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(callback.searchParams.get('state')).toBe('xyz');
    expect(callback.searchParams.has('iss')).toBe(false);
  });

  it('redeems the code by a form post without grant_type, answered form-encoded', async () => {
    const callback = await authorize({ scope: 'read_inbox' });
    const since = idp().requests.lastId;
    const r = await exchange(callback.searchParams.get('code')!);
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/x-www-form-urlencoded');
    const params = new URLSearchParams(r.text);
    expect([...params.keys()]).toEqual(['access_token', 'expires']);
    expect(params.get('expires')).toBe('86400');
    expect(params.get('access_token')).toMatch(TOKEN_STYLE);
    // The token keeps its `()*` characters verbatim on the wire.
    expect(r.text).toBe(`access_token=${params.get('access_token')}&expires=86400`);
    const [record] = idp().requests.list({ sinceId: since, route: 'token' });
    expect(record).toMatchObject({
      status: 200,
      bodyType: 'form',
      clientId: APP.client_id,
      clientAuth: { method: 'client_secret_post' },
    });
    expect(record!.body.grant_type).toBeUndefined();
    expect(record!.notes).toContain('grant_type=authorization_code implied: Stack Exchange takes none');
  });

  it('answers JSON at /oauth/access_token/json, without expires for no_expiry', async () => {
    const callback = await authorize({ scope: 'read_inbox' });
    const r = await exchange(callback.searchParams.get('code')!, '/oauth/access_token/json');
    expect(r.status).toBe(200);
    expect(r.contentType).toMatch(/^application\/json/);
    const body = JSON.parse(r.text) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires']);
    expect(body.expires).toBe(86400);
    expect(body.access_token).toMatch(TOKEN_STYLE);

    const forever = await authorize({ scope: 'read_inbox,no_expiry' });
    const plain = await exchange(forever.searchParams.get('code')!);
    expect([...new URLSearchParams(plain.text).keys()]).toEqual(['access_token']);
    const foreverJson = await authorize({ scope: 'no_expiry' });
    const json = await exchange(foreverJson.searchParams.get('code')!, '/oauth/access_token/json');
    expect(Object.keys(JSON.parse(json.text) as object)).toEqual(['access_token']);
  });

  it('never issues an ID token, refresh token, token_type or scope, even when openid is asked for', async () => {
    const callback = await authorize({ scope: 'openid read_inbox' });
    const r = await exchange(callback.searchParams.get('code')!, '/oauth/access_token/json');
    expect(Object.keys(JSON.parse(r.text) as object).sort()).toEqual(['access_token', 'expires']);
  });

  it('takes a secret with *() characters when it is URL-encoded, and the token round-trips into the API', async () => {
    expect(APP.client_secret).toMatch(/[*()]/);
    const callback = await authorize({ scope: 'read_inbox' });
    const body = new URLSearchParams({
      client_id: APP.client_id,
      client_secret: APP.client_secret,
      code: callback.searchParams.get('code')!,
      redirect_uri: REDIRECT_URI,
    }).toString();
    expect(body).toContain('%28'); // URLSearchParams encodes the parentheses
    const response = await fetch(`${issuer}/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const token = new URLSearchParams(await response.text()).get('access_token')!;
    expect(token).toMatch(/[*()]/);
    const me = await api('me', { site: 'stackoverflow', key: APP.key, access_token: token });
    expect(me.status).toBe(200);
  });

  it('works through the login page too', async () => {
    const agent = new UserAgent();
    const start = await agent.navigate(authorizeUrl({}, pageIssuer), { until: (u) => u.href.startsWith(REDIRECT_URI) });
    expect(start.response?.status).toBe(200);
    const form = parseHtml(await start.response!.text()).querySelector('form#login')!;
    const posted = await agent.request(new URL(form.getAttribute('action')!, start.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ sub: '2289471' }),
    });
    const { url: callback } = await agent.navigate(new URL(posted.headers.get('location')!, start.url), {
      until: (u) => u.href.startsWith(REDIRECT_URI),
    });
    expect(callback.searchParams.has('iss')).toBe(false);
    expect(callback.searchParams.get('state')).toBe('xyz');
    const response = await fetch(`${pageIssuer}/oauth/access_token/json`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: APP.client_id,
        client_secret: APP.client_secret,
        code: callback.searchParams.get('code')!,
        redirect_uri: REDIRECT_URI,
      }),
    });
    expect(response.status).toBe(200);
    const { access_token: token } = (await response.json()) as { access_token: string };
    const me = await fetch(`${pageIssuer}/2.3/me?site=stackoverflow&key=${encodeURIComponent(APP.key)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await me.json()) as { items: { account_id: number }[] }).items[0]!.account_id).toBe(2289471);
  });

  it('sends a denial or an unknown login_hint back without iss', async () => {
    const callback = await authorize({ login_hint: 'nobody' });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.has('iss')).toBe(false);
  });
});

describe('Stack Exchange: token errors', () => {
  it('are 400 form-encoded on the plain endpoint and JSON on /json, never 500', async () => {
    const callback = await authorize({ scope: 'read_inbox' });
    const code = callback.searchParams.get('code')!;
    const since = idp().requests.lastId;
    const wrongSecret = await exchange(code, '/oauth/access_token', { client_secret: 'nope' });
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.contentType).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(wrongSecret.text).get('error')).toBe('invalid_client');
    expect(new URLSearchParams(wrongSecret.text).get('error_description')).toBeTruthy();
    expect(idp().requests.list({ sinceId: since, route: 'token' })[0]!.error).toBe('invalid_client');

    const ok = await exchange(code);
    expect(ok.status).toBe(200);
    const reused = await exchange(code, '/oauth/access_token/json');
    expect(reused.status).toBe(400);
    expect(JSON.parse(reused.text)).toMatchObject({ error: 'invalid_grant', error_description: expect.any(String) });

    const unknownClient = await exchange(code, '/oauth/access_token/json', { client_id: 'someone-else' });
    expect(unknownClient.status).toBe(400);
    expect(JSON.parse(unknownClient.text).error).toBe('invalid_client');

    for (const init of [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: APP.client_id }),
      },
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' },
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'x'.repeat(80_000) },
      { method: 'GET' },
    ]) {
      const r = await fetch(`${issuer}/oauth/access_token`, init);
      expect(r.status).toBe(400);
      expect(new URLSearchParams(await r.text()).get('error')).toBeTruthy();
    }
  });
});

describe('Stack Exchange: /2.3/me', () => {
  it('answers the wrapper, gzip-compressed without Accept-Encoding, for a query token or a bearer header', async () => {
    const token = await accessToken();
    const viaQuery = await api('me', { site: 'stackoverflow', key: APP.key, access_token: token });
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.body).toMatchObject({ has_more: false, quota_max: 10000, quota_remaining: 9999 });
    expect(viaQuery.body.items).toEqual([
      expect.objectContaining({
        account_id: 1165580,
        user_id: 1144035,
        display_name: 'Alice Adams',
        reputation: 24531,
        user_type: 'registered',
        link: 'https://stackoverflow.com/users/1144035/alice-adams',
      }),
    ]);
    const viaHeader = await api('me', { site: 'stackoverflow', key: APP.key }, { authorization: `Bearer ${token}` });
    expect(viaHeader.body.items).toEqual(viaQuery.body.items);
    // fetch decompresses transparently, and still sees the encoding.
    const fetched = await fetch(
      `${issuer}/2.3/me?site=stackoverflow&key=${encodeURIComponent(APP.key)}&` +
        `access_token=${encodeURIComponent(token)}`,
    );
    expect(fetched.headers.get('content-encoding')).toBe('gzip');
    expect(((await fetched.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it('reports every error as HTTP 400 with error_id, error_name and error_message', async () => {
    const token = await accessToken();
    const cases: [Record<string, string | undefined>, number, string][] = [
      [{ site: 'stackoverflow', key: APP.key }, 401, 'access_token_required'],
      [{ site: 'stackoverflow', key: APP.key, access_token: 'not-a-token))' }, 402, 'invalid_access_token'],
      [{ site: 'stackoverflow', access_token: token }, 405, 'key_required'],
      [{ key: APP.key, access_token: token }, 400, 'bad_parameter'],
      [{ site: 'stackoverflow', key: 'someone-elses-key((', access_token: token }, 402, 'invalid_access_token'],
    ];
    for (const [query, id, name] of cases) {
      const r = await api('me', query);
      expect(r.status, name).toBe(400);
      expect(r.body).toEqual({ error_id: id, error_name: name, error_message: expect.any(String) });
    }
    const unknown = await api('no-such-method', { site: 'stackoverflow' });
    expect(unknown).toMatchObject({ status: 400, body: { error_id: 404, error_name: 'no_method' } });
  });
});

describe('Stack Exchange: /2.3/access-tokens', () => {
  it('describes tokens, with scope and without expires_on_date for no_expiry, and invalidates them', async () => {
    const expiring = await accessToken('read_inbox');
    const forever = await accessToken('read_inbox,no_expiry');
    const now = Math.floor(Date.now() / 1000);
    const r = await api(`access-tokens/${encodeURIComponent(expiring)};${forever}`);
    expect(r.status).toBe(200);
    const [first, second] = r.body.items as Record<string, unknown>[];
    expect(first).toMatchObject({ access_token: expiring, account_id: 1165580, scope: ['read_inbox'] });
    expect(first!.expires_on_date).toBeGreaterThanOrEqual(now + 86400 - 5);
    expect(second).toMatchObject({ access_token: forever, account_id: 1165580, scope: ['read_inbox', 'no_expiry'] });
    expect(second).not.toHaveProperty('expires_on_date');
    expect(JSON.stringify(idp().requests.list({ route: 'stackexchange_access_tokens' }))).not.toContain(expiring);

    const invalidated = await api(`access-tokens/${expiring}/invalidate`);
    expect((invalidated.body.items as unknown[]).length).toBe(1);
    expect((await api('me', { site: 'stackoverflow', key: APP.key, access_token: expiring })).body.error_id).toBe(402);
  });
});

describe('Stack Exchange: no scope at all', () => {
  it.each([[undefined], ['']])(
    'authorizes a request with scope %j, and the token shows no scope but reads /me',
    async (scope) => {
      const callback = await authorize({ scope });
      expect(callback.searchParams.get('code')).toBeTruthy();
      const r = await exchange(callback.searchParams.get('code')!);
      expect(r.status).toBe(200);
      const token = new URLSearchParams(r.text).get('access_token')!;
      const described = (await api(`access-tokens/${encodeURIComponent(token)}`)).body.items as Record<
        string,
        unknown
      >[];
      expect(described[0]).toMatchObject({ access_token: token, account_id: 1165580 });
      expect(described[0]).not.toHaveProperty('scope');
      expect((await api('me', { site: 'stackoverflow', key: APP.key, access_token: token })).status).toBe(200);
    },
  );
});

describe('Stack Exchange: no OpenID Connect', () => {
  it.each(['/.well-known/openid-configuration', '/jwks', '/me', '/token/introspection'])('%s is 404', async (path) => {
    expect((await fetch(`${issuer}${path}`)).status).toBe(404);
  });
});
