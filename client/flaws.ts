/**
 * Deliberate defects, for the conformance kit's flawed clients only
 * (fixtures/clients/flawed): each switches one protection of the reference
 * client off, so a test can prove the kit catches exactly that defect. Not
 * exported from `mock-idp/client`; the option is symbol-keyed so no config
 * file or spread of user options can turn one on.
 */
export type Flaw =
  | 'no-state-check'
  | 'no-nonce-check'
  | 'no-aud-check'
  | 'no-signature-check'
  | 'accept-alg-none'
  | 'hs256-with-jwks-key'
  | 'first-jwks-key'
  | 'no-time-checks'
  | 'jwks-cached-forever'
  | 'ignore-iss-param'
  | 'pkce-plain'
  | 'retry-code-redemption'
  | 'reuse-refresh-token'
  | 'no-userinfo-sub-check'
  | 'apple-user-every-login'
  | 'apple-string-booleans-truthy'
  | 'single-iss-form'
  | 'accept-error-with-status-200'
  | 'refresh-token-verified-with-jwks'
  | 'tenantid-literal'
  | 'tenantid-any-tenant'
  | 'keycloak-roles-any-client'
  | 'drop-login-hint'
  | 'follow-any-target-link'
  | 'no-logout-state-check'
  | 'no-checks-without-keys'
  | 'trusts-header-key-urls'
  /**
   * Not a defect: with no keys to be had, the ID token's signature goes unchecked (TLS stands in for it, as OIDC Core
   * 3.1.3.7 (6) allows a client of the token endpoint) and its claims are checked. The kit must not fail it.
   */
  | 'tls-without-keys';

export const FLAWS: unique symbol = Symbol('mock-idp.client.flaws');

/** A JWKS cache's keys as the provider lists them, with no selection: for the 'first-jwks-key' flaw only. */
export const LISTED: unique symbol = Symbol('mock-idp.client.jwks-listed');

/** A JWKS cache's own HTTP, for any URL: for the 'trusts-header-key-urls' flaw only. */
export const FETCH_ANY: unique symbol = Symbol('mock-idp.client.jwks-fetch-any');

export type Flaws = ReadonlySet<Flaw>;

export const NO_FLAWS: Flaws = new Set();
