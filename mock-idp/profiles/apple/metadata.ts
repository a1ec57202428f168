import type { Quirk } from '../../kernel/plugin-types.js';
import { reshapeResponse } from '../../quirks/reshape-response.js';

export const APPLE_CLAIMS = [
  'aud',
  'email',
  'email_verified',
  'exp',
  'iat',
  'is_private_email',
  'iss',
  'nonce',
  'nonce_supported',
  'real_user_status',
  'sub',
  'transfer_sub',
];

/**
 * Apple's discovery document, field for field as published at
 * https://appleid.apple.com/.well-known/openid-configuration: no userinfo,
 * client_secret_post only, pairwise subjects, and nothing oidc-provider adds
 * beyond it (no iss parameter support, no claims parameter, no PKCE methods).
 */
export function appleDiscovery(): Quirk {
  return reshapeResponse({
    name: 'apple-discovery',
    description: "discovery is Apple's published document: no userinfo, client_secret_post only",
    routes: ['/.well-known/openid-configuration'],
    when: 'success',
    reshape(body, koa) {
      koa.body = {
        issuer: body.issuer,
        authorization_endpoint: body.authorization_endpoint,
        token_endpoint: body.token_endpoint,
        revocation_endpoint: body.revocation_endpoint,
        jwks_uri: body.jwks_uri,
        response_types_supported: ['code'],
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'email', 'name'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
        claims_supported: APPLE_CLAIMS,
      };
    },
  });
}

/** Apple's JWKS holds RSA keys only (RS256, use sig). */
export function appleJwks(): Quirk {
  return reshapeResponse({
    name: 'apple-jwks',
    description: 'JWKS publishes RSA keys only',
    routes: ['jwks'],
    when: 'success',
    reshape(body, koa) {
      if (Array.isArray(body.keys))
        koa.body = { ...body, keys: (body.keys as { kty?: string }[]).filter((k) => k.kty === 'RSA') };
    },
  });
}
