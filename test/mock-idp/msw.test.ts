import { createRemoteJWKSet, jwtVerify } from 'jose';
import { setupServer } from 'msw/node';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserAgent } from '../../mock-idp/index.js';
import { createProviderHandlers, type ProviderHandlers, type ProviderName } from '../../mock-idp/msw.js';
import { formPost } from '../helpers/http.js';
import { fixtureJson, REDIRECT_URI } from '../helpers/idp.js';
import { codeFlow } from '../helpers/login.js';

let providers: ProviderHandlers;
let server: ReturnType<typeof setupServer>;

beforeAll(async () => {
  providers = await createProviderHandlers({ tenant: 'acme' });
  server = setupServer(...providers.handlers);
  server.listen({ onUnhandledRequest: 'error' });
});
afterAll(async () => {
  server?.close();
  await providers?.close();
});

const login = async (config: client.Configuration, scope: string) => (await codeFlow(config, { scope })).tokens;

/** openid-client discovering a provider at its real issuer, which msw must serve it at. */
async function discoverAt(name: ProviderName, issuer: string, clientId: string, auth: client.ClientAuth) {
  expect(providers.issuers[name]).toBe(issuer);
  return client.discovery(new URL(issuer), clientId, {}, auth);
}

describe('msw handlers at the real provider hostnames, no network', () => {
  it(
    'Stitch: openid-client logs in at https://secure.stitch.money and plain fetch reads ' +
      'https://api.stitch.money/graphql',
    async () => {
      const secretClient = fixtureJson<{ client_id: string; client_secret: string }[]>('clients/stitch.json')[1]!;
      const config = await discoverAt(
        'stitch',
        'https://secure.stitch.money',
        secretClient.client_id,
        client.ClientSecretPost(secretClient.client_secret),
      );
      expect(config.serverMetadata().token_endpoint).toBe('https://secure.stitch.money/connect/token');
      const tokens = await login(config, 'openid accounts balances');
      expect(tokens.claims()).toMatchObject({ iss: 'https://secure.stitch.money', sub: 'user_2f9c8a71e4d3' });
      await jwtVerify(
        tokens.id_token!,
        createRemoteJWKSet(new URL('https://secure.stitch.money/.well-known/openid-configuration/jwks')),
        { issuer: 'https://secure.stitch.money' },
      );
      const response = await fetch('https://api.stitch.money/graphql', {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query { user { bankAccounts { name currentBalance } } }' }),
      });
      const body = (await response.json()) as { data: { user: { bankAccounts: { name: string }[] } } };
      expect(body.data.user.bankAccounts.map((a) => a.name)).toEqual(['FNB Gold Cheque', 'FNB Savings']);
    },
  );

  it('Stitch: plain fetch code completes the flow too (form posts, no OIDC library)', async () => {
    const secretClient = fixtureJson<{ client_id: string; client_secret: string }[]>('clients/stitch.json')[1]!;
    const verifier = client.randomPKCECodeVerifier();
    const authorize = new URL('https://secure.stitch.money/connect/authorize');
    authorize.search = new URLSearchParams({
      client_id: secretClient.client_id,
      scope: 'openid accounts offline_access',
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      nonce: client.randomNonce(),
      state: 'plain-fetch',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    const { url: callback } = await new UserAgent().navigate(authorize, {
      until: (u) => u.href.startsWith(REDIRECT_URI),
    });
    expect(callback.searchParams.get('state')).toBe('plain-fetch');
    const credentials = { client_id: secretClient.client_id, client_secret: secretClient.client_secret };
    const { body: tokens } = await formPost('https://secure.stitch.money/connect/token', {
      grant_type: 'authorization_code',
      ...credentials,
      code: callback.searchParams.get('code')!,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(tokens).toMatchObject({ expires_in: 900, refresh_token: expect.any(String) });
    const refreshed = await formPost('https://secure.stitch.money/connect/token', {
      grant_type: 'refresh_token',
      ...credentials,
      refresh_token: String(tokens.refresh_token),
    });
    expect(refreshed.status).toBe(200);
  });

  it('Okta: https://acme.okta.com/oauth2/default with JWT access tokens', async () => {
    const issuer = 'https://acme.okta.com/oauth2/default';
    const config = await discoverAt('okta', issuer, 'okta-web', client.ClientSecretBasic('okta-web-secret'));
    expect(config.serverMetadata().token_endpoint).toBe(`${issuer}/v1/token`);
    const tokens = await login(config, 'openid profile email');
    expect(tokens.claims()).toMatchObject({ iss: issuer, ver: 1 });
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${issuer}/v1/keys`)), {
      issuer,
      audience: 'api://default',
    });
    expect(payload.cid).toBe('okta-web');
    expect(await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).toMatchObject({
      email: 'alice@example.com',
    });
  });

  it('Keycloak: https://keycloak.example.com/realms/demo with role claims in the access token', async () => {
    const issuer = 'https://keycloak.example.com/realms/demo';
    const config = await discoverAt(
      'keycloak',
      issuer,
      'keycloak-web',
      client.ClientSecretBasic('kc-web-8Xq2vLm4Rt7Wz9Bn3Ps6'),
    );
    expect(config.serverMetadata().token_endpoint).toBe(`${issuer}/protocol/openid-connect/token`);
    const tokens = await login(config, 'openid');
    const { payload } = await jwtVerify(
      tokens.access_token,
      createRemoteJWKSet(new URL(`${issuer}/protocol/openid-connect/certs`)),
      { issuer, typ: 'JWT' },
    );
    expect(payload).toMatchObject({ typ: 'Bearer', azp: 'keycloak-web', resource_access: { 'keycloak-web': {} } });
  });

  it('Auth0: https://acme.auth0.com/ keeps its trailing slash', async () => {
    const issuer = 'https://acme.auth0.com/';
    const config = await discoverAt('auth0', issuer, 'auth0-web', client.ClientSecretPost('auth0-web-secret'));
    expect(config.serverMetadata().issuer).toBe(issuer);
    const tokens = await login(config, 'openid profile email');
    expect(tokens.claims()!.iss).toBe(issuer);
  });

  it(
    'Stack Exchange: plain fetch at https://stackoverflow.com/oauth ' + 'and https://api.stackexchange.com/2.3/me',
    async () => {
      const app = fixtureJson<{ client_id: string; client_secret: string }[]>('clients/stackexchange.json')[0]!;
      const authorize =
        `https://stackoverflow.com/oauth?client_id=${app.client_id}&scope=read_inbox,no_expiry` +
        `&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&state=s1`;
      const { url: callback } = await new UserAgent().navigate(authorize, {
        until: (u) => u.href.startsWith(REDIRECT_URI),
      });
      expect(callback.searchParams.get('state')).toBe('s1');
      const response = await fetch('https://stackoverflow.com/oauth/access_token', {
        method: 'POST',
        body: new URLSearchParams({
          client_id: app.client_id,
          client_secret: app.client_secret,
          code: callback.searchParams.get('code')!,
          redirect_uri: REDIRECT_URI,
        }),
      });
      expect(response.headers.get('content-type')).toContain('application/x-www-form-urlencoded');
      const token = new URLSearchParams(await response.text()).get('access_token')!;
      const me = await fetch('https://api.stackexchange.com/2.3/me?site=stackoverflow', {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ items: [{ account_id: 1165580 }], has_more: false });
    },
  );

  it('records what the client did, as the loopback server does', () => {
    const tokenRequests = providers.idp.requests.list({ issuer: 'stitch', route: 'token' });
    expect(tokenRequests.at(-1)).toMatchObject({ bodyType: 'form', clientAuth: { method: 'client_secret_post' } });
    expect(tokenRequests.at(-1)!.headers['x-forwarded-host']).toBe('secure.stitch.money');
  });
});
