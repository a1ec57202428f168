import type { FlowManagerOptions } from './flow-manager.js';
import { auth0Logout } from './logout.js';

/** Everything but where the provider is: the preset supplies that from its URL argument. */
export type PresetOptions = Omit<FlowManagerOptions, 'issuer' | 'endpoints'>;

export type Preset = (issuerOrBaseUrl: string, options: PresetOptions) => FlowManagerOptions;

/** Types one preset, so the presets' names come from the object's own keys. */
const preset = (build: Preset): Preset => build;

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * FlowManager options for the providers mock-idp imitates. Each takes the
 * provider's URL (the real one, or the mock's issuer) and the client's own
 * settings; anything in `options` overrides the preset.
 */
export const presets = {
  /** Standards-complete OpenID Connect (mock-idp /generic). */
  generic: preset((issuer, options) => ({
    issuer,
    assertionAudience: 'issuer',
    scope: ['openid', 'profile', 'email', 'offline_access'],
    ...options,
  })),

  /** Stitch (IdentityServer): assertions must name the token URL; a refresh token only with offline_access. */
  stitch: preset((issuer, options) => ({
    issuer,
    assertionAudience: 'token_endpoint',
    scope: ['openid', 'accounts', 'balances', 'transactions', 'offline_access'],
    ...options,
  })),

  /** An Okta authorization server (https://{domain}/oauth2/default): assertion aud is the endpoint invoked. */
  okta: preset((issuer, options) => ({
    issuer,
    assertionAudience: 'token_endpoint',
    scope: ['openid', 'profile', 'email', 'offline_access'],
    ...options,
  })),

  /**
   * GitLab (https://gitlab.com): client secrets only, 2-minute ID tokens, rotating refresh tokens, no logout endpoint.
   */
  gitlab: preset((issuer, options) => ({
    issuer,
    assertionAudience: 'token_endpoint',
    scope: ['openid', 'profile', 'email'],
    ...options,
  })),

  /**
   * An Auth0 tenant (https://{tenant}.auth0.com/, trailing slash included):
   * assertions name the issuer with its slash, logout is /v2/logout.
   */
  auth0: preset((issuer, options) => ({
    issuer,
    assertionAudience: 'issuer',
    scope: ['openid', 'profile', 'email', 'offline_access'],
    logoutUrl: auth0Logout,
    ...options,
  })),

  /**
   * Sign in with Apple (https://appleid.apple.com): name and email need form_post, and the client
   * secret is the ES256 JWT the developer signs with the team key: pass it as clientSecretPost(jwt).
   */
  apple: preset((issuer, options) => ({
    issuer: withoutTrailingSlash(issuer),
    scope: ['openid', 'email', 'name'],
    responseMode: 'form_post',
    ...options,
  })),

  /**
   * Google (https://accounts.google.com): client_secret_post, a refresh token only with
   * access_type=offline (prompt=consent gets one at every login, not just the first), and
   * ID tokens whose iss is the issuer with or without its https:// (both are Google's).
   */
  google: preset((issuer, options) => ({
    issuer,
    assertionAudience: 'token_endpoint',
    scope: ['openid', 'profile', 'email'],
    authorizationParams: { access_type: 'offline', prompt: 'consent' },
    idTokenIssuers: [issuer.replace(/^https?:\/\//, '')],
    ...options,
  })),

  /**
   * A Keycloak realm (https://{host}/realms/{realm}, or .../auth/realms/{realm}
   * before Keycloak 17): standard OIDC by discovery. Its refresh tokens are
   * HS512 JWTs for the server only: the client stores and sends them back, never
   * validates them.
   */
  keycloak: preset((issuer, options) => ({
    issuer,
    assertionAudience: 'issuer',
    scope: ['openid', 'profile', 'email'],
    ...options,
  })),

  /**
   * Microsoft Entra ID (https://login.microsoftonline.com/{tenant}/v2.0): assertions name the token URL,
   * the client secret goes in the body. On common and organizations the discovered issuer is
   * …/{tenantid}/v2.0, and each ID token's iss is checked with its own tid in that place.
   */
  entra: preset((issuer, options) => ({
    issuer,
    assertionAudience: 'token_endpoint',
    scope: ['openid', 'profile', 'email', 'offline_access'],
    ...options,
  })),

  /**
   * Stack Exchange (https://stackoverflow.com): plain OAuth 2 at /oauth and
   * /oauth/access_token, comma-separated scopes, a token request without
   * grant_type answered form-encoded, PKCE S256 (added in 2025), no ID token;
   * API calls carry the token as a bearer header.
   */
  stackexchange: preset((baseUrl, options) => {
    const base = withoutTrailingSlash(baseUrl);
    return {
      endpoints: { issuer: base, authorization: `${base}/oauth`, token: `${base}/oauth/access_token` },
      protocol: 'oauth2',
      tokenRequest: 'no-grant-type',
      scopeSeparator: ',',
      scope: [],
      ...options,
    };
  }),

  /**
   * GitHub (https://github.com): plain OAuth 2 at /login/oauth/authorize and
   * /login/oauth/access_token, no grant_type needed, a form-encoded token
   * response (JSON when asked), errors with HTTP 200, PKCE S256, no ID token.
   */
  github: preset((baseUrl, options) => {
    const base = withoutTrailingSlash(baseUrl);
    return {
      endpoints: {
        issuer: base,
        authorization: `${base}/login/oauth/authorize`,
        token: `${base}/login/oauth/access_token`,
      },
      protocol: 'oauth2',
      tokenRequest: 'no-grant-type',
      scope: ['read:user', 'user:email'],
      ...options,
    };
  }),
};

/**
 * The provider names, from the presets themselves: client/ knows no mock-idp code (a test checks they match its
 * profiles).
 */
export type PresetName = keyof typeof presets;
