import { randomInt } from 'node:crypto';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { peekFormBody } from '../../kernel/form-body.js';
import type { Quirk } from '../../kernel/plugin-types.js';
import type { RouteName } from '../../kernel/routes.js';
import { errorShape } from '../../quirks/error-shape.js';

/** Okta's OAuth endpoints that authenticate clients; its rules below hold on all of them. */
const CLIENT_AUTH_ROUTES: RouteName[] = [
  'token',
  'introspection',
  'revocation',
  'device_authorization',
  'pushed_authorization_request',
];

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Okta's management-API error body, which its OAuth endpoints also answer for
 * failures caught before the OAuth layer (a JSON body, an unknown client).
 * errorId is a per-request correlation id: "oae" and 22 alphanumerics.
 */
export function oktaApiError(errorCode: string, errorSummary: string, errorLink = errorCode) {
  const id = Array.from({ length: 22 }, () => BASE62[randomInt(BASE62.length)]).join('');
  return { errorCode, errorSummary, errorLink, errorId: `oae${id}`, errorCauses: [] as unknown[] };
}

function clientAuthPaths(koa: KoaContextWithOIDC, routes: Record<RouteName, string>): boolean {
  return koa.method === 'POST' && CLIENT_AUTH_ROUTES.some((r) => routes[r] === koa.path);
}

/**
 * Okta parses only form bodies; a JSON body fails before any OAuth processing
 * with E0000021 (okta-sdk-python hit this when it moved to a JSON body, PR #429).
 */
export function oktaJsonBody(): Quirk {
  return {
    name: 'okta-json-body',
    description: 'a JSON body gets 400 E0000021',
    middleware: (ctx) => async (koa, next) => {
      if (!clientAuthPaths(koa, ctx.routes) || !/\bjson\b/i.test(koa.get('content-type'))) return next();
      koa.status = 400;
      koa.body = oktaApiError(
        'E0000021',
        'Bad request. Accept and/or Content-Type headers likely do not match supported values.',
      );
    },
  };
}

/**
 * Okta refuses a request carrying credentials in more than one place (Basic
 * header, client_secret, client_assertion) with its own invalid_client
 * message; oidc-provider would answer a generic invalid_request.
 */
export function oktaSingleCredential(): Quirk {
  return {
    name: 'okta-single-credential',
    description: 'credentials in more than one place get 401 invalid_client',
    middleware: (ctx) => async (koa, next) => {
      if (!clientAuthPaths(koa, ctx.routes)) return next();
      const body = await peekFormBody(koa);
      const sources = [
        /^basic\s/i.test(koa.get('authorization')),
        body.has('client_secret'),
        body.has('client_assertion'),
      ].filter(Boolean);
      if (sources.length < 2) return next();
      koa.status = 401;
      koa.body = {
        error: 'invalid_client',
        error_description:
          'Cannot supply multiple client credentials. Use one of the following: credentials in the ' +
          'Authorization header, credentials in the post body, or a client_assertion in the post ' +
          'body.',
      };
    },
  };
}

const SECRET_METHODS = new Set<string | undefined>(['client_secret_basic', 'client_secret_post']);

/**
 * Okta's answers to failed client authentication: an unknown client_id gets
 * the API error shape, a wrong secret its own invalid_client description.
 * Other client failures keep oidc-provider's explanation.
 */
export function oktaClientErrors(): Quirk {
  return errorShape({
    description: "unknown client_id and wrong client secret answered with Okta's bodies",
    routes: CLIENT_AUTH_ROUTES,
    map(error, _status, koa) {
      if (error.error !== 'invalid_client') return undefined;
      const client = koa.oidc?.client;
      // oidc-provider sets the client entity only once it found the client.
      if (!client)
        return { status: 401, body: oktaApiError('invalid_client', "Invalid value for 'client_id' parameter.") };
      const body = (koa.oidc.body ?? {}) as Record<string, unknown>;
      const secretPresented = /^basic\s/i.test(koa.get('authorization')) || typeof body.client_secret === 'string';
      if (SECRET_METHODS.has(client.clientAuthMethod) && secretPresented) {
        return {
          status: 401,
          body: {
            error: 'invalid_client',
            error_description: 'The client secret supplied for a confidential client is invalid.',
          },
        };
      }
      return undefined;
    },
  });
}
