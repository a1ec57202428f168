import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Middleware, Quirk, QuirkContext } from '../kernel/plugin-types.js';
import type { RouteName } from '../kernel/routes.js';

export type JsonBody = Record<string, unknown>;

/**
 * The common shape of response-rewriting quirks: run the route, then let the
 * quirk change the JSON body (and status) oidc-provider produced.
 */
export function reshapeResponse(options: {
  name: string;
  description: string;
  strict?: boolean;
  /** Route names, or literal paths relative to the mount such as '/.well-known/openid-configuration'. */
  routes: (RouteName | `/${string}`)[] | 'all';
  /** Only successful (2xx) or only error (>=400) responses; default both. */
  when?: 'success' | 'error';
  reshape(body: JsonBody, koa: KoaContextWithOIDC, ctx: QuirkContext): void | Promise<void>;
}): Quirk {
  return {
    name: options.name,
    description: options.description,
    ...(options.strict ? { strict: true } : {}),
    middleware: (ctx): Middleware => {
      const paths =
        options.routes === 'all'
          ? undefined
          : new Set(options.routes.map((r) => (r.startsWith('/') ? r : ctx.routes[r as RouteName])));
      return async (koa, next) => {
        await next();
        if (paths && !paths.has(koa.path)) return;
        const ok = koa.status < 400;
        if ((options.when === 'success' && !ok) || (options.when === 'error' && ok)) return;
        const body = koa.body;
        if (
          !body ||
          typeof body !== 'object' ||
          Buffer.isBuffer(body) ||
          typeof (body as { pipe?: unknown }).pipe === 'function'
        )
          return;
        await options.reshape(body as JsonBody, koa, ctx);
      };
    },
  };
}
