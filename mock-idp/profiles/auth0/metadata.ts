import type { Quirk } from '../../kernel/plugin-types.js';
import { reshapeResponse } from '../../quirks/reshape-response.js';

// A tenant's published lists. Scopes named after claims (name, nickname...)
// are Auth0's legacy ones: accepted and ignored. response_types also lists
// "token" alone, which oidc-provider does not serve, so it is left out.
const SCOPES = [
  'openid',
  'profile',
  'offline_access',
  'name',
  'given_name',
  'family_name',
  'nickname',
  'email',
  'email_verified',
  'picture',
  'created_at',
  'identities',
  'phone',
  'address',
];
const RESPONSE_TYPES = ['code', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token'];
const CLAIMS = [
  'aud',
  'auth_time',
  'created_at',
  'email',
  'email_verified',
  'exp',
  'family_name',
  'given_name',
  'iat',
  'identities',
  'iss',
  'name',
  'nickname',
  'phone_number',
  'picture',
  'sub',
];
const ID_TOKEN_ALGS = ['HS256', 'RS256', 'PS256'];

/**
 * Discovery as an Auth0 tenant publishes it, in its field order: no
 * end_session_endpoint (logout is /v2/logout; the OIDC logout endpoint works
 * but is not advertised, as on a default tenant), no grant_types_supported,
 * PKCE plain and S256, and the three client authentication methods (public
 * clients use none all the same). mfa_challenge_endpoint is published but not
 * served; registration_endpoint is served when registration is enabled.
 */
export function auth0Metadata(): Quirk {
  return reshapeResponse({
    name: 'auth0-metadata',
    description: 'discovery shaped like an Auth0 tenant (no end_session_endpoint, no grant_types_supported)',
    routes: ['/.well-known/openid-configuration'],
    when: 'success',
    reshape(body, koa, ctx) {
      if (typeof body.token_endpoint !== 'string') return;
      const base = body.token_endpoint.slice(0, -ctx.routes.token.length);
      const algs = Array.isArray(body.id_token_signing_alg_values_supported)
        ? body.id_token_signing_alg_values_supported
        : [];
      const metadata: Record<string, unknown> = {
        issuer: body.issuer,
        authorization_endpoint: body.authorization_endpoint,
        token_endpoint: body.token_endpoint,
        device_authorization_endpoint: body.device_authorization_endpoint,
        userinfo_endpoint: body.userinfo_endpoint,
        mfa_challenge_endpoint: `${base}/mfa/challenge`,
        jwks_uri: body.jwks_uri,
        registration_endpoint: `${base}${ctx.routes.registration}`,
        revocation_endpoint: body.revocation_endpoint,
        scopes_supported: SCOPES,
        response_types_supported: RESPONSE_TYPES,
        code_challenge_methods_supported: ['S256', 'plain'],
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ID_TOKEN_ALGS.filter((alg) => algs.includes(alg)),
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
        claims_supported: CLAIMS,
        request_uri_parameter_supported: false,
        request_parameter_supported: false,
        token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'PS256'],
        backchannel_logout_supported: body.backchannel_logout_supported,
        backchannel_logout_session_supported: body.backchannel_logout_session_supported,
        pushed_authorization_request_endpoint: body.pushed_authorization_request_endpoint,
      };
      koa.body = Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined));
    },
  });
}
