import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Quirk } from '../kernel/plugin-types.js';
import type { RouteName } from '../kernel/routes.js';
import { type JsonBody, reshapeResponse } from './reshape-response.js';

export interface OAuthError {
  error: string;
  error_description?: string;
  [extra: string]: unknown;
}

/**
 * Rewrites oidc-provider's JSON errors into the provider's own shape and
 * status. `map` returns the new status and body, or undefined to keep both.
 */
export function errorShape(options: {
  description: string;
  routes?: RouteName[] | 'all';
  map(error: OAuthError, status: number, koa: KoaContextWithOIDC): { status: number; body: unknown } | undefined;
}): Quirk {
  return reshapeResponse({
    name: 'error-shape',
    description: options.description,
    routes: options.routes ?? 'all',
    when: 'error',
    reshape(body: JsonBody, koa) {
      if (typeof body.error !== 'string') return;
      const mapped = options.map(body as OAuthError, koa.status, koa);
      if (!mapped) return;
      koa.status = mapped.status;
      koa.body = mapped.body;
    },
  });
}
