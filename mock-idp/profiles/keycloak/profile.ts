import { defineProfile } from '../../kernel/plugin-types.js';
import { pkcePolicy } from '../../quirks/pkce-policy.js';
import { keycloakLogoutRules } from './logout.js';
import { keycloakMetadata, keycloakUserinfo } from './metadata.js';
import {
  keycloakAccessTokens,
  keycloakIdToken,
  keycloakRefreshRequest,
  keycloakTokenErrors,
  keycloakTokenResponse,
} from './tokens.js';

const OIDC = '/protocol/openid-connect';
const OFFLINE_TTL = 30 * 24 * 3600;

/**
 * A Keycloak realm (Keycloak 17+, Quarkus): the issuer is {base}/realms/{realm}
 * and the endpoints are under /protocol/openid-connect/. Access tokens are
 * RS256 JWTs with the realm and client roles, refresh tokens are HS512 JWTs
 * signed with a realm secret that no JWKS publishes, and logout follows
 * Keycloak 18+'s rules. One issuer is one realm: several realms are several
 * issuers, at /…/realms/<name> (the realm's name comes from that path). The
 * pre-17 /auth context path is only a matter of mounting at /…/auth/realms/<name>.
 */
export default defineProfile({
  name: 'keycloak',
  title: 'Keycloak',
  description:
    'a Keycloak realm: /protocol/openid-connect/ endpoints, role claims in JWT access tokens, HS512 refresh JWTs',
  defaultPath: '/keycloak/realms/demo',
  keySet: 'keycloak',
  fixture: 'keycloak',
  realHost: { host: 'keycloak.example.com', aliases: [], path: '/realms/demo' },
  usernameClaim: 'preferred_username',
  defaultUser: 'f3b2c1a0-7d4e-4c5b-9a8f-1e2d3c4b5a60',
  docs: [
    {
      ref: 'Keycloak refresh tokens',
      short: 'Keycloak refresh',
      url: 'https://github.com/keycloak/keycloak/issues/15390',
    },
    {
      ref: 'Keycloak AccessToken',
      short: 'Keycloak AccessToken',
      url: 'https://www.keycloak.org/docs-api/latest/javadocs/org/keycloak/representations/AccessToken.html',
    },
  ],
  scopes: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'roles', 'web-origins', 'acr', 'basic'],
  // Role claims belong to the roles scope, which Keycloak puts in access tokens only.
  claims: { roles: ['realm_access', 'resource_access'] },
  providerConfig: () => ({
    routes: {
      authorization: `${OIDC}/auth`,
      token: `${OIDC}/token`,
      userinfo: `${OIDC}/userinfo`,
      jwks: `${OIDC}/certs`,
      end_session: `${OIDC}/logout`,
      introspection: `${OIDC}/token/introspect`,
      revocation: `${OIDC}/revoke`,
      device_authorization: `${OIDC}/auth/device`,
      pushed_authorization_request: `${OIDC}/ext/par/request`,
      backchannel_authentication: `${OIDC}/ext/ciba/auth`,
      code_verification: `${OIDC}/device`,
      registration: '/clients-registrations/openid-connect',
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
    responseTypes: ['code', 'none', 'id_token', 'code id_token', 'id_token token', 'code token', 'code id_token token'],
    // Keycloak's defaults: 5-minute access tokens, a 30-minute SSO idle for refresh tokens.
    ttl: {
      AccessToken: 300,
      IdToken: 300,
      RefreshToken: (_ctx, token) => (token.scope?.split(' ').includes('offline_access') ? OFFLINE_TTL : 1800),
    },
    // A refresh token stays valid after use ("Revoke Refresh Token" is off by default).
    rotateRefreshToken: false,
  }),
  quirks: [
    keycloakMetadata(),
    keycloakUserinfo(),
    keycloakLogoutRules(),
    pkcePolicy({ methods: ['S256', 'plain'] }),
    keycloakRefreshRequest(),
    keycloakTokenErrors(),
    // Outermost of the three: it reads the session the access token quirk found.
    keycloakTokenResponse(),
    // Outside the access token quirk: at_hash is computed over the JWT access token.
    keycloakIdToken(),
    keycloakAccessTokens(),
  ],
});
