// The authorization request every bench flow starts with: code + PKCE S256 to the
// loopback redirect URI the fixture clients register.
import { createHash, randomBytes } from 'node:crypto';

export const REDIRECT_URI = 'http://127.0.0.1:3000/callback';

/** The authorize URL with `params` (client_id, and scope or state where they differ) and the verifier to redeem it. */
export function pkceAuthorization(endpoint, params) {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    scope: 'openid',
    redirect_uri: REDIRECT_URI,
    state: randomBytes(8).toString('hex'),
    ...params,
    code_challenge_method: 'S256',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
  }).toString();
  return { url, verifier };
}
