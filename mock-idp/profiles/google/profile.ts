import { defineProfile } from '../../kernel/plugin-types.js';
import { pkcePolicy } from '../../quirks/pkce-policy.js';
import { googleDiscovery } from './discovery.js';
import { googleJwksCacheControl, googleV1Certs } from './keys.js';
import { googleRevoke } from './revoke.js';
import { googleTokenInfo } from './tokeninfo.js';
import {
  googleIdToken,
  googleOfflineAccess,
  googleTokenErrors,
  googleTokenResponse,
  googleUserinfoErrors,
} from './tokens.js';

/**
 * Google (accounts.google.com) as its discovery document describes it: authorization at
 * /o/oauth2/v2/auth, the token, revoke and device endpoints on oauth2.googleapis.com,
 * userinfo on openidconnect.googleapis.com, keys on www.googleapis.com both as a JWKS
 * (/oauth2/v3/certs) and as X.509 certificates (/oauth2/v1/certs, what google-auth-library
 * reads in Node). Under msw every one of those hosts reaches this issuer; `npm start`
 * serves the same paths under /google.
 *
 * A refresh token only with access_type=offline, at the first grant or with prompt=consent;
 * ID tokens with azp, hd for Workspace users and a boolean email_verified; the tokeninfo
 * endpoint; Google's error bodies. No end_session_endpoint: Google has none.
 */
export default defineProfile({
  name: 'google',
  title: 'Google',
  description:
    'Google accounts.google.com: googleapis.com endpoints, PEM certs at /oauth2/v1/certs, ' +
    'access_type=offline, tokeninfo',
  defaultPath: '/google',
  keySet: 'google',
  fixture: 'google',
  realHost: {
    host: 'accounts.google.com',
    aliases: ['oauth2.googleapis.com', 'openidconnect.googleapis.com', 'www.googleapis.com'],
    path: '/',
  },
  docs: [
    {
      ref: 'Google ID token iss',
      short: 'Google OIDC reference',
      url: 'https://developers.google.com/identity/openid-connect/reference',
    },
  ],
  defaultUser: '110248495921238986420',
  scopes: ['openid', 'email', 'profile'],
  claims: {
    // hd rides with openid: it is in every ID token of a Workspace user.
    openid: ['sub', 'hd'],
    profile: ['name', 'given_name', 'family_name', 'picture'],
    email: ['email', 'email_verified'],
  },
  providerConfig: () => ({
    routes: {
      authorization: '/o/oauth2/v2/auth',
      token: '/token',
      userinfo: '/v1/userinfo',
      jwks: '/oauth2/v3/certs',
      revocation: '/revoke',
      device_authorization: '/device/code',
      code_verification: '/device',
    },
    // Google's own authorization parameters, kept with the request so a login resumed after the login page still
    // has them.
    extraParams: ['access_type', 'approval_prompt', 'include_granted_scopes', 'hd', 'authuser'],
    // `none` lets installed apps without a secret (iOS, Android) reach the token endpoint; discovery does not list it.
    clientAuthMethods: ['client_secret_post', 'client_secret_basic', 'none'],
    responseTypes: ['code', 'id_token', 'code id_token', 'none'],
    enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
    ttl: { AccessToken: 3599, IdToken: 3600 },
    features: {
      // Google has no end_session_endpoint, PAR, introspection (tokeninfo stands in), back-channel logout or claims
      // parameter.
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      backchannelLogout: { enabled: false },
      resourceIndicators: { enabled: false },
      claimsParameter: { enabled: false },
      introspection: { enabled: false },
    },
  }),
  quirks: [
    googleDiscovery(),
    googleV1Certs(),
    googleJwksCacheControl(),
    googleTokenInfo(),
    googleRevoke(),
    googleTokenErrors(),
    googleUserinfoErrors(),
    googleOfflineAccess(),
    googleTokenResponse(),
    googleIdToken(),
    // PKCE is optional, plain or S256; a missing method means plain (RFC 7636 4.3).
    pkcePolicy({ methods: ['plain', 'S256'], missingMethod: 'plain' }),
  ],
});
