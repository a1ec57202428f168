import type { Middleware } from '../kernel/plugin-types.js';

/**
 * oidc-provider answers an adapter failure as a 500 server_error. When the
 * failure is Redis going away, it is an outage the client should retry: 503.
 */
export function storeOutageAs503(redis: { status: string }): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status >= 500 && redis.status !== 'ready') {
      ctx.status = 503;
      ctx.set('retry-after', '1');
      ctx.body = {
        error: 'temporarily_unavailable',
        error_description: 'the shared store (Redis) is unreachable; retry shortly',
      };
    }
  };
}
