import type { JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  clientSecretBasic,
  clientSecretPost,
  FlowManager,
  type FlowManagerOptions,
  none,
  presets,
  privateKeyJwt,
} from '../../client/index.js';
import { UserAgent } from '../../mock-idp/index.js';
import { fixtureJson, fixtureText, REDIRECT_URI, useIdp } from '../helpers/idp.js';

const idp = useIdp({ profiles: ['stitch', 'okta', 'gitlab', 'auth0', 'stackexchange'] });

const clientJwk = fixtureJson<{ keys: JWK[] }>('keys/clients/generic-private-key-jwt.json').keys.find(
  (k) => k.alg === 'RS256',
)!;

async function login(options: FlowManagerOptions) {
  const flows = new FlowManager(options);
  const url = await flows.start('user');
  const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  return { flows, url, ...(await flows.finish('user', callback)) };
}

/** Preset options for a fixture client that authenticates with private_key_jwt under the test client key. */
const withKey = (clientId: string) => ({
  clientId,
  clientAuth: privateKeyJwt({ jwk: clientJwk }),
  redirectUri: REDIRECT_URI,
});

function tokenRequest(since: number, issuer: string) {
  const [record] = idp().requests.list({ sinceId: since, issuer, route: 'token' });
  return record!;
}

describe('presets log in against the profile they are made for', () => {
  it('stitch: certificate assertion with aud = token URL, and a single-use refresh token', async () => {
    const issuer = idp().issuers.stitch!;
    const since = idp().requests.lastId;
    const { flows, claims, tokens } = await login(
      presets.stitch(issuer, {
        clientId: 'test-18fd1d5f-3d34-4b1c-a7c6-2b4f8c0e1a11',
        clientAuth: privateKeyJwt({ pem: fixtureText('keys/clients/stitch-client-certificate.pem') }),
        redirectUri: REDIRECT_URI,
      }),
    );
    expect(claims!.sub).toBe('user_2f9c8a71e4d3');
    const token = tokenRequest(since, 'stitch');
    expect(token.status).toBe(200);
    expect(token.clientAuth!.assertion!.payload).toMatchObject({ aud: `${issuer}/connect/token` });
    expect(token.clientAuth!.assertion!.header).toMatchObject({ kid: '0D5EB443B135616B8A349CE194E8C1DABB252000' });
    const refreshed = await flows.refresh('user');
    expect(refreshed.tokens.refreshToken).not.toBe(tokens.refreshToken);
  });

  it('okta: private_key_jwt with aud = token endpoint, and RP-initiated logout', async () => {
    const issuer = idp().issuers.okta!;
    const since = idp().requests.lastId;
    const { flows, claims } = await login(presets.okta(issuer, withKey('okta-pkjwt')));
    expect(claims!.aud).toBe('okta-pkjwt');
    expect(tokenRequest(since, 'okta').clientAuth!.assertion!.payload).toMatchObject({ aud: `${issuer}/v1/token` });
    const { url } = await flows.logout('user', { postLogoutRedirectUri: 'http://127.0.0.1:3000/' });
    expect(url?.pathname).toMatch(/\/v1\/logout$/);
  });

  it('gitlab: client_secret_basic, userinfo, and no logout endpoint', async () => {
    const { flows, claims } = await login(
      presets.gitlab(idp().issuers.gitlab!, {
        clientId: 'gitlab-app',
        clientAuth: clientSecretBasic('gloas-3f1c9e0b7a5d4c2e8f6a1b0d9c7e5a3f2b4d6e8a0c1e3f5a7b9d2c4e6f8a0b1c'),
        redirectUri: REDIRECT_URI,
      }),
    );
    expect((await flows.userinfo('user')).sub).toBe(claims!.sub);
    expect((await flows.logout('user')).url).toBeUndefined();
  });

  it('auth0: assertion aud is the issuer with its trailing slash, logout is /v2/logout', async () => {
    const issuer = idp().issuers.auth0!;
    expect(issuer.endsWith('/')).toBe(true);
    const since = idp().requests.lastId;
    const { flows, claims } = await login(presets.auth0(issuer, withKey('auth0-pkjwt')));
    expect(claims!.iss).toBe(issuer);
    expect(tokenRequest(since, 'auth0').clientAuth!.assertion!.payload).toMatchObject({ aud: issuer });
    const { url } = await flows.logout('user', { postLogoutRedirectUri: 'http://127.0.0.1:3000/' });
    expect(url!.href).toBe(
      `${issuer}v2/logout?client_id=auth0-pkjwt&returnTo=${encodeURIComponent('http://127.0.0.1:3000/')}`,
    );
  });

  it('auth0: a public client with none', async () => {
    const { claims } = await login(
      presets.auth0(idp().issuers.auth0!, { clientId: 'auth0-spa', clientAuth: none(), redirectUri: REDIRECT_URI }),
    );
    expect(claims!.aud).toBe('auth0-spa');
  });

  it('stackexchange: plain OAuth 2, comma scopes, no grant_type, form-encoded answer', async () => {
    const base = idp().issuers.stackexchange!;
    const since = idp().requests.lastId;
    const { url, claims, tokens, flows } = await login(
      presets.stackexchange(base, {
        clientId: 'stackexchange-app',
        clientAuth: clientSecretPost('Xq7(Ms*4Lb)Rv2Tn9Kc8Ww(('),
        redirectUri: REDIRECT_URI,
        scope: ['read_inbox', 'private_info'],
      }),
    );
    expect(url.pathname).toMatch(/\/oauth$/);
    expect(url.searchParams.get('scope')).toBe('read_inbox,private_info');
    expect(url.searchParams.has('nonce')).toBe(false);
    expect(claims).toBeUndefined();
    expect(tokens.accessToken).toMatch(/\S/);
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() / 1000);
    const token = tokenRequest(since, 'stackexchange');
    expect(token.status).toBe(200);
    expect(token.body).not.toHaveProperty('grant_type');
    expect(Object.keys(token.body ?? {}).sort()).toEqual(['client_id', 'client_secret', 'code', 'redirect_uri']);
    await expect(flows.refresh('user')).rejects.toMatchObject({ code: 'refresh_token_missing' });
    await expect(flows.userinfo('user')).rejects.toMatchObject({ code: 'userinfo_unsupported' });
  });
});
