import { decodeProtectedHeader, jwtVerify } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { recordOf } from '../../kernel/evidence.js';
import { peekFormBody } from '../../kernel/form-body.js';
import type { Quirk, QuirkContext } from '../../kernel/plugin-types.js';
import { certificateKey } from './keys.js';

/** oauth2.googleapis.com/tokeninfo, and the older www.googleapis.com/oauth2/v3/tokeninfo. */
export const TOKENINFO_PATHS = ['/tokeninfo', '/oauth2/v3/tokeninfo'];

/** Google's tokeninfo answers every value as a string ("email_verified":"true", "exp":"1700000000"). */
function stringified(values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    out[name] = Array.isArray(value)
      ? value.join(' ')
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  }
  return out;
}

function invalid(koa: KoaContextWithOIDC, body: Record<string, string>): void {
  koa.status = 400;
  koa.body = body;
}

/** The ID token's claims and header, if Google's certificates verify it and it has not expired. */
async function idTokenInfo(idToken: string, ctx: QuirkContext): Promise<Record<string, string> | undefined> {
  try {
    const header = decodeProtectedHeader(idToken);
    const key = header.kid ? certificateKey(header.kid) : undefined;
    if (!key) return undefined;
    const { payload } = await jwtVerify(idToken, await key, { algorithms: ['RS256'] });
    // The issuer checks only that the token is its own: either form of the issuer is its own.
    const bare = ctx.issuer.replace(/^https:\/\//, '');
    if (payload.iss !== ctx.issuer && payload.iss !== bare) return undefined;
    return stringified({ ...payload, alg: header.alg, kid: header.kid, typ: header.typ ?? 'JWT' });
  } catch {
    return undefined;
  }
}

async function accessTokenInfo(presented: string, ctx: QuirkContext): Promise<Record<string, string> | undefined> {
  const token = await ctx
    .provider()
    .AccessToken.find(ctx.tokens.resolve(presented))
    .catch(() => undefined);
  if (!token || token.isExpired || typeof token.exp !== 'number') return undefined;
  const scopes = String(token.scope ?? '')
    .split(' ')
    .filter(Boolean);
  const user = token.accountId ? ctx.users.get(token.accountId) : undefined;
  const email = scopes.includes('email') ? user?.claims : undefined;
  const accessType = ctx.tokens.memo('google-access-type', 10_000, 24 * 3600).get(presented);
  return stringified({
    azp: token.clientId,
    aud: token.clientId,
    sub: token.accountId,
    scope: scopes.join(' '),
    exp: token.exp,
    expires_in: Math.max(0, token.exp - Math.floor(Date.now() / 1000)),
    email: email?.email,
    email_verified: email?.email_verified,
    access_type: accessType ?? 'online',
  });
}

/**
 * Google's tokeninfo, "for debugging only": GET or POST with `id_token` or `access_token`
 * (query or form), or the access token as a bearer header (google-auth-library's
 * getTokenInfo). Values are strings. A bad ID token gets 400 {"error_description":"Invalid
 * Value"} with no `error`; a bad access token 400 invalid_token "Invalid Value".
 */
export function googleTokenInfo(): Quirk {
  return {
    name: 'google_tokeninfo',
    description: 'GET/POST /tokeninfo?id_token=|access_token= answering string values',
    middleware: (ctx) => async (koa, next) => {
      if (!TOKENINFO_PATHS.includes(koa.path)) return next();
      const record = recordOf(koa.req);
      if (record) record.route = 'google_tokeninfo';
      if (koa.method !== 'GET' && koa.method !== 'POST') {
        koa.status = 405;
        koa.set('allow', 'GET, POST');
        koa.body = { error: 'invalid_request', error_description: `${koa.method} is not allowed` };
        return;
      }
      const form = koa.method === 'POST' ? await peekFormBody(koa) : new URLSearchParams();
      const param = (name: string) => {
        const fromQuery = koa.query[name];
        return typeof fromQuery === 'string' ? fromQuery : (form.get(name) ?? undefined);
      };
      const idToken = param('id_token');
      const bearer = /^Bearer\s+(\S+)$/i.exec(koa.get('authorization'))?.[1];
      const accessToken = param('access_token') ?? bearer;
      if (idToken !== undefined) {
        const info = await idTokenInfo(idToken, ctx);
        if (!info) return invalid(koa, { error_description: 'Invalid Value' });
        koa.status = 200;
        koa.body = info;
        return;
      }
      if (accessToken !== undefined) {
        const info = await accessTokenInfo(accessToken, ctx);
        if (!info) return invalid(koa, { error: 'invalid_token', error_description: 'Invalid Value' });
        if (record) record.clientId = info.azp;
        koa.status = 200;
        koa.body = info;
        return;
      }
      invalid(koa, {
        error: 'invalid_request',
        error_description: 'Either access_token, id_token, or token_handle required',
      });
    },
  };
}
