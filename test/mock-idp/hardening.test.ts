import { request } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestIdp, useIdp } from '../helpers/idp.js';
import { rawExchange } from '../helpers/raw-http.js';
import { stitchApiClient, stitchGraphql, stitchToken as tokenFrom } from '../helpers/stitch.js';

let port: number;

const STITCH_CLIENT = stitchApiClient('hardening-stitch');

const idp = useIdp({
  issuers: [
    { name: 'generic', profile: 'generic' },
    { name: 'stitch', profile: 'stitch', extraClients: [STITCH_CLIENT] },
    { name: 'gitlab', profile: 'gitlab' },
    { name: 'okta', profile: 'okta' },
    { name: 'auth0', profile: 'auth0' },
    { name: 'stackexchange', profile: 'stackexchange' },
  ],
});
beforeAll(async () => {
  port = idp().port;
});

const stitchToken = () => tokenFrom(idp().issuers.stitch!, STITCH_CLIENT);
const graphql = (token: string, body: string) => stitchGraphql(idp().issuers.stitch!, token, body);

describe('Stitch GraphQL is bounded', () => {
  it('refuses a body over the limit without reading it, and keeps serving', async () => {
    const token = await stitchToken();
    const big = JSON.stringify({ query: `query { user { id } } #${'x'.repeat(200_000)}` });
    const r = await graphql(token, big);
    expect(r.status).toBe(413);
    expect(r.body.errors?.[0]?.message).toMatch(/too large/);
    expect((await fetch(`${idp().url}/health`)).status).toBe(200);
  });

  it('refuses a query nested too deep', async () => {
    const token = await stitchToken();
    const fine = await graphql(
      token,
      JSON.stringify({ query: 'query { user { bankAccounts { name availableBalance } } }' }),
    );
    expect(fine.body.errors?.some((e) => /deeper/.test(e.message)) ?? false).toBe(false);
    const nine = `query { ${'a: user { '.repeat(9)}id${' }'.repeat(9)} }`;
    const r = await graphql(token, JSON.stringify({ query: nine }));
    expect(r.body.errors?.map((e) => e.message)).toContain('Query is nested deeper than 8 levels.');
  });

  it('refuses a query with too many aliases', async () => {
    const token = await stitchToken();
    const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: user { id }`).join(' ');
    const r = await graphql(token, JSON.stringify({ query: `query { ${aliases} }` }));
    expect(r.body.errors?.map((e) => e.message)).toContain('Query uses more than 20 aliases.');
    expect(r.body.data).toBeUndefined();
  });

  it('refuses a query of too many tokens', async () => {
    const token = await stitchToken();
    const r = await graphql(token, JSON.stringify({ query: `query { ${'__typename '.repeat(3000)} }` }));
    expect(r.body.errors?.[0]?.message).toMatch(/more that 2000 tokens/);
  });
});

describe('an answer given before the body was read closes the connection', () => {
  for (const [name, path, type] of [
    ['an oversized token request', '/generic/token', 'application/x-www-form-urlencoded'],
    ['an oversized GraphQL body', '/stitch/graphql', 'application/json'],
    ['a body on a route that reads none', '/generic/.well-known/openid-configuration', 'text/plain'],
  ] as const) {
    it(name, async () => {
      const body = 'a='.padEnd(100_000, 'x');
      const r = await rawExchange(port, [
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n`,
        body,
      ]);
      expect(r.statuses).toHaveLength(1);
      expect(r.statuses[0]).toBeLessThan(500);
      expect(r.headers.connection).toBe('close');
      expect(r.closedByServer).toBe(true);
    });
  }

  it('keeps a connection alive through bodyless requests, answered at once or not', async () => {
    const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    const r = await rawExchange(port, [get('/health') + get('/generic/jwks') + get('/nope') + get('/health')], 300, 4);
    expect(r.statuses).toEqual([200, 200, 404, 200]);
    expect(r.text).not.toMatch(/connection: close/i);
  });

  it('keeps a connection alive after a body that was read', async () => {
    const body = 'grant_type=client_credentials';
    const r = await rawExchange(
      port,
      [
        `POST /generic/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ` +
          `application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}GET ` +
          `/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
      ],
      300,
      2,
    );
    expect(r.statuses).toEqual([400, 200]);
    expect(r.headers.connection).toBe('keep-alive');
  });
});

function httpGet(path: string, headers: Record<string, string>, method = 'GET', body?: string) {
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as Record<string, unknown> }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

describe('the admin API refuses what a web page could send', () => {
  const kids = async () =>
    ((await (await fetch(`${idp().url}/_admin/issuers/generic/keys`)).json()) as { keys: { kid: string }[] }).keys.map(
      (k) => k.kid,
    );

  it('a text/plain POST (a no-cors fetch) does not rotate keys', async () => {
    const before = await kids();
    const r = await fetch(`${idp().url}/_admin/issuers/generic/keys/rotate`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(r.status).toBe(415);
    const bare = await fetch(`${idp().url}/_admin/reset`, { method: 'POST' });
    expect(bare.status).toBe(415);
    expect(await kids()).toEqual(before);
  });

  it('a cross-site Origin is refused, even with JSON', async () => {
    const before = await kids();
    const r = await fetch(`${idp().url}/_admin/issuers/generic/keys/rotate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://attacker.example' },
      body: '{}',
    });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error_description: string }).error_description).toMatch(/attacker\.example/);
    expect(
      (
        await fetch(`${idp().url}/_admin/reset`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: 'null' },
        })
      ).status,
    ).toBe(403);
    expect(await kids()).toEqual(before);
  });

  it('a rebound Host is refused; loopback names are served', async () => {
    expect((await httpGet('/_admin/requests', { host: 'attacker.example' })).status).toBe(403);
    expect((await httpGet('/_admin/issuers', { host: `attacker.example:${port}` })).status).toBe(403);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
      expect((await httpGet('/_admin/issuers', { host })).status).toBe(200);
  });

  it('serves a host named by allowedHosts', async () => {
    const other = await startTestIdp({ profiles: ['generic'], allowedHosts: ['mock-idp'] });
    try {
      const get = (host: string) =>
        new Promise<number>((resolve) => {
          request(
            { host: '127.0.0.1', port: other.port, path: '/_admin/issuers', headers: { host }, agent: false },
            (res) => {
              res.resume();
              resolve(res.statusCode!);
            },
          ).end();
        });
      expect(await get('mock-idp:9400')).toBe(200);
      expect(await get('attacker.example')).toBe(403);
    } finally {
      await other.close();
    }
  });

  it('answers malformed percent-encoding in a path with a 400', async () => {
    const r = await httpGet(
      '/_admin/issuers/generic/users/%E0%A4%A',
      { 'content-type': 'application/json' },
      'PUT',
      '{}',
    );
    expect(r.status).toBe(400);
    expect(r.body.error_description).toMatch(/percent-encoding/);
  });

  it('answers a client with a bad PEM with a 400 naming the client', async () => {
    const r = await fetch(`${idp().url}/_admin/issuers/generic/clients/pem-client`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token_endpoint_auth_method: 'private_key_jwt',
        public_key_pem: '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n',
      }),
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error_description: string }).error_description).toMatch(/pem-client/);
  });
});

describe('Host and forwarding headers', () => {
  const discovery = '/generic/.well-known/openid-configuration';
  for (const [header, value] of [
    ['host', 'a b:99'],
    ['host', '[::1'],
    ['host', 'localhost:99999'],
    ['x-forwarded-host', '[::1'],
    ['x-forwarded-host', 'ok.example, bad host'],
    ['x-forwarded-proto', 'javascript'],
    ['x-forwarded-proto', 'https, data'],
  ] as const) {
    it(`answers ${header}: ${value} with a 400`, async () => {
      const r = await httpGet(discovery, { [header]: value });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: 'invalid_request' });
    });
  }

  it('still follows well-formed forwarding headers', async () => {
    const r = await httpGet(discovery, { 'x-forwarded-host': 'idp.example:8443', 'x-forwarded-proto': 'https' });
    expect(r.status).toBe(200);
    expect(r.body.token_endpoint).toBe('https://idp.example:8443/generic/token');
  });
});

describe('no 500 from the device page without its session', () => {
  for (const body of ['xsrf=abc&user_code=ABCD-EFGH', 'user_code=ABCD', 'confirm=yes', '']) {
    it(`POST /device "${body}"`, async () => {
      const r = await fetch(`${idp().issuers.generic}/device`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(r.status).toBe(400);
      expect(await r.text()).toMatch(/invalid_request/);
    });
  }

  it('the device flow with its session still works to the confirm page', async () => {
    const page = await fetch(`${idp().issuers.generic}/device`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/Connect a device/);
  });
});

describe("unrouted requests get JSON in the issuer's shape", () => {
  for (const [issuer, path, method] of [
    ['generic', '/nope', 'GET'],
    ['generic', '/.well-known/openid-configuration', 'DELETE'],
    ['okta', '/v1/nope', 'POST'],
    ['auth0', 'nope', 'GET'],
    ['gitlab', '/oauth/nope', 'PUT'],
    ['stitch', '/connect/nope', 'GET'],
    ['stackexchange', '/nope', 'GET'],
  ] as const) {
    it(`${method} ${issuer}${path}`, async () => {
      const base = idp().issuers[issuer]!.replace(/\/$/, '');
      const r = await fetch(`${base}${path.startsWith('/') ? path : `/${path}`}`, { method });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.headers.get('content-type')).toMatch(/json/);
      const body = (await r.json()) as Record<string, unknown>;
      expect(typeof (body.error ?? body.error_id ?? body.errorCode)).not.toBe('undefined');
    });
  }
});

describe("what Node's HTTP parser refuses", () => {
  it('a body without framing is answered with a JSON 400, not bare text', async () => {
    const r = await rawExchange(port, ['DELETE /generic/nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\na=b']);
    expect(r.statuses.at(-1)).toBe(400);
    expect(r.text).toContain('{"error":"invalid_request","error_description":"malformed HTTP request"}');
  });

  it('headers over the limit get a JSON 431', async () => {
    const r = await rawExchange(port, [
      `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
    ]);
    expect(r.statuses).toEqual([431]);
    expect(r.headers['content-type']).toMatch(/json/);
  });
});
