import { randomBytes } from 'node:crypto';
import { recordOf } from '../../kernel/evidence.js';
import { rewriteFormBody } from '../../kernel/form-body.js';
import type { Quirk } from '../../kernel/plugin-types.js';
import { plainOAuthAuthorize } from '../../quirks/plain-oauth-authorize.js';

const JSON_SUFFIX = '/json';
const JSON_FLAG = Symbol('stackexchange-json-token-response');

/** An access token as Stack Exchange writes them: base64 with `*`, `(` and `)` for `+`, `/` and `=`. */
export function stackexchangeToken(): string {
  return randomBytes(16).toString('base64').replace(/\+/g, '*').replace(/\//g, '(').replace(/=/g, ')');
}

/**
 * Stack Exchange is plain OAuth 2: /oauth, /oauth/access_token[/json] and the
 * API. oidc-provider's other endpoints (discovery, JWKS, userinfo...) must not
 * answer, so a client cannot lean on OIDC that the real server lacks. The
 * login interaction and the authorization resume path (/oauth/<uid>) stay.
 */
export function stackexchangeEndpoints(options: { apiPrefix: string }): Quirk {
  return {
    name: 'stackexchange-endpoints',
    description: 'no discovery, JWKS or userinfo: only /oauth, /oauth/access_token[/json] and the API exist',
    middleware: (ctx) => async (koa, next) => {
      const authorization = ctx.routes.authorization;
      // /oauth/<segment> covers both /oauth/access_token and the resume path /oauth/<uid>.
      const underAuthorization =
        koa.path.startsWith(`${authorization}/`) && /^\/[A-Za-z0-9_-]+$/.test(koa.path.slice(authorization.length));
      const known =
        koa.path === authorization ||
        underAuthorization ||
        koa.path === `${ctx.routes.token}${JSON_SUFFIX}` ||
        koa.path.startsWith('/interaction/') ||
        koa.path.startsWith(options.apiPrefix);
      if (known) return next();
      koa.status = 404;
      koa.body = { error: 'not_found', error_description: `Stack Exchange has no ${koa.path} endpoint` };
    },
  };
}

/** The documented authorize request: code implied, no `iss` on the callback. */
export const stackexchangeAuthorize = (): Quirk => plainOAuthAuthorize('stackexchange-authorize');

/**
 * Token requests as Stack Exchange takes them: a form with client_id,
 * client_secret, code and redirect_uri but no grant_type, at /oauth/access_token
 * or /oauth/access_token/json (same request, JSON answer).
 */
export function stackexchangeTokenRequest(): Quirk {
  return {
    name: 'stackexchange-token-request',
    description: 'grant_type is implied; /oauth/access_token/json is the token endpoint answering JSON',
    middleware: (ctx) => async (koa, next) => {
      if (koa.path === `${ctx.routes.token}${JSON_SUFFIX}`) {
        (koa.state as Record<symbol, boolean>)[JSON_FLAG] = true;
        koa.path = ctx.routes.token;
      }
      if (koa.path !== ctx.routes.token) return next();
      if (koa.method !== 'POST') {
        // oidc-provider would take GET /oauth/access_token for a login resuming at /oauth/<uid>.
        koa.status = 400;
        koa.body = {
          error: 'invalid_request',
          error_description: `${koa.method} is not supported: POST the form to ${ctx.mountPath}${ctx.routes.token}`,
        };
        return;
      }
      const contentType = koa.req.headers['content-type'] ?? '';
      let implied = false;
      if (contentType.includes('application/x-www-form-urlencoded')) {
        await rewriteFormBody(koa, (params) => {
          if (params.has('grant_type')) return;
          params.set('grant_type', 'authorization_code');
          implied = true;
        });
      }
      await next();
      if (!implied) return;
      // The request log shows what the client sent: no grant_type, with a note on why it worked.
      const parsed = koa.oidc?.body as Record<string, unknown> | undefined;
      if (parsed) delete parsed.grant_type;
      const record = recordOf(koa.req);
      if (record)
        record.notes = [...(record.notes ?? []), 'grant_type=authorization_code implied: Stack Exchange takes none'];
    },
  };
}

function formEncode(values: Record<string, string | number>): string {
  // encodeURIComponent leaves `*`, `(` and `)` alone, as Stack Exchange's own responses do.
  return Object.entries(values)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

/**
 * The token response: `access_token=...&expires=86400` form-encoded (or JSON
 * on /json), with the token in Stack Exchange's `*()` style and `expires` left
 * out for no_expiry tokens. No token_type, scope, id_token or refresh_token.
 * Every error is a 400 with error and error_description, in the same format.
 */
export function stackexchangeTokenResponse(options: { noExpiryScope: string }): Quirk {
  return {
    name: 'stackexchange-token-response',
    description: 'form-encoded access_token and expires (JSON on /json); errors are 400',
    middleware: (ctx) => async (koa, next) => {
      await next();
      if (koa.path !== ctx.routes.token) return;
      const json = (koa.state as Record<symbol, boolean>)[JSON_FLAG] === true;
      const body = (koa.body && typeof koa.body === 'object' && !Buffer.isBuffer(koa.body) ? koa.body : {}) as Record<
        string,
        unknown
      >;
      let out: Record<string, string | number>;
      if (koa.status < 400 && typeof body.access_token === 'string') {
        const noExpiry = String(body.scope ?? '')
          .split(' ')
          .includes(options.noExpiryScope);
        const ttl = typeof body.expires_in === 'number' ? body.expires_in : 0;
        const token = ctx.tokens.present(body.access_token, stackexchangeToken(), ttl);
        out = noExpiry ? { access_token: token } : { access_token: token, expires: ttl };
        koa.status = 200;
      } else {
        const error = typeof body.error === 'string' ? body.error : 'invalid_request';
        out = { error, error_description: typeof body.error_description === 'string' ? body.error_description : error };
        koa.status = 400;
        koa.remove('www-authenticate');
        const record = recordOf(koa.req);
        if (record) record.error = error;
      }
      if (json) {
        koa.body = out;
      } else {
        koa.type = 'application/x-www-form-urlencoded';
        koa.body = formEncode(out);
      }
    },
  };
}
