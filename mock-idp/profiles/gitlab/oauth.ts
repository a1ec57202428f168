import type { Quirk } from '../../kernel/plugin-types.js';
import { editIdToken } from '../../quirks/id-token.js';
import { reshapeResponse } from '../../quirks/reshape-response.js';

/** GitLab's OIDC claims beyond sub (config/initializers/doorkeeper_openid_connect.rb). */
export const GITLAB_GROUP_ROLE_CLAIMS = [
  'https://gitlab.org/claims/groups/owner',
  'https://gitlab.org/claims/groups/maintainer',
  'https://gitlab.org/claims/groups/developer',
] as const;

export const GITLAB_PROFILE_CLAIMS = [
  'name',
  'nickname',
  'preferred_username',
  'website',
  'profile',
  'picture',
] as const;

export const GITLAB_CLAIMS = [
  'sub_legacy',
  ...GITLAB_PROFILE_CLAIMS,
  'email',
  'email_verified',
  'groups',
  'groups_direct',
  ...GITLAB_GROUP_ROLE_CLAIMS,
] as const;

// doorkeeper-openid_connect puts a claim in the ID token only when it says
// `response: [:id_token]`; GitLab does that for these four, every other claim
// is userinfo-only. groups_direct is the one that is ID-token-only.
const ID_TOKEN_CLAIMS = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'sub_legacy',
  'email',
  'email_verified',
  'groups_direct',
]);
const USERINFO_CLAIMS = new Set<string>(['sub', ...GITLAB_CLAIMS.filter((c) => c !== 'groups_direct')]);

/**
 * GitLab's ID token: the claims above and nothing else (no at_hash, sid, acr or
 * amr: doorkeeper-openid_connect emits none of them for the code flow), and
 * always auth_time, which oidc-provider adds only when asked for.
 */
export function gitlabIdToken(): Quirk {
  return editIdToken({
    name: 'gitlab-id-token',
    description: 'ID token carries sub, sub_legacy, email, email_verified, groups_direct and auth_time only',
    edit(token, koa) {
      const { payload } = token;
      for (const name of Object.keys(payload)) if (!ID_TOKEN_CLAIMS.has(name)) delete payload[name];
      if (payload.auth_time === undefined) {
        const { AuthorizationCode, RefreshToken, DeviceCode } = koa.oidc.entities;
        const authTime = AuthorizationCode?.authTime ?? RefreshToken?.authTime ?? DeviceCode?.authTime;
        if (typeof authTime === 'number') payload.auth_time = authTime;
      }
    },
  });
}

/** Userinfo carries GitLab's claim set only; empty group-role lists are left out, as GitLab's `.presence` does. */
export function gitlabUserinfo(): Quirk {
  return reshapeResponse({
    name: 'gitlab-userinfo',
    description: "userinfo carries GitLab's claims and not groups_direct",
    routes: ['userinfo'],
    when: 'success',
    reshape(body) {
      for (const name of Object.keys(body)) {
        const value = body[name];
        if (!USERINFO_CLAIMS.has(name) || (Array.isArray(value) && value.length === 0 && name.startsWith('https://')))
          delete body[name];
      }
    },
  });
}

/**
 * GitLab's discovery document: public apps exist but `none` is not advertised,
 * PKCE plain is (the pkce-policy quirk turns it into S256 for oidc-provider),
 * and claims_supported is GitLab's list rather than every fixture claim.
 */
export function gitlabDiscovery(): Quirk {
  return reshapeResponse({
    name: 'gitlab-discovery',
    description: "discovery lists client_secret_basic/post, PKCE plain and S256, GitLab's claims",
    routes: ['/.well-known/openid-configuration'],
    when: 'success',
    reshape(body, koa) {
      const withoutNone = (value: unknown) => (Array.isArray(value) ? value.filter((m) => m !== 'none') : value);
      const next: Record<string, unknown> = { ...body };
      for (const field of [
        'token_endpoint_auth_methods_supported',
        'revocation_endpoint_auth_methods_supported',
        'introspection_endpoint_auth_methods_supported',
      ]) {
        if (field in next) next[field] = withoutNone(next[field]);
      }
      next.code_challenge_methods_supported = ['plain', 'S256'];
      next.claims_supported = ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', ...GITLAB_CLAIMS];
      koa.body = next;
    },
  });
}

/** GitLab signs with one RSA key (RS256 only), so its JWKS holds no EC key. */
export function gitlabJwks(): Quirk {
  return reshapeResponse({
    name: 'gitlab-jwks',
    description: 'JWKS publishes RSA keys only',
    routes: ['jwks'],
    when: 'success',
    reshape(body, koa) {
      if (Array.isArray(body.keys))
        koa.body = { ...body, keys: (body.keys as { kty?: string }[]).filter((k) => k.kty === 'RSA') };
    },
  });
}

/** Doorkeeper's revoke answers `{}` with 200 (RFC 7009 leaves the body empty). */
export function gitlabRevokeBody(): Quirk {
  return {
    name: 'gitlab-revoke-body',
    description: 'revocation answers 200 {}',
    middleware: (ctx) => async (koa, next) => {
      await next();
      if (koa.path === ctx.routes.revocation && koa.status === 200 && !koa.body) {
        koa.body = {};
        koa.status = 200;
      }
    },
  };
}
