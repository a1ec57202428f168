import { defineProfile } from '../../kernel/plugin-types.js';
import { commaScopes } from '../../quirks/comma-scopes.js';
import { pairedTokens } from '../../quirks/paired-tokens.js';
import { scopeOptional } from '../../quirks/scope-optional.js';
import { EMAILS_PATH, githubApi, USER_PATH } from './api.js';
import {
  githubAuthorize,
  githubDeviceSlowDown,
  githubEndpoints,
  githubTokenRequest,
  githubTokenResponse,
  isGithubApp,
} from './oauth.js';

/** What a request without scope is granted: public data only. Never shown. */
const NO_SCOPE = 'mock_idp_no_scope';
/** GitHub App user tokens: 8 hours; their refresh tokens: 6 months (both always these values). */
const APP_ACCESS_TTL = 28800;
const APP_REFRESH_TTL = 15811200;
// OAuth app tokens never expire; ten years keeps the store's TTL arithmetic finite.
const OAUTH_ACCESS_TTL = 10 * 365 * 24 * 3600;

/**
 * GitHub (github.com/login/oauth, api.github.com): an OAuth app or a GitHub
 * App's user authorization, plain OAuth 2 without OpenID Connect. The token
 * endpoint takes a form or JSON and answers a form unless Accept asks for
 * JSON, with every OAuth error as HTTP 200; granted scopes come back
 * comma-separated; OAuth apps get gho_ tokens that never expire, GitHub Apps
 * ghu_ tokens for 8 hours with rotating ghr_ refresh tokens; the device flow
 * polls with slow_down adding 5 s; PKCE (S256) is optional.
 */
export default defineProfile({
  name: 'github',
  title: 'GitHub',
  description: 'GitHub OAuth apps and GitHub App user tokens (not OIDC): 200-status errors, gho_/ghu_/ghr_ tokens',
  discovery: false,
  issParameter: false,
  defaultPath: '/github',
  keySet: 'generic',
  fixture: 'github',
  realHost: { host: 'github.com', aliases: ['api.github.com'], path: '/' },
  docs: [
    {
      ref: 'GitHub authorizing-oauth-apps',
      short: 'GitHub OAuth docs',
      url: 'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps',
    },
  ],
  defaultUser: '583231',
  scopes: [
    'repo',
    'repo:status',
    'public_repo',
    'read:org',
    'write:org',
    'admin:org',
    'gist',
    'notifications',
    'user',
    'read:user',
    'user:email',
    'user:follow',
    'workflow',
    'read:packages',
    'write:packages',
    'project',
    'read:project',
    'delete_repo',
    NO_SCOPE,
  ],
  providerConfig: () => ({
    routes: {
      authorization: '/login/oauth/authorize',
      token: '/login/oauth/access_token',
      device_authorization: '/login/device/code',
      code_verification: '/login/device',
    },
    clientAuthMethods: ['client_secret_post', 'client_secret_basic'],
    responseTypes: ['code'],
    // app_type: github_app marks a GitHub App (fixtures/clients/github.json); anything else is an OAuth app.
    extraClientMetadata: { properties: ['app_type'], validator: () => undefined },
    ttl: {
      AuthorizationCode: 600,
      DeviceCode: 900,
      AccessToken: (_ctx, _token, client) => (isGithubApp(client.metadata()) ? APP_ACCESS_TTL : OAUTH_ACCESS_TTL),
      RefreshToken: APP_REFRESH_TTL,
    },
    issueRefreshToken: async (_ctx, client) =>
      isGithubApp(client.metadata()) && client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    features: {
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      backchannelLogout: { enabled: false },
      resourceIndicators: { enabled: false },
      claimsParameter: { enabled: false },
      clientCredentials: { enabled: false },
      introspection: { enabled: false },
      revocation: { enabled: false },
      userinfo: { enabled: false },
    },
  }),
  quirks: [
    githubEndpoints({ apiPaths: [USER_PATH, EMAILS_PATH] }),
    githubTokenResponse({
      noScope: NO_SCOPE,
      appAccessTtl: APP_ACCESS_TTL,
      appRefreshTtl: APP_REFRESH_TTL,
      oauthAccessTtl: OAUTH_ACCESS_TTL,
    }),
    githubTokenRequest({ noScope: NO_SCOPE }),
    githubDeviceSlowDown(),
    githubAuthorize(),
    commaScopes(),
    scopeOptional({ placeholder: NO_SCOPE }),
    // A refresh retires the access token it replaces along with the refresh token.
    pairedTokens(),
    githubApi({ hiddenScopes: [NO_SCOPE] }),
  ],
});
