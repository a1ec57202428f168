import type { Client, KoaContextWithOIDC, Provider } from 'oidc-provider';
import { recordOf } from '../../kernel/evidence.js';
import { escapeHtml, page } from '../../kernel/html.js';
import type { Quirk } from '../../kernel/plugin-types.js';

function errorPage(koa: KoaContextWithOIDC, message: string): void {
  koa.status = 400;
  koa.type = 'html';
  koa.body = page(
    'Error',
    `<div class="card"><h1>Oops!, something went wrong</h1><p class="sub">${escapeHtml(message)}</p></div>`,
  );
}

/**
 * Ends the browser's session the way oidc-provider's own logout does: the
 * stored session is destroyed and its cookie expired,
 * so the next /authorize logs in again.
 */
async function endSession(koa: KoaContextWithOIDC, provider: Provider): Promise<void> {
  const session = await provider.Session.get(koa);
  if (session.accountId) await session.destroy();
  const cookies = provider.createContext(koa.req, koa.res).cookies;
  cookies.set(provider.cookieName('session'), null, { httpOnly: true, sameSite: 'lax' });
}

/**
 * Auth0's logout, GET /v2/logout?client_id=&returnTo=. Unlike RP-initiated
 * logout it asks nothing: the session ends and the browser goes to returnTo
 * at once, which must be one of the client's Allowed Logout URLs (its
 * post_logout_redirect_uris, matched exactly). Without returnTo it goes to the
 * client's first one. Without client_id Auth0 checks the tenant's list, which
 * is empty on a mock tenant, so a returnTo then needs a client_id.
 * Back-channel logout notifications are not sent from here.
 */
export function auth0Logout(path = '/v2/logout'): Quirk {
  return {
    name: 'auth0-logout',
    description: `${path}?client_id=&returnTo= ends the session and redirects to an allowed logout URL`,
    middleware: (ctx) => async (koa, next) => {
      if (koa.path !== path) return next();
      const record = recordOf(koa.req);
      if (record) record.route = 'end_session';
      if (koa.method !== 'GET' && koa.method !== 'HEAD') {
        koa.status = 405;
        koa.set('allow', 'GET, HEAD');
        return;
      }
      const provider = ctx.provider();
      const clientId = typeof koa.query.client_id === 'string' ? koa.query.client_id : undefined;
      const returnTo = typeof koa.query.returnTo === 'string' ? koa.query.returnTo : undefined;
      let client: Client | undefined;
      if (clientId) {
        client = await provider.Client.find(clientId).catch(() => undefined);
        if (!client) return errorPage(koa, `invalid_request: The client_id "${clientId}" is not valid.`);
      }
      if (returnTo && !client?.postLogoutRedirectUriAllowed(returnTo)) {
        const hint = client ? '' : ' Send client_id: a mock tenant has no tenant-level Allowed Logout URLs.';
        return errorPage(
          koa,
          `invalid_request: The "returnTo" querystring parameter "${returnTo}" is not defined as a ` +
            `valid URL in "Allowed Logout URLs".${hint}`,
        );
      }
      await endSession(koa, provider);
      const target = returnTo ?? client?.postLogoutRedirectUris?.[0];
      if (target) {
        koa.status = 302;
        koa.redirect(target);
        return;
      }
      koa.status = 200;
      koa.type = 'html';
      koa.body = page(
        'Signed out',
        '<div class="card"><h1>Signed out</h1><p class="sub">You have been signed out.</p></div>',
      );
    },
  };
}
