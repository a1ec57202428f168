import type { KoaContextWithOIDC } from 'oidc-provider';
import { setParams } from './authorization-response.js';
import type { PostLogoutRedirectFault } from './types.js';

/** The issuer's own signed-out page, where a logout without post_logout_redirect_uri ends: not the client's. */
function isIssuersOwnPage(koa: KoaContextWithOIDC, url: URL): boolean {
  const success = new URL(koa.oidc.urlFor('end_session_success'));
  return url.origin === success.origin && url.pathname === success.pathname;
}

/**
 * Applies post-logout redirect faults to the redirect that ends RP-initiated logout, once the issuer has ended its
 * session: only a redirect to the client's post_logout_redirect_uri is changed. True when the location changed.
 */
export function applyPostLogoutRedirectFaults(
  koa: KoaContextWithOIDC,
  faults: readonly PostLogoutRedirectFault[],
): boolean {
  const location = faults.length > 0 && koa.status >= 300 && koa.status < 400 ? koa.response.get('location') : '';
  if (!location) return false;
  const url = new URL(location, koa.href);
  if (isIssuersOwnPage(koa, url)) return false;
  const before = url.search;
  for (const fault of faults) setParams(url.searchParams, fault.set);
  if (url.search === before) return false;
  koa.redirect(url.href);
  return true;
}
