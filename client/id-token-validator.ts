import { IdTokenValidationError } from './errors.js';
import { type ClaimExpectations, checkIdTokenClaims, type IdTokenClaims } from './id-token-claims.js';
import { type SignaturePolicy, verifyIdTokenSignature } from './id-token-signature.js';

export const DEFAULT_MAX_TOKEN_LENGTH = 64 * 1024;

export interface IdTokenValidation extends SignaturePolicy, Omit<ClaimExpectations, 'alg' | 'crv'> {
  maxTokenLength?: number;
}

/** Signature first (against the provider's keys, always), then every claim rule. */
export async function validateIdToken(token: unknown, validation: IdTokenValidation): Promise<IdTokenClaims> {
  if (typeof token !== 'string' || token.length === 0)
    throw new IdTokenValidationError('id_token_missing', 'no ID token');
  const max = validation.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH;
  if (token.length > max)
    throw new IdTokenValidationError(
      'id_token_too_large',
      `the ID token is ${token.length} characters; the limit is ${max}`,
    );
  const { header, payload, jwk } = await verifyIdTokenSignature(token, validation);
  return checkIdTokenClaims(payload, { ...validation, alg: header.alg, crv: jwk?.crv });
}
