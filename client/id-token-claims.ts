import type { JWTPayload } from 'jose';
import { IdTokenValidationError } from './errors.js';
import type { Flaws } from './flaws.js';
import { expectedIssuer } from './tenant-issuer.js';
import { tokenHash } from './token-hash.js';

export interface IdTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nonce?: string;
  auth_time?: number;
  azp?: string;
  at_hash?: string;
  [claim: string]: unknown;
}

export interface ClaimExpectations {
  issuer: string;
  /** Other iss values the provider documents for itself (Google's bare accounts.google.com). */
  issuerAliases?: readonly string[] | undefined;
  clientId: string;
  nowSeconds: number;
  clockSkewSeconds: number;
  /** An iat older than this is refused, whatever exp says; unset: no bound. */
  maxIdTokenAgeSeconds?: number | undefined;
  /** Required and compared when set (the authorization response); unset on refresh. */
  nonce?: string | undefined;
  /** max_age sent in the authorization request: auth_time is then required and bounded. */
  maxAge?: number | undefined;
  /** The access token issued with the ID token, for at_hash. */
  accessToken?: string | undefined;
  /** The signing alg and the key's curve, which decide at_hash's hash. */
  alg: string;
  crv?: string | undefined;
  /** The session's ID token when this one comes from a refresh (OIDC Core 12.2). */
  previous?: IdTokenClaims | undefined;
  flaws?: Flaws | undefined;
}

function fail(code: ConstructorParameters<typeof IdTokenValidationError>[0], message: string, claim: string): never {
  throw new IdTokenValidationError(code, message, { claim });
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export function parsePayload(payload: Uint8Array): Record<string, unknown> {
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(payload));
  } catch (cause) {
    throw new IdTokenValidationError('id_token_malformed', 'the ID token payload is not JSON', { cause });
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) {
    throw new IdTokenValidationError('id_token_malformed', 'the ID token payload is not a JSON object');
  }
  return claims as Record<string, unknown>;
}

/** A refreshed ID token must describe the same authentication (OIDC Core 12.2). */
function checkContinuity(claims: Record<string, unknown>, previous: IdTokenClaims): void {
  if (claims.iss !== previous.iss)
    fail(
      'id_token_iss_changed',
      `the refreshed ID token's iss ${JSON.stringify(claims.iss)} differs from the session's ${previous.iss}`,
      'iss',
    );
  if (claims.sub !== previous.sub)
    fail(
      'id_token_sub_changed',
      `the refreshed ID token's sub ${JSON.stringify(claims.sub)} differs from the session's ${previous.sub}`,
      'sub',
    );
  if (claims.nonce !== undefined && claims.nonce !== previous.nonce)
    fail('id_token_nonce_mismatch', 'the refreshed ID token carries another nonce than the original', 'nonce');
  if (claims.auth_time !== undefined && previous.auth_time !== undefined && claims.auth_time !== previous.auth_time) {
    fail(
      'id_token_auth_time_changed',
      'the refreshed ID token carries another auth_time than the original authentication',
      'auth_time',
    );
  }
}

/**
 * The iss an ID token must carry. The flawed clients' two ways into the {tenantid}
 * trap: comparing with the template as written, or letting any tenant fill it.
 */
function issuerToCompare(
  issuer: string,
  claims: Record<string, unknown>,
  flaws: Flaws | undefined,
): string | undefined {
  if (flaws?.has('tenantid-literal')) return issuer;
  if (flaws?.has('tenantid-any-tenant') && typeof claims.iss === 'string') {
    const [before = '', after = ''] = issuer.split('{tenantid}');
    if (issuer.includes('{tenantid}') && claims.iss.startsWith(before) && claims.iss.endsWith(after)) return claims.iss;
  }
  return expectedIssuer(issuer, claims);
}

/**
 * OIDC Core 3.1.3.7 claim rules, all of them, with our own clock skew (one
 * value both ways) instead of a library's defaults.
 */
export function checkIdTokenClaims(payload: Uint8Array, expect: ClaimExpectations): IdTokenClaims {
  const claims = parsePayload(payload);
  const now = expect.nowSeconds;
  const skew = expect.clockSkewSeconds;
  if (expect.previous) checkContinuity(claims, expect.previous);

  // Entra's multi-tenant issuer is a template: the token's own tid goes in it (never skipped, never literal).
  const issuer = issuerToCompare(expect.issuer, claims, expect.flaws);
  if (issuer === undefined || (claims.iss !== issuer && !expect.issuerAliases?.includes(claims.iss as string)))
    fail('id_token_iss_mismatch', `iss ${JSON.stringify(claims.iss)} is not ${issuer ?? expect.issuer}`, 'iss');
  if (typeof claims.sub !== 'string' || claims.sub.length === 0)
    fail('id_token_sub_missing', 'the ID token has no sub', 'sub');

  const flaws = expect.flaws;
  const aud = claims.aud;
  const audiences =
    typeof aud === 'string'
      ? [aud]
      : Array.isArray(aud) && aud.every((a) => typeof a === 'string')
        ? (aud as string[])
        : undefined;
  if (flaws?.has('no-aud-check')) {
    // The flaw: any audience will do.
  } else if (!audiences?.includes(expect.clientId))
    fail('id_token_aud_mismatch', `aud ${JSON.stringify(aud)} does not contain ${expect.clientId}`, 'aud');
  else if (audiences.length > 1 && claims.azp === undefined)
    fail('id_token_azp_missing', 'the ID token has several audiences and no azp', 'azp');
  else if (claims.azp !== undefined && claims.azp !== expect.clientId)
    fail('id_token_azp_mismatch', `azp ${JSON.stringify(claims.azp)} is not ${expect.clientId}`, 'azp');

  if (!flaws?.has('no-time-checks')) checkTimes(claims, now, skew, expect.maxIdTokenAgeSeconds);
  else if (!isNumber(claims.iat)) claims.iat = now;

  if (expect.maxAge !== undefined && !expect.previous) {
    if (!isNumber(claims.auth_time))
      fail('id_token_auth_time_missing', 'max_age was requested but the ID token has no auth_time', 'auth_time');
    if (claims.auth_time + expect.maxAge < now - skew)
      fail(
        'id_token_auth_time_too_old',
        `the user authenticated at ${claims.auth_time}, more than max_age ${expect.maxAge} s ago`,
        'auth_time',
      );
  }

  if (expect.nonce !== undefined && claims.nonce !== expect.nonce && !flaws?.has('no-nonce-check'))
    fail('id_token_nonce_mismatch', 'the ID token nonce is not the one sent', 'nonce');

  if (claims.at_hash !== undefined && expect.accessToken !== undefined) {
    const expected = tokenHash(expect.accessToken, expect.alg, expect.crv);
    if (expected === undefined || claims.at_hash !== expected)
      fail('id_token_at_hash_mismatch', 'at_hash does not match the access token', 'at_hash');
  }
  return claims as IdTokenClaims;
}

/** exp, nbf and iat, with one skew both ways. */
function checkTimes(claims: Record<string, unknown>, now: number, skew: number, maxAge: number | undefined): void {
  if (!isNumber(claims.exp)) fail('id_token_exp_missing', 'the ID token has no numeric exp', 'exp');
  if (now - skew >= claims.exp)
    fail('id_token_expired', `the ID token expired at ${claims.exp} (now ${now}, skew ${skew} s)`, 'exp');
  if (claims.nbf !== undefined && (!isNumber(claims.nbf) || claims.nbf > now + skew))
    fail('id_token_nbf_in_future', `the ID token is not valid before ${String(claims.nbf)} (now ${now})`, 'nbf');
  if (!isNumber(claims.iat)) fail('id_token_iat_missing', 'the ID token has no numeric iat', 'iat');
  if (claims.iat > now + skew)
    fail(
      'id_token_iat_in_future',
      `the ID token was issued in the future (iat ${claims.iat}, now ${now}, skew ${skew} s)`,
      'iat',
    );
  // 3.1.3.7 (10): a token issued long ago is suspect (a replay, a stuck clock) even before it expires.
  if (maxAge !== undefined && claims.iat < now - maxAge - skew)
    fail(
      'id_token_iat_too_old',
      `the ID token was issued ${now - claims.iat} s ago, more than the ${maxAge} s allowed`,
      'iat',
    );
}
