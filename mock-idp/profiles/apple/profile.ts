import { defineProfile } from '../../kernel/plugin-types.js';
import { appleAuthorizationResponse, appleFormPostRequired } from './authorize.js';
import { appleClientSecret } from './client-secret.js';
import { appleDiscovery, appleJwks } from './metadata.js';
import { appleIdToken, appleTokenErrors, appleTokenResponse } from './tokens.js';

/**
 * Sign in with Apple (appleid.apple.com): /auth/authorize, /auth/token,
 * /auth/keys and /auth/revoke, no userinfo. The client secret is an ES256 JWT
 * signed with the developer's team key; name or email scopes need
 * response_mode=form_post; the name arrives once, in the `user` form field of
 * the first authorization; email_verified and is_private_email may be strings.
 */
export default defineProfile({
  name: 'apple',
  title: 'Sign in with Apple',
  description: 'Sign in with Apple: ES256 client-secret JWTs, form_post for name/email, user JSON on first login only',
  issParameter: false,
  defaultPath: '/apple',
  keySet: 'apple',
  fixture: 'apple',
  realHost: { host: 'appleid.apple.com', aliases: [], path: '/' },
  defaultUser: '001234.5c2f7d1e8a9b4c3d2e1f0a9b8c7d6e5f.1042',
  docs: [
    {
      ref: 'developer.apple.com/documentation/signinwithapplerestapi',
      short: 'Apple REST API',
      url: 'https://developer.apple.com/documentation/signinwithapplerestapi',
    },
    {
      ref: 'developer.apple.com/documentation/signinwithapplejs/useri',
      short: 'Apple UserI',
      url: 'https://developer.apple.com/documentation/signinwithapplejs/useri',
    },
    {
      ref: 'developer.apple.com/forums/thread/662175',
      short: 'Apple forums 662175',
      url: 'https://developer.apple.com/forums/thread/662175',
    },
  ],
  scopes: ['openid', 'email', 'name'],
  claims: {
    email: ['email', 'email_verified', 'is_private_email'],
    // Apple never releases the name as a claim: only in the first authorization's `user` field.
    name: [],
  },
  providerConfig: () => ({
    routes: {
      authorization: '/auth/authorize',
      token: '/auth/token',
      jwks: '/auth/keys',
      revocation: '/auth/revoke',
    },
    clientAuthMethods: ['client_secret_post'],
    responseTypes: ['code'],
    enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
    extraClientMetadata: { properties: ['team_id'], validator: () => undefined },
    // ID tokens from /auth/token live a day (exp - iat = 86400 in the tokens developers post, e.g. forums thread
    // 690339).
    ttl: { AccessToken: 3600, IdToken: 86400 },
    // Apple returns a refresh token with every authorization code, none on refresh.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: false,
    features: {
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      backchannelLogout: { enabled: false },
      resourceIndicators: { enabled: false },
      claimsParameter: { enabled: false },
      deviceFlow: { enabled: false },
      clientCredentials: { enabled: false },
      introspection: { enabled: false },
      revocation: { enabled: true },
    },
  }),
  quirks: [
    appleDiscovery(),
    appleJwks(),
    appleTokenErrors(),
    appleClientSecret(),
    appleFormPostRequired(),
    appleAuthorizationResponse(),
    appleTokenResponse(),
    appleIdToken(),
  ],
});
