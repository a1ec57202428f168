import { createHash, randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Quirk, QuirkContext } from '../../kernel/plugin-types.js';
import { editIdToken } from '../../quirks/id-token.js';
import { jwtAccessTokens } from '../../quirks/jwt-access-tokens.js';
import { reshapeResponse } from '../../quirks/reshape-response.js';
import { entraRequest, GRAPH } from './scopes.js';
import { tokenIssuer, tokenTenant } from './tenant.js';

/** Microsoft Graph's application id: the aud of Graph access tokens. */
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** Entra's opaque per-token values (aio, rh, uti): random base64url of Entra's usual lengths. */
const opaque = (bytes: number) => randomBytes(bytes).toString('base64url');

function userOf(ctx: QuirkContext, sub: unknown) {
  return typeof sub === 'string' ? ctx.users.get(sub) : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * v2.0 ID tokens: ver "2.0", tid, aio, rh and uti, typ JWT; on common and
 * organizations iss names the user's tenant (the discovery document names {tenantid}).
 */
export function entraIdToken(): Quirk {
  return editIdToken({
    // Their iss is not the issuer's own identifier: the logout endpoint knows them by the token oidc-provider made.
    resigned: (issued, original, ctx) => issuedIdTokens(ctx).set(issued, original),
    name: 'entra-id-token',
    description:
      'ID tokens carry ver "2.0", tid and the tenant\'s own iss (the user\'s tenant on common/organizations)',
    edit(token, _koa, ctx) {
      const p = token.payload;
      const tid = tokenTenant(ctx, userOf(ctx, p.sub)?.claims.tid);
      token.typ = 'JWT';
      p.iss = tokenIssuer(ctx, tid);
      p.tid = tid;
      p.ver = '2.0';
      p.aio = opaque(90);
      p.rh = `1.${opaque(48)}.`;
      p.uti = opaque(16);
    },
  });
}

/**
 * The ID tokens this issuer gave, each with the token oidc-provider made before its claims became Entra's. Bounded:
 * a hint older than the last thousand logins on the issuer is refused, as a forged one is.
 */
const issuedIdTokens = (ctx: QuirkContext) => ctx.tokens.memo('entra-id-tokens', 1000, 24 * 3600);

/**
 * Entra takes its own ID tokens as id_token_hint at its logout endpoint. Their iss names the user's tenant, so
 * oidc-provider, which checks a hint's iss against this issuer's identifier, would refuse every one: a hint this
 * issuer gave is handed on as the token oidc-provider made. Any other hint reaches oidc-provider as sent.
 */
export function entraLogoutHint(): Quirk {
  return {
    name: 'entra-logout-hint',
    description: "its ID tokens, whose iss names the user's tenant, are taken as id_token_hint at logout",
    // A logout POST reaches the quirks as its GET (the pipeline's logout by POST).
    middleware: (ctx) => (koa, next) => {
      if (koa.path !== ctx.routes.end_session || koa.method !== 'GET') return next();
      const params = new URLSearchParams(koa.querystring);
      const hint = params.get('id_token_hint');
      const original = hint ? issuedIdTokens(ctx).get(hint) : undefined;
      if (original) {
        params.set('id_token_hint', original);
        koa.querystring = params.toString();
      }
      return next();
    },
  };
}

/** api://<guid> and bare GUIDs name an app by its id, which v2.0 tokens carry as aud. */
function audienceOf(resource: string): string {
  const id = /^(?:api:\/\/)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(resource);
  return id ? id[1]!.toLowerCase() : resource;
}

/** appidacr/azpacr: 0 for a public client, 1 for a secret, 2 for a certificate (a client assertion). */
function clientAuthClass(koa: KoaContextWithOIDC): '0' | '1' | '2' {
  const method = koa.oidc.client?.clientAuthMethod;
  if (method === 'none') return '0';
  return method === 'private_key_jwt' ? '2' : '1';
}

/**
 * Access tokens are JWTs for the requested resource: Microsoft Graph's in the
 * v1.0 format (iss https://sts.windows.net/{tid}/, appid, unique_name, scp) as
 * Graph's are, any other API's in the v2.0 format (iss …/{tid}/v2.0, azp,
 * preferred_username). Delegated tokens carry scp, app-only ones idtyp "app".
 */
export function entraAccessTokens(): Quirk {
  return jwtAccessTokens({
    description: 'JWT access tokens: v1.0 (sts.windows.net) for Graph, v2.0 for other resources',
    typ: 'JWT',
    claims(issued, ctx, koa) {
      const request = entraRequest(koa);
      const resource = request?.resource ?? GRAPH;
      const user = issued.accountId ? ctx.users.get(issued.accountId) : undefined;
      const claims = user?.claims ?? {};
      const tid = tokenTenant(ctx, claims.tid);
      const scp = (request?.resourceScopes ?? []).filter((s) => s !== '.default');
      const delegated = user !== undefined;
      const common = {
        iat: issued.iat,
        nbf: issued.iat,
        exp: issued.exp,
        aio: opaque(90),
        idtyp: delegated ? 'user' : 'app',
        oid: delegated ? str(claims.oid) : uuidFor(issued.clientId),
        rh: `1.${opaque(48)}.`,
        sub: delegated ? (str(claims.oid) ?? issued.accountId) : uuidFor(issued.clientId),
        tid,
        uti: opaque(16),
      };
      const person = delegated
        ? {
            name: str(claims.name),
            given_name: str(claims.given_name),
            family_name: str(claims.family_name),
            scp: [...scp, ...issued.scope.split(' ').filter((s) => s === 'openid' || s === 'profile' || s === 'email')]
              .join(' ')
              .trim(),
          }
        : {};
      if (resource === GRAPH) {
        return defined({
          aud: GRAPH_APP_ID,
          iss: `https://sts.windows.net/${tid}/`,
          ...common,
          acct: 0,
          acr: delegated ? '1' : undefined,
          amr: delegated ? ['pwd'] : undefined,
          app_displayname: koa.oidc.client?.clientName,
          appid: issued.clientId,
          appidacr: clientAuthClass(koa),
          ...person,
          unique_name: delegated ? str(claims.preferred_username) : undefined,
          upn: delegated ? str(claims.preferred_username) : undefined,
          ver: '1.0',
        });
      }
      return defined({
        aud: audienceOf(resource),
        iss: tokenIssuer(ctx, tid),
        ...common,
        azp: issued.clientId,
        azpacr: clientAuthClass(koa),
        ...person,
        preferred_username: delegated ? str(claims.preferred_username) : undefined,
        ver: '2.0',
      });
    },
  });
}

/** The claims that have a value: Entra leaves a claim out rather than sending null. */
function defined(claims: Record<string, unknown>): JWTPayload {
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined && v !== ''));
}

/** A stable GUID for an app's service principal: app-only tokens carry it as oid and sub. */
function uuidFor(clientId: string): string {
  const h = createHash('sha256').update(`sp:${clientId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Entra's token response members: ext_expires_in, the granted scopes with the
 * resource's first (client credentials answer none), and client_info
 * ({"uid": oid, "utid": tid}, base64url) when the request asked with client_info=1.
 */
export function entraTokenResponse(): Quirk {
  return reshapeResponse({
    name: 'entra-token-response',
    description: 'token responses carry ext_expires_in, client_info (when asked) and the resource scopes',
    routes: ['token'],
    when: 'success',
    reshape(body, koa, ctx) {
      if (typeof body.access_token !== 'string') return;
      const request = entraRequest(koa);
      if (typeof body.expires_in === 'number') body.ext_expires_in = body.expires_in;
      if (koa.oidc.params?.grant_type === 'client_credentials') {
        delete body.scope;
        return;
      }
      const granted = typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [];
      const resourceScopes = request?.resourceScopes.length ? request.resourceScopes : ['User.Read'];
      const qualified =
        request && request.resource !== GRAPH ? resourceScopes.map((s) => `${request.resource}/${s}`) : resourceScopes;
      body.scope = [...qualified, ...granted].join(' ');
      const accountId = koa.oidc.entities.AuthorizationCode?.accountId ?? koa.oidc.entities.RefreshToken?.accountId;
      if (request?.clientInfo && accountId) {
        const claims = ctx.users.get(accountId)?.claims ?? {};
        const info = { uid: str(claims.oid) ?? accountId, utid: tokenTenant(ctx, claims.tid) };
        body.client_info = Buffer.from(JSON.stringify(info)).toString('base64url');
      }
    },
  });
}
