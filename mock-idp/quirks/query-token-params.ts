import { rewriteFormBody } from '../kernel/form-body.js';
import type { Quirk } from '../kernel/plugin-types.js';

/**
 * Token requests may carry their parameters in the query string with an empty
 * body, as okta-sdk-python and GitLab's docs send them. oidc-provider only reads
 * the body, so the parameters are moved there (body values win on a clash).
 */
export function queryTokenParams(routes: ('token' | 'introspection' | 'revocation')[] = ['token']): Quirk {
  return {
    name: 'query-token-params',
    description: 'token endpoint parameters are accepted from the query string',
    middleware: (ctx) => {
      const paths = new Set(routes.map((r) => ctx.routes[r]));
      return async (koa, next) => {
        if (koa.method !== 'POST' || !paths.has(koa.path) || !koa.querystring) return next();
        const contentType = koa.req.headers['content-type'] ?? '';
        if (contentType && !contentType.includes('application/x-www-form-urlencoded')) return next();
        const query = new URLSearchParams(koa.querystring);
        await rewriteFormBody(koa, (params) => {
          for (const [name, value] of query) if (!params.has(name)) params.append(name, value);
        });
        koa.querystring = '';
        return next();
      };
    },
  };
}
