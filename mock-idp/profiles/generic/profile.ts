import { defineProfile } from '../../kernel/plugin-types.js';
import { pkcePolicy } from '../../quirks/pkce-policy.js';

/**
 * The standards-complete issuer: OpenID Connect Core, Discovery, RFC 7636 PKCE,
 * RFC 7662 introspection, RFC 7009 revocation, RFC 8628 device flow, RFC 9126 PAR,
 * RFC 9207 iss, RP-initiated and back-channel logout, HS256 ID tokens and signed
 * userinfo (OIDC Core 5.3.2) for clients that register them. No provider quirks.
 * It accepts the plain PKCE method RFC 7636 allows (while advertising S256
 * only), so a client that downgrades is observed doing it, not stopped.
 */
export default defineProfile({
  name: 'generic',
  title: 'Generic OpenID Connect',
  description: 'Standards-complete OpenID Connect provider, no vendor quirks',
  defaultPath: '/generic',
  keySet: 'generic',
  fixture: 'generic',
  usernameClaim: 'preferred_username',
  defaultUser: 'alice',
  scopes: ['openid', 'offline_access', 'profile', 'email', 'address', 'phone', 'api:read', 'api:write'],
  // oidc-provider's defaults plus HS256, which OIDC Core 10.1 keys with the client secret: clients that register it get
  // it.
  providerConfig: () => ({
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'PS256', 'ES256', 'Ed25519', 'EdDSA', 'HS256'] },
    // A client that registers userinfo_signed_response_alg gets userinfo as a JWT (rp-userinfo-sig).
    features: { jwtUserinfo: { enabled: true } },
  }),
  quirks: [pkcePolicy({ methods: ['S256', 'plain'], missingMethod: 'plain' })],
});
