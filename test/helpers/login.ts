import { createHash, randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { UserAgent } from '../../mock-idp/index.js';
import { basicAuth } from './http.js';
import { REDIRECT_URI } from './idp.js';

/** openid-client configured for a mock-idp issuer over plain http on loopback. */
export function discover(
  issuer: string,
  clientId: string,
  auth: client.ClientAuth = client.None(),
  metadata: Partial<client.ClientMetadata> = {},
): Promise<client.Configuration> {
  return client.discovery(new URL(issuer), clientId, metadata, auth, { execute: [client.allowInsecureRequests] });
}

/** An issuer's discovery document, read as a plain GET of /.well-known/openid-configuration under it. */
export async function discoveryDocument(issuer: string): Promise<Record<string, unknown>> {
  const response = await fetch(new URL('.well-known/openid-configuration', issuer.replace(/\/?$/, '/')));
  return (await response.json()) as Record<string, unknown>;
}

/** Endpoint URLs given as paths under an issuer, for comparing with a discovery document. */
export function endpointsUnder(issuer: string, paths: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(paths).map(([name, path]) => [name, `${issuer}${path}`]));
}

/** openid-client as the generic profile's fixture client generic-basic (client_secret_basic). */
export function discoverGenericBasic(issuer: string): Promise<client.Configuration> {
  return discover(issuer, 'generic-basic', client.ClientSecretBasic('generic-basic-secret'));
}

/** A hand-made code request for scope openid at a mock-idp issuer's /auth, for clients that skip openid-client. */
export function codeRequestUrl(issuer: string, params: Record<string, string>): URL {
  return new URL(`${issuer}/auth?${new URLSearchParams({ response_type: 'code', scope: 'openid', ...params })}`);
}

/**
 * A hand-made authorization code request to REDIRECT_URI with state 'st', as a provider's docs write it;
 * a parameter given as undefined is left out.
 */
export function codeRequest(endpoint: string, clientId: string, params: Record<string, string | undefined> = {}): URL {
  const url = new URL(endpoint);
  const all = { client_id: clientId, redirect_uri: REDIRECT_URI, response_type: 'code', state: 'st', ...params };
  for (const [name, value] of Object.entries(all)) if (value !== undefined) url.searchParams.set(name, value);
  return url;
}

/** An authorization URL to REDIRECT_URI with scope openid and the S256 challenge of a verifier no one keeps. */
export async function authorizationUrl(config: client.Configuration, params: Record<string, string>): Promise<URL> {
  return client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    ...params,
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
  });
}

/**
 * A login up to the callback with PKCE S256, the code not yet redeemed: for tests that redeem it themselves
 * (by hand, twice, or with a twist).
 */
export async function authorizationCode(
  config: client.Configuration,
  scope = 'openid',
): Promise<{ callback: URL; code: string; verifier: string }> {
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  return { callback, code: callback.searchParams.get('code')!, verifier };
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

interface RawClientContext {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  userAgent: UserAgent;
}

/**
 * A hand-written client's authorization request, with nothing checked: discovery, then a code request through the
 * kit's browser (S256 PKCE unless `pkce: false`; a state only when given) to the callback, before any redemption.
 */
export async function rawAuthorization(
  context: RawClientContext,
  options: { state?: string; pkce?: boolean; nonce?: string } = {},
): Promise<{ callback: URL; verifier?: string; tokenEndpoint: string; jwksUri: string }> {
  const { issuer, clientId, redirectUri, userAgent } = context;
  const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
    jwks_uri: string;
  };
  const verifier = options.pkce === false ? undefined : randomBytes(32).toString('base64url');
  const url = new URL(metadata.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: redirectUri,
    ...(options.state === undefined ? {} : { state: options.state }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...(verifier
      ? { code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' }
      : {}),
  }).toString();
  const { url: callback } = await userAgent.navigate(url, { until: (u) => u.href.startsWith(redirectUri) });
  return {
    callback,
    ...(verifier ? { verifier } : {}),
    tokenEndpoint: metadata.token_endpoint,
    jwksUri: metadata.jwks_uri,
  };
}

/**
 * A hand-written client's login, with nothing checked: rawAuthorization, then the code redeemed with Basic
 * credentials. Test adapters judge what comes back.
 */
export async function rawCodeLogin(context: RawClientContext): Promise<{ token: Response; jwksUri: string }> {
  const { callback, verifier, tokenEndpoint, jwksUri } = await rawAuthorization(context);
  const token = await redeemCode(tokenEndpoint, { ...context, callback, ...(verifier ? { verifier } : {}) });
  return { token, jwksUri };
}

/** The code of a callback redeemed with Basic credentials, and the verifier when the request had PKCE. */
export function redeemCode(
  tokenEndpoint: string,
  redemption: { clientId: string; clientSecret: string; redirectUri: string; callback: URL; verifier?: string },
): Promise<Response> {
  const { clientId, clientSecret, redirectUri, callback, verifier } = redemption;
  return fetch(tokenEndpoint, {
    method: 'POST',
    headers: { authorization: basicAuth(clientId, clientSecret) },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: redirectUri,
      ...(verifier ? { code_verifier: verifier } : {}),
    }),
  });
}
