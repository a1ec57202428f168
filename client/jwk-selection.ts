import type { JWK } from 'jose';

/** The key type (and curve) an alg can be verified with; undefined for algs never verified with a JWKS key. */
function keyShapeFor(alg: string): { kty: string; crv?: string[] } | undefined {
  if (/^(RS|PS)(256|384|512)$/.test(alg)) return { kty: 'RSA' };
  switch (alg) {
    case 'ES256':
      return { kty: 'EC', crv: ['P-256'] };
    case 'ES384':
      return { kty: 'EC', crv: ['P-384'] };
    case 'ES512':
      return { kty: 'EC', crv: ['P-521'] };
    case 'EdDSA':
      return { kty: 'OKP', crv: ['Ed25519', 'Ed448'] };
    case 'Ed25519':
      return { kty: 'OKP', crv: ['Ed25519'] };
    default:
      return undefined;
  }
}

/**
 * The JWKS keys that may verify a JWS with this header: same kid (when the
 * header has one), a key type and curve that fit the alg, and neither `alg`,
 * `use` nor `key_ops` saying otherwise. Matching on all of them defeats decoy
 * keys that reuse a kid with another type or algorithm.
 */
export function selectVerificationKeys(keys: readonly JWK[], header: { alg: string; kid?: string | undefined }): JWK[] {
  const shape = keyShapeFor(header.alg);
  if (!shape) return [];
  return keys.filter(
    (key) =>
      key.kty === shape.kty &&
      (!shape.crv || shape.crv.includes(key.crv ?? '')) &&
      (key.alg === undefined || key.alg === header.alg) &&
      (key.use === undefined || key.use === 'sig') &&
      (key.key_ops === undefined || key.key_ops.includes('verify')) &&
      (header.kid === undefined || key.kid === header.kid) &&
      // A private JWKS member would be a provider's mistake; never treat it as usable.
      !('d' in key),
  );
}
