// google-auth-library 10, unmodified: OAuth2Client.getToken with code + PKCE verifier and
// verifyIdToken (which in Node reads the PEM certificates at /oauth2/v1/certs), first at the
// real Google hosts through msw, then against a running mock-idp through its `endpoints`.
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { describe, expect, it } from 'vitest';
import { UserAgent } from '../../../mock-idp/index.js';
import { fixtureJson, REDIRECT_URI, useIdp } from '../../helpers/idp.js';
import { useMswProviders } from '../../helpers/msw.js';

const WEB = fixtureJson<{ client_id: string; client_secret: string }[]>('clients/google.json')[0]!;
const ALICE = '110248495921238986420';
const BOB = '103547991597142817347';

/** The SDK's own authorization URL, followed to the callback; the code it carries. */
async function authorize(oauth: OAuth2Client, options: Parameters<OAuth2Client['generateAuthUrl']>[0]) {
  const url = oauth.generateAuthUrl({ scope: ['openid', 'email', 'profile'], state: 'st', ...options });
  const { url: callback } = await new UserAgent().navigate(new URL(url), {
    until: (u) => u.href.startsWith(REDIRECT_URI),
  });
  const code = callback.searchParams.get('code');
  expect(code, callback.href).toBeTruthy();
  return { code: code!, callback };
}

async function pkceLogin(oauth: OAuth2Client, options: Parameters<OAuth2Client['generateAuthUrl']>[0] = {}) {
  const { codeVerifier, codeChallenge } = await oauth.generateCodeVerifierAsync();
  const { code, callback } = await authorize(oauth, {
    code_challenge: codeChallenge!,
    code_challenge_method: CodeChallengeMethod.S256,
    ...options,
  });
  const { tokens } = await oauth.getToken({ code, codeVerifier });
  return { tokens, callback };
}

describe('google-auth-library through msw at accounts.google.com and googleapis.com', () => {
  const providers = useMswProviders(['google']);

  const sdk = () =>
    new OAuth2Client({ clientId: WEB.client_id, clientSecret: WEB.client_secret, redirectUri: REDIRECT_URI });

  it('getToken with a PKCE verifier, then verifyIdToken against the v1 PEM certificates', async () => {
    expect(providers().issuers.google).toBe('https://accounts.google.com');
    const oauth = sdk();
    const { tokens, callback } = await pkceLogin(oauth, { access_type: 'offline', login_hint: ALICE });
    expect(callback.searchParams.get('state')).toBe('st');
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: expect.stringContaining('openid') });
    expect(tokens.scope?.split(' ')).toContain('https://www.googleapis.com/auth/userinfo.email');
    expect(tokens.refresh_token, 'access_type=offline at the first grant').toBeTruthy();
    expect(tokens.expiry_date).toBeGreaterThan(Date.now());

    const ticket = await oauth.verifyIdToken({ idToken: tokens.id_token!, audience: WEB.client_id });
    const payload = ticket.getPayload()!;
    expect(payload).toMatchObject({
      iss: 'https://accounts.google.com',
      aud: WEB.client_id,
      azp: WEB.client_id,
      sub: ALICE,
      email: 'alice.adams@gmail.com',
      email_verified: true,
      name: 'Alice Adams',
    });
    expect(payload.hd, 'a gmail.com user has no hd').toBeUndefined();
    expect(Object.keys(payload)).not.toContain('sid');

    // The certificates the SDK read, with their cache lifetime.
    const certs = await oauth.getFederatedSignonCertsAsync();
    expect(Object.keys(certs.certs).length).toBe(2);
    expect(Object.values(certs.certs)[0]).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const v3 = await fetch('https://www.googleapis.com/oauth2/v3/certs');
    expect(v3.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const jwks = (await v3.json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual(Object.keys(certs.certs).sort());

    // tokeninfo, the SDK's way (a bearer POST): every value a string.
    const info = await oauth.getTokenInfo(tokens.access_token!);
    expect(info).toMatchObject({ aud: WEB.client_id, sub: ALICE, email: 'alice.adams@gmail.com' });
    expect((info as unknown as Record<string, unknown>).email_verified).toBe('true');
    expect(info.scopes).toContain('openid');
  });

  it('a Workspace user carries hd; a second offline login gets no refresh token unless prompt=consent', async () => {
    const oauth = sdk();
    const first = await pkceLogin(oauth, { access_type: 'offline', login_hint: BOB });
    expect(first.tokens.refresh_token).toBeTruthy();
    const again = await pkceLogin(oauth, { access_type: 'offline', login_hint: BOB });
    expect(again.tokens.refresh_token, 'only at the first consent').toBeUndefined();
    const consent = await pkceLogin(oauth, { access_type: 'offline', prompt: 'consent', login_hint: BOB });
    expect(consent.tokens.refresh_token).toBeTruthy();
    const online = await pkceLogin(oauth, { login_hint: BOB });
    expect(online.tokens.refresh_token, 'access_type defaults to online').toBeUndefined();
    const payload = (
      await oauth.verifyIdToken({ idToken: online.tokens.id_token!, audience: WEB.client_id })
    ).getPayload()!;
    expect(payload.hd).toBe('acme.example');

    // The refresh token works through the SDK.
    const refreshing = sdk();
    refreshing.setCredentials({ refresh_token: consent.tokens.refresh_token! });
    const { token } = await refreshing.getAccessToken();
    expect(token).toBeTruthy();
  });

  it('accepts the bare iss form accounts.google.com, as Google clients must', async () => {
    const copy = `${WEB.client_id.split('.')[0]}-bare.apps.googleusercontent.com`;
    await providers().idp.admin.upsertClient('google', {
      client_id: copy,
      client_secret: WEB.client_secret,
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [REDIRECT_URI],
    });
    providers().idp.admin.arm('google', copy, 'id-token-iss-without-scheme');
    const oauth = new OAuth2Client({ clientId: copy, clientSecret: WEB.client_secret, redirectUri: REDIRECT_URI });
    const { tokens } = await pkceLogin(oauth, { login_hint: ALICE });
    const payload = (await oauth.verifyIdToken({ idToken: tokens.id_token!, audience: copy })).getPayload()!;
    expect(payload.iss).toBe('accounts.google.com');
  });

  it("refuses a wrong verifier and a used code in Google's words", async () => {
    const oauth = sdk();
    const { codeChallenge } = await oauth.generateCodeVerifierAsync();
    const { code } = await authorize(oauth, {
      code_challenge: codeChallenge!,
      code_challenge_method: CodeChallengeMethod.S256,
      login_hint: ALICE,
    });
    const wrong = await oauth.getToken({ code, codeVerifier: 'x'.repeat(43) }).catch((e: unknown) => e);
    expect((wrong as { response?: { status: number; data: unknown } }).response).toMatchObject({
      status: 400,
      data: { error: 'invalid_grant', error_description: 'Invalid code verifier.' },
    });
    const missing = await oauth.getToken({ code }).catch((e: unknown) => e);
    expect((missing as { response?: { data: unknown } }).response?.data).toEqual({
      error: 'invalid_grant',
      error_description: 'Missing code verifier.',
    });
  });
});

describe('google-auth-library against a running mock-idp, through its endpoints option', () => {
  const idp = useIdp({ profiles: ['google'] });

  it('logs in with PKCE and verifies the ID token with the served certificates', async () => {
    const issuer = idp().issuers.google!;
    const oauth = new OAuth2Client({
      clientId: WEB.client_id,
      clientSecret: WEB.client_secret,
      redirectUri: REDIRECT_URI,
      // The mock's own issuer and its scheme-less form, as the SDK's defaults list Google's two.
      issuers: [issuer, issuer.replace(/^https?:\/\//, '')],
      endpoints: {
        oauth2AuthBaseUrl: `${issuer}/o/oauth2/v2/auth`,
        oauth2TokenUrl: `${issuer}/token`,
        oauth2RevokeUrl: `${issuer}/revoke`,
        tokenInfoUrl: `${issuer}/tokeninfo`,
        oauth2FederatedSignonPemCertsUrl: `${issuer}/oauth2/v1/certs`,
        oauth2FederatedSignonJwkCertsUrl: `${issuer}/oauth2/v3/certs`,
      },
    });
    const { tokens } = await pkceLogin(oauth, { access_type: 'offline', login_hint: BOB });
    expect(tokens.refresh_token).toBeTruthy();
    const payload = (await oauth.verifyIdToken({ idToken: tokens.id_token!, audience: WEB.client_id })).getPayload()!;
    expect(payload).toMatchObject({ iss: issuer, azp: WEB.client_id, sub: BOB, hd: 'acme.example' });
    const info = await oauth.getTokenInfo(tokens.access_token!);
    expect(info).toMatchObject({ sub: BOB, access_type: 'offline' });
    await oauth.revokeToken(tokens.access_token!);
    await expect(oauth.getTokenInfo(tokens.access_token!)).rejects.toMatchObject({
      response: { status: 400, data: { error: 'invalid_token', error_description: 'Invalid Value' } },
    });
  });
});
