import type { Quirk } from '../kernel/plugin-types.js';

/**
 * An authorization request may name no scope at all and still get a token
 * (Stack Exchange: "scope is optional"; without it the token reads public data
 * and /me). oidc-provider denies a request that grants no scope, so an absent
 * or empty scope is sent on as `placeholder`, a scope that grants nothing and
 * that the profile hides wherever scopes are shown.
 */
export function scopeOptional(options: { placeholder: string }): Quirk {
  return {
    name: 'scope-optional',
    description: 'the scope parameter may be left out',
    middleware: (ctx) => async (koa, next) => {
      if (
        koa.path === ctx.routes.authorization &&
        koa.method === 'GET' &&
        !(typeof koa.query.scope === 'string' && koa.query.scope.trim())
      ) {
        const query = new URLSearchParams(koa.querystring);
        query.set('scope', options.placeholder);
        koa.querystring = query.toString();
      }
      return next();
    },
  };
}
