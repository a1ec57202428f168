import type { KoaContextWithOIDC } from 'oidc-provider';
import { recordOf } from '../kernel/evidence.js';
import { readLimited } from '../kernel/form-body.js';
import type { Middleware } from '../kernel/plugin-types.js';
import { maskParams } from '../log/mask.js';

/** The posted form's parameters moved to the query of a GET, the record keeping what the client sent. */
async function asGet(ctx: KoaContextWithOIDC): Promise<void> {
  const posted = new URLSearchParams(await readLimited(ctx.req));
  const record = recordOf(ctx.req);
  if (record) record.body = maskParams(Object.fromEntries(posted));
  const params = new URLSearchParams(ctx.querystring);
  for (const [name, value] of posted) params.set(name, value);
  ctx.method = 'GET';
  ctx.querystring = params.toString();
}

/**
 * RP-Initiated Logout 1.0 §2 has an OP take the logout request by GET and by POST (a form post of the same
 * parameters). oidc-provider routes the POST only with enableHttpPostMethods, which also opens the authorization
 * endpoint to POST and so demands SameSite=None cookies, which browsers drop without https. A form POST to the logout
 * endpoint is taken as the GET it stands for.
 */
export function logoutByPost(endSessionPath: () => string): Middleware {
  // Not an async function: every request passes, and each promise pays for oidc-provider's AsyncLocalStorage hooks.
  return (ctx, next) =>
    ctx.method === 'POST' && ctx.path === endSessionPath() && ctx.is('application/x-www-form-urlencoded')
      ? asGet(ctx).then(next)
      : next();
}
