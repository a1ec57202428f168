import { createHash, X509Certificate } from 'node:crypto';
import type { JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  appleClientSecret,
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

const idp = useIdp({
  profiles: ['stitch', 'okta', 'gitlab', 'auth0', 'stackexchange', 'apple', 'google', 'github', 'entra'],
});

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

/** What a plain OAuth 2 preset posts to redeem a code: no grant_type, its secret in the body, PKCE. */
const PLAIN_OAUTH_CODE_EXCHANGE = ['client_id', 'client_secret', 'code', 'code_verifier', 'redirect_uri'];

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

  it(
    'apple: form_post with the user field, a fresh ES256 client secret per request, ' + 'a refresh, no userinfo',
    async () => {
      const teamKey = fixtureJson<{ keys: (JWK & { kid: string })[] }>('keys/clients/apple-team.json').keys[0]!;
      const since = idp().requests.lastId;
      const flows = new FlowManager(
        presets.apple(idp().issuers.apple!, {
          clientId: 'com.example.mockidp.web',
          clientAuth: appleClientSecret({ teamId: 'MOCKTEAM01', keyId: teamKey.kid, privateKey: teamKey }),
          redirectUri: REDIRECT_URI,
        }),
      );
      const { url, form } = await new UserAgent().navigate(await flows.start('user'), {
        until: (u) => u.href.startsWith(REDIRECT_URI),
      });
      expect(JSON.parse(form!.body.get('user')!)).toMatchObject({ name: { firstName: 'Alice' } });
      const { claims } = await flows.finish('user', { url, ...form! });
      expect(claims).toMatchObject({ sub: '001234.5c2f7d1e8a9b4c3d2e1f0a9b8c7d6e5f.1042', email_verified: 'true' });
      const refreshed = await flows.refresh('user');
      expect(refreshed.claims?.sub).toBe(claims!.sub);
      const secret = tokenRequest(since, 'apple').body.client_secret;
      expect(secret).toBeDefined();
      expect((await flows.metadata()).userinfo_endpoint).toBeUndefined();
    },
  );

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

  it(
    "entra on common: the {tenantid} issuer takes each token's own tid; " +
      'a certificate assertion names the token URL',
    async () => {
      const issuer = idp().issuers.entra!;
      const flows = new FlowManager(
        presets.entra(issuer, {
          clientId: '3f7d2a1c-5b8e-4c6f-9a0d-1e2b3c4d5e6f',
          clientAuth: clientSecretPost('Qx58Q~entra.web.secret-mock.idp.0123456789'),
          redirectUri: REDIRECT_URI,
        }),
      );
      const url = new URL(await flows.start('user'));
      url.searchParams.set('login_hint', 'megan.bowen@fabrikam.onmicrosoft.com');
      const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
      const { claims } = await flows.finish('user', callback);
      expect(claims!.iss).toBe(issuer.replace('/common/', '/a9e4b2c7-3d1f-4e85-b6a0-5c8f1e7d2b49/'));
      expect(claims!.tid).toBe('a9e4b2c7-3d1f-4e85-b6a0-5c8f1e7d2b49');

      const since = idp().requests.lastId;
      const pem = fixtureText('keys/clients/entra-client-certificate.pem');
      const { claims: daemonClaims } = await login(
        presets.entra(issuer, {
          clientId: 'd4b2e7c9-6a1f-4e3d-8b5c-2a9f7e1d4c60',
          clientAuth: privateKeyJwt(
            { pem: pem.slice(0, pem.indexOf('-----BEGIN CERTIFICATE-----')) },
            {
              alg: 'PS256',
              // The kid Entra's fixture registers: the certificate's SHA-256 thumbprint.
              kid: createHash('sha256')
                .update(new X509Certificate(pem.slice(pem.indexOf('-----BEGIN CERTIFICATE-----'))).raw)
                .digest('base64url'),
            },
          ),
          redirectUri: REDIRECT_URI,
        }),
      );
      expect(daemonClaims!.ver).toBe('2.0');
      expect(tokenRequest(since, 'entra').clientAuth!.assertion!.payload).toMatchObject({
        aud: `${issuer.replace(/\/v2\.0$/, '')}/oauth2/v2.0/token`,
      });
    },
  );

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

  it(
    'stackexchange: plain OAuth 2, comma scopes, PKCE S256, no grant_type, ' + 'form-encoded answer, bearer-only API',
    async () => {
      const base = idp().issuers.stackexchange!;
      const since = idp().requests.lastId;
      const { url, claims, tokens, flows } = await login(
        presets.stackexchange(base, {
          clientId: 'stackexchange-app',
          clientAuth: clientSecretPost('Xq7(Ms*4Lb)Rv2Tn9Kc8Ww(('),
          redirectUri: REDIRECT_URI,
          scope: ['read_inbox', 'private_info'],
          identityApi: { url: `${base}/2.3/me`, params: { site: 'stackoverflow' } },
        }),
      );
      expect(url.pathname).toMatch(/\/oauth$/);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('scope')).toBe('read_inbox,private_info');
      expect(url.searchParams.has('nonce')).toBe(false);
      expect(claims).toBeUndefined();
      expect(tokens.accessToken).toMatch(/\S/);
      expect(tokens.expiresAt).toBeGreaterThan(Date.now() / 1000);
      const token = tokenRequest(since, 'stackexchange');
      expect(token.status).toBe(200);
      expect(token.body).not.toHaveProperty('grant_type');
      expect(Object.keys(token.body ?? {}).sort()).toEqual(PLAIN_OAUTH_CODE_EXCHANGE);
      const me = await flows.identity('user');
      expect(me.items).toEqual([expect.objectContaining({ account_id: 1165580 })]);
      const call = idp().requests.list({ route: 'stackexchange_me' }).at(-1)!;
      expect(call.status).toBe(200);
      expect(call.path).not.toMatch(/access_token|key=/);
      await expect(flows.refresh('user')).rejects.toMatchObject({ code: 'refresh_token_missing' });
      await expect(flows.userinfo('user')).rejects.toMatchObject({ code: 'userinfo_unsupported' });
    },
  );

  it('google: client_secret_post, access_type=offline with prompt=consent, both iss forms accepted', async () => {
    const issuer = idp().issuers.google!;
    const web = fixtureJson<{ client_id: string; client_secret: string }[]>('clients/google.json')[0]!;
    const since = idp().requests.lastId;
    const options = {
      clientId: web.client_id,
      clientAuth: clientSecretPost(web.client_secret),
      redirectUri: REDIRECT_URI,
    };
    const { url, claims, tokens, flows } = await login(presets.google(issuer, options));
    expect(url.pathname).toMatch(/\/o\/oauth2\/v2\/auth$/);
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(claims).toMatchObject({ iss: issuer, azp: web.client_id, email_verified: true });
    expect(tokens.refreshToken).toMatch(/\S/);
    expect(tokenRequest(since, 'google').body).toHaveProperty('client_secret');
    await flows.refresh('user');
    // The bare iss form, armed on the fixture client for one login.
    idp().admin.arm('google', web.client_id, 'id-token-iss-without-scheme');
    try {
      const bare = await login(presets.google(issuer, options));
      expect(bare.claims?.iss).toBe(issuer.replace(/^https?:\/\//, ''));
      // Without the preset's second form, a generic client refuses it.
      await expect(login({ ...presets.google(issuer, options), idTokenIssuers: [] })).rejects.toMatchObject({
        code: 'id_token_iss_mismatch',
      });
    } finally {
      idp().admin.disarm('google', web.client_id);
    }
  });

  it('github: plain OAuth 2 at /login/oauth, PKCE S256, no grant_type, a form-encoded gho_ token', async () => {
    const base = idp().issuers.github!;
    const app = fixtureJson<{ client_id: string; client_secret: string }[]>('clients/github.json')[0]!;
    const since = idp().requests.lastId;
    const { url, claims, tokens, flows } = await login(
      presets.github(base, {
        clientId: app.client_id,
        clientAuth: clientSecretPost(app.client_secret),
        redirectUri: REDIRECT_URI,
      }),
    );
    expect(url.pathname).toMatch(/\/login\/oauth\/authorize$/);
    expect(url.searchParams.get('scope')).toBe('read:user user:email');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(claims).toBeUndefined();
    expect(tokens.accessToken).toMatch(/^gho_/);
    expect(tokens.tokenType).toBe('bearer');
    expect(tokens.scope).toBe('read:user,user:email');
    const token = tokenRequest(since, 'github');
    expect(token.status).toBe(200);
    expect(Object.keys(token.body ?? {}).sort()).toEqual(PLAIN_OAUTH_CODE_EXCHANGE);
    await expect(flows.refresh('user')).rejects.toMatchObject({ code: 'refresh_token_missing' });
  });
});
