import type { Quirk } from '../kernel/plugin-types.js';
import { authorizationError, type ErrorBody } from './authorization-error.js';

/** A nonce length window (Stitch: 32-300 characters), checked at the authorization endpoint. */
export function noncePolicy(options: { min: number; max: number; required?: boolean; error?: ErrorBody }): Quirk {
  const error = options.error ?? {
    error: 'invalid_request',
    error_description: `nonce must be ${options.min} to ${options.max} characters`,
  };
  return {
    name: 'nonce-policy',
    description: `nonce ${options.required ? 'required, ' : ''}${options.min}-${options.max} characters`,
    strict: true,
    middleware: (ctx) => async (koa, next) => {
      if (koa.path !== ctx.routes.authorization || koa.method !== 'GET') return next();
      const nonce = koa.query.nonce;
      const missing = nonce === undefined || nonce === '';
      if (
        (missing && options.required) ||
        (!missing && (typeof nonce !== 'string' || nonce.length < options.min || nonce.length > options.max))
      ) {
        return authorizationError(koa, ctx.provider(), error);
      }
      return next();
    },
  };
}
