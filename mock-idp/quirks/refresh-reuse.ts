import { peekFormBody } from '../kernel/form-body.js';
import type { Quirk } from '../kernel/plugin-types.js';

/**
 * What reusing a rotated (consumed) refresh token does. oidc-provider revokes
 * the whole grant, as RFC 9700 4.14.2 suggests and Auth0's reuse detection does;
 * IdentityServer's one-time refresh tokens only fail the reuse. With
 * `revokeFamily: false` the reuse is answered here and the newest tokens live on.
 */
export function refreshReuse(options: { revokeFamily: boolean; status?: number; body?: unknown }): Quirk {
  return {
    name: 'refresh-reuse',
    description: options.revokeFamily
      ? 'reusing a refresh token revokes its family'
      : 'reusing a refresh token fails without revoking its family',
    middleware: (ctx) => async (koa, next) => {
      if (options.revokeFamily || koa.method !== 'POST' || koa.path !== ctx.routes.token) return next();
      const params = await peekFormBody(koa);
      const token = params.get('refresh_token');
      if (params.get('grant_type') !== 'refresh_token' || !token) return next();
      const stored = await ctx
        .provider()
        .RefreshToken.find(token)
        .catch(() => undefined);
      if (!stored?.consumed) return next();
      koa.status = options.status ?? 400;
      koa.body = options.body ?? { error: 'invalid_grant', error_description: 'refresh token already used' };
    },
  };
}
