import type { JWTPayload } from 'jose';
import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import { peekFormBody } from '../../kernel/form-body.js';
import type { Quirk, QuirkContext } from '../../kernel/plugin-types.js';
import type { SharedMemo } from '../../kernel/token-facade.js';
import { jwtAccessTokens } from '../../quirks/jwt-access-tokens.js';

/**
 * The audience each outstanding code, device code and refresh token was
 * issued for. An authorization request's `audience` must still count when the
 * token request does not repeat it, and refreshes keep the original audience.
 */
interface AudienceMemory {
  byCode: SharedMemo;
  byDeviceCode: SharedMemo;
  byRefreshToken: SharedMemo;
}

// Kept by the issuer's token facade, which outlives oidc-provider rebuilds (codes issued
// before a rebuild keep their audience) and shares them with other replicas in shared-store mode.
function memoryOf(ctx: QuirkContext): AudienceMemory {
  return {
    byCode: ctx.tokens.memo('auth0-audience-by-code', 20_000, 600),
    byDeviceCode: ctx.tokens.memo('auth0-audience-by-device-code', 20_000, 1800),
    byRefreshToken: ctx.tokens.memo('auth0-audience-by-refresh-token', 20_000, 90 * 24 * 3600),
  };
}

const AUDIENCE = Symbol('auth0.audience');
type WithAudience = KoaContextWithOIDC & { [AUDIENCE]?: string };

const audienceParam = (koa: KoaContextWithOIDC): string | undefined => {
  const value = koa.oidc?.params?.audience;
  return typeof value === 'string' && value ? value : undefined;
};

/**
 * Auth0's `audience` parameter (its name for the API a token is for). oidc-provider
 * knows it only at the authorization and device endpoints (extraParams) and
 * drops it from token requests, so it is read from the token request here, and
 * remembered from authorization and device requests for the grant that follows.
 */
export function auth0Audience(): Quirk {
  const listening = new WeakSet<Provider>();
  return {
    name: 'auth0-audience',
    description: 'the audience parameter of authorization, device and token requests selects the API',
    middleware: (ctx) => async (koa, next) => {
      const provider = ctx.provider();
      if (!listening.has(provider)) {
        listening.add(provider);
        const memory = memoryOf(ctx);
        provider.on('authorization.success', (octx, out) => {
          const audience = audienceParam(octx);
          if (audience && typeof out?.code === 'string') memory.byCode.set(out.code, audience);
        });
        provider.on('device_authorization.success', (octx, body) => {
          const audience = audienceParam(octx);
          if (audience && typeof body.device_code === 'string') memory.byDeviceCode.set(body.device_code, audience);
        });
      }
      if (koa.method === 'POST' && koa.path === ctx.routes.token) {
        const audience = (await peekFormBody(koa)).get('audience');
        if (audience) (koa as WithAudience)[AUDIENCE] = audience;
      }
      return next();
    },
  };
}

/**
 * The audience of the token request being answered: its own, or the one its code, device code or refresh token carries.
 */
function requestedAudience(koa: KoaContextWithOIDC, memory: AudienceMemory): string | undefined {
  const params = (koa.oidc.params ?? {}) as Record<string, unknown>;
  const lookup = (cache: SharedMemo, key: unknown) => (typeof key === 'string' ? cache.get(key) : undefined);
  return (
    (koa as WithAudience)[AUDIENCE] ??
    lookup(memory.byCode, params.code) ??
    lookup(memory.byDeviceCode, params.device_code) ??
    lookup(memory.byRefreshToken, params.refresh_token)
  );
}

/** Namespaced custom claims ("https://example.com/roles"), which Auth0 Actions add to access tokens too. */
function namespacedClaims(claims: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([name]) => /^https?:\/\//.test(name)));
}

/**
 * With an audience, Auth0 access tokens are JWTs: aud is the API, plus
 * <issuer>userinfo when openid was granted (so the token also works at
 * /userinfo), azp, scope as a string, gty for client credentials, and sub
 * "<client_id>@clients" for machine tokens. Without one they stay opaque,
 * good only at /userinfo.
 */
export function auth0AccessTokens(): Quirk {
  return jwtAccessTokens({
    description: 'with an audience, access tokens are Auth0 JWTs (aud [api, userinfo], azp, scope, gty)',
    typ: 'JWT',
    claims(issued, ctx, koa): JWTPayload | undefined {
      const memory = memoryOf(ctx);
      const audience = requestedAudience(koa, memory);
      if (!audience) return undefined;
      const refreshToken = (koa.body as { refresh_token?: unknown }).refresh_token;
      if (typeof refreshToken === 'string') memory.byRefreshToken.set(refreshToken, audience);
      const scopes = issued.scope.split(' ').filter(Boolean);
      const userinfo = `${ctx.issuer.replace(/\/$/, '')}${ctx.routes.userinfo}`;
      const user = issued.accountId ? ctx.users.get(issued.accountId) : undefined;
      return {
        ...(user ? namespacedClaims(user.claims) : {}),
        iss: ctx.issuer,
        sub: issued.accountId ?? `${issued.clientId}@clients`,
        aud: issued.accountId && scopes.includes('openid') ? [audience, userinfo] : audience,
        iat: issued.iat,
        exp: issued.exp,
        ...(scopes.length ? { scope: scopes.join(' ') } : {}),
        ...(issued.grantType === 'client_credentials' ? { gty: 'client-credentials' } : {}),
        azp: issued.clientId,
      };
    },
  });
}

/**
 * A client credentials request must name an API: Auth0 answers 403 unless a
 * default audience is configured for the tenant, which a mock tenant has not.
 */
export function auth0AudienceRequired(): Quirk {
  return {
    name: 'auth0-audience-required',
    description: 'client_credentials without an audience gets 403 access_denied',
    strict: true,
    middleware: (ctx) => async (koa, next) => {
      if (koa.method !== 'POST' || koa.path !== ctx.routes.token) return next();
      const params = await peekFormBody(koa);
      if (params.get('grant_type') !== 'client_credentials' || params.get('audience')) return next();
      koa.status = 403;
      koa.body = {
        error: 'access_denied',
        error_description: 'No audience parameter was provided, and no default audience has been configured',
      };
    },
  };
}
