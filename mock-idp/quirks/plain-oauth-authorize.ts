import type { Quirk } from '../kernel/plugin-types.js';

/**
 * A plain OAuth 2 provider's authorize request: no response_type, code is implied. (Its callback
 * carries only code and state: the profile says so with `issParameter: false`.)
 */
export function plainOAuthAuthorize(name: string): Quirk {
  return {
    name,
    description: 'response_type defaults to code',
    middleware: (ctx) => (koa, next) => {
      if (koa.path === ctx.routes.authorization && koa.method === 'GET' && koa.query.response_type === undefined) {
        const query = new URLSearchParams(koa.querystring);
        query.set('response_type', 'code');
        koa.querystring = query.toString();
      }
      return next();
    },
  };
}
