import { decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { afterAll, describe, expect, it } from 'vitest';
import { type MockIdp, UserAgent } from '../../mock-idp/index.js';
import { DEFAULT_ROUTES, type RouteName } from '../../mock-idp/kernel/routes.js';
import { fixtureJson, REDIRECT_URI, startTestIdp } from '../helpers/idp.js';
import { authorizationCode, codeFlow, discover, discoverGenericBasic } from '../helpers/login.js';

const started: MockIdp[] = [];
afterAll(() => Promise.all(started.map((i) => i.close())));
async function start(options: Parameters<typeof startTestIdp>[0] = {}) {
  const idp = await startTestIdp({ profiles: ['generic'], ...options });
  started.push(idp);
  return idp;
}
async function jwks(idp: MockIdp, name = 'generic') {
  return (await (await fetch(`${idp.issuers[name]}/jwks`)).json()) as {
    keys: { kid: string; alg: string; d?: string }[];
  };
}

describe('signing keys', () => {
  it('are the fixed fixture keys, the same across restarts, and public only', async () => {
    const first = await jwks(await start());
    const second = await jwks(await start());
    const fixture = fixtureJson<{ keys: { kid: string; alg: string }[] }>('keys/generic.json');
    expect(first.keys.map((k) => k.kid)).toEqual(fixture.keys.map((k) => k.kid));
    expect(second).toEqual(first);
    expect(first.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(first.keys.some((k) => 'd' in k)).toBe(false);
  });

  it('sign ID tokens with a published kid (RS256 by default, ES256 when the client registers it)', async () => {
    const idp = await start({
      issuers: [
        {
          name: 'es',
          extraClients: [
            {
              client_id: 'es-client',
              client_secret: 'es-secret',
              redirect_uris: [REDIRECT_URI],
              id_token_signed_response_alg: 'ES256',
            },
          ],
        },
      ],
    });
    const published = (await jwks(idp, 'es')).keys;
    const rs = await codeFlow(await discoverGenericBasic(idp.issuers.es!));
    const es = await codeFlow(await discover(idp.issuers.es!, 'es-client', client.ClientSecretBasic('es-secret')));
    const rsHeader = decodeProtectedHeader(rs.tokens.id_token!);
    const esHeader = decodeProtectedHeader(es.tokens.id_token!);
    expect(rsHeader.alg).toBe('RS256');
    expect(esHeader.alg).toBe('ES256');
    expect(published.map((k) => k.kid)).toEqual(expect.arrayContaining([rsHeader.kid, esHeader.kid]));
  });

  it('are generated fresh only when asked', async () => {
    const idp = await start({ issuers: [{ name: 'fresh', keys: { generate: ['RS256', 'ES256'] } }] });
    const keys = (await jwks(idp, 'fresh')).keys;
    const fixtureKids = fixtureJson<{ keys: { kid: string }[] }>('keys/generic.json').keys.map((k) => k.kid);
    expect(keys.map((k) => k.alg)).toEqual(['RS256', 'ES256']);
    for (const key of keys) expect(fixtureKids).not.toContain(key.kid);
  });

  it('differ between issuers of different profiles', async () => {
    const fixtures = ['generic', 'stitch', 'okta', 'gitlab', 'auth0', 'google'].map((set) =>
      fixtureJson<{ keys: { kid: string }[] }>(`keys/${set}.json`).keys.map((k) => k.kid),
    );
    expect(new Set(fixtures.flat()).size).toBe(fixtures.flat().length);
  });
});

describe('CORS for single-page apps', () => {
  const origin = 'http://localhost:5173';
  it.each([
    ['discovery', 'GET', '/.well-known/openid-configuration'],
    ['jwks', 'GET', '/jwks'],
    ['token', 'POST', '/token'],
    ['userinfo', 'GET', '/me'],
    ['revocation', 'POST', '/token/revocation'],
  ])('answers the preflight for %s', async (_name, method, path) => {
    const idp = await start();
    const response = await fetch(`${idp.issuers.generic}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get('access-control-allow-origin')).toMatch(new RegExp(`^(\\*|${origin})$`));
    expect(response.headers.get('access-control-allow-methods')).toContain(method);
  });

  it('lets a browser app redeem a code with CORS headers on the response', async () => {
    const idp = await start();
    const config = await discover(idp.issuers.generic!, 'generic-spa');
    const { code, verifier } = await authorizationCode(config);
    const response = await fetch(`${idp.issuers.generic}/token`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: 'generic-spa',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
  });
});

describe('public base URL', () => {
  it('keeps issuer and browser endpoints public while a backend reaches the server by another name', async () => {
    // A browser knows the server as idp.example.test:9400, a backend as 127.0.0.1:<port>.
    const publicBase = 'http://idp.example.test:9400';
    const idp = await start({ publicBaseUrl: publicBase });
    const internal = `http://127.0.0.1:${idp.port}`;
    expect(idp.issuers.generic).toBe(`${publicBase}/generic`);

    const wellKnown = new URL(`${internal}/generic/.well-known/openid-configuration`);
    const discovery = (await (await fetch(wellKnown)).json()) as Record<string, string>;
    expect(discovery.issuer).toBe(`${publicBase}/generic`);
    expect(discovery.authorization_endpoint).toBe(`${publicBase}/generic/auth`);
    expect(discovery.end_session_endpoint).toBe(`${publicBase}/generic/session/end`);
    expect(discovery.token_endpoint).toBe(`${internal}/generic/token`);
    expect(discovery.jwks_uri).toBe(`${internal}/generic/jwks`);

    // The browser reaches the public name through a proxy in front of the same server.
    const browserFetch: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.host !== 'idp.example.test:9400') return fetch(url, init);
      url.host = `127.0.0.1:${idp.port}`;
      const headers = new Headers(init?.headers);
      headers.set('x-forwarded-host', 'idp.example.test:9400');
      return fetch(url, { ...init, headers });
    };
    // Passing the well-known URL itself is how openid-client accepts an issuer on another host.
    const config = await client.discovery(
      wellKnown,
      'generic-basic',
      {},
      client.ClientSecretBasic('generic-basic-secret'),
      { execute: [client.allowInsecureRequests] },
    );
    const since = idp.requests.lastId;
    const { tokens } = await codeFlow(config, { agent: new UserAgent({ fetch: browserFetch }) });
    const log = idp.requests.list({ sinceId: since });
    expect(log.find((r) => r.route === 'authorization')!.headers['x-forwarded-host']).toBe('idp.example.test:9400');
    expect(log.find((r) => r.route === 'token')!.headers.host).toBe(`127.0.0.1:${idp.port}`);
    expect(tokens.claims()!.iss).toBe(`${publicBase}/generic`);
  });
});

describe('endpoint paths', () => {
  // Not registration: Okta registers clients at the org (/oauth2/v1/clients), outside the authorization server.
  const discoveryField: Partial<Record<RouteName, string>> = {
    authorization: 'authorization_endpoint',
    token: 'token_endpoint',
    jwks: 'jwks_uri',
    userinfo: 'userinfo_endpoint',
    introspection: 'introspection_endpoint',
    revocation: 'revocation_endpoint',
    end_session: 'end_session_endpoint',
    device_authorization: 'device_authorization_endpoint',
    pushed_authorization_request: 'pushed_authorization_request_endpoint',
  };

  it('name every route of every profile, and discovery advertises those same paths', async () => {
    const idp = await start({
      profiles: ['generic', 'okta', 'auth0', 'gitlab', 'stitch', 'stackexchange', 'google', 'github'],
    });
    for (const summary of idp.describe()) {
      const routes = idp.issuer(summary.name).routes;
      // A profile overriding some paths keeps the defaults for the rest.
      for (const name of Object.keys(DEFAULT_ROUTES) as RouteName[])
        expect(routes[name], `${summary.name} ${name}`).toMatch(/^\//);
      if (!summary.discovery) continue;
      const metadata = (await (await fetch(summary.discovery)).json()) as Record<string, unknown>;
      const base = summary.issuer.replace(/\/$/, '');
      for (const [name, field] of Object.entries(discoveryField) as [RouteName, string][]) {
        if (metadata[field] !== undefined)
          expect(metadata[field], `${summary.name} ${field}`).toBe(`${base}${routes[name]}`);
      }
    }
  });
});
