import { rewriteFormBody } from '../kernel/form-body.js';
import type { Middleware, QuirkContext } from '../kernel/plugin-types.js';

/**
 * Turns tokens presented in a provider's own format back into the issuer's
 * opaque tokens before oidc-provider sees them: at userinfo (bearer header or
 * body), introspection and revocation (the `token` parameter).
 */
export function unwrapPresentedTokens(ctx: QuirkContext): Middleware {
  const tokenParamRoutes = new Set([ctx.routes.introspection, ctx.routes.revocation]);
  // The outer function is not async, so the common case (no provider-format token issued yet) costs no promise.
  return (koa, next) => (ctx.tokens.size === 0 ? next() : unwrap(koa, next));

  async function unwrap(koa: Parameters<Middleware>[0], next: () => Promise<void>): Promise<void> {
    const authorization = koa.req.headers.authorization;
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (bearer && koa.path === ctx.routes.userinfo) {
      const real = ctx.tokens.resolve(bearer);
      if (real !== bearer) koa.req.headers.authorization = `Bearer ${real}`;
    }
    const isForm = (koa.req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
    if (koa.method === 'POST' && isForm && (tokenParamRoutes.has(koa.path) || koa.path === ctx.routes.userinfo)) {
      await rewriteFormBody(koa, (params) => {
        for (const name of ['token', 'access_token']) {
          const value = params.get(name);
          if (value) params.set(name, ctx.tokens.resolve(value));
        }
      });
    }
    return next();
  }
}
