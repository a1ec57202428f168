import type { Quirk } from '../kernel/plugin-types.js';
import { reshapeResponse } from './reshape-response.js';

/**
 * Token response members some servers shape their own way: Doorkeeper (GitLab)
 * writes token_type in lowercase and adds created_at, the issue time in epoch
 * seconds, which clients use with expires_in to schedule a refresh.
 */
export function tokenResponse(options: { tokenType?: string; createdAt?: boolean }): Quirk {
  const parts = [options.tokenType && `token_type "${options.tokenType}"`, options.createdAt && 'created_at'].filter(
    Boolean,
  );
  return reshapeResponse({
    name: 'token-response',
    description: `token responses carry ${parts.join(' and ')}`,
    routes: ['token'],
    when: 'success',
    async reshape(body, _koa, ctx) {
      if (typeof body.access_token !== 'string') return;
      if (options.tokenType && typeof body.token_type === 'string') body.token_type = options.tokenType;
      if (options.createdAt) {
        const opaque = ctx.tokens.resolve(body.access_token);
        const provider = ctx.provider();
        const stored = (await provider.AccessToken.find(opaque)) ?? (await provider.ClientCredentials.find(opaque));
        body.created_at = stored?.iat ?? Math.floor(Date.now() / 1000);
      }
    },
  });
}
