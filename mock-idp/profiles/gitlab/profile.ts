import { defineProfile } from '../../kernel/plugin-types.js';
import { pairedTokens } from '../../quirks/paired-tokens.js';
import { pkcePolicy } from '../../quirks/pkce-policy.js';
import { queryTokenParams } from '../../quirks/query-token-params.js';
import { refreshReuse } from '../../quirks/refresh-reuse.js';
import { tokenResponse } from '../../quirks/token-response.js';
import { gitlabTokenInfo, gitlabUserApi } from './api.js';
import {
  GITLAB_CLAIMS,
  GITLAB_PROFILE_CLAIMS,
  gitlabDiscovery,
  gitlabIdToken,
  gitlabJwks,
  gitlabRevokeBody,
  gitlabUserinfo,
} from './oauth.js';

// Doorkeeper's wording (config/locales/doorkeeper.en.yml) for every dead grant.
const INVALID_GRANT = {
  error: 'invalid_grant',
  error_description:
    'The provided authorization grant is invalid, expired, revoked, does not match the ' +
    'redirection URI used in the authorization request, or was issued to another client.',
};

/**
 * GitLab.com: Doorkeeper plus doorkeeper-openid_connect (config/initializers/
 * doorkeeper.rb and doorkeeper_openid_connect.rb in gitlabhq). Access tokens
 * live 2 h, ID tokens 120 s; an access token and its refresh token are one
 * record, so a refresh or a revocation ends both.
 */
export default defineProfile({
  name: 'gitlab',
  title: 'GitLab',
  description:
    'GitLab.com (Doorkeeper): /oauth/* routes, 2 h tokens, 120 s ID tokens, rotating token pairs, /api/v4/user',
  defaultPath: '/gitlab',
  keySet: 'gitlab',
  fixture: 'gitlab',
  realHost: { host: 'gitlab.com', aliases: [], path: '/' },
  usernameClaim: 'preferred_username',
  defaultUser: '1234567',
  scopes: [
    'api',
    'read_api',
    'read_user',
    'create_runner',
    'manage_runner',
    'k8s_proxy',
    'read_repository',
    'write_repository',
    'read_registry',
    'write_registry',
    'read_virtual_registry',
    'write_virtual_registry',
    'sudo',
    'admin_mode',
    'read_service_ping',
    'ai_features',
    'openid',
    'profile',
    'email',
  ],
  claims: {
    // GitLab scopes every OIDC claim to openid; profile and email are newer scopes releasing their usual subsets.
    openid: ['sub', ...GITLAB_CLAIMS],
    profile: [...GITLAB_PROFILE_CLAIMS],
    email: ['email', 'email_verified'],
  },
  providerConfig: () => ({
    routes: {
      authorization: '/oauth/authorize',
      token: '/oauth/token',
      revocation: '/oauth/revoke',
      introspection: '/oauth/introspect',
      userinfo: '/oauth/userinfo',
      jwks: '/oauth/discovery/keys',
      device_authorization: '/oauth/authorize_device',
      code_verification: '/oauth/device',
    },
    // `none` must be enabled for public apps to reach the token endpoint; discovery hides it as GitLab's does.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    responseTypes: ['code'],
    enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
    ttl: { AccessToken: 7200, ClientCredentials: 7200, IdToken: 120 },
    features: {
      // GitLab has no end_session_endpoint: signing out of GitLab is its own business.
      rpInitiatedLogout: { enabled: false },
      // Nor PAR, back-channel logout or resource indicators (RFC 8707).
      pushedAuthorizationRequests: { enabled: false },
      backchannelLogout: { enabled: false },
      resourceIndicators: { enabled: false },
      claimsParameter: { enabled: false },
    },
  }),
  quirks: [
    // GitLab's docs show token requests with every parameter in the query string.
    queryTokenParams(['token', 'revocation', 'introspection']),
    gitlabDiscovery(),
    gitlabJwks(),
    tokenResponse({ tokenType: 'bearer', createdAt: true }),
    gitlabIdToken(),
    gitlabUserinfo(),
    gitlabRevokeBody(),
    pairedTokens(),
    // Doorkeeper refuses a used refresh token without revoking the pair that replaced it.
    refreshReuse({ revokeFamily: false, body: INVALID_GRANT }),
    // A missing code_challenge_method means plain (RFC 7636 4.3), which Doorkeeper accepts.
    pkcePolicy({ methods: ['plain', 'S256'], missingMethod: 'plain' }),
    gitlabUserApi(),
    gitlabTokenInfo(),
  ],
});
