import type { Quirk } from '../kernel/plugin-types.js';

/**
 * The provider's own answer to an authorization request whose redirect_uri is
 * not registered (oidc-provider renders an HTML error page). Never redirects.
 */
export function redirectUriRejection(options: { status?: number; body: unknown }): Quirk {
  return {
    name: 'redirect-uri-rejection',
    description: "unregistered redirect_uri gets the provider's error body",
    middleware: (ctx) => async (koa, next) => {
      if (koa.path !== ctx.routes.authorization || koa.method !== 'GET') return next();
      const clientId = koa.query.client_id;
      const redirectUri = koa.query.redirect_uri;
      if (typeof clientId !== 'string' || typeof redirectUri !== 'string') return next();
      const client = await ctx
        .provider()
        .Client.find(clientId)
        .catch(() => undefined);
      if (!client || client.redirectUriAllowed(redirectUri)) return next();
      koa.status = options.status ?? 400;
      koa.body = options.body;
    },
  };
}
