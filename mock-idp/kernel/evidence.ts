import type { IncomingMessage } from 'node:http';
import { Provider } from 'oidc-provider';
import { decodeToken, issuedTokens, presentedTokens } from '../log/decoded-tokens.js';
import { basicClientId, decodeAssertion, maskParams } from '../log/mask.js';
import type { RequestRecord } from '../log/request-log.js';
import type { Middleware } from './plugin-types.js';
import { authorizationToken, findAccessToken } from './presented-token.js';
import type { TokenFacade } from './token-facade.js';

const RECORD = Symbol.for('mock-idp.request-record');

export function attachRecord(req: IncomingMessage, record: RequestRecord): void {
  (req as IncomingMessage & { [RECORD]?: RequestRecord })[RECORD] = record;
}

export function recordOf(req: IncomingMessage): RequestRecord | undefined {
  return (req as IncomingMessage & { [RECORD]?: RequestRecord })[RECORD];
}

const POSTED = Symbol.for('mock-idp.posted-form');

/**
 * A form the client posted that oidc-provider is handed in another shape (a logout POST taken as its GET): the
 * record decodes the tokens the client sent from it, not from what a quirk then made of them.
 */
export function notePostedForm(req: IncomingMessage, params: Record<string, string>): void {
  (req as IncomingMessage & { [POSTED]?: Record<string, string> })[POSTED] = params;
}

function postedForm(req: IncomingMessage): Record<string, string> {
  return (req as IncomingMessage & { [POSTED]?: Record<string, string> })[POSTED] ?? {};
}

/** A non-empty string parameter. */
const parameter = (params: Record<string, unknown>, name: string) =>
  typeof params[name] === 'string' && params[name] ? (params[name] as string) : undefined;

/** How the client presented its credentials, read from the request rather than from the client's registration. */
function presentedAuthMethod(body: Record<string, unknown>, authorization: string | undefined): string | undefined {
  if (authorization?.toLowerCase().startsWith('basic ')) return 'client_secret_basic';
  if (typeof body.client_assertion === 'string') {
    const alg = decodeAssertion(body.client_assertion)?.header.alg;
    return typeof alg === 'string' && alg.startsWith('HS') ? 'client_secret_jwt' : 'private_key_jwt';
  }
  // oidc-provider takes an empty secret as none: so does the record, or a public client would read as confidential.
  if (parameter(body, 'client_secret')) return 'client_secret_post';
  if (typeof body.client_id === 'string') return 'none';
  return undefined;
}

/**
 * The client an access token was issued to, from the issuer's store while it holds the token (expired or not), for
 * a request nothing else named a client for: one oidc-provider refused before reading its token (a scheme other
 * than Bearer), or a resource API refused. It still belongs to that client: the conformance kit reads a case's
 * requests by client, and a client that used a token it was told not to use must not vanish from its own record
 * because the issuer said no. With a shared store, the prefetch step has loaded the token's mapping by now.
 */
async function tokenOwner(provider: Provider, tokens: TokenFacade, value: string): Promise<string | undefined> {
  const found = await findAccessToken(provider, tokens, value, { ignoreExpiration: true });
  return found?.stored.clientId;
}

/** The one client a browser's session at the issuer was signed in to, or undefined when none or several were. */
export function soleSessionClient(session: unknown): string | undefined {
  const authorizations = (session as { authorizations?: Record<string, unknown> } | undefined)?.authorizations;
  const clients = Object.keys(authorizations ?? {});
  return clients.length === 1 ? clients[0] : undefined;
}

/**
 * Fills the request record with what oidc-provider parsed: route, client, body
 * parameters and client authentication. It runs first and reads after the
 * response, so it sees the final status and error of every route.
 */
export function evidenceMiddleware(issuerName: string, tokenFacade: TokenFacade, provider: () => Provider): Middleware {
  return async (ctx, next) => {
    const record = recordOf(ctx.req);
    // The query as the client sent it, where it can carry a token to decode: a quirk may hand oidc-provider another
    // (Entra's logout hint). Tested on the raw string, so most requests parse nothing.
    const sentQuery = ctx.querystring.includes('_token') ? { ...ctx.query } : undefined;
    try {
      await next();
    } finally {
      if (record) {
        const oidc = ctx.oidc as typeof ctx.oidc | undefined;
        const body = (oidc?.body ?? {}) as Record<string, unknown>;
        const authorization = ctx.get('authorization') || undefined;
        record.issuer = issuerName;
        record.route = oidc?.route ?? record.route;
        if (Object.keys(body).length) record.body = maskParams(body);
        record.clientId =
          oidc?.client?.clientId ??
          (typeof body.client_id === 'string' ? body.client_id : undefined) ??
          (typeof ctx.query.client_id === 'string' ? ctx.query.client_id : undefined) ??
          basicClientId(authorization) ??
          // A resource API quirk names the client its token belongs to: keep it.
          record.clientId;
        // A logout request may name no client (no id_token_hint, no client_id): the session it ends does, when that
        // session was signed in to one client only.
        if (record.clientId === undefined && record.route?.startsWith('end_session'))
          record.clientId = soleSessionClient(oidc?.session);
        if (record.clientId === undefined) {
          const token =
            authorizationToken(authorization) ??
            parameter(body, 'access_token') ??
            parameter(ctx.query, 'access_token');
          if (token) record.clientId = await tokenOwner(provider(), tokenFacade, token);
        }
        const method = presentedAuthMethod(body, authorization);
        if (
          method &&
          (record.route === 'token' ||
            record.route === 'introspection' ||
            record.route === 'revocation' ||
            record.route === 'device_authorization' ||
            record.route === 'pushed_authorization_request')
        ) {
          record.clientAuth = { method, assertion: decodeAssertion(body.client_assertion) };
        }
        const responseBody = ctx.body as { error?: unknown; error_description?: unknown } | undefined;
        if (
          ctx.status >= 400 &&
          responseBody &&
          typeof responseBody === 'object' &&
          typeof responseBody.error === 'string'
        ) {
          record.error = responseBody.error;
          if (typeof responseBody.error_description === 'string')
            record.errorDescription = responseBody.error_description;
        }
        // Decoded without signatures, so the log shows what was issued and presented without keeping anything usable.
        const tokens = [
          ...presentedTokens({ ...(sentQuery ?? {}), ...body, ...postedForm(ctx.req) }),
          ...(record.route === 'token' && ctx.status < 400 ? issuedTokens(ctx.body) : []),
        ];
        if (tokens.length) record.tokens = tokens;
      }
    }
  };
}

/**
 * A logout token goes out from mock-idp (to a client's back-channel logout
 * URI) while the logout request that caused it is served: it is recorded,
 * decoded, on that request's record, so the log shows every JWT mock-idp sent.
 */
export function noteOutbound(url: string, init: RequestInit | undefined): void {
  const body = init?.body;
  if (!(body instanceof URLSearchParams)) return;
  const token = decodeToken('logout_token', body.get('logout_token'));
  const ctx = Provider.ctx;
  const record = ctx && recordOf(ctx.req);
  if (!token || !record) return;
  record.tokens = [...(record.tokens ?? []), token];
  record.notes = [...(record.notes ?? []), `back-channel logout token sent to ${url}`];
}
