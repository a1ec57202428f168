import { defineProfile } from '../../kernel/plugin-types.js';
import { assertionAudience } from '../../quirks/assertion-audience.js';
import { offlineAccessWithoutConsent } from '../../quirks/offline-access-without-consent.js';
import { pkcePolicy } from '../../quirks/pkce-policy.js';
import { entraErrors } from './errors.js';
import { entraJwks, entraMetadata } from './metadata.js';
import { entraScopes } from './scopes.js';
import { HOME_TENANT } from './tenant.js';
import { entraAccessTokens, entraIdToken, entraLogoutHint, entraTokenResponse } from './tokens.js';

/**
 * Microsoft Entra ID's v2.0 endpoints for one tenant segment: common,
 * organizations, consumers or a tenant id. The mount path ends in the tenant
 * (/entra/common here, /<tenant id> at login.microsoftonline.com) and the
 * issuer adds /v2.0, as Entra's does: its endpoints sit beside the issuer, at
 * /{tenant}/oauth2/v2.0/… and /{tenant}/discovery/v2.0/keys.
 *
 * On common and organizations discovery names the issuer
 * https://login.microsoftonline.com/{tenantid}/v2.0, with the placeholder, and
 * each ID token names its user's tenant: the trap for clients that compare iss
 * to the document.
 */
export default defineProfile({
  name: 'entra',
  title: 'Microsoft Entra ID',
  description:
    'Entra ID v2.0 per tenant: the {tenantid} issuer on common, oid/tid claims, v1 Graph tokens, ' +
    'certificate credentials, AADSTS errors',
  issParameter: false,
  defaultPath: '/entra/common',
  issuerSuffix: '/v2.0',
  keySet: 'entra',
  fixture: 'entra',
  realHost: { host: 'login.microsoftonline.com', aliases: [], path: `/${HOME_TENANT}` },
  docs: [
    {
      ref: 'Entra OpenID Connect docs',
      short: 'Entra OIDC docs',
      url: 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc',
    },
  ],
  usernameClaim: 'preferred_username',
  defaultUser: 'AAAAAAAAAAAAAAAAAAAAAMq7nJ3x2Wf0t8sKqvYl1Ng',
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  claims: {
    openid: ['sub', 'tid'],
    profile: ['name', 'preferred_username', 'oid'],
    email: ['email'],
  },
  providerConfig: () => ({
    routes: {
      authorization: '/oauth2/v2.0/authorize',
      token: '/oauth2/v2.0/token',
      end_session: '/oauth2/v2.0/logout',
      jwks: '/discovery/v2.0/keys',
      device_authorization: '/oauth2/v2.0/devicecode',
      userinfo: '/oidc/userinfo',
    },
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_post', 'client_secret_basic', 'private_key_jwt', 'none'],
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256'],
      // Certificate credentials: RS256 with x5t (SHA-1), or PS256 with x5t#S256 as msal signs them now.
      clientAuthSigningAlgValues: ['RS256', 'PS256'],
    },
    ttl: { AccessToken: 3599, ClientCredentials: 3599, IdToken: 3600, AuthorizationCode: 600 },
    // A refresh token only for offline_access.
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    features: {
      // Entra has no introspection, revocation, PAR, or RFC 8707 resource parameter on v2.0.
      introspection: { enabled: false },
      revocation: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      resourceIndicators: { enabled: false },
      claimsParameter: { enabled: false },
      // Entra logs out front-channel only (frontchannel_logout_supported); it sends no logout tokens.
      backchannelLogout: { enabled: false },
    },
  }),
  quirks: [
    entraMetadata(),
    entraJwks(),
    // Outside the rejections below: each carries its AADSTS code, which this turns into Entra's body.
    entraErrors(),
    entraScopes(),
    assertionAudience({
      expected: (_ctx, tokenUrl) => tokenUrl,
      // The AADSTS number of this refusal is not published: 50027 (invalid JWT) is the nearest documented one.
      reject: (reason) => ({
        status: 401,
        body: { error: 'invalid_client', error_description: reason, aadsts: 50027 },
      }),
    }),
    // Entra takes plain as well as S256 (v2-oauth2-auth-code-flow: code_challenge_method).
    pkcePolicy({ methods: ['S256', 'plain'] }),
    entraTokenResponse(),
    offlineAccessWithoutConsent(),
    // Outside the access token quirk: at_hash is computed over the JWT access token.
    entraIdToken(),
    entraAccessTokens(),
    entraLogoutHint(),
  ],
});
