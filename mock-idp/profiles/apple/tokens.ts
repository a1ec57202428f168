import { recordOf } from '../../kernel/evidence.js';
import type { Quirk } from '../../kernel/plugin-types.js';
import { editIdToken } from '../../quirks/id-token.js';
import { reshapeResponse } from '../../quirks/reshape-response.js';

const ID_TOKEN_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'sub', 'nonce', 'at_hash', 'c_hash', 'auth_time']);
/** Released from the user's fixture as they are: strings "true"/"false" or booleans, as Apple sends either. */
const EMAIL_CLAIMS = ['email', 'email_verified', 'is_private_email'] as const;

/**
 * Apple's ID token: the standard claims, the email trio when the email scope
 * was granted (email_verified and is_private_email exactly as the fixture has
 * them: the strings "true"/"false" Apple's web flow sends, or booleans),
 * nonce_supported, real_user_status (an integer 0-2) and auth_time. Never the
 * name: Apple gives that only once, in the `user` form field.
 */
export function appleIdToken(): Quirk {
  return editIdToken({
    name: 'apple-id-token',
    description: 'ID token: email, email_verified and is_private_email (strings or booleans), real_user_status',
    async edit(token, koa, ctx) {
      const { payload } = token;
      for (const name of Object.keys(payload)) if (!ID_TOKEN_CLAIMS.has(name)) delete payload[name];
      const { AuthorizationCode, RefreshToken } = koa.oidc.entities;
      const grant = AuthorizationCode ?? RefreshToken;
      const claims = (payload.sub && ctx.users.get(payload.sub)?.claims) || {};
      const scopes = new Set((grant?.scope ?? '').split(' '));
      if (scopes.has('email'))
        for (const name of EMAIL_CLAIMS) if (claims[name] !== undefined) payload[name] = claims[name];
      if (typeof claims.real_user_status === 'number') payload.real_user_status = claims.real_user_status;
      payload.nonce_supported = true;
      if (payload.auth_time === undefined && typeof grant?.authTime === 'number') payload.auth_time = grant.authTime;
    },
  });
}

/**
 * Apple's token response: access_token, token_type "Bearer", expires_in,
 * refresh_token and id_token; no scope. A refresh answers without a refresh
 * token: the one the client holds stays valid.
 */
export function appleTokenResponse(): Quirk {
  return reshapeResponse({
    name: 'apple-token-response',
    description: 'token responses carry no scope; refreshes return no refresh token',
    routes: ['token'],
    when: 'success',
    reshape(body, koa) {
      delete body.scope;
      if (koa.oidc?.params?.grant_type === 'refresh_token') delete body.refresh_token;
    },
  });
}

const GRANT_DESCRIPTIONS: Record<string, string> = {
  authorization_code: 'The code has expired or has been revoked.',
  refresh_token: 'The token has expired or has been revoked.',
};

/**
 * Apple's token errors: HTTP 400, `{"error":"invalid_grant","error_description":
 * "The code has expired or has been revoked."}` for a dead code, and a bare
 * `{"error":"..."}` otherwise (observed responses; Apple documents only the
 * error codes).
 */
export function appleTokenErrors(): Quirk {
  return reshapeResponse({
    name: 'apple-token-errors',
    description: "token errors are 400 with Apple's bodies",
    routes: ['token', 'revocation'],
    when: 'error',
    reshape(body, koa) {
      const error = typeof body.error === 'string' ? body.error : 'invalid_request';
      const grantType = (koa.oidc?.params?.grant_type as string | undefined) ?? '';
      const description = error === 'invalid_grant' ? GRANT_DESCRIPTIONS[grantType] : undefined;
      koa.status = 400;
      koa.remove('www-authenticate');
      koa.body = description ? { error, error_description: description } : { error };
      const record = recordOf(koa.req);
      if (record) record.error = error;
    },
  });
}
