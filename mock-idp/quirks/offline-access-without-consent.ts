import type { Quirk } from '../kernel/plugin-types.js';

/**
 * OIDC Core 11 drops offline_access unless prompt=consent, and oidc-provider
 * follows it; providers like IdentityServer issue the refresh token anyway.
 * Adding prompt=consent (which mock-idp grants in the same hop) keeps the
 * scope, so `offline_access` alone yields a refresh token.
 */
export function offlineAccessWithoutConsent(): Quirk {
  return {
    name: 'offline-access-without-consent',
    description: 'offline_access yields a refresh token without prompt=consent',
    middleware: (ctx) => async (koa, next) => {
      if (koa.path === ctx.routes.authorization && koa.method === 'GET') {
        const scope = typeof koa.query.scope === 'string' ? koa.query.scope.split(' ') : [];
        const prompt = typeof koa.query.prompt === 'string' ? koa.query.prompt.split(' ') : [];
        if (scope.includes('offline_access') && !prompt.includes('consent') && !prompt.includes('none')) {
          const query = new URLSearchParams(koa.querystring);
          query.set('prompt', [...prompt.filter(Boolean), 'consent'].join(' '));
          koa.querystring = query.toString();
        }
      }
      return next();
    },
  };
}
