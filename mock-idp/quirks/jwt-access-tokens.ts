import type { JWTPayload } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Quirk, QuirkContext } from '../kernel/plugin-types.js';
import { resignIdToken } from './id-token.js';
import { reshapeResponse } from './reshape-response.js';

/** What the issuer knows about an access token it just issued. */
export interface IssuedAccessToken {
  /** The opaque token oidc-provider stored. */
  opaque: string;
  clientId: string;
  /** Absent for client_credentials tokens. */
  accountId?: string | undefined;
  scope: string;
  iat: number;
  exp: number;
  grantType: string;
  /**
   * Token request parameters oidc-provider kept for the grant; extra ones (Auth0's `audience`) are stripped, so read
   * them with peekFormBody before next().
   */
  params: Record<string, unknown>;
}

/**
 * Presents the access token as a JWT built by `claims` (Okta, Auth0 with an
 * audience) while the issuer keeps its opaque token for userinfo, introspection
 * and revocation through the token facade. Returning undefined keeps it opaque.
 */
export function jwtAccessTokens(options: {
  description: string;
  /** JOSE typ header of the access token (Auth0: "JWT"; RFC 9068: "at+jwt"); omitted when not given. */
  typ?: string;
  claims(
    token: IssuedAccessToken,
    ctx: QuirkContext,
    koa: KoaContextWithOIDC,
  ): JWTPayload | undefined | Promise<JWTPayload | undefined>;
}): Quirk {
  return reshapeResponse({
    name: 'jwt-access-tokens',
    description: options.description,
    routes: ['token'],
    when: 'success',
    async reshape(body, koa, ctx) {
      const opaque = body.access_token;
      if (typeof opaque !== 'string') return;
      const provider = ctx.provider();
      const stored = (await provider.AccessToken.find(opaque)) ?? (await provider.ClientCredentials.find(opaque));
      if (!stored) return;
      const params = (koa.oidc.params ?? {}) as Record<string, unknown>;
      const issued: IssuedAccessToken = {
        opaque,
        clientId: stored.clientId!,
        accountId: (stored as { accountId?: string }).accountId,
        scope: stored.scope ?? '',
        iat: stored.iat!,
        exp: stored.exp!,
        grantType: String(params.grant_type ?? ''),
        params,
      };
      const payload = await options.claims(issued, ctx, koa);
      if (!payload) return;
      const jwt = await ctx.sign(payload, options.typ ? { typ: options.typ } : {});
      ctx.tokens.present(opaque, jwt, issued.exp - issued.iat);
      body.access_token = jwt;
      if (typeof body.id_token === 'string') body.id_token = await resignIdToken(body.id_token, jwt, ctx);
    },
  });
}
