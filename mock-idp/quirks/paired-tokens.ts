import { peekFormBody } from '../kernel/form-body.js';
import type { Quirk } from '../kernel/plugin-types.js';
import type { TokenFacade } from '../kernel/token-facade.js';

// Kept by the issuer's token facade, which outlives provider rebuilds (pairs made before a
// rebuild still count) and shares them with other replicas in shared-store mode.
function pairsFor(tokens: TokenFacade) {
  const ttl = 90 * 24 * 3600;
  return {
    accessByRefresh: tokens.memo('gitlab-access-by-refresh', 20_000, ttl),
    refreshByAccess: tokens.memo('gitlab-refresh-by-access', 20_000, ttl),
  };
}

/**
 * Doorkeeper (GitLab) stores an access token and its refresh token as one
 * record, so they die together: a refresh revokes the previous access token
 * along with the refresh token it consumed, and revoking either one revokes
 * the other. oidc-provider keeps old access tokens alive until they expire.
 */
export function pairedTokens(): Quirk {
  return {
    name: 'paired-tokens',
    description: 'an access token and its refresh token are revoked together, also by a refresh',
    middleware: (ctx) => {
      const { accessByRefresh, refreshByAccess } = pairsFor(ctx.tokens);
      // Only the client a token was issued to may have it revoked (RFC 7009 2.1): the
      // pair of a token some other client presented stays alive, as the token itself does.
      const destroyAccess = async (token: string | undefined, owner: string | undefined) => {
        if (!token || !owner) return;
        const found = await ctx
          .provider()
          .AccessToken.find(token)
          .catch(() => undefined);
        if (found?.clientId === owner) await found.destroy();
      };
      const destroyRefresh = async (token: string | undefined, owner: string | undefined) => {
        if (!token || !owner) return;
        const found = await ctx
          .provider()
          .RefreshToken.find(token)
          .catch(() => undefined);
        if (found?.clientId === owner) await found.destroy();
      };
      return async (koa, next) => {
        const isToken = koa.path === ctx.routes.token;
        const isRevocation = koa.path === ctx.routes.revocation;
        if (koa.method !== 'POST' || (!isToken && !isRevocation)) return next();
        const params = await peekFormBody(koa);
        await next();
        if (koa.status !== 200) return;
        if (isRevocation) {
          const token = ctx.tokens.resolve(params.get('token') ?? '');
          const owner = koa.oidc?.client?.clientId;
          await destroyAccess(accessByRefresh.get(token), owner);
          await destroyRefresh(refreshByAccess.get(token), owner);
          return;
        }
        if (params.get('grant_type') === 'refresh_token')
          await destroyAccess(accessByRefresh.get(params.get('refresh_token') ?? ''), koa.oidc?.client?.clientId);
        const body = koa.body as { access_token?: unknown; refresh_token?: unknown } | undefined;
        if (typeof body?.access_token === 'string' && typeof body.refresh_token === 'string') {
          const access = ctx.tokens.resolve(body.access_token);
          accessByRefresh.set(body.refresh_token, access);
          refreshByAccess.set(access, body.refresh_token);
        }
      };
    },
  };
}
