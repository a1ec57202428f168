import { LRUCache } from 'lru-cache';
import { LogoutTokenError, RelyingPartyError } from './errors.js';
import { type LogoutTokenClaims, type LogoutTokenValidation, validateLogoutToken } from './logout-token.js';

/**
 * What a back-channel logout endpoint answers (OIDC Back-Channel Logout 1.0,
 * 2.8), in no framework's shape: copy status, headers and body to yours.
 */
export interface BackchannelLogoutResponse {
  status: 200 | 400;
  headers: Record<string, string>;
  body: string;
  /** Who to log out, when the token was valid: end the sessions with this sid, or else of this sub. */
  logout?: { sub?: string | undefined; sid?: string | undefined; claims: LogoutTokenClaims };
}

const NO_STORE = { 'cache-control': 'no-store' };

/**
 * Validates logout tokens and refuses one whose jti was already accepted
 * (2.6 step 8): a replayed token must not end a session opened since. The
 * memory is bounded and each jti is forgotten once its token has expired.
 */
export class BackchannelLogoutReceiver {
  readonly #seen: LRUCache<string, true>;

  constructor(options: { maxRemembered?: number } = {}) {
    this.#seen = new LRUCache({ max: options.maxRemembered ?? 10_000, ttlAutopurge: false });
  }

  async receive(body: string | URLSearchParams, validation: LogoutTokenValidation): Promise<BackchannelLogoutResponse> {
    try {
      const params = typeof body === 'string' ? new URLSearchParams(body) : body;
      const tokens = params.getAll('logout_token');
      if (tokens.length !== 1)
        throw new LogoutTokenError(tokens.length ? 'logout_token is given more than once' : 'no logout_token');
      const claims = await validateLogoutToken(tokens[0], validation);
      const key = `${claims.iss}\u0000${claims.jti}`;
      if (this.#seen.has(key))
        throw new LogoutTokenError(`the logout token ${claims.jti} was already received`, 'jti', {
          code: 'logout_token_replayed',
        });
      this.#seen.set(key, true, {
        ttl: Math.max(1, claims.exp + validation.clockSkewSeconds - validation.nowSeconds) * 1000,
      });
      return { status: 200, headers: NO_STORE, body: '', logout: { sub: claims.sub, sid: claims.sid, claims } };
    } catch (error) {
      if (!(error instanceof RelyingPartyError)) throw error;
      return {
        status: 400,
        headers: { ...NO_STORE, 'content-type': 'application/json' },
        body: JSON.stringify({ error: 'invalid_request', error_description: error.message }),
      };
    }
  }
}
