import { defineProfile } from '../../kernel/plugin-types.js';
import { alwaysGzip } from '../../quirks/always-gzip.js';
import { commaScopes } from '../../quirks/comma-scopes.js';
import { scopeOptional } from '../../quirks/scope-optional.js';
import { API_PREFIX, stackexchangeApi } from './api.js';
import {
  stackexchangeAuthorize,
  stackexchangeEndpoints,
  stackexchangeTokenRequest,
  stackexchangeTokenResponse,
} from './oauth.js';

const NO_EXPIRY = 'no_expiry';
/** What a request without scope is granted: nothing beyond public data and /me. Never shown. */
const NO_SCOPE = 'mock_idp_no_scope';
// Tokens "never" expire with no_expiry; ten years keeps the store's TTL arithmetic finite.
const NO_EXPIRY_TTL = 10 * 365 * 24 * 3600;

/**
 * Stack Exchange (stackoverflow.com/oauth, api.stackexchange.com/2.3): plain
 * OAuth 2 without OpenID Connect. Authorization at /oauth with comma-separated
 * scopes and no response_type, a token request without grant_type answered
 * form-encoded (or JSON at /oauth/access_token/json), 1-day tokens unless
 * no_expiry, no refresh tokens, and an API that always gzips and reports every
 * error as HTTP 400. oidc-provider does the protocol work; the quirks bend its
 * requests and answers into that shape.
 */
export default defineProfile({
  name: 'stackexchange',
  title: 'Stack Exchange',
  description: 'Stack Exchange plain OAuth 2 (not OIDC): form-encoded token response, *() tokens, gzip-only API 2.3',
  discovery: false,
  issParameter: false,
  defaultPath: '/stackexchange',
  keySet: 'generic',
  fixture: 'stackexchange',
  realHost: { host: 'stackoverflow.com', aliases: ['api.stackexchange.com'], path: '/' },
  docs: [
    {
      ref: 'api.stackexchange.com/docs/authentication',
      short: 'Stack Exchange docs',
      url: 'https://api.stackexchange.com/docs/authentication',
    },
  ],
  defaultUser: '1165580',
  scopes: ['read_inbox', NO_EXPIRY, 'write_access', 'private_info', NO_SCOPE],
  providerConfig: () => ({
    routes: {
      authorization: '/oauth',
      token: '/oauth/access_token',
    },
    clientAuthMethods: ['client_secret_post'],
    responseTypes: ['code'],
    // The application's API key (fixtures/clients/stackexchange.json) lives on the client registration.
    extraClientMetadata: { properties: ['key'], validator: () => undefined },
    ttl: {
      AccessToken: (_ctx, token) => (token.scope?.split(' ').includes(NO_EXPIRY) ? NO_EXPIRY_TTL : 86400),
    },
    issueRefreshToken: async () => false,
    features: {
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      backchannelLogout: { enabled: false },
      resourceIndicators: { enabled: false },
      claimsParameter: { enabled: false },
      deviceFlow: { enabled: false },
      clientCredentials: { enabled: false },
      introspection: { enabled: false },
      revocation: { enabled: false },
      userinfo: { enabled: false },
    },
  }),
  quirks: [
    stackexchangeEndpoints({ apiPrefix: API_PREFIX }),
    stackexchangeTokenResponse({ noExpiryScope: NO_EXPIRY }),
    stackexchangeTokenRequest(),
    stackexchangeAuthorize(),
    commaScopes(),
    scopeOptional({ placeholder: NO_SCOPE }),
    alwaysGzip({ pathPrefix: API_PREFIX }),
    stackexchangeApi({ noExpiryScope: NO_EXPIRY, hiddenScopes: [NO_SCOPE] }),
  ],
});
