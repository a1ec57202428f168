// openid-client (the most used Node client for Keycloak: keycloak-js is browser-only) through
// a whole session: login, refresh, logout, unmodified, against the server and through msw.
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { UserAgent } from '../../../mock-idp/index.js';
import { REDIRECT_URI, useIdp } from '../../helpers/idp.js';
import { useMswProviders } from '../../helpers/msw.js';

const WEB = { id: 'keycloak-web', secret: 'kc-web-8Xq2vLm4Rt7Wz9Bn3Ps6' };
const LOGGED_OUT = 'http://127.0.0.1:3000/';

/** What an app does with openid-client: code + PKCE login, refresh, then RP-initiated logout. */
async function session(config: client.Configuration) {
  const issuer = config.serverMetadata().issuer;
  const agent = new UserAgent();
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const { url: callback } = await agent.navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  // openid-client checks the RFC 9207 iss itself, since discovery advertises it.
  expect(callback.searchParams.get('iss')).toBe(issuer);
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
  });
  expect(tokens.claims()).toMatchObject({ iss: issuer, aud: WEB.id, azp: WEB.id, typ: 'ID' });

  // A resource server validates the access token with the realm's JWKS and reads the roles.
  const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
  const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer, typ: 'JWT' });
  expect(payload).toMatchObject({
    typ: 'Bearer',
    azp: WEB.id,
    realm_access: { roles: expect.arrayContaining(['app-admin']) },
    resource_access: { [WEB.id]: { roles: ['editor', 'viewer'] } },
  });
  expect(await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).toMatchObject({
    preferred_username: 'alice',
  });

  // The refresh token goes back as it came: openid-client never validates it.
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
  expect(decodeJwt(refreshed.refresh_token!).typ).toBe('Refresh');
  expect(refreshed.claims()).toMatchObject({ sub: tokens.claims()!.sub, sid: tokens.claims()!.sid });
  await jwtVerify(refreshed.access_token, jwks, { issuer });

  const logout = client.buildEndSessionUrl(config, {
    id_token_hint: refreshed.id_token!,
    post_logout_redirect_uri: LOGGED_OUT,
    state: 'bye',
  });
  const { url: landed } = await agent.navigate(logout, { until: (u) => u.href.startsWith(LOGGED_OUT) });
  expect(landed.searchParams.get('state')).toBe('bye');

  // The SSO session is gone: a silent login now needs the user.
  const silent = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    prompt: 'none',
    state: 's2',
  });
  const { url: after } = await agent.navigate(silent, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  expect(after.searchParams.get('error')).toBe('login_required');
}

describe('openid-client against the running server', () => {
  const idp = useIdp({ profiles: ['keycloak'] });

  it('logs in, refreshes and logs out at /keycloak/realms/demo', async () => {
    const issuer = idp().issuers.keycloak!;
    const config = await client.discovery(new URL(issuer), WEB.id, {}, client.ClientSecretBasic(WEB.secret), {
      execute: [client.allowInsecureRequests],
    });
    await session(config);
  });
});

describe('openid-client through msw at https://keycloak.example.com/realms/demo', () => {
  const providers = useMswProviders(['keycloak']);

  it('logs in, refreshes and logs out with no network', async () => {
    const issuer = 'https://keycloak.example.com/realms/demo';
    expect(providers().issuers.keycloak).toBe(issuer);
    const config = await client.discovery(new URL(issuer), WEB.id, {}, client.ClientSecretBasic(WEB.secret));
    expect(config.serverMetadata().token_endpoint).toBe(`${issuer}/protocol/openid-connect/token`);
    await session(config);
  });
});
