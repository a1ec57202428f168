import * as oidc from 'openid-client';
import {
  CallbackError,
  findRelyingPartyError,
  type RelyingPartyError,
  TokenEndpointError,
  TokenResponseError,
} from './errors.js';
import type { Flaws } from './flaws.js';
import type { Http } from './http.js';
import type { ServerMetadata } from './provider-metadata.js';
import { tokenResponseGuard } from './token-response-guard.js';
import { type Tokens, tokensFromResponse } from './tokens.js';

export interface TokenClient {
  metadata: ServerMetadata;
  clientId: string;
  clientAuth: oidc.ClientAuth;
  http: Http;
  allowInsecureRequests: boolean;
  maxTokenLength: number;
  nowSeconds: () => number;
  flaws?: Flaws;
}

/**
 * A Configuration for one token request. Its fetch captures that request's
 * ID token, so concurrent logins never see each other's tokens.
 */
function configurationFor(client: TokenClient, capture: { idToken?: string }): oidc.Configuration {
  const config = new oidc.Configuration(client.metadata, client.clientId, {}, client.clientAuth);
  config[oidc.customFetch] = client.http.customFetch(tokenResponseGuard(capture, client.maxTokenLength));
  if (client.allowInsecureRequests) oidc.allowInsecureRequests(config);
  return config;
}

function tokenFailure(error: unknown, grant: 'authorization_code' | 'refresh_token'): RelyingPartyError {
  const own = findRelyingPartyError(error);
  if (own) return own;
  if (error instanceof oidc.ResponseBodyError) {
    const code =
      grant === 'refresh_token' && error.error === 'invalid_grant' ? 'refresh_invalid_grant' : 'token_endpoint_error';
    return new TokenEndpointError(
      code,
      { error: error.error, errorDescription: error.error_description, status: error.status },
      { cause: error },
    );
  }
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    const challenge = error.cause[0]?.parameters;
    return new TokenEndpointError(
      'token_endpoint_error',
      {
        error: challenge?.error ?? 'invalid_client',
        errorDescription: challenge?.error_description,
        status: error.status,
      },
      { cause: error },
    );
  }
  if (error instanceof oidc.AuthorizationResponseError) {
    return new CallbackError('callback_invalid', `openid-client refused the authorization response: ${error.message}`, {
      cause: error,
    });
  }
  return new TokenResponseError(
    'token_response_invalid',
    `the token response was refused: ${(error as Error)?.message ?? String(error)}`,
    { cause: error },
  );
}

export interface CodeExchange {
  code: string;
  state: string;
  iss: string | undefined;
  redirectUri: string;
  codeVerifier: string | undefined;
}

/** authorization_code grant through openid-client; the ID token comes back unvalidated, for our validator. */
export async function exchangeAuthorizationCode(client: TokenClient, exchange: CodeExchange): Promise<Tokens> {
  const capture: { idToken?: string } = {};
  // Rebuilt from what we validated, so redirect_uri is exactly the one we sent,
  // whatever host or extra parameters the browser came back with.
  const callback = new URL(exchange.redirectUri);
  callback.searchParams.set('code', exchange.code);
  if (exchange.state) callback.searchParams.set('state', exchange.state);
  if (exchange.iss !== undefined) callback.searchParams.set('iss', exchange.iss);
  let response: oidc.TokenEndpointResponse;
  try {
    const grant = () =>
      oidc.authorizationCodeGrant(configurationFor(client, capture), callback, {
        ...(exchange.codeVerifier !== undefined ? { pkceCodeVerifier: exchange.codeVerifier } : {}),
        expectedState: exchange.state || oidc.skipStateCheck,
      });
    // The flaw: a lost answer is "retried", presenting a spent code a second time.
    response = client.flaws?.has('retry-code-redemption') ? await grant().catch(() => grant()) : await grant();
  } catch (error) {
    throw tokenFailure(error, 'authorization_code');
  }
  return tokensFromResponse(response, capture.idToken, client.nowSeconds());
}

/** One refresh_token grant, never retried: a retry with a rotated-away token would look like theft. */
export async function refreshTokenGrant(client: TokenClient, refreshToken: string): Promise<Tokens> {
  const capture: { idToken?: string } = {};
  let response: oidc.TokenEndpointResponse;
  try {
    response = await oidc.refreshTokenGrant(configurationFor(client, capture), refreshToken);
  } catch (error) {
    throw tokenFailure(error, 'refresh_token');
  }
  return tokensFromResponse(response, capture.idToken, client.nowSeconds());
}
