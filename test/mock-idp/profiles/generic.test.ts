import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { UserAgent } from '../../../mock-idp/index.js';
import { clientPrivateKey, pemPrivateKey } from '../../helpers/client-keys.js';
import { REDIRECT_URI, useIssuer } from '../../helpers/idp.js';
import { authorizationUrl, codeFlow, discover, discoverGenericBasic } from '../../helpers/login.js';

const { idp, issuer } = useIssuer('generic');

describe('authorization code + PKCE with every client authentication method', () => {
  const methods: [string, string, () => Promise<client.ClientAuth>][] = [
    ['client_secret_basic', 'generic-basic', async () => client.ClientSecretBasic('generic-basic-secret')],
    ['client_secret_post', 'generic-post', async () => client.ClientSecretPost('generic-post-secret')],
    [
      'client_secret_jwt',
      'generic-jwt',
      async () => client.ClientSecretJwt('generic-jwt-secret-at-least-32-bytes-long'),
    ],
    [
      'private_key_jwt (client JWKS)',
      'generic-private-key-jwt',
      async () => client.PrivateKeyJwt(await clientPrivateKey('RS256')),
    ],
    [
      'private_key_jwt (ES256 key from the JWKS)',
      'generic-private-key-jwt',
      async () => client.PrivateKeyJwt(await clientPrivateKey('ES256')),
    ],
    [
      'private_key_jwt (PEM public key)',
      'generic-private-key-pem',
      async () => client.PrivateKeyJwt({ key: await pemPrivateKey() }),
    ],
    ['none (public client)', 'generic-spa', async () => client.None()],
  ];

  it.each(methods)('%s', async (method, clientId, auth) => {
    const config = await discover(issuer(), clientId, await auth());
    const since = idp().requests.lastId;
    const { tokens } = await codeFlow(config);
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(issuer());
    expect(claims.aud).toBe(clientId);
    expect(claims.sub).toBe('alice');
    expect(typeof tokens.access_token).toBe('string');
    // The ID token is really signed by a published key (openid-client does not check this by default).
    await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(`${issuer()}/jwks`)), {
      issuer: issuer(),
      audience: clientId,
    });
    const token = idp().requests.list({ sinceId: since, route: 'token' });
    expect(token).toHaveLength(1);
    expect(token[0]!.status).toBe(200);
    expect(token[0]!.clientAuth?.method).toBe(method.split(' ')[0]);
  });
});

describe('the other grants and endpoints', () => {
  it('refreshes, rotating the refresh token', async () => {
    const config = await discoverGenericBasic(issuer());
    const { tokens } = await codeFlow(config, { scope: 'openid offline_access' });
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()?.sub).toBe('alice');
  });

  it('issues client_credentials tokens', async () => {
    const config = await discover(issuer(), 'generic-service', client.ClientSecretBasic('generic-service-secret'));
    const tokens = await client.clientCredentialsGrant(config, { scope: 'api:read' });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBeGreaterThan(0);
    expect(tokens.id_token).toBeUndefined();
  });

  it('serves userinfo for the access token', async () => {
    const config = await discoverGenericBasic(issuer());
    const { tokens } = await codeFlow(config, { scope: 'openid profile email' });
    const me = await client.fetchUserInfo(config, tokens.access_token, 'alice');
    expect(me).toMatchObject({ sub: 'alice', email: 'alice@example.com', name: 'Alice Adams', updated_at: 1767225600 });
  });

  it('introspects and revokes', async () => {
    const config = await discoverGenericBasic(issuer());
    const { tokens } = await codeFlow(config, { scope: 'openid offline_access' });
    const active = await client.tokenIntrospection(config, tokens.access_token);
    expect(active).toMatchObject({ active: true, sub: 'alice', client_id: 'generic-basic' });
    await client.tokenRevocation(config, tokens.access_token);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    await client.tokenRevocation(config, tokens.refresh_token!);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('completes the device authorization grant headlessly', async () => {
    const config = await discoverGenericBasic(issuer());
    const device = await client.initiateDeviceAuthorization(config, { scope: 'openid profile' });
    expect(device.user_code).toMatch(/\S/);
    const agent = new UserAgent();
    const { response } = await agent.navigate(device.verification_uri_complete!);
    expect(response?.status).toBe(200);
    expect(await response!.text()).toContain('Device connected');
    const tokens = await client.genericGrantRequest(config, 'urn:ietf:params:oauth:grant-type:device_code', {
      device_code: device.device_code,
    });
    expect(decodeJwt(tokens.id_token!).sub).toBe('alice');
  });

  it('logs out through RP-initiated logout and ends the session', async () => {
    const config = await discoverGenericBasic(issuer());
    const { tokens, agent } = await codeFlow(config);
    const logoutUrl = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'http://127.0.0.1:3000/',
      state: 'bye-123',
    });
    const { url } = await agent.navigate(logoutUrl, { until: (u) => u.origin === 'http://127.0.0.1:3000' });
    expect(url.searchParams.get('state')).toBe('bye-123');
    // The session is gone: a silent authorization now needs a login.
    const silent = await authorizationUrl(config, { prompt: 'none' });
    const { url: back } = await agent.navigate(silent, { until: (u) => u.href.startsWith(REDIRECT_URI) });
    expect(back.searchParams.get('error')).toBe('login_required');
  });

  it('completes an explicit prompt=consent headlessly, for a new and a signed-in user', async () => {
    const config = await discoverGenericBasic(issuer());
    const first = await codeFlow(config, { scope: 'openid offline_access', extra: { prompt: 'consent' } });
    expect(first.tokens.refresh_token).toBeTruthy();
    expect(first.tokens.scope?.split(' ')).toContain('offline_access');
    const again = await codeFlow(config, { agent: first.agent, extra: { prompt: 'consent' } });
    expect(again.tokens.claims()!.sub).toBe('alice');
  });

  it('logs in headlessly in one redirect, and sets the session cookie', async () => {
    const config = await discoverGenericBasic(issuer());
    const agent = new UserAgent();
    const url = await authorizationUrl(config, { login_hint: 'bob' });
    const { url: callback, hops } = await agent.navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
    expect(hops).toHaveLength(1);
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(await agent.jar.getCookieString(issuer())).toMatch(/mockidp_generic_session=/);
  });

  it(
    'keeps the session in one unsigned cookie; an unknown session id is a fresh login, never ' + 'that session',
    async () => {
      const config = await discoverGenericBasic(issuer());
      const url = await authorizationUrl(config, { login_hint: 'bob' });
      const first = await fetch(url, { redirect: 'manual' });
      expect(first.status).toBe(303);
      const cookies = first.headers.getSetCookie().map((c) => c.split('=')[0]);
      expect(cookies).toEqual(['mockidp_generic_session']);

      const forged = 'a'.repeat(43);
      const second = await fetch(url, { redirect: 'manual', headers: { cookie: `mockidp_generic_session=${forged}` } });
      expect(second.status).toBe(303);
      const issued = /^mockidp_generic_session=([^;]+)/.exec(second.headers.getSetCookie()[0] ?? '')?.[1];
      expect(issued).toMatch(/^[\w-]{43}$/);
      expect(issued).not.toBe(forged);
      expect(new URL(second.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    },
  );

  it('reuses the browser session for a second login without a new interaction', async () => {
    const config = await discoverGenericBasic(issuer());
    const agent = new UserAgent();
    await codeFlow(config, { agent });
    const since = idp().requests.lastId;
    await codeFlow(config, { agent });
    expect(idp().requests.list({ sinceId: since, route: 'interaction' })).toHaveLength(0);
  });
});
