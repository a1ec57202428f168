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
   * Stack Exchange (https://stackoverflow.com): plain OAuth 2 at /oauth and
   * /oauth/access_token, comma-separated scopes, a token request without
   * grant_type answered form-encoded, no PKCE, no ID token.
   */
  stackexchange: preset((baseUrl, options) => {
    const base = withoutTrailingSlash(baseUrl);
    return {
      endpoints: { issuer: base, authorization: `${base}/oauth`, token: `${base}/oauth/access_token` },
      protocol: 'oauth2',
      tokenRequest: 'no-grant-type',
      scopeSeparator: ',',
      scope: [],
      pkce: false,
      ...options,
    };
  }),
};

/**
 * The provider names, from the presets themselves: client/ knows no mock-idp code (a test checks they match its
 * profiles).
 */
export type PresetName = keyof typeof presets;
