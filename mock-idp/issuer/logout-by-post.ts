import type { KoaContextWithOIDC } from 'oidc-provider';
import { notePostedForm, recordOf } from '../kernel/evidence.js';
import { BodyTooLarge, readLimited } from '../kernel/form-body.js';
import type { Middleware } from '../kernel/plugin-types.js';
import { maskParams } from '../log/mask.js';

/**
 * The posted form as the query of a GET: its parameters only, as oidc-provider reads a POST's (a repeated one stays
 * repeated, for oidc-provider to refuse), and the record keeps what the client sent.
 */
async function asGet(ctx: KoaContextWithOIDC): Promise<void> {
  const posted = new URLSearchParams(await readLimited(ctx.req));
  const record = recordOf(ctx.req);
  if (record) record.body = maskParams(Object.fromEntries(posted));
  notePostedForm(ctx.req, Object.fromEntries(posted));
  ctx.method = 'GET';
  ctx.querystring = posted.toString();
}

function refuse(ctx: KoaContextWithOIDC, description: string): void {
  ctx.status = 400;
  ctx.body = { error: 'invalid_request', error_description: description };
}

/**
 * RP-Initiated Logout 1.0 §2 has an OP take the logout request by GET and by POST (a form post of the same
 * parameters). oidc-provider routes the POST only with enableHttpPostMethods, which also opens the authorization
 * endpoint to POST and demands SameSite=None session cookies. A form POST to the logout endpoint is taken as the GET
 * it stands for. The session cookie stays SameSite=Lax, so a real browser's cross-site POST arrives without it and
 * ends no session; the kit's browser, which sends every cookie, cannot show that.
 */
export function logoutByPost(endSessionPath: () => string): Middleware {
  // Not an async function, nor behind the error boundary: every request passes, and each promise pays for
  // oidc-provider's AsyncLocalStorage hooks. Only the POST branch can fail, and it answers for itself.
  return (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== endSessionPath()) return next();
    if (!ctx.is('application/x-www-form-urlencoded')) {
      refuse(ctx, 'the logout endpoint takes a GET, or a POST of an application/x-www-form-urlencoded form');
      return Promise.resolve();
    }
    return asGet(ctx).then(next, (error: unknown) => {
      if (!(error instanceof BodyTooLarge)) throw error;
      refuse(ctx, 'request entity too large');
    });
  };
}
