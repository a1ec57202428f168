import { createHash, X509Certificate } from 'node:crypto';
import { ConfidentialClientApplication, CryptoProvider } from '@azure/msal-node';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { UserAgent } from '../../../mock-idp/index.js';
import { fixtureText, REDIRECT_URI } from '../../helpers/idp.js';
import { codeFlow } from '../../helpers/login.js';
import { useMswProviders } from '../../helpers/msw.js';

const HOST = 'https://login.microsoftonline.com';
const HOME = '4f1c9a3e-8b2d-4e7a-9c61-2d5b7e0f3a84';
const WEB = { id: '3f7d2a1c-5b8e-4c6f-9a0d-1e2b3c4d5e6f', secret: 'Qx58Q~entra.web.secret-mock.idp.0123456789' };
const DAEMON = 'd4b2e7c9-6a1f-4e3d-8b5c-2a9f7e1d4c60';
const ADELE = { username: 'adele.vance@contoso.onmicrosoft.com', oid: '6e2a8f3b-1c4d-4b7e-9f20-8a5d3c7e1b94' };

const providers = useMswProviders(['entra']);

const tokenRequests = (since: number) =>
  providers().idp.requests.list({ sinceId: since, issuer: 'entra', route: 'token' });

describe('@azure/msal-node 7 against Entra at login.microsoftonline.com (msw), unmodified', () => {
  it('auth code + PKCE: getAuthCodeUrl, the login, acquireTokenByCode', async () => {
    const msal = new ConfidentialClientApplication({
      auth: { clientId: WEB.id, authority: `${HOST}/${HOME}`, clientSecret: WEB.secret },
    });
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const since = providers().idp.requests.lastId;
    const url = await msal.getAuthCodeUrl({
      scopes: ['User.Read'],
      redirectUri: REDIRECT_URI,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      loginHint: ADELE.username,
      state: 'st',
    });
    expect(url.startsWith(`${HOST}/${HOME}/oauth2/v2.0/authorize?`)).toBe(true);
    const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
    expect(callback.searchParams.get('state')).toBe('st');
    const result = await msal.acquireTokenByCode({
      code: callback.searchParams.get('code')!,
      codeVerifier: verifier,
      redirectUri: REDIRECT_URI,
      scopes: ['User.Read'],
    });
    expect(result.tenantId).toBe(HOME);
    expect(result.uniqueId).toBe(ADELE.oid);
    expect(result.account).toMatchObject({
      homeAccountId: `${ADELE.oid}.${HOME}`,
      // msal caches under the cloud's preferred alias, not the authority's host.
      environment: 'login.windows.net',
      tenantId: HOME,
      username: ADELE.username,
      name: 'Adele Vance',
      localAccountId: ADELE.oid,
    });
    expect(result.scopes).toEqual(expect.arrayContaining(['User.Read', 'openid', 'profile']));
    expect(result.idTokenClaims).toMatchObject({ iss: `${HOST}/${HOME}/v2.0`, aud: WEB.id, ver: '2.0', tid: HOME });
    expect(decodeJwt(result.accessToken)).toMatchObject({ iss: `https://sts.windows.net/${HOME}/`, ver: '1.0' });
    // msal checks no signature: the ID token verifies against the tenant's published keys all the same.
    const keys = createRemoteJWKSet(new URL(`${HOST}/${HOME}/discovery/v2.0/keys`));
    await jwtVerify(result.idToken, keys, { issuer: `${HOST}/${HOME}/v2.0`, audience: WEB.id });
    // msal made no discovery request: only the authorize page and the token POST reached the mock.
    const [token] = tokenRequests(since);
    expect(token?.status).toBe(200);

    // The cached refresh token serves a silent request for the same account.
    const silent = await msal.acquireTokenSilent({
      account: result.account!,
      scopes: ['User.Read'],
      forceRefresh: true,
    });
    expect(silent.accessToken).not.toBe(result.accessToken);
  });

  it('client credentials with a certificate (thumbprintSha256): PS256 with x5t#S256, accepted', async () => {
    const pem = fixtureText('keys/clients/entra-client-certificate.pem');
    const certificate = new X509Certificate(pem.slice(pem.indexOf('-----BEGIN CERTIFICATE-----')));
    const msal = new ConfidentialClientApplication({
      auth: {
        clientId: DAEMON,
        authority: `${HOST}/${HOME}`,
        clientCertificate: {
          thumbprintSha256: createHash('sha256').update(certificate.raw).digest('hex'),
          privateKey: pem.slice(0, pem.indexOf('-----BEGIN CERTIFICATE-----')),
        },
      },
    });
    const since = providers().idp.requests.lastId;
    const result = await msal.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    expect(result).not.toBeNull();
    expect(decodeJwt(result!.accessToken)).toMatchObject({ appid: DAEMON, appidacr: '2', idtyp: 'app', tid: HOME });
    const [token] = tokenRequests(since);
    expect(token!.status).toBe(200);
    const assertion = token!.clientAuth!.assertion!;
    expect(assertion.header).toMatchObject({ alg: 'PS256' });
    expect(assertion.header['x5t#S256']).toBe(createHash('sha256').update(certificate.raw).digest('base64url'));
    // msal's claims have no iat, but jsonwebtoken's sign() adds one: the mock takes both (entra.test.ts signs without).
    expect(assertion.payload.nbf).toEqual(expect.any(Number));
    expect(assertion.payload.exp).toBe(Number(assertion.payload.nbf) + 600);
    expect(assertion.payload.aud).toBe(`${HOST}/${HOME}/oauth2/v2.0/token`);
  });

  it('an AADSTS error reaches msal as a ServerError with its code and correlation id', async () => {
    const msal = new ConfidentialClientApplication({
      auth: { clientId: WEB.id, authority: `${HOST}/${HOME}`, clientSecret: 'not-the-secret' },
    });
    const error = await msal
      .acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] })
      .catch((e: unknown) => e as { errorCode?: string; errorMessage?: string; correlationId?: string });
    expect(error).toMatchObject({ errorCode: 'invalid_client' });
    expect(String((error as { errorMessage?: string }).errorMessage)).toContain('7000215');
  });
});

describe('openid-client against the tenant at login.microsoftonline.com (msw)', () => {
  it('discovers the tenant and validates the ID token', async () => {
    const config = await client.discovery(new URL(`${HOST}/${HOME}/v2.0`), WEB.id, WEB.secret);
    expect(config.serverMetadata().issuer).toBe(`${HOST}/${HOME}/v2.0`);
    const { tokens } = await codeFlow(config);
    expect(tokens.claims()).toMatchObject({ tid: HOME, oid: ADELE.oid, ver: '2.0' });
    expect(decodeProtectedHeader(tokens.id_token!).kid).toEqual(expect.any(String));
  });
});
