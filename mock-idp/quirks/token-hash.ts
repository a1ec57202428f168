import { createHash } from 'node:crypto';

const DIGEST: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/** OIDC Core 3.1.3.6 at_hash / c_hash: the left half of the token's hash under the ID token alg's digest. */
export function tokenHash(token: string, alg: string): string {
  const digest = alg === 'EdDSA' ? 'sha512' : (DIGEST[alg.slice(-3)] ?? 'sha256');
  const hash = createHash(digest).update(token).digest();
  return hash.subarray(0, hash.length / 2).toString('base64url');
}
