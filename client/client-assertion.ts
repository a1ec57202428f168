import { randomUUID } from 'node:crypto';
import { type CryptoKey as JoseCryptoKey, type KeyObject, SignJWT } from 'jose';

/**
 * Which `aud` the provider wants in client assertions. RFC 7523 allows
 * either, providers accept only one: the token URL (Stitch/IdentityServer,
 * Okta) or the issuer identifier exactly as published (Auth0: with its
 * trailing slash).
 */
export type AssertionAudience = 'token_endpoint' | 'issuer';

export const ASSERTION_LIFETIME_SECONDS = 300;

export interface AssertionInput {
  clientId: string;
  audience: string;
  alg: string;
  kid?: string | undefined;
  key: JoseCryptoKey | KeyObject | Uint8Array;
  nowSeconds: number;
}

/** A client authentication JWT (RFC 7523 section 3): iss = sub = client_id, one-time jti, 5 minutes. */
export function signClientAssertion(input: AssertionInput): Promise<string> {
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: input.alg, ...(input.kid ? { kid: input.kid } : {}) })
    .setIssuer(input.clientId)
    .setSubject(input.clientId)
    .setAudience(input.audience)
    .setIssuedAt(input.nowSeconds)
    .setExpirationTime(input.nowSeconds + ASSERTION_LIFETIME_SECONDS)
    .sign(input.key);
}

export function assertionAudienceFor(
  rule: AssertionAudience,
  server: { issuer: string; token_endpoint?: string | undefined },
): string {
  if (rule === 'issuer') return server.issuer;
  if (!server.token_endpoint) throw new TypeError('the provider has no token_endpoint');
  return server.token_endpoint;
}
