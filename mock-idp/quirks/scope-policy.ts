import type { Quirk } from '../kernel/plugin-types.js';
import { authorizationError, type ErrorBody } from './authorization-error.js';

/**
 * Scope syntax rules some servers enforce beyond RFC 6749 3.3: IdentityServer
 * splits on exactly one space and rejects the request otherwise, and may
 * require `openid`.
 */
export function scopePolicy(options: { requireOpenid?: boolean; singleSpaces?: boolean; error?: ErrorBody }): Quirk {
  const error = options.error ?? { error: 'invalid_scope' };
  return {
    name: 'scope-policy',
    description: [
      options.requireOpenid && 'scope must include openid',
      options.singleSpaces && 'scopes separated by exactly one space',
    ]
      .filter(Boolean)
      .join('; '),
    strict: true,
    middleware: (ctx) => async (koa, next) => {
      if (koa.path !== ctx.routes.authorization || koa.method !== 'GET') return next();
      const scope = typeof koa.query.scope === 'string' ? koa.query.scope : '';
      const badSpacing = options.singleSpaces && (scope !== scope.trim() || /\s{2,}|[\t\n\r]/.test(scope));
      const noOpenid = options.requireOpenid && !scope.split(' ').includes('openid');
      if (badSpacing || noOpenid) return authorizationError(koa, ctx.provider(), error);
      return next();
    },
  };
}
