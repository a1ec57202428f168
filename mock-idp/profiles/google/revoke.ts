import { recordOf } from '../../kernel/evidence.js';
import { peekFormBody } from '../../kernel/form-body.js';
import type { Quirk } from '../../kernel/plugin-types.js';

/**
 * oauth2.googleapis.com/revoke takes the token alone, in the query or the form, with no
 * client authentication (google-auth-library's revokeToken POSTs `?token=` and nothing
 * else), where oidc-provider's RFC 7009 endpoint wants the client. Revoking either token of
 * a grant ends the whole grant, as Google's docs say of a refresh token and its access tokens.
 * An unknown or dead token is 400 invalid_token (observed; RFC 7009 would answer 200).
 */
export function googleRevoke(): Quirk {
  return {
    name: 'google-revoke',
    description: 'POST /revoke?token= without client authentication; a dead token gets 400 invalid_token',
    middleware: (ctx) => async (koa, next) => {
      if (koa.path !== ctx.routes.revocation) return next();
      const record = recordOf(koa.req);
      if (record) record.route = 'revocation';
      if (koa.method !== 'POST' && koa.method !== 'GET') {
        koa.status = 405;
        koa.set('allow', 'GET, POST');
        koa.body = { error: 'invalid_request', error_description: `${koa.method} is not allowed` };
        return;
      }
      const fromQuery = koa.query.token;
      const presented =
        typeof fromQuery === 'string'
          ? fromQuery
          : koa.method === 'POST'
            ? (await peekFormBody(koa)).get('token')
            : null;
      if (!presented) {
        koa.status = 400;
        koa.body = { error: 'invalid_request', error_description: 'Bad Request' };
        return;
      }
      const provider = ctx.provider();
      const value = ctx.tokens.resolve(presented);
      const token =
        (await provider.AccessToken.find(value).catch(() => undefined)) ??
        (await provider.RefreshToken.find(value).catch(() => undefined));
      if (!token || token.isExpired) {
        koa.status = 400;
        koa.body = { error: 'invalid_token', error_description: 'Token expired or revoked' };
        return;
      }
      if (record) record.clientId = token.clientId;
      await token.destroy();
      const grantId = token.grantId;
      if (grantId) {
        await Promise.all([
          provider.AccessToken.revokeByGrantId(grantId),
          provider.RefreshToken.revokeByGrantId(grantId),
          provider.AuthorizationCode.revokeByGrantId(grantId),
        ]);
        const grant = await provider.Grant.find(grantId).catch(() => undefined);
        await grant?.destroy();
      }
      koa.status = 200;
      koa.body = {};
    },
  };
}
