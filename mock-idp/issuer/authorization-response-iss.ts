import type { Middleware } from '../kernel/plugin-types.js';

const DISCOVERY = '/.well-known/openid-configuration';
const HIDDEN_ISS = /\s*<input type="hidden" name="iss" value="[^"]*"\/>/;

/** oidc-provider's form_post page: its script submits the first form. */
const isFormPost = (body: unknown): body is string =>
  typeof body === 'string' && body.includes('document.forms[0].submit()');

/**
 * For a profile with `issParameter: false`. oidc-provider always advertises RFC 9207 and
 * always puts `iss` on the authorization response; a client tested against it would come to rely on a
 * parameter the real provider never sends. Both are taken off here: from discovery, from a redirect back
 * to the client by query or fragment (the one after the login page included) and from a form_post page.
 */
export function withoutAuthorizationResponseIss(issuer: string): Middleware {
  return async (koa, next) => {
    await next();
    const body = koa.body as unknown;
    if (koa.path === DISCOVERY && body && typeof body === 'object' && !Buffer.isBuffer(body)) {
      delete (body as Record<string, unknown>).authorization_response_iss_parameter_supported;
      return;
    }
    if (isFormPost(body)) {
      koa.body = body.replace(HIDDEN_ISS, '');
      return;
    }
    const location = koa.response.get('location');
    if (!location?.includes('iss=')) return;
    let target: URL;
    try {
      target = new URL(location);
    } catch {
      return;
    }
    // response_mode=fragment carries the parameters after the #, the others in the query.
    const fragment = new URLSearchParams(target.hash.slice(1));
    if (target.searchParams.get('iss') === issuer) target.searchParams.delete('iss');
    else if (fragment.get('iss') === issuer) {
      fragment.delete('iss');
      target.hash = fragment.toString();
    } else return;
    koa.redirect(target.href);
  };
}
