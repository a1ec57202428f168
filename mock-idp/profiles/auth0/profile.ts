import { defineProfile } from '../../kernel/plugin-types.js';
import { assertionAudience } from '../../quirks/assertion-audience.js';
import { errorShape } from '../../quirks/error-shape.js';
import { editIdToken } from '../../quirks/id-token.js';
import { offlineAccessWithoutConsent } from '../../quirks/offline-access-without-consent.js';
import { pkcePolicy } from '../../quirks/pkce-policy.js';
import { auth0AccessTokens, auth0Audience, auth0AudienceRequired } from './audience.js';
import { auth0Logout } from './logout.js';
import { auth0Metadata } from './metadata.js';

/**
 * An Auth0 tenant (https://{tenant}.auth0.com/): the issuer keeps its trailing
 * slash, endpoints are Auth0's (/authorize, /oauth/token, /userinfo,
 * /.well-known/jwks.json, /oauth/revoke, /oauth/device/code, /v2/logout), and
 * there is no introspection endpoint. The `audience` parameter picks an API:
 * without it the access token is opaque and good only at /userinfo; with it
 * the token is a JWT for that API. Refresh tokens (offline_access) rotate, and
 * reusing one revokes its family, as with Auth0's reuse detection.
 *
 * Token lifetimes are a new tenant's defaults; an issuer's `ttl` config still wins.
 */
export default defineProfile({
  name: 'auth0',
  title: 'Auth0',
  description: 'Auth0 tenant: issuer with a trailing slash, audience-selected JWT access tokens, /v2/logout',
  defaultPath: '/auth0/',
  keySet: 'auth0',
  fixture: 'auth0',
  realHost: { host: '{tenant}.auth0.com', aliases: [], path: '/' },
  usernameClaim: 'preferred_username',
  defaultUser: 'auth0|6543210fedcba98765432100',
  scopes: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'],
  providerConfig: () => ({
    routes: {
      authorization: '/authorize',
      token: '/oauth/token',
      userinfo: '/userinfo',
      jwks: '/.well-known/jwks.json',
      revocation: '/oauth/revoke',
      device_authorization: '/oauth/device/code',
      code_verification: '/activate',
      // Auth0's OIDC RP-initiated logout endpoint, served but not in discovery.
      end_session: '/oidc/logout',
      pushed_authorization_request: '/oauth/par',
      registration: '/oidc/register',
    },
    // Public clients (SPAs, native apps) authenticate with none, though discovery lists only the other three.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'RS384', 'PS256'] },
    responseTypes: ['code', 'id_token', 'code token', 'code id_token', 'id_token token', 'code id_token token'],
    extraParams: ['audience'],
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    features: { introspection: { enabled: false } },
    // API access tokens 24 h, ID tokens 10 h, rotating refresh tokens 30 days absolute.
    ttl: { AccessToken: 86400, ClientCredentials: 86400, IdToken: 36000, RefreshToken: 30 * 86400 },
  }),
  quirks: [
    auth0Metadata(),
    auth0Logout(),
    assertionAudience({
      expected: (ctx) => ctx.issuer,
      reject: (reason) => ({ status: 401, body: { error: 'invalid_client', error_description: reason } }),
    }),
    pkcePolicy({ methods: ['S256', 'plain'], missingMethod: 'plain' }),
    auth0AudienceRequired(),
    // Inside the rules above: only oidc-provider's refresh failures become Auth0's 403.
    errorShape({
      description: 'a dead refresh token gets 403 "Unknown or invalid refresh token."',
      routes: ['token'],
      map: (error, _status, koa) =>
        error.error === 'invalid_grant' && koa.oidc?.params?.grant_type === 'refresh_token'
          ? { status: 403, body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' } }
          : undefined,
    }),
    offlineAccessWithoutConsent(),
    auth0Audience(),
    // Outside the access token quirk, so its re-signature is the last one.
    editIdToken({
      name: 'auth0-id-token',
      description: 'ID tokens carry typ JWT, as Auth0 signs them',
      edit: (token) => {
        token.typ = 'JWT';
      },
    }),
    auth0AccessTokens(),
  ],
});
