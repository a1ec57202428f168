import { BodyTooLarge } from '../kernel/form-body.js';
import type { Middleware } from '../kernel/plugin-types.js';
import type { Logger } from '../log/logger.js';

/**
 * oidc-provider turns its own failures into OAuth errors, but quirks and the
 * interaction routes run before it. This gives their failures the same JSON
 * shape: a body over the limit is the client's fault (400), anything else is
 * logged and answered as server_error rather than Koa's plain-text 500.
 * Each quirk is guarded on its own, so the quirks outside it (a profile's error
 * shape) still see and reshape the answer.
 */
export function guarded(middleware: Middleware, logger: Logger): Middleware {
  const recover = (ctx: Parameters<Middleware>[0], error: unknown): void => {
    if (error instanceof BodyTooLarge) {
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: 'request entity too large' };
      return;
    }
    const status = (error as { status?: number; expose?: boolean }).status;
    if (status && status < 500 && (error as { expose?: boolean }).expose) {
      ctx.status = status;
      ctx.body = { error: 'invalid_request', error_description: (error as Error).message };
      return;
    }
    logger.error({ err: error, path: ctx.path }, 'unhandled error before oidc-provider');
    ctx.status = 500;
    ctx.body = { error: 'server_error', error_description: 'mock-idp failed to handle this request; see its log' };
  };
  // Not an async function: every promise pays for oidc-provider's AsyncLocalStorage
  // hooks, and an async wrapper around each quirk cost two more per request.
  return (ctx, next) => {
    try {
      return middleware(ctx, next).catch((error: unknown) => recover(ctx, error));
    } catch (error) {
      recover(ctx, error);
      return Promise.resolve();
    }
  };
}
