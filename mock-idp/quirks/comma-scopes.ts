import type { Quirk } from '../kernel/plugin-types.js';

/**
 * Scopes delimited by commas (Stack Exchange's samples send
 * `scope=read_inbox,no_expiry`). RFC 6749 3.3 and oidc-provider want spaces, so
 * the list is rewritten before oidc-provider parses the request.
 */
export function commaScopes(): Quirk {
  return {
    name: 'comma-scopes',
    description: 'scope may be comma-delimited',
    middleware: (ctx) => async (koa, next) => {
      if (
        koa.path === ctx.routes.authorization &&
        koa.method === 'GET' &&
        typeof koa.query.scope === 'string' &&
        koa.query.scope.includes(',')
      ) {
        const query = new URLSearchParams(koa.querystring);
        query.set(
          'scope',
          koa.query.scope
            .split(/[\s,]+/)
            .filter(Boolean)
            .join(' '),
        );
        koa.querystring = query.toString();
      }
      return next();
    },
  };
}
