import { randomUUID } from 'node:crypto';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Quirk } from '../../kernel/plugin-types.js';
import type { RouteName } from '../../kernel/routes.js';
import { errorShape, type OAuthError } from '../../quirks/error-shape.js';

/** An AADSTS error: its number, the OAuth error it goes with and its message. */
export interface Aadsts {
  code: number;
  error: string;
  message: string;
}

/** "2026-12-02 14:02:12Z": Entra's timestamp, in UTC to the second. */
function timestamp(now = new Date()): string {
  return `${now.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/**
 * The body Entra answers OAuth errors with: the AADSTS code and message, then the
 * trace id, correlation id (the client's client-request-id when it sent one) and
 * timestamp, repeated as fields, with error_codes and error_uri.
 */
export function aadstsBody(koa: KoaContextWithOIDC, failure: Aadsts): Record<string, unknown> {
  const traceId = randomUUID();
  const requested = koa.query['client-request-id'] ?? koa.get('client-request-id');
  const correlationId =
    typeof requested === 'string' && /^[0-9a-f-]{36}$/i.test(requested) ? requested.toLowerCase() : randomUUID();
  const at = timestamp();
  return {
    error: failure.error,
    error_description:
      `AADSTS${failure.code}: ${failure.message}\r\nTrace ID: ${traceId}\r\n` +
      `Correlation ID: ${correlationId}\r\nTimestamp: ${at}`,
    error_codes: [failure.code],
    timestamp: at,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${failure.code}`,
  };
}

/** Entra answers invalid_client with 401, every other token error with 400. */
export function aadstsStatus(failure: Aadsts): number {
  return failure.error === 'invalid_client' ? 401 : 400;
}

const param = (description: string | undefined) =>
  /'([a-z_]+)'|\b(code_verifier|client_id|grant_type|code|redirect_uri|scope|refresh_token)\b/.exec(description ?? '');

/** oidc-provider's error, as the AADSTS error Entra gives in the same situation. */
function translate(error: OAuthError, koa: KoaContextWithOIDC): Aadsts | undefined {
  const description = error.error_description ?? '';
  if (typeof error.aadsts === 'number')
    return { code: error.aadsts, error: error.error, message: description.replace(/[.]?$/, '.') };
  const clientId = koa.oidc?.client?.clientId ?? (koa.oidc?.params?.client_id as string | undefined) ?? '';
  switch (error.error) {
    case 'invalid_client': {
      if (!koa.oidc?.client)
        return {
          code: 700016,
          error: 'unauthorized_client',
          message:
            `Application with identifier '${clientId}' was not found in the directory. ` +
            'This can happen if the application has not been installed by the administrator of the tenant ' +
            'or consented to by any user in the tenant. ' +
            'You may have sent your authentication request to the wrong tenant.',
        };
      const body = (koa.oidc.body ?? {}) as Record<string, unknown>;
      if (typeof body.client_assertion === 'string')
        return { code: 700027, error: 'invalid_client', message: 'Client assertion failed signature validation.' };
      if (typeof body.client_secret === 'string' || /^basic\s/i.test(koa.get('authorization')))
        return {
          code: 7000215,
          error: 'invalid_client',
          message:
            'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, ' +
            `not the client secret ID, for a secret added to app '${clientId}'.`,
        };
      return {
        code: 7000218,
        error: 'invalid_client',
        message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      };
    }
    case 'invalid_grant':
      if (/code_verifier|PKCE/i.test(description))
        return {
          code: 501481,
          error: 'invalid_grant',
          message: 'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
        };
      if (koa.oidc?.params?.grant_type === 'refresh_token')
        return {
          code: 700082,
          error: 'invalid_grant',
          message: 'The refresh token has expired or is invalid.',
        };
      return {
        code: 70008,
        error: 'invalid_grant',
        message:
          'The provided authorization code or refresh token has expired due to inactivity. ' +
          'Send a new interactive authorization request for this user and resource.',
      };
    case 'unsupported_grant_type':
      return {
        code: 70003,
        error: 'unsupported_grant_type',
        message: `The app requested an unsupported grant type '${String(koa.oidc?.params?.grant_type ?? '')}'.`,
      };
    case 'invalid_scope':
      return {
        code: 70011,
        error: 'invalid_scope',
        message: "The provided value for the input parameter 'scope' is not valid.",
      };
    case 'unauthorized_client':
      return {
        code: 700016,
        error: 'unauthorized_client',
        message: `The client '${clientId}' is not authorized to use this grant type.`,
      };
    case 'invalid_request': {
      const missing = /missing required parameter/i.test(description) ? param(description) : null;
      if (missing)
        return {
          code: 900144,
          error: 'invalid_request',
          message: `The request body must contain the following parameter: '${missing[1] ?? missing[2]}'.`,
        };
      return { code: 9002313, error: 'invalid_request', message: 'Invalid request. Request is malformed or invalid.' };
    }
    default:
      return undefined;
  }
}

const TOKEN_ROUTES: RouteName[] = ['token', 'device_authorization'];

/**
 * Token endpoint errors in Entra's shape (AADSTS code, error_codes, trace and correlation ids), 401 for
 * invalid_client.
 */
export function entraErrors(): Quirk {
  return errorShape({
    description: 'token errors carry an AADSTS code, error_codes, trace_id, correlation_id, timestamp and error_uri',
    routes: TOKEN_ROUTES,
    map(error, _status, koa) {
      const failure = translate(error, koa);
      return failure ? { status: aadstsStatus(failure), body: aadstsBody(koa, failure) } : undefined;
    },
  });
}
