import type { Quirk } from '../kernel/plugin-types.js';

/**
 * A plain OAuth 2 provider's authorize request: no response_type (code is implied), and a callback
 * with only code and state. oidc-provider always adds RFC 9207's `iss`, which a client validating it
 * strictly would otherwise come to rely on, so it is taken off every redirect back to the client,
 * the one after the login page included.
 */
export function plainOAuthAuthorize(name: string): Quirk {
  return {
    name,
    description: 'response_type defaults to code; callbacks carry no iss',
    middleware: (ctx) => async (koa, next) => {
      if (koa.path === ctx.routes.authorization && koa.method === 'GET' && koa.query.response_type === undefined) {
        const query = new URLSearchParams(koa.querystring);
        query.set('response_type', 'code');
        koa.querystring = query.toString();
      }
      await next();
      const location = koa.response.get('location');
      if (!location?.includes('iss=')) return;
      let target: URL;
      try {
        target = new URL(location);
      } catch {
        return;
      }
      if (target.searchParams.get('iss') !== ctx.issuer) return;
      target.searchParams.delete('iss');
      koa.redirect(target.href);
    },
  };
}
