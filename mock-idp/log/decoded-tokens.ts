import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';

export type TokenKind = 'id_token' | 'access_token' | 'id_token_hint' | 'logout_token';

/** A JWT as a log may keep it: header and claims, never the signature that makes it usable. */
export interface DecodedToken {
  kind: TokenKind;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /**
   * For an ID token and an id_token_hint: the SHA-256 of the JWT as sent (base64url), which tells whether a hint is
   * a token the issuer gave, where two ID tokens may carry the same claims. A digest, so nothing usable is kept.
   */
  sha256?: string | undefined;
}

/** The kinds a log fingerprints: an id_token_hint is judged by the ID token it names. */
const FINGERPRINTED: ReadonlySet<TokenKind> = new Set(['id_token', 'id_token_hint']);

export function decodeToken(kind: TokenKind, value: unknown): DecodedToken | undefined {
  if (typeof value !== 'string' || value.split('.').length !== 3) return undefined;
  try {
    return {
      kind,
      header: decodeProtectedHeader(value) as Record<string, unknown>,
      claims: decodeJwt(value) as Record<string, unknown>,
      ...(FINGERPRINTED.has(kind) ? { sha256: createHash('sha256').update(value).digest('base64url') } : {}),
    };
  } catch {
    return undefined; // opaque, or not a JWT at all: nothing to decode
  }
}

/** The JWTs a token response issued; a reshaped answer (form-encoded, compressed) is left alone. */
export function issuedTokens(body: unknown): DecodedToken[] {
  let parsed = body;
  if (typeof body === 'string' && body.trimStart().startsWith('{')) {
    try {
      parsed = JSON.parse(body);
    } catch {
      return [];
    }
  }
  if (!parsed || typeof parsed !== 'object' || Buffer.isBuffer(parsed)) return [];
  const members = parsed as Record<string, unknown>;
  return [decodeToken('id_token', members.id_token), decodeToken('access_token', members.access_token)].filter(
    (t): t is DecodedToken => t !== undefined,
  );
}

/** JWTs a request carried as parameters (an id_token_hint at logout, a logout token delivered to a client). */
export function presentedTokens(params: Record<string, unknown>): DecodedToken[] {
  return [decodeToken('id_token_hint', params.id_token_hint), decodeToken('logout_token', params.logout_token)].filter(
    (t): t is DecodedToken => t !== undefined,
  );
}
