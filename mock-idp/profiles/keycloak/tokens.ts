import { randomUUID } from 'node:crypto';
import { type JWTPayload, SignJWT } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { rewriteFormBody } from '../../kernel/form-body.js';
import type { Quirk, QuirkContext } from '../../kernel/plugin-types.js';
import { editIdToken } from '../../quirks/id-token.js';
import { jwtAccessTokens } from '../../quirks/jwt-access-tokens.js';
import { reshapeResponse } from '../../quirks/reshape-response.js';
import type { User } from '../../users/user-store.js';
import { realmHmacKey, realmOf, uuidFrom } from './realm.js';

/** Realm roles every user holds through default-roles-<realm>. */
const DEFAULT_REALM_ROLES = ['offline_access', 'uma_authorization'];
/** The account console's roles that default-roles-<realm> grants. */
const ACCOUNT_ROLES = ['manage-account', 'manage-account-links', 'view-profile'];
/** Claims of the profile and email client scopes, which Keycloak applies by default to every client. */
const DEFAULT_SCOPE_CLAIMS = ['email_verified', 'name', 'preferred_username', 'given_name', 'family_name', 'email'];

type RoleMap = Record<string, { roles: string[] }>;

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** realm_access and resource_access for a user: the realm's defaults plus the fixture's own roles. */
export function roleClaims(user: User | undefined, realm: string) {
  const ownRealm = stringList((user?.claims.realm_access as { roles?: unknown } | undefined)?.roles);
  const realmRoles = [...new Set([`default-roles-${realm}`, ...DEFAULT_REALM_ROLES, ...ownRealm])];
  const resource: RoleMap = {};
  const given = (user?.claims.resource_access ?? {}) as Record<string, { roles?: unknown } | undefined>;
  for (const [client, entry] of Object.entries(given)) {
    const roles = stringList(entry?.roles);
    if (roles.length) resource[client] = { roles };
  }
  resource.account = { roles: [...new Set([...ACCOUNT_ROLES, ...(resource.account?.roles ?? [])])] };
  return { realm_access: { roles: realmRoles }, resource_access: resource };
}

/** Keycloak's audience: every client the token carries roles for, but the client it was issued to. */
function audience(resource: RoleMap, azp: string): string | string[] | undefined {
  const aud = Object.keys(resource).filter((c) => c !== azp);
  return aud.length > 1 ? aud : aud[0];
}

/** The scope Keycloak reports: what was asked for plus the default client scopes profile and email. */
function grantedScope(scope: string): string {
  return [...new Set([...scope.split(' ').filter(Boolean), 'profile', 'email'])].join(' ');
}

/** The Keycloak session of a grant: one UUID, the same in every token of a login and its refreshes. */
async function sessionId(ctx: QuirkContext, opaque: string): Promise<string | undefined> {
  const stored = await ctx.provider().AccessToken.find(opaque);
  return stored?.grantId ? uuidFrom(ctx.issuer, stored.grantId) : undefined;
}

const SESSION = Symbol('keycloak-session');
const sessionOf = (koa: KoaContextWithOIDC) => (koa.state as Record<symbol, string | undefined>)[SESSION];

function authTime(koa: KoaContextWithOIDC): number | undefined {
  const { AuthorizationCode, RefreshToken } = koa.oidc.entities;
  return AuthorizationCode?.authTime ?? RefreshToken?.authTime;
}

/** The profile and email claims of the default client scopes. */
export function userClaims(user: User | undefined): Record<string, unknown> {
  if (!user) return {};
  const all: Record<string, unknown> = { preferred_username: user.username, ...user.claims };
  return Object.fromEntries(DEFAULT_SCOPE_CLAIMS.filter((n) => all[n] !== undefined).map((n) => [n, all[n]]));
}

/**
 * Access tokens are RS256 JWTs as Keycloak issues them: typ "Bearer", azp, sid,
 * acr, allowed-origins, realm_access.roles and resource_access.<client>.roles,
 * aud "account" (every client the token has roles for), and the profile and
 * email claims of the default client scopes. Service-account tokens (client
 * credentials) have the service-account user as sub and no sid.
 */
export function keycloakAccessTokens(): Quirk {
  return jwtAccessTokens({
    description: 'access tokens are Keycloak JWTs (typ Bearer, azp, sid, realm_access, resource_access)',
    typ: 'JWT',
    async claims(issued, ctx, koa): Promise<JWTPayload> {
      const realm = realmOf(ctx);
      const user = issued.accountId ? ctx.users.get(issued.accountId) : undefined;
      const roles = roleClaims(user, realm);
      const client = await ctx.provider().Client.find(issued.clientId);
      const origins = [...new Set((client?.redirectUris ?? []).map((u) => new URL(u).origin))];
      const sid = issued.accountId ? await sessionId(ctx, issued.opaque) : undefined;
      (koa.state as Record<symbol, string | undefined>)[SESSION] = sid;
      const auth = authTime(koa);
      const aud = audience(roles.resource_access, issued.clientId);
      const subject = issued.accountId
        ? { sub: issued.accountId }
        : { sub: uuidFrom(realm, 'service-account', issued.clientId) };
      return {
        exp: issued.exp,
        iat: issued.iat,
        ...(auth !== undefined ? { auth_time: auth } : {}),
        // Keycloak 26 prefixes jti with the grant: "onrtac" for a code, "trrtcc" for a refresh.
        jti: `${issued.grantType === 'refresh_token' ? 'trrtcc' : 'onrtac'}:${randomUUID()}`,
        iss: ctx.issuer,
        ...(aud !== undefined ? { aud } : {}),
        ...subject,
        typ: 'Bearer',
        azp: issued.clientId,
        ...(sid ? { sid } : {}),
        acr: '1',
        'allowed-origins': origins,
        ...roles,
        scope: grantedScope(issued.scope),
        ...(issued.accountId
          ? userClaims(user)
          : {
              email_verified: false,
              preferred_username: `service-account-${issued.clientId}`,
              client_id: issued.clientId,
            }),
      };
    },
  });
}

/**
 * ID tokens: typ "ID", azp, sid (the access token's), acr, the default
 * scopes' profile and email claims, and never the role claims, which
 * Keycloak's roles scope puts in access tokens only.
 */
export function keycloakIdToken(): Quirk {
  return editIdToken({
    name: 'keycloak-id-token',
    description: 'ID tokens carry typ "ID", azp, sid and the profile and email claims, never roles',
    edit(token, koa, ctx) {
      const p = token.payload;
      token.typ = 'JWT';
      const user = typeof p.sub === 'string' ? ctx.users.get(p.sub) : undefined;
      delete p.realm_access;
      delete p.resource_access;
      Object.assign(p, userClaims(user), { typ: 'ID', azp: koa.oidc.client?.clientId, acr: '1' });
      p.jti ??= randomUUID();
      p.auth_time ??= authTime(koa) ?? p.iat;
      const sid = sessionOf(koa);
      if (sid) p.sid = sid;
    },
  });
}

/**
 * Refresh tokens are JWTs signed HS512 with the realm's secret (its kid is in
 * no JWKS): typ "Refresh", or "Offline" with offline_access, aud = the realm's
 * issuer. The token response gains refresh_expires_in, not-before-policy and
 * session_state. Every refresh answers a new JWT; the earlier ones stay valid
 * (Keycloak's "Revoke Refresh Token" is off by default).
 */
export function keycloakTokenResponse(): Quirk {
  return reshapeResponse({
    name: 'keycloak-token-response',
    description: 'HS512 refresh-token JWTs (typ Refresh/Offline), refresh_expires_in, not-before-policy, session_state',
    routes: ['token'],
    when: 'success',
    async reshape(body, koa, ctx) {
      const scope = typeof body.scope === 'string' ? body.scope : '';
      const sid = sessionOf(koa);
      const out: Record<string, unknown> = {
        access_token: body.access_token,
        expires_in: body.expires_in,
        refresh_expires_in: 0,
      };
      if (typeof body.refresh_token === 'string') {
        const opaque = body.refresh_token;
        const stored = await ctx.provider().RefreshToken.find(opaque);
        const offline = scope.split(' ').includes('offline_access');
        const now = Math.floor(Date.now() / 1000);
        const ttl = stored?.exp ? stored.exp - now : 0;
        const { kid, key } = realmHmacKey(realmOf(ctx));
        const payload: JWTPayload = {
          iat: now,
          jti: randomUUID(),
          iss: ctx.issuer,
          aud: ctx.issuer,
          ...(stored?.accountId ? { sub: stored.accountId } : {}),
          typ: offline ? 'Offline' : 'Refresh',
          azp: stored?.clientId,
          ...(sid ? { sid } : {}),
          scope: grantedScope(scope),
        };
        // Offline tokens have no exp: they live until the offline session idles out.
        if (!offline && stored?.exp) payload.exp = stored.exp;
        const jwt = await new SignJWT(payload).setProtectedHeader({ alg: 'HS512', typ: 'JWT', kid }).sign(key);
        out.refresh_expires_in = offline ? 0 : Math.max(0, ttl);
        out.refresh_token = ctx.tokens.present(opaque, jwt, Math.max(ttl, 1));
      }
      out.token_type = 'Bearer';
      if (body.id_token !== undefined) out.id_token = body.id_token;
      out['not-before-policy'] = 0;
      if (sid) out.session_state = sid;
      out.scope = grantedScope(scope);
      koa.body = out;
    },
  });
}

/**
 * A refresh token comes back as the JWT the client was given: it is turned
 * back into the issuer's own token before oidc-provider reads the request.
 */
export function keycloakRefreshRequest(): Quirk {
  return {
    name: 'keycloak-refresh-request',
    description: 'refresh_token JWTs are resolved to the stored refresh token',
    middleware: (ctx) => async (koa, next) => {
      const isForm = (koa.req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
      if (koa.method !== 'POST' || !isForm || koa.path !== ctx.routes.token) return next();
      let presented: string | null = null;
      await rewriteFormBody(koa, (params) => {
        presented = params.get('refresh_token');
        if (presented) params.set('refresh_token', ctx.tokens.resolve(presented));
      });
      await next();
      // The request log shows the token the client sent, not the issuer's own.
      const parsed = koa.oidc?.body as Record<string, unknown> | undefined;
      if (parsed && presented) parsed.refresh_token = presented;
    },
  };
}

/** Keycloak's token error descriptions (observed in issue threads), by error and grant. */
export function keycloakTokenErrors(): Quirk {
  return reshapeResponse({
    name: 'keycloak-token-errors',
    description:
      'token errors read "Code not valid", "Token is not active", "Invalid client or Invalid client credentials"',
    routes: ['token'],
    when: 'error',
    reshape(body, koa) {
      const grant = (koa.oidc?.params as { grant_type?: unknown } | undefined)?.grant_type;
      if (body.error === 'invalid_client') body.error_description = 'Invalid client or Invalid client credentials';
      else if (body.error === 'invalid_grant' && grant === 'authorization_code')
        body.error_description = 'Code not valid';
      else if (body.error === 'invalid_grant' && grant === 'refresh_token')
        body.error_description = 'Token is not active';
    },
  });
}
