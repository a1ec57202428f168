import { randomBytes } from 'node:crypto';
import { decodeJwt, type JWTPayload } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { peekFormBody } from '../../kernel/form-body.js';
import type { Quirk, QuirkContext } from '../../kernel/plugin-types.js';
import { editIdToken } from '../../quirks/id-token.js';
import { jwtAccessTokens } from '../../quirks/jwt-access-tokens.js';
import { reshapeResponse } from '../../quirks/reshape-response.js';

/** Okta token ids: a type prefix and 32 random bytes, e.g. "ID.4eAWJOCMB3SX8XewDfVR-wbAP8lV8jyxYoL9nB0l0Ks". */
function oktaJti(prefix: 'ID' | 'AT'): string {
  return `${prefix}.${randomBytes(32).toString('base64url')}`;
}

/** When the user logged in, from the code, refresh token or device code the grant redeemed. */
function authTime(koa: KoaContextWithOIDC): number | undefined {
  const { AuthorizationCode, RefreshToken, DeviceCode } = koa.oidc.entities;
  return AuthorizationCode?.authTime ?? RefreshToken?.authTime ?? DeviceCode?.authTime;
}

/** An Okta user's login (an email address), which Okta access tokens carry as sub. */
export function oktaLogin(ctx: QuirkContext, userId: string): string {
  const user = ctx.users.get(userId);
  const login = user?.claims.preferred_username ?? user?.claims.email ?? user?.username;
  return typeof login === 'string' ? login : userId;
}

/**
 * ID tokens from the token endpoint as Okta issues them: header {kid, alg}
 * without typ, and ver, an "ID." jti, amr, idp and auth_time. sid is
 * Okta-foreign and kept only for clients registered for back-channel logout,
 * whose logout tokens refer to it.
 */
export function oktaIdToken(options: { idp: (ctx: QuirkContext) => string }): Quirk {
  return editIdToken({
    name: 'okta-id-token',
    description: 'ID tokens carry ver, jti "ID.…", amr, idp and auth_time, with no typ header',
    edit(token, koa, ctx) {
      const p = token.payload;
      token.typ = undefined;
      p.ver = 1;
      p.jti = oktaJti('ID');
      p.amr = Array.isArray(p.amr) && p.amr.length ? p.amr : ['pwd'];
      p.idp = options.idp(ctx);
      p.auth_time ??= authTime(koa) ?? p.iat;
      // resignIdToken recomputes a present at_hash from the access token actually returned.
      if (typeof (koa.body as { access_token?: unknown }).access_token === 'string') p.at_hash ??= '';
      if (!koa.oidc.client?.backchannelLogoutUri) delete p.sid;
    },
  });
}

/**
 * Okta custom authorization servers issue JWT access tokens: ver, an "AT."
 * jti, aud (the server's audience), cid, uid, scp as an array, auth_time, and
 * sub = the user's login. Client credentials tokens have sub = cid and no uid.
 */
export function oktaAccessTokens(options: { audience: (ctx: QuirkContext) => string }): Quirk {
  return jwtAccessTokens({
    description: 'access tokens are Okta JWTs (ver, jti "AT.…", cid, uid, scp[], sub = login)',
    claims(issued, ctx, koa): JWTPayload {
      const base = {
        ver: 1,
        jti: oktaJti('AT'),
        iss: ctx.issuer,
        aud: options.audience(ctx),
        iat: issued.iat,
        exp: issued.exp,
        cid: issued.clientId,
      };
      const scp = issued.scope.split(' ').filter(Boolean);
      if (!issued.accountId) return { ...base, scp, sub: issued.clientId };
      const auth = authTime(koa);
      return {
        ...base,
        uid: issued.accountId,
        scp,
        ...(auth !== undefined ? { auth_time: auth } : {}),
        sub: oktaLogin(ctx, issued.accountId),
      };
    },
  });
}

/** Okta's token response field order. */
const TOKEN_FIELDS = ['token_type', 'expires_in', 'access_token', 'scope', 'refresh_token', 'id_token'];

export function oktaTokenResponse(): Quirk {
  return reshapeResponse({
    name: 'okta-token-response',
    description: "token responses in Okta's field order",
    routes: ['token'],
    when: 'success',
    reshape(body, koa) {
      const ordered: Record<string, unknown> = {};
      for (const name of [...TOKEN_FIELDS, ...Object.keys(body)])
        if (body[name] !== undefined) ordered[name] = body[name];
      koa.body = ordered;
    },
  });
}

/**
 * Introspecting one of Okta's JWT access tokens answers with its claims the
 * way Okta does: username and sub are the login, plus uid, aud and jti (a
 * client credentials token has no username or uid). The presented JWT is read
 * here because the issuer swaps it for its opaque token before introspecting.
 */
export function oktaIntrospection(): Quirk {
  return {
    name: 'okta-introspection',
    description: 'introspection of an access token answers username, uid, aud and jti',
    middleware: (ctx) => async (koa, next) => {
      if (koa.method !== 'POST' || koa.path !== ctx.routes.introspection) return next();
      const presented = (await peekFormBody(koa)).get('token');
      await next();
      const body = koa.body as Record<string, unknown> | undefined;
      if (!presented || koa.status !== 200 || body?.active !== true || ctx.tokens.resolve(presented) === presented)
        return;
      let claims: JWTPayload;
      try {
        claims = decodeJwt(presented);
      } catch {
        return;
      }
      const user = claims.uid !== undefined;
      const answer: Record<string, unknown> = {
        active: true,
        scope: body.scope,
        username: user ? claims.sub : undefined,
        exp: body.exp,
        iat: body.iat,
        sub: claims.sub,
        aud: claims.aud,
        iss: body.iss ?? ctx.issuer,
        jti: claims.jti,
        token_type: 'Bearer',
        client_id: body.client_id,
        uid: claims.uid,
      };
      koa.body = Object.fromEntries(Object.entries(answer).filter(([, v]) => v !== undefined));
    },
  };
}
