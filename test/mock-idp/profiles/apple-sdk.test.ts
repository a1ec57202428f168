/**
 * Sign in with Apple proven with apple-signin-auth, the most downloaded npm
 * client for Apple, unmodified: its authorization URL, its client secret (an
 * ES256 JWT signed with the team's .p8 key), its token exchange, refresh and
 * revocation, and its ID token validation, all at https://appleid.apple.com
 * through msw. apple-signin-auth has the host written in; it only lets a test
 * swap its fetch (_setFetch), which the second block uses to reach a running
 * mock-idp at 127.0.0.1.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { UserAgent } from '../../../mock-idp/index.js';
import { fixtureJson, fixtureText, REDIRECT_URI, useIdp } from '../../helpers/idp.js';
import { useMswProviders } from '../../helpers/msw.js';

type AppleSignin = typeof import('apple-signin-auth').default;

const APP = fixtureJson<{ client_id: string; team_id: string }[]>('clients/apple.json')[0]!;
const KEY_ID = 'MOCKKEY123';
const PRIVATE_KEY = fixtureText(`keys/clients/AuthKey_${KEY_ID}.p8`);
const BOB = '001234.9a8b7c6d5e4f30211f2e3d4c5b6a7980.1107';
const APPLE = 'https://appleid.apple.com';

/** What an app's form_post callback receives from Apple. */
async function signIn(authorizationUrl: string, loginHint: string) {
  const url = new URL(authorizationUrl);
  url.searchParams.set('login_hint', loginHint);
  const { form } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  expect(form?.method).toBe('POST');
  return form!.body;
}

/** The app's client secret as apple-signin-auth makes it: an ES256 JWT signed with the team's key. */
const clientSecretOf = (appleSignin: AppleSignin, privateKey = PRIVATE_KEY) =>
  appleSignin.getClientSecret({ clientID: APP.client_id, teamID: APP.team_id, keyIdentifier: KEY_ID, privateKey });

/**
 * The login an Express app with apple-signin-auth does: URL, callback, secret, token, verification.
 * With an issuer, the authorization URL (which the SDK always writes for appleid.apple.com) goes to it.
 */
async function sdkLogin(appleSignin: AppleSignin, options: { issuer?: string } = {}) {
  const authorizationUrl = appleSignin.getAuthorizationUrl({
    clientID: APP.client_id,
    redirectUri: REDIRECT_URI,
    state: 'st-42',
    scope: 'name email',
  });
  const posted = await signIn(authorizationUrl.replace(APPLE, options.issuer ?? APPLE), BOB);
  expect(posted.get('state')).toBe('st-42');
  const clientSecret = clientSecretOf(appleSignin);
  const tokens = await appleSignin.getAuthorizationToken(posted.get('code')!, {
    clientID: APP.client_id,
    redirectUri: REDIRECT_URI,
    clientSecret,
  });
  expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
  const claims = await appleSignin.verifyIdToken(tokens.id_token, {
    audience: APP.client_id,
    ...(options.issuer ? { issuer: options.issuer } : {}),
  });
  return { posted, tokens, claims, clientSecret };
}

describe('apple-signin-auth through msw at https://appleid.apple.com', () => {
  const providers = useMswProviders(['apple']);
  let appleSignin: AppleSignin;

  beforeAll(async () => {
    // The SDK keeps the global fetch it finds when loaded: load it once msw has put its own in place.
    appleSignin = (await import('apple-signin-auth')).default;
  });

  it('logs in: form_post callback with the user JSON, client secret JWT, token exchange, verifyIdToken', async () => {
    expect(providers().issuers.apple).toBe(APPLE);
    const { posted, tokens, claims } = await sdkLogin(appleSignin);
    expect(JSON.parse(posted.get('user')!)).toEqual({
      name: { firstName: 'Bob', lastName: 'Brown' },
      email: 'x7k2m9qpdw@privaterelay.appleid.com',
    });
    expect(claims).toMatchObject({
      iss: APPLE,
      aud: APP.client_id,
      sub: BOB,
      email: 'x7k2m9qpdw@privaterelay.appleid.com',
      email_verified: 'true',
      is_private_email: 'true',
    });
    expect(tokens.refresh_token).toBeTruthy();
  });

  it('signs in again without the user JSON, refreshes and revokes with its own calls', async () => {
    const { posted, tokens, clientSecret } = await sdkLogin(appleSignin);
    expect(posted.has('user')).toBe(false);
    const refreshed = await appleSignin.refreshAuthorizationToken(tokens.refresh_token, {
      clientID: APP.client_id,
      clientSecret,
    });
    expect(refreshed.access_token).toBeTruthy();
    await appleSignin.verifyIdToken(refreshed.id_token, { audience: APP.client_id });
    await appleSignin.revokeAuthorizationToken(tokens.refresh_token, {
      clientID: APP.client_id,
      clientSecret,
      tokenTypeHint: 'refresh_token',
    });
    const afterRevoke = (await appleSignin.refreshAuthorizationToken(tokens.refresh_token, {
      clientID: APP.client_id,
      clientSecret,
    })) as unknown as { error?: string };
    expect(afterRevoke.error).toBe('invalid_grant');
  });

  it(
    "gets Apple's invalid_client for a secret signed by another key, " + 'and verifyIdToken refuses a wrong audience',
    async () => {
      const { tokens } = await sdkLogin(appleSignin);
      const { generateKeyPairSync } = await import('node:crypto');
      const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
      const answer = (await appleSignin.getAuthorizationToken('any-code', {
        clientID: APP.client_id,
        redirectUri: REDIRECT_URI,
        clientSecret: clientSecretOf(appleSignin, otherKey),
      })) as unknown as Record<string, unknown>;
      expect(answer).toEqual({ error: 'invalid_client' });
      await expect(appleSignin.verifyIdToken(tokens.id_token, { audience: 'com.example.other' })).rejects.toThrow(
        /audience invalid/,
      );
    },
  );
});

describe('apple-signin-auth against a running mock-idp', () => {
  const idp = useIdp({ profiles: ['apple'] });

  it('completes the same login when its fetch is pointed at the issuer', async () => {
    const issuer = idp().issuers.apple!;
    const appleSignin = (await import('apple-signin-auth')).default;
    appleSignin._setFetch((input: string, init?: RequestInit) => fetch(input.replace(APPLE, issuer), init));
    try {
      const { posted, claims } = await sdkLogin(appleSignin, { issuer });
      expect(JSON.parse(posted.get('user')!)).toMatchObject({ name: { firstName: 'Bob' } });
      expect(claims).toMatchObject({ iss: issuer, sub: BOB, is_private_email: 'true' });
    } finally {
      appleSignin._setFetch(globalThis.fetch);
    }
  });
});
