import type { Middleware } from '../kernel/plugin-types.js';

/**
 * oidc-provider's router leaves a request no route matched to Koa, which
 * answers a plain-text "Not Found" or "Method Not Allowed". Installed inside the
 * profile's quirks, this gives those answers an OAuth JSON body, which a
 * profile's error-shape quirk then turns into the provider's own shape.
 */
export function unroutedAsJson(): Middleware {
  // Not an async function: each promise pays for oidc-provider's AsyncLocalStorage hooks.
  return (ctx, next) =>
    next().then(() => {
      if ((ctx.status !== 404 && ctx.status !== 405) || ctx.body != null) return;
      const status = ctx.status;
      ctx.body =
        status === 404
          ? { error: 'not_found', error_description: `no endpoint at ${ctx.path}` }
          : { error: 'invalid_request', error_description: `${ctx.method} is not allowed on ${ctx.path}` };
      ctx.status = status;
    });
}
