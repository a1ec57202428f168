import type { Quirk } from '../../kernel/plugin-types.js';
import { reshapeResponse } from '../../quirks/reshape-response.js';

/** Google's own issuer: at that host, each endpoint lives on the Google host that really serves it. */
export const GOOGLE_ISSUER = 'https://accounts.google.com';

/** The API hosts of Google's endpoints, by the endpoint's path on the issuer. */
const REAL_HOSTS: Readonly<Record<string, string>> = {
  '/token': 'https://oauth2.googleapis.com',
  '/revoke': 'https://oauth2.googleapis.com',
  '/device/code': 'https://oauth2.googleapis.com',
  '/v1/userinfo': 'https://openidconnect.googleapis.com',
  '/oauth2/v3/certs': 'https://www.googleapis.com',
};

/** The host serving `url`'s endpoint for Google itself; other issuers (npm start) keep their one origin. */
function onRealHost(url: unknown, issuer: string): unknown {
  if (typeof url !== 'string' || issuer !== GOOGLE_ISSUER) return url;
  const parsed = new URL(url);
  const host = REAL_HOSTS[parsed.pathname];
  return host ? `${host}${parsed.pathname}${parsed.search}` : url;
}

/**
 * https://accounts.google.com/.well-known/openid-configuration, field for field
 * (panva/wellknown issuers/google, 2024-10-26). `none` is accepted from clients without
 * a secret but not advertised, as Google does not; the response and grant types the mock
 * does not serve (implicit `token`, JWT bearer) are listed because Google lists them.
 */
export function googleDiscovery(): Quirk {
  return reshapeResponse({
    name: 'google-discovery',
    description: "discovery as Google publishes it, with each endpoint on its googleapis.com host at Google's issuer",
    routes: ['/.well-known/openid-configuration'],
    when: 'success',
    reshape(body, koa, ctx) {
      const at = (field: string) => onRealHost(body[field], ctx.issuer);
      koa.body = {
        issuer: body.issuer,
        authorization_endpoint: at('authorization_endpoint'),
        device_authorization_endpoint: at('device_authorization_endpoint'),
        token_endpoint: at('token_endpoint'),
        userinfo_endpoint: at('userinfo_endpoint'),
        revocation_endpoint: at('revocation_endpoint'),
        jwks_uri: at('jwks_uri'),
        response_types_supported: [
          'code',
          'token',
          'id_token',
          'code token',
          'code id_token',
          'token id_token',
          'code token id_token',
          'none',
        ],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'email', 'profile'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        claims_supported: [
          'aud',
          'email',
          'email_verified',
          'exp',
          'family_name',
          'given_name',
          'iat',
          'iss',
          'name',
          'picture',
          'sub',
        ],
        code_challenge_methods_supported: ['plain', 'S256'],
        grant_types_supported: [
          'authorization_code',
          'refresh_token',
          'urn:ietf:params:oauth:grant-type:device_code',
          'urn:ietf:params:oauth:grant-type:jwt-bearer',
        ],
      };
    },
  });
}
