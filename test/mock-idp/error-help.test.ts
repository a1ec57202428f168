import { parse as parseHtml } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { basicAuth } from '../helpers/http.js';
import { REDIRECT_URI, startTestIdp, useIdp } from '../helpers/idp.js';
import { codeFlow, discoverGenericBasic } from '../helpers/login.js';

const idp = useIdp({
  issuers: [
    {
      name: 'shop',
      path: '/shop',
      profile: 'generic',
      extraClients: [
        {
          client_id: 'shop-web',
          client_secret: 'shop-secret',
          redirect_uris: ['http://127.0.0.1:4000/auth/callback', 'http://127.0.0.1:4000/other'],
        },
      ],
    },
    {
      name: 'crowded',
      path: '/crowded',
      profile: 'generic',
      clients: Array.from({ length: 25 }, (_, i) => ({
        client_id: `app-${String(i).padStart(2, '0')}`,
        token_endpoint_auth_method: 'none' as const,
        redirect_uris: [REDIRECT_URI],
      })),
    },
  ],
});
/** The issuer URL, known once the IdP is up. */
const issuer = () => idp().issuers.shop!;

const PKCE = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };

async function authorize(base: string, params: Record<string, string>) {
  const response = await fetch(
    `${base}/auth?${new URLSearchParams({ response_type: 'code', scope: 'openid', ...PKCE, ...params })}`,
    { redirect: 'manual' },
  );
  return { status: response.status, page: parseHtml(await response.text()) };
}

describe('a redirect_uri the client did not register', () => {
  const sent = 'http://127.0.0.1:4000/auth/calback';

  it(
    'gets a page with the sent URI, the registered ones (the closest marked) and the config ' +
      'and admin call that add it',
    async () => {
      const { status, page } = await authorize(issuer(), { client_id: 'shop-web', redirect_uri: sent });
      expect(status).toBe(400);
      expect(page.querySelector('code.sent')?.text).toBe(sent);
      expect(page.querySelectorAll('ul.registered li').map((li) => li.text.trim())).toEqual([
        'http://127.0.0.1:4000/auth/callback closest',
        'http://127.0.0.1:4000/other',
      ]);
      expect(page.querySelector('ul.registered mark')?.text).toBe('http://127.0.0.1:4000/auth/callback');
      const config = page.querySelector('pre[data-kind=config]')!.text;
      expect(config).toContain('- name: "shop"');
      expect(config).toContain('- client_id: "shop-web"');
      expect(config).toContain(
        `redirect_uris: ["http://127.0.0.1:4000/auth/callback","http://127.0.0.1:4000/other","${sent}"]`,
      );
      const curl = page.querySelector('pre[data-kind=admin]')!.text;
      expect(curl).toBe(
        `curl -X POST '${idp().url}/_admin/issuers/shop/clients/shop-web/redirect_uris' -H ` +
          `'content-type: application/json' -d '{"redirect_uri":"${sent}"}'`,
      );
    },
  );

  it('is fixed by the admin call the page quotes: the same request then reaches the login', async () => {
    const own = await startTestIdp({ profiles: ['generic'] });
    try {
      const wrong = 'http://localhost:3000/cb';
      const { page } = await authorize(own.issuers.generic!, { client_id: 'generic-basic', redirect_uri: wrong });
      const curl = page.querySelector('pre[data-kind=admin]')!.text;
      const [, endpoint, body] = /^curl -X POST '([^']+)' -H 'content-type: application\/json' -d '([^']+)'$/.exec(
        curl,
      )!;
      const added = await fetch(endpoint!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body!,
      });
      expect(added.status).toBe(200);
      expect(await added.json()).toEqual({
        client_id: 'generic-basic',
        redirect_uris: [REDIRECT_URI, 'http://localhost:3000/callback', wrong],
      });
      const config = await discoverGenericBasic(own.issuers.generic!);
      const { tokens } = await codeFlow(config, { redirectUri: wrong });
      expect(tokens.claims()!.aud).toBe('generic-basic');
    } finally {
      await own.close();
    }
  });

  it('says the same in the JSON error_description of a pushed authorization request', async () => {
    const response = await fetch(`${issuer()}/request`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth('shop-web', 'shop-secret'),
      },
      body: new URLSearchParams({
        client_id: 'shop-web',
        response_type: 'code',
        scope: 'openid',
        redirect_uri: sent,
        ...PKCE,
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; error_description: string };
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
    // RFC 9126 2.3: a pushed request's bad redirect_uri is an invalid_request.
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toContain(`redirect_uri sent: ${sent}`);
    expect(body.error_description).toContain(
      'http://127.0.0.1:4000/auth/callback (closest), http://127.0.0.1:4000/other',
    );
    expect(body.error_description).toContain(
      `POST ${idp().url}/_admin/issuers/shop/clients/shop-web/redirect_uris and the JSON body ` +
        `{"redirect_uri":"${sent}"}`,
    );
  });

  it('the admin call refuses a redirect URI that is not a URL, and an unknown client', async () => {
    const bad = await fetch(`${idp().url}/_admin/issuers/shop/clients/shop-web/redirect_uris`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"redirect_uri":"not a url"}',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('invalid redirect_uri'),
    });
    const missing = await fetch(`${idp().url}/_admin/issuers/shop/clients/nobody/redirect_uris`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"redirect_uri":"http://a.example/cb"}',
    });
    expect(missing.status).toBe(404);
  });

  it('the same addition in code keeps the registration and is idempotent', async () => {
    const uris = await idp().admin.addRedirectUri('shop', 'shop-web', 'http://127.0.0.1:4000/third');
    expect(uris).toEqual([
      'http://127.0.0.1:4000/auth/callback',
      'http://127.0.0.1:4000/other',
      'http://127.0.0.1:4000/third',
    ]);
    expect(await idp().admin.addRedirectUri('shop', 'shop-web', 'http://127.0.0.1:4000/third')).toEqual(uris);
    expect(await idp().admin.addRedirectUri('shop', 'nobody', 'http://127.0.0.1:4000/third')).toBeUndefined();
    const token = await fetch(`${issuer()}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth('shop-web', 'shop-secret'),
      },
      body: 'grant_type=client_credentials',
    });
    expect(token.status).toBe(200);
  });
});

describe('an unknown client', () => {
  it("gets a page listing the issuer's known client_ids", async () => {
    const { status, page } = await authorize(issuer(), { client_id: 'shop-wbe', redirect_uri: REDIRECT_URI });
    expect(status).toBe(400);
    const known = page.querySelectorAll('ul.known-clients li').map((li) => li.text);
    expect(known).toContain('shop-web');
    expect(known).toContain('generic-basic');
  });

  it('lists at most 20, and says how many more', async () => {
    const { page } = await authorize(idp().issuers.crowded!, { client_id: 'app-99', redirect_uri: REDIRECT_URI });
    const known = page.querySelectorAll('ul.known-clients li').map((li) => li.text);
    expect(known).toEqual(Array.from({ length: 20 }, (_, i) => `app-${String(i).padStart(2, '0')}`));
    expect(page.text).toContain('and 5 more');
  });

  it("gets the known client_ids in the token endpoint's JSON error too", async () => {
    const response = await fetch(`${issuer()}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'shop-wbe', client_secret: 'x' }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_client');
    expect(body.error_description).toMatch(
      /client_id "shop-wbe" is not registered at issuer shop; known client_ids: .*shop-web/,
    );
    const basic = await fetch(`${issuer()}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('shop%2Dweb2:x').toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(((await basic.json()) as { error_description: string }).error_description).toContain(
      'client_id "shop-web2" is not registered at issuer shop; known client_ids:',
    );
  });
});
