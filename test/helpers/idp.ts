import { readFileSync } from 'node:fs';
import { importJWK, importPKCS8, type JWK } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll } from 'vitest';
import { type MockIdp, type StartOptions, startMockIdp, UserAgent } from '../../mock-idp/index.js';

export const REDIRECT_URI = 'http://127.0.0.1:3000/callback';

/** A mock-idp on a free loopback port, quiet, with only the profiles a test asks for. */
export function startTestIdp(options: StartOptions = {}): Promise<MockIdp> {
  return startMockIdp({ port: 0, host: '127.0.0.1', logLevel: 'silent', ...options });
}

/**
 * A mock-idp of the tests' own, for what the run's shared one (mockIdp() from mock-idp/vitest) cannot be
 * used for: a custom configuration, the in-process API, or state that tests in other files must not see.
 * Started before the tests of the file (or describe block) it is called in and closed after them:
 *
 *   const idp = useIdp({ profiles: ['okta'] });
 *   it('…', async () => { await fetch(idp().issuers.okta!); });
 *
 * Options known only once earlier hooks have run (a port of another server) come as a function.
 */
export function useIdp(options: StartOptions | (() => StartOptions | Promise<StartOptions>) = {}): () => MockIdp {
  let idp: MockIdp | undefined;
  beforeAll(async () => {
    idp = await startTestIdp(typeof options === 'function' ? await options() : options);
  });
  afterAll(() => idp?.close());
  return () => {
    if (!idp) throw new Error('useIdp: the mock-idp starts in beforeAll; read it inside a hook or a test');
    return idp;
  };
}

export function fixtureJson<T>(path: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8')) as T;
}

export function fixtureText(path: string): string {
  return readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');
}

export async function clientPrivateKey(alg: 'RS256' | 'ES256' = 'RS256'): Promise<{ key: CryptoKey; kid: string }> {
  const { keys } = fixtureJson<{ keys: (JWK & { kid: string })[] }>('keys/clients/generic-private-key-jwt.json');
  const jwk = keys.find((k) => k.alg === alg)!;
  return { key: (await importJWK(jwk, alg)) as CryptoKey, kid: jwk.kid };
}

export async function pemPrivateKey(): Promise<CryptoKey> {
  return importPKCS8(fixtureText('keys/clients/generic-pem.key'), 'RS256');
}

/** openid-client configured for a mock-idp issuer over plain http on loopback. */
export function discover(
  issuer: string,
  clientId: string,
  auth: client.ClientAuth = client.None(),
  metadata: Partial<client.ClientMetadata> = {},
): Promise<client.Configuration> {
  return client.discovery(new URL(issuer), clientId, metadata, auth, { execute: [client.allowInsecureRequests] });
}

/** openid-client as the generic profile's fixture client generic-basic (client_secret_basic). */
export function discoverGenericBasic(issuer: string): Promise<client.Configuration> {
  return discover(issuer, 'generic-basic', client.ClientSecretBasic('generic-basic-secret'));
}

export interface LoginResult {
  tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  callback: URL;
  agent: UserAgent;
}

/** A full authorization code + PKCE S256 flow, logged in headlessly. */
export async function codeFlow(
  config: client.Configuration,
  options: {
    scope?: string;
    loginHint?: string;
    agent?: UserAgent;
    extra?: Record<string, string>;
    redirectUri?: string;
  } = {},
): Promise<LoginResult> {
  const agent = options.agent ?? new UserAgent();
  const redirectUri = options.redirectUri ?? REDIRECT_URI;
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: options.scope ?? 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(options.loginHint ? { login_hint: options.loginHint } : {}),
    ...options.extra,
  });
  const { url: callback } = await agent.navigate(url, { until: (u) => u.href.startsWith(redirectUri) });
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
  });
  return { tokens, callback, agent };
}
