import { recordOf, soleSessionClient } from '../../kernel/evidence.js';
import { peekFormBody } from '../../kernel/form-body.js';
import { escapeHtml, page } from '../../kernel/html.js';
import type { Quirk } from '../../kernel/plugin-types.js';

/** Keycloak's own words (LogoutEndpoint), observed in s1t5/mail-archiver#298. */
export const MISSING_CLIENT =
  "Either the parameter 'client_id' or the parameter 'id_token_hint' is required " +
  "when 'post_logout_redirect_uri' is used.";

/**
 * Keycloak's logout rules ahead of oidc-provider's RP-initiated logout:
 * post_logout_redirect_uri needs id_token_hint or client_id (an error page
 * with Keycloak's message otherwise), and the pre-18 `redirect_uri`, removed in
 * Keycloak 26, is refused. Everything else (the hint's signature, the
 * registered URIs, state) is oidc-provider's.
 */
export function keycloakLogoutRules(): Quirk {
  return {
    name: 'keycloak-logout-rules',
    description: 'post_logout_redirect_uri needs id_token_hint or client_id; redirect_uri is refused',
    strict: true,
    middleware: (ctx) => async (koa, next) => {
      if (koa.path !== ctx.routes.end_session || (koa.method !== 'GET' && koa.method !== 'POST')) return next();
      const params = koa.method === 'POST' ? await peekFormBody(koa) : new URLSearchParams(koa.querystring);
      // The confirmation form posts back with its own xsrf field: those requests are oidc-provider's.
      if (params.has('xsrf')) return next();
      const problem = params.has('redirect_uri')
        ? 'Invalid parameter: redirect_uri. ' +
          "Keycloak 18+ takes 'post_logout_redirect_uri' with 'id_token_hint' or 'client_id'."
        : params.has('post_logout_redirect_uri') && !params.has('id_token_hint') && !params.has('client_id')
          ? MISSING_CLIENT
          : undefined;
      if (!problem) return next();
      const record = recordOf(koa.req);
      if (record) {
        // Refused before oidc-provider reads it: the record still says what was refused, why, and whose it was (a
        // request naming no client belongs to the client of the session it would have ended).
        record.error = 'invalid_request';
        record.errorDescription = problem;
        record.route = 'end_session';
        record.clientId ??= params.get('client_id') ?? soleSessionClient(await ctx.provider().Session.get(koa));
      }
      koa.status = 400;
      koa.type = 'html';
      koa.body = page(
        'Error',
        '<div class="card"><h1>We are sorry...</h1>' +
          `<p class="sub" id="kc-error-message">${escapeHtml(problem)}</p></div>`,
      );
    },
  };
}
