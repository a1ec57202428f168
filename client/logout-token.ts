import { IdTokenValidationError, LogoutTokenError } from './errors.js';
import { type SignaturePolicy, verifyIdTokenSignature } from './id-token-signature.js';

/** The event a back-channel logout token must carry (OIDC Back-Channel Logout 1.0, 2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

export interface LogoutTokenClaims {
  iss: string;
  aud: string | string[];
  iat: number;
  exp: number;
  jti: string;
  events: Record<string, unknown>;
  sub?: string;
  sid?: string;
  [claim: string]: unknown;
}

export interface LogoutTokenValidation extends Omit<SignaturePolicy, 'flaws'> {
  issuer: string;
  clientId: string;
  nowSeconds: number;
  clockSkewSeconds: number;
  maxTokenLength: number;
}

function fail(message: string, claim?: string): never {
  throw new LogoutTokenError(message, claim);
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * OIDC Back-Channel Logout 1.0, 2.6: the signature and alg as for an ID
 * token, then iss, aud, iat and exp, sub or sid, the logout event, and no
 * nonce (which tells a logout token from an ID token replayed as one).
 */
export async function validateLogoutToken(
  token: unknown,
  validation: LogoutTokenValidation,
): Promise<LogoutTokenClaims> {
  if (typeof token !== 'string' || token.length === 0) fail('no logout_token');
  if (token.length > validation.maxTokenLength)
    fail(`the logout token is ${token.length} characters; the limit is ${validation.maxTokenLength}`);
  let payload: Uint8Array;
  try {
    ({ payload } = await verifyIdTokenSignature(token, validation));
  } catch (cause) {
    // The same key and alg rules as ID tokens, reported as what they are here.
    if (cause instanceof IdTokenValidationError)
      throw new LogoutTokenError(cause.message.replace(/\bID token\b/g, 'logout token'), cause.claim, { cause });
    throw cause;
  }
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
  } catch (cause) {
    throw new LogoutTokenError('the logout token payload is not JSON', undefined, { cause });
  }
  if (!isObject(claims)) fail('the logout token payload is not a JSON object');
  const { issuer, clientId, nowSeconds: now, clockSkewSeconds: skew } = validation;

  if (claims.iss !== issuer) fail(`iss ${JSON.stringify(claims.iss)} is not ${issuer}`, 'iss');
  const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (!aud.includes(clientId)) fail(`aud ${JSON.stringify(claims.aud)} does not include ${clientId}`, 'aud');
  if (!isNumber(claims.iat)) fail('the logout token has no numeric iat', 'iat');
  if (claims.iat > now + skew) fail(`the logout token was issued in the future (iat ${claims.iat}, now ${now})`, 'iat');
  if (!isNumber(claims.exp)) fail('the logout token has no numeric exp', 'exp');
  if (claims.exp <= now - skew) fail(`the logout token expired at ${claims.exp} (now ${now})`, 'exp');
  if (typeof claims.jti !== 'string' || claims.jti === '') fail('the logout token has no jti', 'jti');
  if (typeof claims.sub !== 'string' && typeof claims.sid !== 'string')
    fail('the logout token names neither sub nor sid', 'sub');
  if (!isObject(claims.events) || !isObject(claims.events[BACKCHANNEL_LOGOUT_EVENT]))
    fail(`events has no ${BACKCHANNEL_LOGOUT_EVENT} member`, 'events');
  if ('nonce' in claims) fail('a logout token must not carry a nonce', 'nonce');
  return claims as LogoutTokenClaims;
}
