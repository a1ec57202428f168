import { createHash } from 'node:crypto';
import { base64url } from 'jose';

/** The hash OIDC pairs with a JWS alg for at_hash / c_hash; EdDSA uses SHA-512 for Ed25519. */
function hashFor(alg: string, crv: string | undefined): string | undefined {
  const bits = /^(?:HS|RS|PS|ES)(256|384|512)$/.exec(alg)?.[1];
  if (bits) return `sha${bits}`;
  if ((alg === 'EdDSA' && (crv === undefined || crv === 'Ed25519')) || alg === 'Ed25519') return 'sha512';
  return undefined;
}

/**
 * base64url of the left half of the hash of `value` (OIDC Core 3.1.3.6).
 * Undefined when the alg has no defined hash: the caller must then reject,
 * since an at_hash it cannot check proves nothing.
 */
export function tokenHash(value: string, alg: string, crv?: string): string | undefined {
  const hash = hashFor(alg, crv);
  if (!hash) return undefined;
  const digest = createHash(hash).update(value, 'ascii').digest();
  return base64url.encode(digest.subarray(0, digest.length / 2));
}
